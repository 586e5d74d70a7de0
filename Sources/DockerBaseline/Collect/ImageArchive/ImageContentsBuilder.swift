/// One layer as read, in the image's order.
struct ScannedLayer {
    var digest: String
    var createdBy: String?
    var facts: LayerFacts?
    /// Why the layer (or part of it) could not be read.
    var error: String?
}

/// Turns per-layer facts into the final filesystem's view: applies each layer's whiteouts, opaque directories and
/// replacements to what the layers below it left, and notes secrets a later layer removed (they stay in the image).
///
/// Linear in the layers' entries and findings: what lower layers left is indexed by path and by every ancestor
/// directory, so a layer looks up only what its own entries hide instead of testing everything found so far.
enum ImageContentsBuilder {
    /// Symbolic links kept for the whole image, to resolve paths through.
    static let symlinkLimit = 200_000
    /// Link expansions while resolving one path (Linux allows 40).
    static let hopLimit = 40

    static func build(source: String, layers: [ScannedLayer], imageProblems: [ContentsProblem] = []) -> ImageContents {
        var contents = ImageContents(source: source)
        contents.problems = imageProblems
        var view = FilesystemView()
        var deleted: [SecretFile] = []

        for (index, layer) in layers.enumerated() {
            contents.layers.append(ImageLayer(digest: layer.digest, createdBy: layer.createdBy, entries: layer.facts?.entries ?? 0))
            if let error = layer.error { contents.problems.append(ContentsProblem(layer: layer.digest, message: error)) }
            guard let facts = layer.facts else { continue }
            for message in facts.problems { contents.problems.append(ContentsProblem(layer: layer.digest, message: message)) }

            // What this layer hides goes first (its secrets are kept aside: they may turn out replaced by the same
            // content); then its links, since its entries are written through the links below it and its own.
            var removed: [(path: String, secrets: [SecretFile])] = []
            func remove(_ paths: some Sequence<String>) {
                for path in paths {
                    if let secrets = view.secrets[path] { removed.append((path, secrets)) }
                    view.remove(path)
                }
            }
            let previousInventory = view.inventory
            remove(view.hidden(by: facts))
            for link in facts.symlinks where view.links.count < symlinkLimit {
                view.addLink("/" + link.path, target: link.target)
            }
            if view.links.count >= symlinkLimit && facts.symlinks.count > 0 && !view.saidTooManyLinks {
                view.saidTooManyLinks = true
                contents.problems.append(ContentsProblem(layer: layer.digest, message: "more than \(symlinkLimit) symbolic links in the image; paths written through the rest are not resolved"))
            }
            let real = { (path: String) in view.resolve(path) }
            let setuid = facts.setuid.map { record($0, real($0.path), index) }
            let worldWritable = facts.worldWritable.map { record($0, real($0.path), index) }
            let sshd = facts.sshd.map { record($0, real($0.path), index) }
            let secrets = facts.secrets.map { SecretFile(path: real($0.path), kind: $0.kind, layer: index, fingerprint: $0.fingerprint) }
            let shadow = facts.shadowEmpty.map { ShadowAccount(path: real($0.path), account: $0.account, layer: index) }
                .filter { $0.path == "/etc/shadow" }
            // An entry written through a link replaces what was at its real path too.
            remove((setuid.map(\.path) + worldWritable.map(\.path) + sshd.map(\.path) + secrets.map(\.path) + shadow.map(\.path))
                .filter { view.isLive($0) })

            // Replaced by the same content is not a removal; anything else leaves the old content behind.
            let kept = Set(secrets.map { "\($0.path)\u{0}\($0.fingerprint)" })
            for (path, found) in removed {
                for var secret in found where !kept.contains("\(path)\u{0}\(secret.fingerprint)") {
                    secret.deletedInLayer = index
                    deleted.append(secret)
                }
            }

            for file in setuid { view.insert(file, into: \.setuid) }
            for file in worldWritable { view.insert(file, into: \.worldWritable) }
            for file in sshd { view.insert(file, into: \.sshd) }
            for file in facts.inventory {
                let path = real(file.path)
                view.remove(path)
                view.inventory[path] = inheritLayers(file.content, layer: index, previous: previousInventory[path])
                view.index(path)
            }
            for secret in secrets { view.append(secret, at: secret.path, into: \.secrets) }
            for account in shadow { view.append(account, at: account.path, into: \.shadow) }
        }
        contents.setuidFiles = view.setuid.values.sorted { $0.path < $1.path }
        contents.worldWritableDirectories = view.worldWritable.values.sorted { $0.path < $1.path }
        contents.sshdFiles = view.sshd.values.sorted { $0.path < $1.path }
        contents.secretFiles = (view.secrets.values.flatMap { $0 } + deleted).sorted { ($0.path, $0.layer) < ($1.path, $1.layer) }
        contents.emptyPasswordAccounts = view.shadow.values.flatMap { $0 }.sorted { ($0.path, $0.account) < ($1.path, $1.account) }
        contents.inventory = inventory(view.inventory)
        return contents
    }

