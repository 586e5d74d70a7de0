/// What an image's layers hold, as far as the rules need: read from the layers themselves (`ImageContentsScanner`),
/// final filesystem after whiteouts, never a secret's value.
public struct ImageContents: Codable, Sendable, Equatable {
    /// Where the layers were read: `engine export`, `docker save archive FILE`, `OCI layout DIR`.
    public var source: String
    /// The layers, lowest first; findings name them by index.
    public var layers: [ImageLayer]
    /// Files with the setuid or setgid bit in the final filesystem.
    public var setuidFiles: [ContentsFile]
    /// Private keys and credential files: in the final filesystem, or (`deletedInLayer` set) removed by a later
    /// layer but still in the image.
    public var secretFiles: [SecretFile]
    /// Accounts of an `/etc/shadow` whose password field is empty (log in without a password).
    public var emptyPasswordAccounts: [ShadowAccount]
    /// `sshd` (or `dropbear`) binaries in the final filesystem.
    public var sshdFiles: [ContentsFile]
    /// Directories anyone may write to, without the sticky bit.
    public var worldWritableDirectories: [ContentsFile]
    /// The packages installed and the distribution, from the package databases in the final filesystem; nil in
    /// contents read before the inventory was (older snapshots).
    public var inventory: SoftwareInventory?
    /// Layers, or parts of them, that could not be read: the findings above may be incomplete.
    public var problems: [ContentsProblem]
    /// True when these contents come from the content cache (an earlier complete read of the same image id), not
    /// from reading the layers in this run; absent otherwise.
    public var cached: Bool?

    public init(source: String, layers: [ImageLayer] = [], setuidFiles: [ContentsFile] = [], secretFiles: [SecretFile] = [],
                emptyPasswordAccounts: [ShadowAccount] = [], sshdFiles: [ContentsFile] = [],
                worldWritableDirectories: [ContentsFile] = [], problems: [ContentsProblem] = []) {
        self.source = source
        self.layers = layers
        self.setuidFiles = setuidFiles
        self.secretFiles = secretFiles
        self.emptyPasswordAccounts = emptyPasswordAccounts
        self.sshdFiles = sshdFiles
        self.worldWritableDirectories = worldWritableDirectories
        self.problems = problems
    }

    /// `layer 2 (sha256:0123456789ab, RUN chmod u+s /bin/x)`.
    public func describeLayer(_ index: Int) -> String {
        guard layers.indices.contains(index) else { return "layer \(index + 1)" }
        let layer = layers[index]
        let digest = layer.digest.isEmpty ? "" : shortDigest(layer.digest)
        let made = layer.createdBy.map { ", " + String(compactInstruction($0).prefix(80)) } ?? ""
        return "layer \(index + 1) (\(digest)\(made))"
    }
}

public struct ImageLayer: Codable, Sendable, Equatable {
    /// `sha256:…` of the blob, or its path in a `docker save` archive.
    public var digest: String
    /// The history entry that made it, when known.
    public var createdBy: String?
    /// Entries read from its tar.
    public var entries: Int
    public init(digest: String, createdBy: String? = nil, entries: Int = 0) {
        self.digest = digest
        self.createdBy = createdBy
        self.entries = entries
    }
}

public struct ContentsFile: Codable, Sendable, Equatable {
    /// Absolute path in the image.
    public var path: String
    /// Permission bits, e.g. `4755` (octal, as text).
    public var mode: String
    public var uid: Int
    public var gid: Int
    /// Index into `ImageContents.layers` of the layer the file comes from.
    public var layer: Int
    public init(path: String, mode: String, uid: Int, gid: Int, layer: Int) {
        self.path = path
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.layer = layer
    }
}

public struct SecretFile: Codable, Sendable, Equatable {
    public var path: String
    /// `private key`, `AWS credentials`, `Docker registry credentials`, …
    public var kind: String
    public var layer: Int
    /// The first 8 hex digits of the file's SHA-256: identifies it, reveals nothing.
    public var fingerprint: String
    /// The later layer that deleted or replaced it; the content is still in `layer`.
    public var deletedInLayer: Int?
    public init(path: String, kind: String, layer: Int, fingerprint: String, deletedInLayer: Int? = nil) {
        self.path = path
        self.kind = kind
        self.layer = layer
        self.fingerprint = fingerprint
        self.deletedInLayer = deletedInLayer
    }
}

public struct ShadowAccount: Codable, Sendable, Equatable {
    public var path: String
    public var account: String
    public var layer: Int
    public init(path: String, account: String, layer: Int) {
        self.path = path
        self.account = account
        self.layer = layer
    }
}

public struct ContentsProblem: Codable, Sendable, Equatable {
    /// The layer's digest or path; empty for a problem with the image as a whole (a manifest that cannot be read).
    public var layer: String
    public var message: String
    public init(layer: String, message: String) {
        self.layer = layer
        self.message = message
    }

    public var description: String { layer.isEmpty ? message : "layer \(shortDigest(layer)): \(message)" }
}

/// `sha256:0123…` → `sha256:0123456789ab`; a path stays as it is.
func shortDigest(_ digest: String) -> String {
    digest.hasPrefix("sha256:") ? String(digest.prefix("sha256:".count + 12)) : digest
}

/// `/bin/sh -c #(nop)  ENV A=b` → `ENV A=b`; `/bin/sh -c chmod …` → `RUN chmod …`.
func compactInstruction(_ createdBy: String) -> String {
    HistoryInstruction(createdBy: createdBy)?.description ?? createdBy
}
