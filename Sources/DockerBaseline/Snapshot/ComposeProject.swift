/// A YAML value with the file and line it was written on (after merge keys, `extends`, overrides and `${VAR}`).
public struct YAMLNode: Sendable {
    public indirect enum Value: Sendable {
        /// `raw` is the text as written, before interpolation (a `${SECRET}` reference is not a literal).
        case scalar(String, raw: String, quoted: Bool)
        case mapping([Entry])
        case sequence([YAMLNode])
        case null
    }

    public struct Entry: Sendable {
        public var key: String
        public var keyRange: SourceRange
        public var value: YAMLNode
    }

    public var value: Value
    public var file: String
    public var range: SourceRange

    public subscript(key: String) -> YAMLNode? {
        guard case let .mapping(entries) = value else { return nil }
        return entries.last { $0.key == key }?.value
    }

    public func entry(_ key: String) -> Entry? {
        guard case let .mapping(entries) = value else { return nil }
        return entries.last { $0.key == key }
    }

    public var entries: [Entry] {
        if case let .mapping(entries) = value { return entries }
        return []
    }

    public var items: [YAMLNode] {
        if case let .sequence(items) = value { return items }
        return []
    }

    public var string: String? {
        if case let .scalar(text, _, _) = value { return text }
        return nil
    }

    public var raw: String? {
        if case let .scalar(_, raw, _) = value { return raw }
        return nil
    }

    /// Compose accepts `true`, `"true"`, `yes`, `on` (any case) as true.
    public var bool: Bool? {
        guard let text = string?.lowercased() else { return nil }
        if ["true", "yes", "on", "y", "1"].contains(text) { return true }
        if ["false", "no", "off", "n", "0"].contains(text) { return false }
        return nil
    }

    /// A scalar, or the scalars of a sequence (`cap_add: ALL` and `cap_add: [ALL]`).
    public var strings: [String] {
        if let string { return [string] }
        return items.compactMap(\.string)
    }

    /// `deploy.resources.limits.memory` and the like.
    public func value(at path: String) -> YAMLNode? {
        var current: YAMLNode? = self
        for part in path.split(separator: ".") { current = current?[String(part)] }
        return current
    }

    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }
}

/// A Compose project: a file with its overrides, services merged as `docker compose config` would merge them.
public struct ComposeProject: Sendable {
    /// The file linted; overrides and `extends` files are named in each node.
    public var path: String
    public var files: [String]
    public var services: [ComposeService]
    /// Inline-ignore comments (`# docker-baseline …`) by file and line.
    public var comments: [String: [Int: String]]
    /// For each of those comments, by file and line, the first line after it that is not a whole-line comment.
    public var commentBlockEnds: [String: [Int: Int]] = [:]
    public var problems: [FileProblem]
}

public struct ComposeService: Sendable {
    public var name: String
    /// Where the service's name is written: findings about a missing key point here.
    public var file: String
    public var range: SourceRange
    public var node: YAMLNode
    /// Seccomp profiles `security_opt` names as files, by the name written, as the loader read them.
    public var seccompProfiles: [String: SeccompProfileText] = [:]

    public subscript(key: String) -> YAMLNode? { node[key] }

    /// `deploy.resources.limits.memory` and the like.
    public func value(at path: String) -> YAMLNode? { node.value(at: path) }
}