    /// The packages a layer's database lists, each with the layer that added it: the layer of the same package in
    /// the version of the file it replaces, else this one.
    private static func inheritLayers(_ content: InventoryFileContent, layer: Int, previous: InventoryFileContent?) -> InventoryFileContent {
        guard case var .packages(packages) = content else { return content }
        var earlier: [String: [InstalledPackage]] = [:]
        if case let .packages(old)? = previous { earlier = Dictionary(grouping: old, by: \.name) }
        for index in packages.indices {
            packages[index].layer = earlier[packages[index].name]?.first { $0.isSame(as: packages[index]) }?.layer ?? layer
        }
        return .packages(packages)
    }

    /// The final filesystem's inventory files, put together.
    private static func inventory(_ files: [String: InventoryFileContent]) -> SoftwareInventory {
        var inventory = SoftwareInventory()
        for path in ["/etc/os-release", "/usr/lib/os-release"] {
            if case let .operatingSystem(release)? = files[path] { inventory.operatingSystem = release; break }
        }
        for (_, content) in files {
            switch content {
            case let .packages(packages): inventory.packages += packages
            case let .unread(reason): inventory.unread.append(reason)
            case .operatingSystem: break
            }
        }
        inventory.packages.sort { ($0.kind.rawValue, $0.name, $0.version, $0.path) < ($1.kind.rawValue, $1.name, $1.version, $1.path) }
        inventory.unread.sort()
        return inventory
    }

    private static func record(_ file: ScannedFile, _ path: String, _ layer: Int) -> ContentsFile {
        ContentsFile(path: path, mode: String(file.mode, radix: 8), uid: file.uid, gid: file.gid, layer: layer)
    }

    /// Whether a layer deletes or replaces `path` (absolute) from the layers below: the path itself is present,
    /// whited out, or under an opaque directory, a deleted directory or something that is no longer a directory.
    static func isHidden(_ path: String, by facts: LayerFacts) -> Bool {
        let relative = String(path.drop { $0 == "/" })
        let hash = pathHash(relative)
        if facts.paths.contains(hash) || facts.whiteouts.contains(hash) { return true }
        var ancestor = Substring(relative)
        while let slash = ancestor.lastIndex(of: "/") {
            ancestor = ancestor[..<slash]
            let key = pathHash(String(ancestor))
            if facts.whiteouts.contains(key) || facts.opaqueDirectories.contains(key) || facts.nonDirectories.contains(key) { return true }
        }
        // `.wh..wh..opq` at the top of the layer hides everything below.
        return facts.opaqueDirectories.contains(pathHash(""))
    }
}

/// What the layers read so far leave at each path (absolute paths), with the index that finds what a layer hides.
private struct FilesystemView {
    var setuid: [String: ContentsFile] = [:]
    var worldWritable: [String: ContentsFile] = [:]
    var sshd: [String: ContentsFile] = [:]
    var secrets: [String: [SecretFile]] = [:]
    var shadow: [String: [ShadowAccount]] = [:]
    var inventory: [String: InventoryFileContent] = [:]
    /// Symbolic links: absolute path → target as written.
    var links: [String: String] = [:]
    /// The same links by the hash of their path without the leading slash (`pathHash`), for resolving.
    private var linkByHash: [UInt64: String] = [:]
    var saidTooManyLinks = false

    /// Every path above, by the hash of the path itself and by the hash of each of its ancestor directories (the
    /// hashes the layer facts use: no leading slash).
    private var byPath: [UInt64: Set<String>] = [:]
    private var byAncestor: [UInt64: Set<String>] = [:]
    private var live = Set<String>()

