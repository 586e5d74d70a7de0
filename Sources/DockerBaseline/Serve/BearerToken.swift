import Foundation

/// The token `serve` asks for (`Authorization: Bearer …`), read from a file only its owner can read.
public struct BearerToken: Sendable {
    private let digest: [UInt8]

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ token: String) {
        digest = Self.hash(token)
    }

    /// The token in `path` (surrounding whitespace dropped). Refused: a file others can read or write (the token would
    /// be theirs too), an empty one, one over 4 KiB.
    public static func load(_ path: String) throws -> BearerToken {
        var info = stat()
        guard stat(path, &info) == 0 else { throw LoadError(description: "cannot read the token file \(path): \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw LoadError(description: "the token file \(path) is not a regular file") }
        if info.st_mode & 0o077 != 0 {
            throw LoadError(description: "the token file \(path) can be read by group or others (mode \(String(info.st_mode & 0o777, radix: 8))): run chmod 600 \(path)")
        }
        guard info.st_size <= 4096 else { throw LoadError(description: "the token file \(path) is over 4 KiB: it should hold one token") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LoadError(description: "cannot read the token file \(path): \((error as NSError).localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw LoadError(description: "the token file \(path) holds no token")
        }
        guard text.count >= 16 else { throw LoadError(description: "the token in \(path) is shorter than 16 characters: use e.g. `openssl rand -hex 32`") }
        return BearerToken(text)
    }

    /// Whether an `Authorization` header value carries this token. Both sides are hashed first, so the comparison
    /// takes the same time whatever the offered value, its length included.
    public func accepts(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let prefix = "bearer "
        guard authorization.count > prefix.count, authorization.prefix(prefix.count).lowercased() == prefix else { return false }
        let offered = Self.hash(String(authorization.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces))
        var difference: UInt8 = 0
        for (a, b) in zip(offered, digest) { difference |= a ^ b }
        return difference == 0
    }

    private static func hash(_ text: String) -> [UInt8] {
        var sha = SHA256()
        sha.update(Array(text.utf8))
        return sha.finalize()
    }
}
