import Foundation

/// One image found in an archive or layout: its configuration, tags and what its layers hold.
public struct ArchiveImage: Sendable {
    /// `sha256:…` of the configuration: the image id.
    public var id: String
    public var repoTags: [String]
    /// The image configuration JSON; nil when it could not be read.
    public var config: Data?
    public var contents: ImageContents
}

/// The JSON documents of an image archive the layers are ordered by (manifests, indexes, configurations): each is
/// kept up to this size, and all of them together up to `documentBudget`.
private let documentLimit = 4 << 20
private let documentBudget = 64 << 20

/// Images one archive or index may list, and layers one image may have (Docker's own limit is 128): beyond them the
/// archive is hostile or broken, an error rather than hours of work.
let imageCountLimit = 1000
let layerCountLimit = 1000
/// Entries of a `docker save` tar (a handful per layer); each costs a little memory until the manifest is read.
let archiveEntryLimit = 100_000

/// Reads a `docker save` tar (or an OCI image layout tar) as one stream: the engine's export endpoint or a file.
/// Layers are entries of the outer tar and are scanned as they pass; entries come in any order (docker 20.10 writes
/// manifest.json last), so each layer's facts are kept by its path until the manifest says which image and which
/// position it has.
final class ArchiveScanner: TarSink {
    let source: String
    private lazy var reader = TarReader(sink: self)
    private var layers: [String: ScannedLayer] = [:]
    private var documents: [String: Data] = [:]
    private var links: [String: String] = [:]
    private var currentPath: String?
    private var currentLayer: LayerStream?
    private var currentDocument: Data?
    private var currentIsBlob = false
    private var problems: [ContentsProblem] = []
    private var documentBytes = 0
    private var currentReserved = 0
    /// The layers of the archive share one budget: a `docker save` tar is read as one image.
    private let budget: ReadBudget
    private var entryCount = 0

    init(source: String, budget: ReadBudget = ReadBudget()) {
        self.source = source
        self.budget = budget
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws { try reader.feed(bytes) }

    /// The archive's end blocks were read: the bytes after them are not part of it.
    var hasEnded: Bool { reader.hasEnded }

    /// The archive's end (or the stream's failure): the images it holds, with whatever could be read.
    func finish(streamError: String?) -> [ArchiveImage] {
        if let streamError {
            problems.append(ContentsProblem(layer: "", message: streamError))
        } else {
            do { try reader.close() } catch { problems.append(ContentsProblem(layer: "", message: "the archive is \(error)")) }
        }
        if let layer = currentLayer, let path = currentPath {
            layer.close()
            layers[path] = ScannedLayer(digest: path, facts: layer.scanner.facts, error: layer.error ?? "cut short with the archive")
        }
        return resolveImages()
    }

    // MARK: TarSink

    func start(_ entry: TarEntry) throws {
        entryCount += 1
        guard entryCount <= archiveEntryLimit else {
            throw TarError("more than \(archiveEntryLimit) entries: not a docker save or OCI layout archive")
        }
        let path = normalizeArchivePath(entry.path)
        currentPath = path
        currentLayer = nil
        currentDocument = nil
        switch entry.kind {
        case .symlink:
            let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) + "/" : ""
            links[path] = resolveDotDot(normalizeArchivePath(entry.linkName.hasPrefix("/") ? entry.linkName : directory + entry.linkName))
            return
        case .hardLink:
            links[path] = normalizeArchivePath(entry.linkName)
            return
        case .file:
            break
        default:
            return
        }
        let isBlob = path.hasPrefix("blobs/sha256/")
        currentIsBlob = isBlob
        // Layers are wherever the manifest says: `abc/layer.tar` (docker save), `abc.tar` at the top (Podman's
        // docker-archive), `blobs/sha256/…` (newer docker save and OCI layouts). Any file that is not one of the
        // archive's JSON or metadata files is read as a possible layer; the manifest decides which ones count.
        let metadataFile = path.hasSuffix(".json") || path.hasSuffix("/json") || path.hasSuffix("/VERSION") || path == "repositories" || path == "oci-layout"
        if entry.size > 0, isBlob || !metadataFile { currentLayer = LayerStream(budget: budget) }
        let isDocument = path == "manifest.json" || path == "index.json" || (!path.contains("/") && path.hasSuffix(".json")) || isBlob
        if isDocument && entry.size <= Int64(documentLimit) {
            if documentBytes + Int(entry.size) > documentBudget {
                if problems.count < 20 { problems.append(ContentsProblem(layer: "", message: "\(path) not read: the archive's JSON documents exceed \(documentBudget >> 20) MiB")) }
            } else {
                documentBytes += Int(entry.size)
                currentReserved = Int(entry.size)
                currentDocument = Data(capacity: Int(entry.size))
            }
        }
    }

    func data(_ bytes: UnsafeRawBufferPointer) throws {
        currentLayer?.feed(bytes)
        if currentDocument != nil {
            // Blobs are kept only when they look like JSON; a layer blob is dropped at its first byte.
            if currentIsBlob, currentDocument!.isEmpty, let first = bytes.first, first != UInt8(ascii: "{") {
                currentDocument = nil
                documentBytes -= currentReserved
            } else {
                currentDocument!.append(contentsOf: bytes)
            }
        }
    }

