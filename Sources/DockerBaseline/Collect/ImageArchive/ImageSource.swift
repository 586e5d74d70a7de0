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

    /// Every image in a `docker save` or OCI layout tar. Reading stops at the archive's end blocks.
    public static func readArchive(_ path: String) -> [ArchiveImage] {
        let scanner = ArchiveScanner(source: "docker save archive \(path)")
        let handle: FileHandle
        do { handle = try openRegularFile(path, what: "docker save archive") } catch {
            return [ArchiveImage(id: "", repoTags: [], config: nil,
                                 contents: ImageContents(source: scanner.source, problems: [ContentsProblem(layer: "", message: "\(error)")]))]
        }
        defer { try? handle.close() }
        var streamError: String?
        do {
            while !scanner.hasEnded {
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
            } layer: { digest, budget in
                scanLayerFile(blobPath(digest), digest: digest, budget: budget)
            }
        } catch {
            return [ArchiveImage(id: "", repoTags: [], config: nil,
                                 contents: ImageContents(source: source, problems: [ContentsProblem(layer: "", message: "\(error)")]))]
        }
    }

    static let documentLimitBytes = 4 << 20

    /// One layer blob on disk, streamed through the layer scanner until the layer's tar (or gzip member) ends.
    static func scanLayerFile(_ path: String, digest: String, budget: ReadBudget = ReadBudget()) -> ScannedLayer {
        guard FileManager.default.fileExists(atPath: path) else {
            return ScannedLayer(digest: digest, error: "blob missing: \(path)")
        }
        let handle: FileHandle
        do { handle = try openRegularFile(path, what: "blob") } catch {
            return ScannedLayer(digest: digest, error: "\(error)")
        }
        defer { try? handle.close() }
        let stream = LayerStream(budget: budget)
        do {
            while !stream.isFinished {
                guard let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty else { break }
                chunk.withUnsafeBytes { stream.feed($0) }
            }
        } catch {
            return ScannedLayer(digest: digest, facts: stream.scanner.facts, error: "cannot read \(path): \(error.localizedDescription)")
        }
        stream.close()
        return ScannedLayer(digest: digest, facts: stream.scanner.facts, error: stream.error)
    }

    private struct ArchiveEnded: Error {}

    /// `openInputFile` (regular files only: a device or a FIFO could be read forever), failing as the archive reader does.
    static func openRegularFile(_ path: String, what: String) throws -> FileHandle {
        do {
            return try openInputFile(path, what: what).handle
        } catch let error as InputFileError {
            throw TarError(error.description + ": only files and directories are read")
        }
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
                // Past the archive's end blocks nothing is read: an endless stream ends here.
                if scanner.hasEnded { throw ArchiveEnded() }
            }
        } catch is ArchiveEnded {
            streamError = nil
        } catch let error as TarError {
            streamError = "the engine's export of \(reference) is not a readable tar: \(error)"
        } catch {
            streamError = "exporting \(reference) failed: \(error)"
        }
        let images = scanner.finish(streamError: streamError)
        return images.first?.contents ?? ImageContents(source: "engine export", problems: [ContentsProblem(layer: "", message: "the export held no image")])
    }
}
