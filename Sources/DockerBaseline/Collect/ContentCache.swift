import Foundation

/// What reading an image's layers found, kept on disk by image id: an image id is the hash of its content, so what
/// was read once never changes, and a later audit need not export the image again.
///
/// One JSON file per image (its name the SHA-256 of the id), holding the format version and the image id beside the
/// contents; an entry whose version or id does not match, or that cannot be decoded, is ignored (and rewritten by the
/// next complete read). Entries are written to a temporary file and renamed into place, so a concurrent run reads a
/// whole entry or none. The newest-used entries are kept within `limitBytes`: a hit refreshes the entry's
/// modification time, and each store removes the least recently used entries over the bound. The cache is best
/// effort: a directory that cannot be written only means the layers are read every time.
///
/// Beside the contents, an image's configuration and history (also fixed by its id) are kept in an entry of their own,
/// so a repeat audit does not inspect the images again; tags and digests, which move, always come from the engine.
public struct ContentCache: Sendable {
    /// Bump when the layer scanner or `ImageContents` records something differently: older entries are then ignored.
    public static let formatVersion = 2 // 2: the software inventory
    public static let defaultLimitBytes = 256 << 20

    public let directory: URL
    public let limitBytes: Int
    /// Whether images' configuration and history are kept and taken from here too. They are kept with secret values
    /// masked, so `collect --keep-secrets`, which must give them as the engine has them, turns this off.
    public var holdsImageMetadata = true

    public init(directory: String, limitBytes: Int = ContentCache.defaultLimitBytes) {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        self.limitBytes = limitBytes
    }

    /// `$DOCKER_BASELINE_CACHE_DIR`; else `$XDG_CACHE_HOME/docker-baseline`; else `/var/cache/docker-baseline` for root,
    /// `~/.cache/docker-baseline` for others.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let own = environment["DOCKER_BASELINE_CACHE_DIR"], own.hasPrefix("/") { return own }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/docker-baseline" }
        if geteuid() == 0 { return "/var/cache/docker-baseline" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.cache/docker-baseline"
    }

    private struct Entry: Codable {
        var version: Int
        var imageID: String
        var contents: ImageContents
    }

    /// What the engine says of an image that its id fixes: the configuration (the id is its hash) and the history.
    /// Tags and digests move between images, so they are not kept: they come from the engine's image list.
    public struct ImageMetadata: Codable, Sendable {
        public var inspect: ImageInspect
        public var history: [ImageHistoryEntry]
    }

    private struct MetadataEntry: Codable {
        var version: Int
        var imageID: String
        var metadata: ImageMetadata
    }

    /// The stored configuration and history of `imageID`, or nil when there is no usable entry.
    public func metadata(of imageID: String) -> ImageMetadata? {
        guard holdsImageMetadata else { return nil }
        return read(MetadataEntry.self, at: entryURL(imageID, kind: .metadata)) { entry in
            entry.version == Self.formatVersion && entry.imageID == imageID && entry.metadata.inspect.id == imageID
        }?.metadata
    }

    /// Stores an image's configuration and history as the engine gave them, without its tags and digests.
    public func store(_ metadata: ImageMetadata, imageID: String) {
        guard holdsImageMetadata, metadata.inspect.id == imageID else { return }
        var metadata = metadata
        metadata.inspect.repoTags = nil
        metadata.inspect.repoDigests = nil
        // Kept on disk: secret values are masked as in a shared snapshot, where the rules still count them.
        metadata.inspect.config?.maskSecrets()
        metadata.history = metadata.history.map(\.maskingSecrets)
        write(MetadataEntry(version: Self.formatVersion, imageID: imageID, metadata: metadata), to: entryURL(imageID, kind: .metadata))
    }

    /// The contents of `imageID` from the cache (marked `cached`), else from `read`; a complete read is stored.
    public func contents(of imageID: String, read: () async -> ImageContents) async -> ImageContents {
        if let hit = load(imageID) { return hit }
        let contents = await read()
        store(contents, imageID: imageID)
        return contents
    }

    /// The stored contents of `imageID`, or nil when there is no usable entry.
    public func load(_ imageID: String) -> ImageContents? {
        guard var contents = read(Entry.self, at: entryURL(imageID), where: { entry in
            entry.version == Self.formatVersion && entry.imageID == imageID && Self.isComplete(entry.contents)
        })?.contents else { return nil }
        contents.cached = true
        return contents
    }

    /// The entry at `url` when it decodes and `isUsable` (else nil: ignored, and rewritten by the next store); a hit
    /// refreshes its modification time, which eviction orders by.
    private func read<Stored: Decodable>(_ type: Stored.Type, at url: URL, where isUsable: (Stored) -> Bool) -> Stored? {
        guard let data = try? Data(contentsOf: url), data.count <= limitBytes,
              let entry = try? JSONDecoder().decode(Stored.self, from: data), isUsable(entry) else { return nil }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: url.path)
        return entry
    }

    /// Only an image read completely and without a problem is kept: anything else is read again next time.
    static func isComplete(_ contents: ImageContents) -> Bool {
        !contents.layers.isEmpty && contents.problems.isEmpty
    }

    /// Stores a complete read of `imageID` (anything else is ignored), then trims the cache to its bound.
    public func store(_ contents: ImageContents, imageID: String) {
        guard Self.isComplete(contents) else { return }
        var contents = contents
        contents.cached = nil
        write(Entry(version: Self.formatVersion, imageID: imageID, contents: contents), to: entryURL(imageID))
    }

    /// Writes an entry atomically (a temporary file renamed into place), then trims the cache to its bound.
    private func write(_ entry: some Encodable, to url: URL) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(entry),
              data.count <= limitBytes,
              (try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)) != nil
        else { return }
        let temporary = directory.appendingPathComponent(".tmp-\(getpid())-\(UUID().uuidString)")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            return
        }
        evict()
    }

    /// Removes the least recently used entries until the rest fit in `limitBytes`, and temporary files an
    /// interrupted run left (older than an hour: a younger one may be another run's write in progress).
    func evict() {
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey]
        guard let files = try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: keys) else { return }
        var entries: [(url: URL, size: Int, used: Date)] = []
        for url in files {
            guard let values = try? url.resourceValues(forKeys: Set(keys)) else { continue }
            let used = values.contentModificationDate ?? .distantPast
            if url.lastPathComponent.hasPrefix(".tmp-") {
                if used < Date(timeIntervalSinceNow: -3600) { try? FileManager.default.removeItem(at: url) }
            } else if url.pathExtension == "json" {
                entries.append((url, values.fileSize ?? 0, used))
            }
        }
        var total = entries.reduce(0) { $0 + $1.size }
        for entry in entries.sorted(by: { $0.used < $1.used }) where total > limitBytes {
            try? FileManager.default.removeItem(at: entry.url)
            total -= entry.size
        }
    }

    enum EntryKind { case contents, metadata }

    func entryURL(_ imageID: String, kind: EntryKind = .contents) -> URL {
        let name = SHA256.hex(Array(imageID.utf8))
        return directory.appendingPathComponent(kind == .contents ? name + ".json" : name + ".image.json")
    }
}
