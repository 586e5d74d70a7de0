import Foundation

/// Reads the host's files below a root directory (`/`, or e.g. `/host` when the host is mounted into a container).
/// Every host read goes through here, so tests can build a fake host in a temporary directory.
public struct HostFiles: Sendable {
    public var root: String

    public init(root: String = "/") {
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.root = trimmed.isEmpty ? "/" : trimmed
    }

    /// The real path of a host path.
    public func real(_ path: String) -> String {
        root == "/" ? path : root + (path.hasPrefix("/") ? path : "/" + path)
    }

    public func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: real(path)).map { String(decoding: $0, as: UTF8.self) }
    }

    public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: real(path)) }

    public func list(_ directory: String) -> [String]? { try? FileManager.default.contentsOfDirectory(atPath: real(directory)) }

    /// The target of a symlink, as the host sees it.
    public func readLink(_ path: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: real(path)) }

    /// Lines of a text file without comments and blank lines.
    public func meaningfulLines(_ path: String) -> [String]? {
        read(path)?.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// The first of `directories` (host paths) holding an executable called `name`.
    public func which(_ name: String, in directories: [String] = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"]) -> String? {
        directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: real($0)) }
    }

    /// Owner, group and mode of `path`, following a final symlink as the benchmark's `stat` does.
    public func facts(_ path: String, role: FileRole, users: [Int: String], groups: [Int: String]) -> FileFacts {
        var info = stat()
        guard stat(real(path), &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return FileFacts(path: path, role: role, exists: false) }
            return FileFacts(path: path, role: role, exists: true, error: String(cString: strerror(errno)))
        }
        let type: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: type = "file"
        case S_IFDIR: type = "directory"
        case S_IFSOCK: type = "socket"
        default: type = "other"
        }
        let uid = Int(info.st_uid), gid = Int(info.st_gid)
        return FileFacts(path: path, role: role, exists: true, type: type, mode: Int(info.st_mode & 0o7777), uid: uid, gid: gid,
                         owner: users[uid], group: groups[gid])
    }

    /// The host's accounts (not this process's namespace's), from /etc/passwd and /etc/group, read once.
    public struct Accounts {
        /// Fields of each line; nil when the file could not be read.
        public var passwd: [[Substring]]?
        public var group: [[Substring]]?

        /// uid → user name, gid → group name.
        public var users: [Int: String] { Self.names(passwd) }
        public var groups: [Int: String] { Self.names(group) }

        private static func names(_ lines: [[Substring]]?) -> [Int: String] {
            var names: [Int: String] = [:]
            for fields in lines ?? [] where fields.count > 2 {
                if let id = Int(fields[2]), names[id] == nil { names[id] = String(fields[0]) }
            }
            return names
        }
    }

    public func accounts() -> Accounts {
        func fields(_ path: String) -> [[Substring]]? {
            meaningfulLines(path)?.map { $0.split(separator: ":", omittingEmptySubsequences: false) }
        }
        return Accounts(passwd: fields("/etc/passwd"), group: fields("/etc/group"))
    }

    /// uid → name and gid → name.
    public func accountNames() -> (users: [Int: String], groups: [Int: String]) {
        let accounts = accounts()
        return (accounts.users, accounts.groups)
    }
}