    func isLive(_ path: String) -> Bool { live.contains(path) }

    /// The live paths a layer hides: its own paths and whiteouts, and everything under its whiteouts, opaque
    /// directories and non-directories (everything, for an opaque root).
    func hidden(by facts: LayerFacts) -> Set<String> {
        guard !live.isEmpty else { return [] }
        if facts.opaqueDirectories.contains(pathHash("")) { return live }
        var hidden = Set<String>()
        for keys in [facts.paths, facts.whiteouts] {
            for key in keys { if let paths = byPath[key] { hidden.formUnion(paths) } }
        }
        for keys in [facts.whiteouts, facts.opaqueDirectories, facts.nonDirectories] {
            for key in keys { if let paths = byAncestor[key] { hidden.formUnion(paths) } }
        }
        return hidden
    }

    mutating func insert(_ file: ContentsFile, into list: WritableKeyPath<FilesystemView, [String: ContentsFile]>) {
        self[keyPath: list][file.path] = file
        index(file.path)
    }

    mutating func append<T>(_ item: T, at path: String, into list: WritableKeyPath<FilesystemView, [String: [T]]>) {
        self[keyPath: list][path, default: []].append(item)
        index(path)
    }

    mutating func addLink(_ path: String, target: String) {
        remove(path)
        links[path] = target
        linkByHash[pathHash(String(path.dropFirst()))] = target
        index(path)
    }

    mutating func remove(_ path: String) {
        guard live.remove(path) != nil else { return }
        setuid[path] = nil
        worldWritable[path] = nil
        sshd[path] = nil
        secrets[path] = nil
        shadow[path] = nil
        inventory[path] = nil
        if links.removeValue(forKey: path) != nil { linkByHash[pathHash(String(path.dropFirst()))] = nil }
        Self.forEachKey(of: path) { key, isSelf in
            if isSelf { byPath[key]?.remove(path); if byPath[key]?.isEmpty == true { byPath[key] = nil } }
            else { byAncestor[key]?.remove(path); if byAncestor[key]?.isEmpty == true { byAncestor[key] = nil } }
        }
    }

    mutating func index(_ path: String) {
        guard live.insert(path).inserted else { return }
        Self.forEachKey(of: path) { key, isSelf in
            if isSelf { byPath[key, default: []].insert(path) } else { byAncestor[key, default: []].insert(path) }
        }
    }

    /// The hashes of `/a/b/c`'s ancestors `a`, `a/b` (not the root), then of `a/b/c` itself, computed in one pass.
    private static func forEachKey(of path: String, _ body: (UInt64, Bool) -> Void) {
        var hash = pathHashSeed
        var started = false
        for byte in path.utf8.dropFirst() {
            if byte == UInt8(ascii: "/") && started { body(hash, false) }
            hash = pathHashStep(hash, byte)
            started = true
        }
        body(hash, true)
    }

    /// The real path of `path` (absolute): directories on the way that are symbolic links are followed (at most
    /// `hopLimit` times), `..` stops at the root; the last component is not followed (it is the entry itself).
    func resolve(_ path: String) -> String {
        guard !linkByHash.isEmpty else { return path }
        var pending: [Substring] = path.split(separator: "/").reversed()
        var resolved: [Substring] = []
        var hashes: [UInt64] = [] // hash of resolved[0...i]
        var hops = 0
        while let part = pending.popLast() {
            if part == "." { continue }
            if part == ".." {
                if !resolved.isEmpty { resolved.removeLast(); hashes.removeLast() }
                continue
            }
            var hash = hashes.last.map { pathHashStep($0, UInt8(ascii: "/")) } ?? pathHashSeed
            for byte in part.utf8 { hash = pathHashStep(hash, byte) }
            if !pending.isEmpty, let target = linkByHash[hash], hops < ImageContentsBuilder.hopLimit {
                hops += 1
                if target.hasPrefix("/") {
                    resolved.removeAll()
                    hashes.removeAll()
                }
                pending += target.split(separator: "/").reversed()
                continue
            }
            resolved.append(part)
            hashes.append(hash)
        }
        return "/" + resolved.joined(separator: "/")
    }
}
