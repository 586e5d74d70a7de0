import Foundation

/// What one layer's tar says, reduced to what the rules need. Per path only a 64-bit hash is kept (to know what this
/// layer hides of the layers below); details are kept only for the few entries of interest.
struct LayerFacts: Sendable {
    var entries = 0
    /// Every path the layer has: it replaces whatever lower layers had there.
    var paths = Set<UInt64>()
    /// Paths that are not directories here: lower layers' files beneath them are hidden.
    var nonDirectories = Set<UInt64>()
    /// Paths deleted by `.wh.NAME` files.
    var whiteouts = Set<UInt64>()
    /// Directories whose lower contents are hidden (`.wh..wh..opq`).
    var opaqueDirectories = Set<UInt64>()
    var setuid: [ScannedFile] = []
    var worldWritable: [ScannedFile] = []
    var sshd: [ScannedFile] = []
    var secrets: [ScannedSecret] = []
    var shadowEmpty: [(path: String, account: String)] = []
    /// Symbolic links, in the layer's order: a later entry (here or in a higher layer) written through one lands
    /// where the link points (`x -> /root/.aws`, then `x/credentials`).
    var symlinks: [ScannedLink] = []
    /// Package databases, os-release and language manifests, parsed as they streamed by.
    var inventory: [ScannedInventoryFile] = []
    var problems: [String] = []
}

struct ScannedInventoryFile: Sendable, Equatable {
    /// Absolute path, as the entry names it (resolved through links when the image is put together).
    var path: String
    var content: InventoryFileContent
}

struct ScannedLink: Sendable, Equatable {
    /// Without the leading slash, like every path the scanner keeps apart from findings.
    var path: String
    /// As the entry says: absolute, or relative to the link's directory.
    var target: String
}

struct ScannedFile: Sendable, Equatable {
    var path: String
    var mode: UInt32
    var uid: Int
    var gid: Int
}

struct ScannedSecret: Sendable, Equatable {
    var path: String
    var kind: String
    var fingerprint: String
}

/// FNV-1a, 64 bits: a stable, cheap key for paths (a collision could only make a lower-layer finding look replaced).
func pathHash(_ path: String) -> UInt64 {
    path.utf8.reduce(pathHashSeed, pathHashStep)
}

/// FNV-1a's start and step, for hashing a path while walking it (`a`, then `a/b` from `a`'s hash).
let pathHashSeed: UInt64 = 0xcbf29ce484222325

func pathHashStep(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
    (hash ^ UInt64(byte)) &* 0x100000001b3
}

/// Reads one layer's tar entries (a `TarSink`) into `LayerFacts`.
final class LayerScanner: TarSink {
    /// Candidate files by name are read up to this much; other small files only their first bytes, for key headers.
    static let candidateLimit = 64 << 10
    static let peekLimit = 4 << 10
    static let problemLimit = 20
    /// A hostile layer could hold millions of setuid files: each list keeps this many, then says it stopped.
    static let listLimit = 5000
    /// Symbolic links kept per layer to resolve paths through; a real layer has a few thousand.
    static let symlinkLimit = 50_000

    private(set) var facts = LayerFacts()
    private let budget: ReadBudget
    /// The entry being read, when its content matters.
    private var current: (path: String, kind: CandidateKind?, size: Int64)?
    private var head: [UInt8] = []
    private var hash: SHA256?
    /// Hard-link targets in this layer that were found to be secrets, by path.
    private var secretByPath: [String: ScannedSecret] = [:]
    private var setuidByPath: [String: ScannedFile] = [:]
    /// The inventory file being read, and its bytes so far (nil once it is over its limit).
    private var inventoryFile: (path: String, kind: InventoryFileKind, bytes: [UInt8]?)?
    /// An executable being searched for Go build information.
    private var goBinary: (path: String, search: GoBuildInfoSearch)?

    init(budget: ReadBudget = ReadBudget()) { self.budget = budget }

