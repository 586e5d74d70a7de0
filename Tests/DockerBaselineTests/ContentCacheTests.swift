@testable import DockerBaseline
import Foundation
import Testing

@Suite("Content cache: image contents kept by image id")
struct ContentCacheTests {
    static let imageID = "sha256:" + String(repeating: "ab", count: 32)

    /// Real contents, read from a `docker save` archive written by hand: a setuid file and a private key.
    static func leakyContents() throws -> ImageContents {
        var layer = TarBuilder()
        layer.entry("usr/bin/tool", mode: 0o4755, data: Array("t".utf8))
        layer.file("root/.ssh/id_rsa", privateKeyText, mode: 0o600)
        layer.end()
        let archive = ImageContentsTests().saveArchive(manifestFirst: true, layers: [("a/layer.tar", layer.bytes)], manifestLayers: ["a/layer.tar"])
        let contents = try #require(try ImageContentsTests().readArchiveBytes(archive).first).contents
        #expect(contents.problems.isEmpty && contents.setuidFiles.count == 1 && contents.secretFiles.count == 1)
        return contents
    }

    /// Each image rule's status for an image with these contents.
    static func verdicts(_ contents: ImageContents?) -> [String] {
        let inspect = ImageInspect(id: imageID, repoTags: ["cache/test:1"], repoDigests: nil, created: nil, config: nil, os: "linux",
                                   architecture: "amd64", size: nil)
        let snapshot = Snapshot(collectedAt: "2026-01-01T00:00:00Z", endpoint: "test", engine: EngineVersion(), info: EngineInfo(), containers: [],
                                images: [ImageRecord(inspect: inspect, contents: contents)], networks: [], host: nil,
                                environment: AuditEnvironment(dockerContentTrust: nil), problems: [])
        return Evaluator.evaluate(snapshot, rules: RuleCatalog.all.filter { $0 is any ImageRule }).results.map { "\($0.rule.id.rawValue) \($0.status)" }
    }