    func finish() throws {
        guard let path = currentPath else { return }
        if let layer = currentLayer {
            layer.close()
            // A JSON blob is not a layer: only keep a failed scan when the blob did not look like JSON.
            if !(currentDocument != nil && layer.error != nil) {
                layers[path] = ScannedLayer(digest: path, facts: layer.scanner.facts, error: layer.error)
            }
        }
        if let document = currentDocument { documents[path] = document }
        currentPath = nil
        currentLayer = nil
        currentDocument = nil
    }

    // MARK: Resolving

    private func resolve(_ path: String) -> String {
        var path = path
        var seen = Set<String>()
        while let target = links[path], seen.insert(path).inserted { path = target }
        return path
    }

    private func layer(at path: String, digest: String) -> ScannedLayer {
        guard var layer = layers[resolve(path)] else {
            return ScannedLayer(digest: digest, error: "\(path) is missing from the archive")
        }
        layer.digest = digest
        return layer
    }

    private func resolveImages() -> [ArchiveImage] {
        if let manifest = documents["manifest.json"] { return dockerImages(manifest) }
        if let index = documents["index.json"] {
            do {
                return try ociImages(index: index) { digest in
                    let path = "blobs/" + digest.replacingOccurrences(of: ":", with: "/")
                    guard let data = self.documents[self.resolve(path)] else { throw TarError("blob \(digest) is missing from the archive") }
                    return data
                } layer: { digest, _ in self.layer(at: "blobs/" + digest.replacingOccurrences(of: ":", with: "/"), digest: digest) }
            } catch {
                return [failedImage("index.json: \(error)")]
            }
        }
        return [failedImage("no manifest.json or index.json in the archive (not a docker save or OCI layout tar)")]
    }

    private func failedImage(_ message: String) -> ArchiveImage {
        ArchiveImage(id: "", repoTags: [], config: nil,
                     contents: ImageContents(source: source, problems: problems + [ContentsProblem(layer: "", message: message)]))
    }

    /// `manifest.json`: `[{"Config": "abc.json", "RepoTags": [...], "Layers": ["def/layer.tar", ...]}]`.
    private func dockerImages(_ data: Data) -> [ArchiveImage] {
        struct Entry: Decodable {
            let Config: String
            let RepoTags: [String]?
            let Layers: [String]
        }
        guard let listed = try? JSONDecoder().decode([Entry].self, from: data), !listed.isEmpty else {
            return [failedImage("manifest.json is not a docker save manifest")]
        }
        // The same image listed again is the same image: judged once.
        var seen = Set<[String]>()
        let entries = listed.filter { seen.insert([$0.Config] + $0.Layers).inserted }
        guard entries.count <= imageCountLimit else {
            return [failedImage("manifest.json lists \(entries.count) images; more than \(imageCountLimit) are not read")]
        }
        return entries.map { entry in
            var problems = self.problems
            guard entry.Layers.count <= layerCountLimit else {
                problems.append(ContentsProblem(layer: "", message: "manifest.json lists \(entry.Layers.count) layers for \(entry.Config); more than \(layerCountLimit) are not read"))
                return ArchiveImage(id: "", repoTags: entry.RepoTags ?? [], config: nil, contents: ImageContents(source: source, problems: problems))
            }
            let config = documents[resolve(normalizeArchivePath(entry.Config))]
            if config == nil { problems.append(ContentsProblem(layer: "", message: "configuration \(entry.Config) is missing from the archive")) }
            let configDigest = entry.Config.split(separator: "/").last.map { "sha256:" + $0.replacingOccurrences(of: ".json", with: "") } ?? entry.Config
            let history = config.map(layerHistory) ?? []
            let diffIDs = config.map(layerDiffIDs) ?? []
            let scanned = entry.Layers.enumerated().map { index, path in
                // The uncompressed layer's digest, as `docker inspect` shows it under RootFS.Layers.
                let digest = index < diffIDs.count && entry.Layers.count == diffIDs.count ? diffIDs[index] : path
                var layer = self.layer(at: normalizeArchivePath(path), digest: digest)
                layer.createdBy = index < history.count ? history[index] : nil
                return layer
            }
            return ArchiveImage(id: configDigest, repoTags: entry.RepoTags ?? [], config: config,
                                contents: ImageContentsBuilder.build(source: source, layers: scanned, imageProblems: problems))
        }
    }

    func ociImages(index: Data, blob: (String) throws -> Data, layer: (String, ReadBudget) -> ScannedLayer) throws -> [ArchiveImage] {
        try resolveOCI(index: index, source: source, problems: problems, blob: blob, layer: layer)
    }
}

/// `./abc/layer.tar` → `abc/layer.tar`.
func normalizeArchivePath(_ path: String) -> String {
    path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
}

/// `abc/../def/layer.tar` → `def/layer.tar`: symlinks between layers (`docker save` of identical layers, Podman's
/// legacy `abc/layer.tar` → `../<digest>.tar`) point up a directory. Only used to look entries up by name, never to
/// open a path; `..` above the archive's top stays at the top.
func resolveDotDot(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
        if part == ".." { _ = parts.popLast() } else { parts.append(part) }
    }
    return parts.joined(separator: "/")
}

