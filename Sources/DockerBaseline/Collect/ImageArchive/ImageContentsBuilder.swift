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
enum ImageContentsBuilder {
    static func build(source: String, layers: [ScannedLayer], imageProblems: [ContentsProblem] = []) -> ImageContents {
        var contents = ImageContents(source: source)
        contents.problems = imageProblems
        var setuid: [String: ContentsFile] = [:]
        var worldWritable: [String: ContentsFile] = [:]
        var sshd: [String: ContentsFile] = [:]
        var secrets: [String: [SecretFile]] = [:]
        var shadow: [String: [ShadowAccount]] = [:]
        var deleted: [SecretFile] = []

        for (index, layer) in layers.enumerated() {
            contents.layers.append(ImageLayer(digest: layer.digest, createdBy: layer.createdBy, entries: layer.facts?.entries ?? 0))
            if let error = layer.error { contents.problems.append(ContentsProblem(layer: layer.digest, message: error)) }
            guard let facts = layer.facts else { continue }
            for message in facts.problems { contents.problems.append(ContentsProblem(layer: layer.digest, message: message)) }

            let hidden = { (path: String) in isHidden(path, by: facts) }
            setuid = setuid.filter { !hidden($0.key) }
            worldWritable = worldWritable.filter { !hidden($0.key) }
            sshd = sshd.filter { !hidden($0.key) }
            shadow = shadow.filter { !hidden($0.key) }
            for (path, found) in secrets where hidden(path) {
                // Replaced by the same content is not a removal; anything else leaves the old content behind.
                for var secret in found where !facts.secrets.contains(where: { $0.path == path && $0.fingerprint == secret.fingerprint }) {
                    secret.deletedInLayer = index
                    deleted.append(secret)
                }
                secrets[path] = nil
            }

            func record(_ file: ScannedFile) -> ContentsFile {
                ContentsFile(path: file.path, mode: String(file.mode, radix: 8), uid: file.uid, gid: file.gid, layer: index)
            }
            for file in facts.setuid { setuid[file.path] = record(file) }
            for file in facts.worldWritable { worldWritable[file.path] = record(file) }
            for file in facts.sshd { sshd[file.path] = record(file) }
            for secret in facts.secrets {
                secrets[secret.path, default: []].append(SecretFile(path: secret.path, kind: secret.kind, layer: index, fingerprint: secret.fingerprint))
            }
            for entry in facts.shadowEmpty {
                shadow[entry.path, default: []].append(ShadowAccount(path: entry.path, account: entry.account, layer: index))
            }
        }
        contents.setuidFiles = setuid.values.sorted { $0.path < $1.path }
        contents.worldWritableDirectories = worldWritable.values.sorted { $0.path < $1.path }
        contents.sshdFiles = sshd.values.sorted { $0.path < $1.path }
        contents.secretFiles = (secrets.values.flatMap { $0 } + deleted).sorted { ($0.path, $0.layer) < ($1.path, $1.layer) }
        contents.emptyPasswordAccounts = shadow.values.flatMap { $0 }.sorted { ($0.path, $0.account) < ($1.path, $1.account) }
        return contents
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