    func start(_ entry: TarEntry) throws {
        try budget.spendEntry()
        facts.entries += 1
        current = nil
        inventoryFile = nil
        goBinary = nil
        guard let path = normalize(entry.path) else { return }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let parent = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : ""
        if name.hasPrefix(".wh.") {
            if name == ".wh..wh..opq" {
                facts.opaqueDirectories.insert(pathHash(parent))
            } else {
                let deleted = (parent.isEmpty ? "" : parent + "/") + name.dropFirst(".wh.".count)
                facts.whiteouts.insert(pathHash(deleted))
            }
            return
        }
        let hash = pathHash(path)
        facts.paths.insert(hash)
        if entry.kind != .directory { facts.nonDirectories.insert(hash) }
        let file = ScannedFile(path: "/" + path, mode: entry.mode, uid: entry.uid, gid: entry.gid)
        switch entry.kind {
        case .directory:
            if entry.mode & 0o002 != 0 && entry.mode & 0o1000 == 0, capped(facts.worldWritable.count, "world-writable directories") {
                facts.worldWritable.append(file)
            }
        case .file, .hardLink:
            var file = file
            if entry.kind == .hardLink, let target = normalize(entry.linkName, isLinkTarget: true) {
                // A hard link shares its target's inode: its mode and content are the target's.
                if let setuid = setuidByPath["/" + target] { file.mode = setuid.mode }
                if let secret = secretByPath["/" + target] {
                    facts.secrets.append(ScannedSecret(path: file.path, kind: secret.kind, fingerprint: secret.fingerprint))
                }
            }
            if file.mode & 0o6000 != 0, capped(facts.setuid.count, "setuid/setgid files") {
                facts.setuid.append(file)
                setuidByPath[file.path] = file
            }
            if name == "sshd" || name == "dropbear" { facts.sshd.append(file) }
            if entry.kind == .file, let kind = InventoryFileKind.of(path: path, name: name) {
                if case .unreadable = kind {
                    facts.inventory.append(ScannedInventoryFile(path: file.path, content: PackageDatabases.parse(kind, bytes: [], path: file.path)))
                } else if entry.size > kind.limit && !kind.readsPrefix {
                    facts.inventory.append(ScannedInventoryFile(path: file.path, content: .unread(
                        "\(file.path): \(formatBytes(entry.size)), larger than the \(formatBytes(Int64(kind.limit))) read")))
                } else {
                    inventoryFile = (file.path, kind, [])
                }
            }
            if entry.kind == .file && entry.mode & 0o111 != 0 && entry.size > 64 && inventoryFile == nil {
                goBinary = (file.path, GoBuildInfoSearch())
            }
            if entry.kind == .file && entry.size > 0 {
                current = (file.path, candidateKind(path: path, name: name), entry.size)
                head.removeAll(keepingCapacity: true)
                self.hash = nil
            }
        case .symlink:
            if name == "sshd" || name == "dropbear" { facts.sshd.append(file) }
            if !entry.linkName.isEmpty {
                if facts.symlinks.count < Self.symlinkLimit {
                    facts.symlinks.append(ScannedLink(path: path, target: entry.linkName))
                } else if facts.symlinks.count == Self.symlinkLimit {
                    facts.symlinks.append(ScannedLink(path: path, target: entry.linkName))
                    problem("more than \(Self.symlinkLimit) symbolic links; paths written through the rest are not resolved")
                }
            }
        default:
            break
        }
    }