/// `created_by` of the history entries that made a layer, oldest first, from an image configuration.
func layerHistory(_ config: Data) -> [String?] {
    struct Config: Decodable {
        struct Entry: Decodable {
            let created_by: String?
            let empty_layer: Bool?
        }
        let history: [Entry]?
    }
    guard let parsed = try? JSONDecoder().decode(Config.self, from: config) else { return [] }
    return (parsed.history ?? []).filter { $0.empty_layer != true }.map(\.created_by)
}

/// `rootfs.diff_ids` of an image configuration: the uncompressed layers' digests, lowest first.
func layerDiffIDs(_ config: Data) -> [String] {
    struct Config: Decodable {
        struct RootFS: Decodable { let diff_ids: [String]? }
        let rootfs: RootFS?
    }
    return (try? JSONDecoder().decode(Config.self, from: config))?.rootfs?.diff_ids ?? []
}

/// An OCI image layout's images: `index.json` → manifests (through nested indexes) → configuration and layers.
/// Each manifest and each layer of an image is read once however often it is listed; `layer` gets the image's budget.
func resolveOCI(index: Data, source: String, problems: [ContentsProblem], blob: (String) throws -> Data,
                layer: (String, ReadBudget) throws -> ScannedLayer) throws -> [ArchiveImage] {
    struct Descriptor: Decodable {
        let mediaType: String?
        let digest: String
        let annotations: [String: String]?
    }
    struct Index: Decodable { let manifests: [Descriptor]? }
    struct Manifest: Decodable {
        let config: Descriptor?
        let layers: [Descriptor]?
        let manifests: [Descriptor]?
    }
    guard let top = try? JSONDecoder().decode(Index.self, from: index), let manifests = top.manifests, !manifests.isEmpty else {
        throw TarError("not an OCI image index (no manifests)")
    }
    var images: [ArchiveImage] = []
    var seen = Set<String>()
    var pending = manifests.map { ($0, 0) }
    var next = 0
    while next < pending.count {
        let (descriptor, depth) = pending[next]
        next += 1
        guard isDigest(descriptor.digest) else { throw TarError("bad digest \(descriptor.digest.prefix(80))") }
        guard seen.insert(descriptor.digest).inserted else { continue }
        guard seen.count <= imageCountLimit else { throw TarError("the index lists more than \(imageCountLimit) distinct manifests") }
        let data = try blob(descriptor.digest)
        guard let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else {
            throw TarError("manifest \(descriptor.digest) is not JSON")
        }
        if let nested = manifest.manifests {
            // An index of platforms: audit the first linux one, or every entry when none says.
            guard depth < 4 else { throw TarError("indexes nested too deep") }
            pending += nested.prefix(1).map { ($0, depth + 1) }
            continue
        }
        guard let config = manifest.config, isDigest(config.digest) else { throw TarError("manifest \(descriptor.digest) has no configuration") }
        var imageProblems = problems
        let configData: Data?
        do { configData = try blob(config.digest) } catch {
            configData = nil
            imageProblems.append(ContentsProblem(layer: "", message: "configuration \(config.digest): \(error)"))
        }
        let history = configData.map(layerHistory) ?? []
        let layers = manifest.layers ?? []
        guard layers.count <= layerCountLimit else {
            let problem = ContentsProblem(layer: "", message: "manifest \(descriptor.digest) lists \(layers.count) layers; more than \(layerCountLimit) are not read")
            images.append(ArchiveImage(id: config.digest, repoTags: [], config: configData,
                                       contents: ImageContents(source: source, problems: imageProblems + [problem])))
            continue
        }
        let budget = ReadBudget()
        var read: [String: ScannedLayer] = [:]
        var scanned: [ScannedLayer] = []
        for (position, descriptor) in layers.enumerated() {
            var item: ScannedLayer
            if !isDigest(descriptor.digest) {
                item = ScannedLayer(digest: String(descriptor.digest.prefix(80)), error: "bad digest")
            } else if let known = read[descriptor.digest] {
                item = known
            } else {
                do { item = try layer(descriptor.digest, budget) } catch { item = ScannedLayer(digest: descriptor.digest, error: "\(error)") }
                read[descriptor.digest] = item
            }
            item.createdBy = position < history.count ? history[position] : nil
            scanned.append(item)
        }
        let name = descriptor.annotations?["io.containerd.image.name"] ?? descriptor.annotations?["org.opencontainers.image.ref.name"]
        images.append(ArchiveImage(id: config.digest, repoTags: name.map { [$0] } ?? [], config: configData,
                                   contents: ImageContentsBuilder.build(source: source, layers: scanned, imageProblems: imageProblems)))
    }
    return images
}

/// `sha256:` and 64 hex digits: anything else could name a path outside the layout.
func isDigest(_ text: String) -> Bool {
    guard text.hasPrefix("sha256:") else { return false }
    let hex = text.dropFirst("sha256:".count)
    return hex.count == 64 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
}