    /// A cache in a fresh temporary folder, removed after `body`.
    static func withCache(limitBytes: Int = ContentCache.defaultLimitBytes, _ body: (ContentCache) async throws -> Void) async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(ContentCache(directory: directory.path, limitBytes: limitBytes))
    }

    /// Reads through the cache, counting how often the layers were really read.
    final class Reads: @unchecked Sendable {
        var count = 0
    }

    @Test("A complete read is stored and loaded back the same, marked as cached; the verdicts do not change")
    func roundTrip() async throws {
        let contents = try Self.leakyContents()
        try await Self.withCache { cache in
            let reads = Reads()
            let first = await cache.contents(of: Self.imageID) { reads.count += 1; return contents }
            let second = await cache.contents(of: Self.imageID) { reads.count += 1; return contents }
            #expect(reads.count == 1)
            #expect(first.cached == nil)
            #expect(second.cached == true)
            var uncached = second
            uncached.cached = nil
            #expect(uncached == contents)
            #expect(Self.verdicts(second) == Self.verdicts(contents))
            #expect(Self.verdicts(contents).contains("image.secret-files fail"))
            #expect(cache.load("sha256:" + String(repeating: "cd", count: 32)) == nil)
        }
    }

    /// What a damaged entry is replaced with, for each way an entry can be wrong.
    static func damage(_ kind: String, entry: Data) -> Data {
        let text = String(decoding: entry, as: UTF8.self)
        switch kind {
        case "truncated": return entry.prefix(entry.count / 2)
        case "garbage": return Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        case "empty": return Data()
        case "wrong version": return Data(text.replacingOccurrences(of: "\"version\":\(ContentCache.formatVersion)", with: "\"version\":999").utf8)
        default: return Data(text.replacingOccurrences(of: imageID, with: "sha256:" + String(repeating: "ef", count: 32)).utf8)
        }
    }

    @Test("A corrupt entry is ignored, the layers are read again and the entry rewritten; verdicts as without a cache",
          arguments: ["truncated", "garbage", "empty", "wrong version", "wrong image id"])
    func corruptEntry(_ kind: String) async throws {
        let contents = try Self.leakyContents()
        try await Self.withCache { cache in
            cache.store(contents, imageID: Self.imageID)
            let url = cache.entryURL(Self.imageID)
            let damaged = Self.damage(kind, entry: try Data(contentsOf: url))
            #expect(damaged != (try Data(contentsOf: url)))
            try damaged.write(to: url)
            #expect(cache.load(Self.imageID) == nil)

            let reads = Reads()
            let read = await cache.contents(of: Self.imageID) { reads.count += 1; return contents }
            #expect(reads.count == 1)
            #expect(Self.verdicts(read) == Self.verdicts(contents))
            // Rewritten: the next run reads it from the cache.
            let again = await cache.contents(of: Self.imageID) { reads.count += 1; return contents }
            #expect(reads.count == 1)
            #expect(again.cached == true)
            #expect(Self.verdicts(again) == Self.verdicts(contents))
        }
    }

    @Test("A partial or failed read is never stored")
    func partialReadNotCached() async throws {
        var layer = TarBuilder()
        layer.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        layer.entry("usr/bin/tool", mode: 0o4755, data: Array(repeating: 0x41, count: 10_000))
        layer.end()
        let whole = ImageContentsTests().saveArchive(manifestFirst: true, layers: [("a/layer.tar", layer.bytes)], manifestLayers: ["a/layer.tar"])
        let partial = try #require(try ImageContentsTests().readArchiveBytes(Array(whole.prefix(whole.count - 6_000))).first).contents
        #expect(!partial.problems.isEmpty)
        let failed = ImageContents(source: "engine export", problems: [ContentsProblem(layer: "", message: "exporting failed")])
        try await Self.withCache { cache in
            for contents in [partial, failed] {
                let reads = Reads()
                for _ in 0..<2 { _ = await cache.contents(of: Self.imageID) { reads.count += 1; return contents } }
                #expect(reads.count == 2)
                #expect(!FileManager.default.fileExists(atPath: cache.entryURL(Self.imageID).path))
            }
        }
    }

    @Test("A full cache removes the least recently used entries and stays within its bound")
    func leastRecentlyUsedEviction() async throws {
        let contents = try Self.leakyContents()
        let ids = (0..<6).map { "sha256:" + String(repeating: String($0), count: 64) }
        // Room for about three entries.
        let entrySize = try await {
            var size = 0
            try await Self.withCache { cache in
                cache.store(contents, imageID: ids[0])
                size = try Data(contentsOf: cache.entryURL(ids[0])).count
            }
            return size
        }()
        try await Self.withCache(limitBytes: entrySize * 3 + entrySize / 2) { cache in
            func age(_ id: String, _ seconds: Double) throws {
                try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -seconds)], ofItemAtPath: cache.entryURL(id).path)
            }
            for (index, id) in ids.prefix(3).enumerated() {
                cache.store(contents, imageID: id)
                try age(id, Double(100 - index * 10))
            }
            // Using the oldest makes it the newest: the second is now the least recently used.
            #expect(cache.load(ids[0])?.cached == true)
            cache.store(contents, imageID: ids[3])
            #expect(cache.load(ids[1]) == nil)
            #expect(cache.load(ids[0]) != nil && cache.load(ids[2]) != nil && cache.load(ids[3]) != nil)
            for id in ids.suffix(2) { cache.store(contents, imageID: id) }
            let files = try FileManager.default.contentsOfDirectory(at: cache.directory, includingPropertiesForKeys: [.fileSizeKey])
            let total = try files.reduce(0) { $0 + (try $1.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) }
            #expect(total <= cache.limitBytes)
            #expect(cache.load(ids[5]) != nil)
            // Whatever was evicted is read again with the same verdicts.
            for id in ids {
                let read = await cache.contents(of: id) { contents }
                #expect(Self.verdicts(read) == Self.verdicts(contents))
            }
        }
    }

    @Test("An entry larger than the whole cache is not stored")
    func oversizedEntry() async throws {
        let contents = try Self.leakyContents()
        try await Self.withCache(limitBytes: 100) { cache in
            cache.store(contents, imageID: Self.imageID)
            #expect(cache.load(Self.imageID) == nil)
        }
    }

    @Test("Concurrent writers of one entry, with readers beside them, never leave or show an unreadable entry")
    func concurrentWriters() async throws {
        let contents = try Self.leakyContents()
        let other = ImageContents(source: contents.source, layers: contents.layers, secretFiles: contents.secretFiles)
        try await Self.withCache { cache in
            let seen = await withTaskGroup(of: [ImageContents?].self) { group in
                for writer in 0..<8 {
                    group.addTask { () -> [ImageContents?] in
                        for _ in 0..<25 { cache.store(writer % 2 == 0 ? contents : other, imageID: Self.imageID) }
                        return []
                    }
                    group.addTask { (0..<25).map { _ in cache.load(Self.imageID) } }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            // A reader sees no entry (before the first rename) or a whole one, never a broken one.
            for loaded in seen.compactMap({ $0 }) {
                loaded.setuidFiles.isEmpty ? #expect(Self.verdicts(loaded) == Self.verdicts(other)) : #expect(Self.verdicts(loaded) == Self.verdicts(contents))
            }
            #expect(cache.load(Self.imageID) != nil)
            let left = try FileManager.default.contentsOfDirectory(atPath: cache.directory.path)
            #expect(left == [cache.entryURL(Self.imageID).lastPathComponent])
        }
    }

    @Test("`image` through a fake engine: the second run takes the contents from the cache and says so; --no-cache exports again")
    func commandLine() async throws {
        var layer = TarBuilder()
        layer.entry("usr/bin/tool", mode: 0o4755, data: Array("t".utf8))
        layer.end()
        let archive = ImageContentsTests().saveArchive(manifestFirst: true, layers: [("a/layer.tar", layer.bytes)], manifestLayers: ["a/layer.tar"])
        let exports = Reads()
        let lock = NSLock()
        let engine = try await FakeEngine { path, _ in
            if path.hasSuffix("/_ping") { return .reply(status: 200, body: "OK") }
            if path.hasSuffix("/version") { return .reply(status: 200, body: #"{"Version": "24.0.7", "ApiVersion": "1.43"}"#) }
            if path.hasSuffix("/history") { return .reply(status: 200, body: "[]") }
            if path.hasSuffix("/json") { return .reply(status: 200, body: #"{"Id": "\#(Self.imageID)", "RepoTags": ["cache/test:1"], "Os": "linux"}"#) }
            if path.hasSuffix("/get") {
                lock.withLock { exports.count += 1 }
                return .reply(status: 200, body: String(decoding: archive, as: UTF8.self))
            }
            return .reply(status: 404, body: #"{"message": "no such thing"}"#)
        }
        do {
            try await cacheRuns(engine, exports: exports)
        } catch {
            await engine.shutdown()
            throw error
        }
        await engine.shutdown()
    }

    private func cacheRuns(_ engine: FakeEngine, exports: Reads) async throws {
        try await Self.withCache { cache in
            func audit(_ extra: [String] = []) async throws -> [String] {
                let result = try await runToolAsync(["image", "cache/test:1", "-H", engine.host, "--cache-dir", cache.directory.path, "--format", "json", "--fail-on", "none"] + extra)
                #expect(result.status == 0, "\(result.stderr)")
                let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                let results = report?["results"] as? [[String: Any]] ?? []
                return results.filter { ($0["rule"] as? String) == RuleID.imageSetuid.rawValue }
                    .map { "\($0["status"] ?? "") cache=\(($0["evidence"] as? [String: String])?["cache"] != nil)" }
            }
            let run0 = try await audit()
            #expect(run0 == ["fail cache=false"])
            #expect(exports.count == 1)
            let run1 = try await audit()
            #expect(run1 == ["fail cache=true"])
            #expect(exports.count == 1)
            let run2 = try await audit(["--no-cache"])
            #expect(run2 == ["fail cache=false"])
            #expect(exports.count == 2)
        }
    }

    @Test("An image's configuration and history come from the cache on a repeat collection (no inspect, no history request); tags always from the engine's list; verdicts unchanged")
    func imageMetadata() async throws {
        let requests = Reads(), tag = Tag()
        let lock = NSLock()
        let inspect = #"{"Id": "\#(Self.imageID)", "RepoTags": ["old/name:1"], "Os": "linux", "Config": {"User": "", "Env": ["PATH=/bin", "DB_PASSWORD=CanaryMeta1"]}}"#
        let history = #"[{"CreatedBy": "|1 NPM_TOKEN=CanaryMeta2 /bin/sh -c curl -fsSL https://ci:CanaryMeta3@repo.example.com/x -o /x"}]"#
        let engine = try await FakeEngine { path, _ in
            if path.hasSuffix("/_ping") { return .reply(status: 200, body: "OK") }
            if path.hasSuffix("/version") { return .reply(status: 200, body: #"{"Version": "24.0.7", "ApiVersion": "1.43"}"#) }
            if path.hasSuffix("/info") { return .reply(status: 200, body: "{}") }
            if path.contains("/containers/json") || path.hasSuffix("/networks") { return .reply(status: 200, body: "[]") }
            if path.hasSuffix("/images/json") {
                return .reply(status: 200, body: #"[{"Id": "\#(Self.imageID)", "RepoTags": ["\#(lock.withLock { tag.name })"]}]"#)
            }
            if path.contains("/images/") {
                lock.withLock { requests.count += 1 }
                return .reply(status: 200, body: path.hasSuffix("/history") ? history : inspect)
            }
            return .reply(status: 404, body: #"{"message": "no such thing"}"#)
        }
        do {
            try await Self.withCache { cache in
                let directory = try TestEnvironment.temporaryDirectory()
                defer { try? FileManager.default.removeItem(at: directory) }
                func collect(_ name: String, _ extra: [String] = []) async throws -> (image: [String: Any], verdict: String) {
                    let path = directory.appendingPathComponent(name).path
                    let result = try await runToolAsync(["collect", "-o", path, "-H", engine.host, "--cache-dir", cache.directory.path, "--image-contents", "none"] + extra)
                    #expect(result.status == 0, "\(result.stderr)")
                    let snapshot = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
                    let image = (snapshot?["images"] as? [[String: Any]])?.first ?? [:]
                    let audit = try runTool(["audit", "--snapshot", path, "--include", "image.secrets", "--format", "json"])
                    let results = (try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])?["results"] as? [[String: Any]]
                    let verdict = results?.first.map { "\($0["status"] ?? "") \(($0["evidence"] as? [String: String])?["secrets"] ?? "")" } ?? "none"
                    return (image, verdict)
                }
                let first = try await collect("first.json")
                #expect(requests.count == 2)
                lock.withLock { tag.name = "new/name:2" }
                let second = try await collect("second.json")
                #expect(requests.count == 2, "the repeat collection asked the engine about the image again")
                #expect((second.image["inspect"] as? [String: Any])?["RepoTags"] as? [String] == ["new/name:2"])
                #expect(first.verdict.hasPrefix("fail") && first.verdict == second.verdict, "\(first.verdict) / \(second.verdict)")
                for part in ["history", "inspect"] {
                    let a = try JSONSerialization.data(withJSONObject: first.image[part] ?? [:], options: .sortedKeys)
                    let b = try JSONSerialization.data(withJSONObject: second.image[part] ?? [:], options: .sortedKeys)
                    #expect(part == "inspect" || a == b, "\(part) differs")
                }
                let entries = try FileManager.default.contentsOfDirectory(atPath: cache.directory.path)
                let stored = try entries.map { try String(contentsOf: cache.directory.appendingPathComponent($0), encoding: .utf8) }.joined()
                #expect(!stored.contains("Canary"), "the cache keeps a secret value")
                _ = try await collect("third.json", ["--no-cache"])
                #expect(requests.count == 4)
            }
        } catch {
            await engine.shutdown()
            throw error
        }
        await engine.shutdown()
    }

    final class Tag: @unchecked Sendable {
        var name = "old/name:1"
    }

    @Test("The default directory: XDG_CACHE_HOME, else ~/.cache (or /var/cache for root)")
    func defaultDirectory() {
        #expect(ContentCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/a"]) == "/x/cache/docker-baseline")
        #expect(ContentCache.defaultDirectory(environment: ["DOCKER_BASELINE_CACHE_DIR": "/run/dbc", "XDG_CACHE_HOME": "/x/cache"]) == "/run/dbc")
        let fallback = ContentCache.defaultDirectory(environment: ["HOME": "/home/a"])
        #expect(fallback == (geteuid() == 0 ? "/var/cache/docker-baseline" : "/home/a/.cache/docker-baseline"))
    }
}