    func data(_ bytes: UnsafeRawBufferPointer) throws {
        if var binary = goBinary {
            goBinary = nil // no copy of what it keeps while it grows
            binary.search.feed(bytes)
            if case .notGo = binary.search.state {} else { goBinary = binary }
        }
        if let file = inventoryFile, var kept = file.bytes {
            inventoryFile = nil // no copy of the buffer while it grows
            kept.append(contentsOf: bytes.prefix(file.kind.limit - kept.count))
            inventoryFile = (file.path, file.kind, kept)
        }
        guard let entry = current else { return }
        let limit = entry.kind == nil ? Self.peekLimit : Self.candidateLimit
        var rest = bytes
        if head.count < limit {
            let take = min(limit - head.count, bytes.count)
            head.append(contentsOf: bytes.prefix(take))
            rest = UnsafeRawBufferPointer(rebasing: bytes[take...])
            if head.count == limit && entry.kind == nil && !Self.hasPrivateKeyHeader(head) {
                current = nil // an ordinary file: nothing more to read
                return
            }
            if head.count == limit && entry.kind != .shadow && judge(kind: entry.kind, head: head).isEmpty {
                current = nil // judged from its first bytes, and no secret: the rest needs no fingerprint
                return
            }
        }
        if !rest.isEmpty {
            // Longer than what is kept: the fingerprint covers the whole file, hashed as it streams.
            if hash == nil {
                var sha = SHA256()
                sha.update(head)
                hash = sha
            }
            hash!.update(rest)
        }
    }

    func finish() throws {
        if let file = inventoryFile, let bytes = file.bytes {
            facts.inventory.append(ScannedInventoryFile(path: file.path, content: PackageDatabases.parse(file.kind, bytes: bytes, path: file.path)))
        }
        inventoryFile = nil
        if let binary = goBinary, let packages = binary.search.packages(path: binary.path), !packages.isEmpty {
            facts.inventory.append(ScannedInventoryFile(path: binary.path, content: .packages(packages)))
        }
        goBinary = nil
        defer { current = nil; hash = nil }
        guard let entry = current else { return }
        if entry.kind == .shadow {
            for account in Self.emptyPasswordAccounts(head) { facts.shadowEmpty.append((entry.path, account)) }
        }
        let found = judge(kind: entry.kind, head: head)
        guard !found.isEmpty else { return }
        var sha = hash ?? { var whole = SHA256(); whole.update(head); return whole }()
        let fingerprint = sha.finalize().prefix(4).map { String(format: "%02x", $0) }.joined()
        for kind in found where capped(facts.secrets.count, "secret files") {
            let secret = ScannedSecret(path: entry.path, kind: kind, fingerprint: fingerprint)
            facts.secrets.append(secret)
            secretByPath[entry.path] = secret
        }
    }

    /// Whether a list may grow; at the limit, says once that the layer's list was cut.
    private func capped(_ count: Int, _ what: String) -> Bool {
        if count == Self.listLimit { problem("more than \(Self.listLimit) \(what); the rest are not listed") }
        return count < Self.listLimit
    }

    func problem(_ message: String) {
        if facts.problems.count < Self.problemLimit { facts.problems.append(message) }
        else if facts.problems.count == Self.problemLimit { facts.problems.append("more problems not shown") }
    }

