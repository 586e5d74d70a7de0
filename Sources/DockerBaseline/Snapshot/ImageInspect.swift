/// The parts of `GET /images/{id}/json` the rules judge.
public struct ImageInspect: Codable, Sendable, Equatable {
    public var id: String
    public var repoTags: [String]?
    public var repoDigests: [String]?
    public var created: String?
    public var config: ContainerConfig?
    public var os: String?
    public var architecture: String?
    public var size: Int64?

    enum CodingKeys: String, CodingKey {
        case id = "Id", repoTags = "RepoTags", repoDigests = "RepoDigests", created = "Created", config = "Config"
        case os = "Os", architecture = "Architecture", size = "Size"
    }

    /// Tags other than the engine's `<none>:<none>` placeholder.
    public var tags: [String] { (repoTags ?? []).filter { $0 != "<none>:<none>" } }

    /// The first `repository:tag`, else the short id.
    public var displayName: String { tags.first ?? shortImageID(id) }

    public var isDangling: Bool { tags.isEmpty }
}

/// One entry of `GET /images/{id}/history`, newest first as the engine returns them.
public struct ImageHistoryEntry: Codable, Sendable, Equatable {
    public var id: String?
    public var created: Int64?
    public var createdBy: String?
    public var comment: String?
    public var size: Int64?
    enum CodingKeys: String, CodingKey {
        case id = "Id", created = "Created", createdBy = "CreatedBy", comment = "Comment", size = "Size"
    }
}

/// `sha256:0123456789ab…` → `0123456789ab`.
public func shortImageID(_ id: String) -> String {
    let hex = id.hasPrefix("sha256:") ? id.dropFirst("sha256:".count) : Substring(id)
    return String(hex.prefix(12))
}
