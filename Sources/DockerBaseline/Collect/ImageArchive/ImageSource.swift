import Foundation

/// Where `docker-baseline image REF` reads an image from.
public enum ImageSource: Sendable, Equatable {
    /// An image in the engine: name, id or digest.
    case engine(String)
    /// A `docker save` tar (or an OCI layout packed in a tar).
    case archive(String)
    /// An OCI image layout directory.
    case layout(String)

    /// An existing directory is a layout, an existing file an archive, anything else an engine reference.
    public static func resolve(_ reference: String) -> ImageSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: reference, isDirectory: &isDirectory) else { return .engine(reference) }
        return isDirectory.boolValue ? .layout(reference) : .archive(reference)
    }
}

/// Reads images' layers from archives, layouts and the engine's export endpoint, in bounded pieces.
public enum ImageContentsReader {
    static let chunkSize = 1 << 20

    /// Every image in a `docker save` or OCI layout tar.
    public static func readArchive(_ path: String) -> [ArchiveImage] {
        let scanner = ArchiveScanner(source: "docker save archive \(path)")
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return scanner.finish(streamError: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        var streamError: String?
        do {
            while true {
                guard let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty else { break }
                try chunk.withUnsafeBytes { try scanner.feed($0) }
            }
        } catch let error as TarError {
            streamError = "\(path) is not a readable tar: \(error)"
        } catch {
            streamError = "cannot read \(path): \(error.localizedDescription)"
        }
        return scanner.finish(streamError: streamError)
    }

    /// Every image an OCI layout directory's `index.json` names (nested indexes: the first entry).
    public static func readLayout(_ directory: String) -> [ArchiveImage] {
        let source = "OCI layout \(directory)"
        let root = URL(fileURLWithPath: directory)
        func blobPath(_ digest: String) -> String {
            root.appendingPathComponent("blobs").appendingPathComponent(digest.replacingOccurrences(of: ":", with: "/")).path
        }
        do {
            let index = try readInputFile(root.appendingPathComponent("index.json").path, what: "OCI index", limit: documentLimitBytes)
            return try resolveOCI(index: index, source: source, problems: []) { digest in
                try readInputFile(blobPath(digest), what: "blob", limit: documentLimitBytes)
            } layer: { digest in
                scanLayerFile(blobPath(digest), digest: digest)
            }
        } catch {
            return [ArchiveImage(id: "", repoTags: [], config: nil,
                                 contents: ImageContents(source: source, problems: [ContentsProblem(layer: "", message: "\(error)")]))]
        }
    }

    static let documentLimitBytes = 4 << 20

    /// One layer blob on disk, streamed through the layer scanner.
    static func scanLayerFile(_ path: String, digest: String) -> ScannedLayer {
        guard FileManager.default.fileExists(atPath: path) else {
            return ScannedLayer(digest: digest, error: "blob missing: \(path)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return ScannedLayer(digest: digest, error: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let stream = LayerStream()
        do {
            while true {
                guard let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty else { break }
                chunk.withUnsafeBytes { stream.feed($0) }
                if stream.error != nil { break }
            }
        } catch {
            return ScannedLayer(digest: digest, facts: stream.scanner.facts, error: "cannot read \(path): \(error.localizedDescription)")
        }
        stream.close()
        return ScannedLayer(digest: digest, facts: stream.scanner.facts, error: stream.error)
    }

    /// One engine image by id: from the cache when it holds it, else read from the engine (and stored when complete).
    static func readEngineImage(_ id: String, client: EngineClient, prefix: String, cache: ContentCache?) async -> ImageContents {
        guard let cache else { return await readEngineImage(id, client: client, prefix: prefix) }
        return await cache.contents(of: id) { await readEngineImage(id, client: client, prefix: prefix) }
    }

    /// One engine image, from `GET /images/{ref}/get` streamed through the archive scanner.
    public static func readEngineImage(_ reference: String, client: EngineClient, prefix: String) async -> ImageContents {
        let scanner = ArchiveScanner(source: "engine export")
        let escaped = reference.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:@"))) ?? reference
        var streamError: String?
        do {
            try await client.stream("\(prefix)/images/\(escaped)/get") { buffer in
                try scanner.feed(buffer)
            }
        } catch let error as TarError {
            streamError = "the engine's export of \(reference) is not a readable tar: \(error)"
        } catch {
            streamError = "exporting \(reference) failed: \(error)"
        }
        let images = scanner.finish(streamError: streamError)
        return images.first?.contents ?? ImageContents(source: "engine export", problems: [ContentsProblem(layer: "", message: "the export held no image")])
    }
}