    /// `./etc/passwd` → `etc/passwd`. Names that climb out of the root or are absolute are hostile: a problem, skipped.
    private func normalize(_ raw: String, isLinkTarget: Bool = false) -> String? {
        if isLinkTarget {
            // Only looked up among this layer's entries; a strange target just matches nothing.
            return raw.split(separator: "/").filter { $0 != "." && $0 != ".." }.joined(separator: "/")
        }
        if raw.hasPrefix("/") {
            problem("entry \(String(raw.prefix(200)).debugDescription) has an absolute path")
            return nil
        }
        var parts: [Substring] = []
        for part in raw.split(separator: "/") where part != "." {
            if part == ".." {
                problem("entry \(String(raw.prefix(200)).debugDescription) climbs out of the root with ..")
                return nil
            }
            parts.append(part)
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    enum CandidateKind: Equatable {
        case privateKeyName, keyFile, awsCredentials, dockerConfig, npmrc, gitCredentials, netrc, dotenv, shadow
    }

    private func candidateKind(path: String, name: String) -> CandidateKind? {
        if SecretScanner.privateKeyFileNames.contains(name) { return .privateKeyName }
        switch name {
        case ".npmrc": return .npmrc
        case ".git-credentials": return .gitCredentials
        case ".netrc", "_netrc": return .netrc
        default: break
        }
        // By name only, wherever they are: a directory on the way may be a symbolic link (`x -> /root/.aws`, then
        // `x/credentials`), which only the image's layers together resolve. The contents decide; `ImageContentsBuilder`
        // keeps a shadow file only when its real path is /etc/shadow.
        if name == "shadow" { return .shadow }
        if name == "credentials" { return .awsCredentials }
        if name == "config.json" { return .dockerConfig }
        if SecretScanner.isDotenvName(name) { return .dotenv }
        if name.hasSuffix(".pem") || name.hasSuffix(".key") { return .keyFile }
        return nil
    }

    private static let keyNeedle = Array("PRIVATE KEY-----".utf8)
    private static let beginMarker = Array("-----BEGIN ".utf8)

    /// `-----BEGIN … PRIVATE KEY-----` (RSA, EC, DSA, OPENSSH, ENCRYPTED, plain PKCS#8) anywhere in the bytes.
    static func hasPrivateKeyHeader(_ bytes: [UInt8]) -> Bool {
        let needle = keyNeedle
        guard bytes.count >= needle.count else { return false }
        var index = 0
        let last = bytes.count - needle.count
        while index <= last {
            guard let found = bytes[index...last].firstIndex(of: needle[0]) else { return false }
            if bytes[found..<(found + needle.count)].elementsEqual(needle) {
                let lineStart = bytes[..<found].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                if bytes[lineStart..<found].starts(with: beginMarker) { return true }
            }
            index = found + 1
        }
        return false
    }

    /// The kinds of secret a candidate file holds, judged from its first bytes.
    private func judge(kind: CandidateKind?, head: [UInt8]) -> [String] {
        if Self.hasPrivateKeyHeader(head) { return ["private key"] }
        guard let kind, kind != .keyFile, kind != .shadow else { return [] }
        let text = String(decoding: head, as: UTF8.self)
        switch kind {
        case .keyFile, .shadow: return []
        case .privateKeyName: return ["private key (by name)"]
        case .awsCredentials:
            return text.range(of: "aws_secret_access_key|aws_session_token", options: [.regularExpression, .caseInsensitive]) != nil ? ["AWS credentials"] : []
        case .dockerConfig:
            return Self.dockerConfigHasAuths(head) ? ["Docker registry credentials"] : []
        case .npmrc:
            return text.range(of: "(_authToken|_auth|_password)\\s*=\\s*[^\\s$]", options: .regularExpression) != nil ? ["npm token"] : []
        case .gitCredentials:
            return text.range(of: "[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@", options: .regularExpression) != nil ? ["Git credentials"] : []
        case .netrc:
            return text.range(of: "(^|\\s)password\\s+\\S", options: .regularExpression) != nil ? ["netrc password"] : []
        case .dotenv:
            let secret = text.split(whereSeparator: \.isNewline).contains { line in
                var line = line.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
                guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { return false }
                return SecretScanner.judgeAssignment(name: String(line[..<equals]), value: String(line[line.index(after: equals)...])) != nil
            }
            return secret ? ["environment file with secrets"] : []
        }
    }

    /// `.docker/config.json` with an `auths` entry carrying `auth`, `password` or `identitytoken`.
    static func dockerConfigHasAuths(_ bytes: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let auths = object["auths"] as? [String: Any] else { return false }
        return auths.values.contains { entry in
            guard let entry = entry as? [String: Any] else { return false }
            return ["auth", "password", "identitytoken", "registrytoken"].contains { ((entry[$0] as? String) ?? "").isEmpty == false }
        }
    }

    /// Accounts of a shadow file whose password field is empty.
    static func emptyPasswordAccounts(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 2, !fields[0].isEmpty, fields[1].isEmpty else { return nil }
            return String(fields[0])
        }
    }
}
