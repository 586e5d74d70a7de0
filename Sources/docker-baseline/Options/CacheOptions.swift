import ArgumentParser
import DockerBaseline

/// The content cache: what reading an image's layers found, kept by image id. Shared by `audit`, `collect` and `image`.
struct CacheOptions: ParsableArguments {
    @Flag(name: .customLong("no-cache"), help: "Read every image's layers, neither using nor filling the content cache.")
    var noCache = false

    @Option(name: .customLong("cache-dir"), help: "Content cache directory (default: $DOCKER_BASELINE_CACHE_DIR, else $XDG_CACHE_HOME/docker-baseline; else /var/cache/docker-baseline as root, ~/.cache/docker-baseline otherwise).")
    var cacheDirectory: String?

    @Option(name: .customLong("cache-size"), help: "The content cache's bound, e.g. 256MiB or 1g; least recently used entries are removed beyond it.")
    var cacheSize: String = "256MiB"

    func validate() throws {
        guard let bytes = parseByteSize(cacheSize), bytes > 0 else {
            throw ValidationError("--cache-size must be a size such as 256MiB or 1g")
        }
    }

    /// The cache to use, or nil with --no-cache.
    var cache: ContentCache? {
        guard !noCache else { return nil }
        return ContentCache(directory: cacheDirectory ?? ContentCache.defaultDirectory(), limitBytes: Int(parseByteSize(cacheSize) ?? 0))
    }
}
