@testable import DockerBaseline
import Foundation
import Testing

/// Image archives and layers written by an attacker (issue 21): every one gives a clear error naming the file, in
/// bounded time and memory, and nothing is ever written outside the archive.
@Suite("Hostile archives and layers")
struct HostileArchiveTests {
    // MARK: Writers

    /// A `docker save` archive of one image whose layers are `layers` (lowest first), as `docker save` lays it out.
    static func saveArchive(_ layers: [[UInt8]], tag: String = "hostile/test:1") -> [UInt8] {
        let config = #"{"architecture":"amd64","os":"linux","config":{"User":"1000"},"rootfs":{"type":"layers","diff_ids":[]}}"#
        let names = layers.indices.map { String(format: "%04d/layer.tar", $0) }
        let manifest = #"[{"Config":"cafe.json","RepoTags":["\#(tag)"],"Layers":[\#(names.map { "\"\($0)\"" }.joined(separator: ","))]}]"#
        var outer = TarBuilder()
        for (name, bytes) in zip(names, layers) { outer.entry(name, data: bytes) }
        outer.file("cafe.json", config)
        outer.file("manifest.json", manifest)
        outer.end()
        return outer.bytes
    }

    /// A tar whose PAX header holds a good record, then one whose length is Int64.max (added to the first record's
    /// end, it overflowed).
    static func hugePAXRecord(_ key: String = "path") -> [UInt8] {
        var tar = TarBuilder()
        tar.entry("PaxHeaders/x", type: "x", data: Array("6 a=b\n9223372036854775807 \(key)=x\n".utf8))
        tar.file("x", "y")
        tar.end()
        return tar.bytes
    }

    /// Rewrites bytes of the header at `offset` and fixes its checksum, so only the field is wrong.
    static func patchHeader(_ bytes: inout [UInt8], at offset: Int, field: Int, _ value: [UInt8]) {
        for (i, byte) in value.enumerated() { bytes[offset + field + i] = byte }
        for i in 148..<156 { bytes[offset + i] = UInt8(ascii: " ") }
        let sum = bytes[offset..<(offset + 512)].reduce(0) { $0 + Int($1) }
        let digits = Array(String(format: "%06o", sum).utf8)
        for (i, byte) in digits.enumerated() { bytes[offset + 148 + i] = byte }
        bytes[offset + 154] = 0
        bytes[offset + 155] = UInt8(ascii: " ")
    }

    static func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Runs the built command with a deadline; a run past it is stopped (SIGTERM, then SIGKILL) and reported as nil.
    static func runBounded(_ arguments: [String], seconds: TimeInterval = 30) throws -> CommandResult? {
        let result = try runTool(arguments, environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"], timeout: seconds)
        return result.timedOut ? nil : result
    }

    struct Finding {
        let rule: String
        let status: String
        let target: String
        let message: String
        let evidence: [String: String]
    }

    static func findings(_ output: String) throws -> [Finding] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let results = try #require(object["results"] as? [[String: Any]])
        return results.map { result in
            Finding(rule: result["rule"] as? String ?? "", status: result["status"] as? String ?? "",
                    target: (result["target"] as? [String: Any])?["name"] as? String ?? "",
                    message: result["message"] as? String ?? "", evidence: result["evidence"] as? [String: String] ?? [:])
        }
    }

    static let python = ["PATH": "/usr/local/bin:/usr/bin:/bin:/root/.pyenv/shims"]

    // MARK: 1. Header arithmetic

    @Test("A PAX record length near Int64.max, and overflowing or non-octal numeric fields, are malformed-header errors, not traps")
    func headerArithmetic() throws {
        for key in ["path", "size", "linkpath"] {
            let error = scanLayer(Self.hugePAXRecord(key)).error
            #expect(error?.hasPrefix("malformed tar header at byte 0: PAX record length 9223372036854775807") == true, "\(String(describing: error))")
        }
        // A length that is not a number, or shorter than its own digits.
        var short = TarBuilder()
        short.entry("PaxHeaders/x", type: "x", data: Array("1 path=x\n".utf8))
        short.end()
        #expect(scanLayer(short.bytes).error?.contains("malformed tar header") == true)

        // A PAX size that is a valid Int64 but far past the data: the layer is cut short, nothing more.
        var paxSize = TarBuilder()
        paxSize.pax([("size", "9223372036854775807")])
        paxSize.file("x", "y")
        paxSize.end()
        #expect(scanLayer(paxSize.bytes).error?.contains("truncated") == true)
        #expect(scanLayer(paxSize.bytes).error?.contains("PAX size") == false)
        var hugeSize = TarBuilder()
        hugeSize.pax([("size", "99999999999999999999999")])
        hugeSize.file("x", "y")
        hugeSize.end()
        #expect(scanLayer(hugeSize.bytes).error?.contains("malformed tar header at byte 1024: PAX size") == true)

        var tar = TarBuilder()
        tar.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        tar.end()
        // base-256 sizes: every bit set after the marker overflows 64 bits; the sign bit makes it negative.
        var overflow = tar.bytes
        Self.patchHeader(&overflow, at: 0, field: 124, [0x80] + [UInt8](repeating: 0xFF, count: 11))
        #expect(scanLayer(overflow).error == "malformed tar header at byte 0: base-256 size field overflows 64 bits")
        var negative = tar.bytes
        Self.patchHeader(&negative, at: 0, field: 124, [0xC0] + [UInt8](repeating: 0, count: 10) + [5])
        #expect(scanLayer(negative).error == "malformed tar header at byte 0: negative size -5")
        var largest = tar.bytes
        Self.patchHeader(&largest, at: 0, field: 124, [0x80, 0, 0, 0, 0x7F] + [UInt8](repeating: 0xFF, count: 7))
        #expect(scanLayer(largest).error?.contains("truncated") == true, "Int64.max as a base-256 size is read, then cut short")
        // mtime and uid fields nothing uses are still checked.
        var mtime = tar.bytes
        Self.patchHeader(&mtime, at: 0, field: 136, Array("9999zzzz999\0".utf8))
        #expect(scanLayer(mtime).error == "malformed tar header at byte 0: mtime field is not octal")
        var mtime256 = tar.bytes
        Self.patchHeader(&mtime256, at: 0, field: 136, [0xBF] + [UInt8](repeating: 0xFF, count: 11))
        #expect(scanLayer(mtime256).error == "malformed tar header at byte 0: base-256 mtime field overflows 64 bits")
        // A GNU long name claiming near Int64.max bytes.
        var longName = tar.bytes
        Self.patchHeader(&longName, at: 0, field: 156, Array("L".utf8))
        Self.patchHeader(&longName, at: 0, field: 124, [0x80, 0, 0, 0, 0x7F] + [UInt8](repeating: 0xFF, count: 7))
        #expect(scanLayer(longName).error?.contains("exceeds") == true)
    }

    @Test("A huge PAX record in an inner layer and in the outer archive: the command exits cleanly and names the file and the layer")
    func headerArithmeticCommand() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var good = TarBuilder()
        good.entry("usr/bin/tool", mode: 0o4755, data: Array("t".utf8))
        good.end()
        let inner = try Self.write(Self.saveArchive([good.bytes, Self.hugePAXRecord()]), "inner.tar", in: directory)
        let innerRun = try #require(try Self.runBounded(["image", inner, "--format", "json"]), "image on \(inner) did not finish")
        #expect(innerRun.status == 1, "\(innerRun.stderr)")
        let setuid = try #require(try Self.findings(innerRun.stdout).first { $0.rule == RuleID.imageSetuid.rawValue })
        #expect(setuid.status == "fail")
        #expect(setuid.evidence["incomplete"]?.contains("layer 0001/layer.tar: malformed tar header at byte 0: PAX record length") == true)
        let world = try #require(try Self.findings(innerRun.stdout).first { $0.rule == RuleID.imageWorldWritable.rawValue })
        #expect(world.status == "error")
        #expect(world.message.contains(inner) && world.message.contains("layer 0001/layer.tar: malformed tar header at byte 0"), "\(world.message)")

        var outer = Self.saveArchive([good.bytes])
        outer = Self.hugePAXRecord() + outer
        let outerPath = try Self.write(outer, "outer.tar", in: directory)
        let outerRun = try #require(try Self.runBounded(["image", outerPath]), "image on \(outerPath) did not finish")
        #expect(outerRun.status == 3, "\(outerRun.stdout)")
        #expect(outerRun.stderr.contains("\(outerPath) is not a readable tar: malformed tar header at byte 0: PAX record length"), "\(outerRun.stderr)")
    }

    // MARK: 2. Only regular files; reading stops at the end

    @Test("image on a character device, a FIFO, or an OCI layout whose blob is one: a clear error naming it, at once")
    func notRegularFiles() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for device in ["/dev/zero", "/dev/urandom"] {
            let result = try #require(try Self.runBounded(["image", device]), "image \(device) did not finish")
            #expect(result.status == 3)
            #expect(result.stderr.contains("docker save archive \(device) is not a regular file (a character device)"), "\(result.stderr)")
        }
        let fifo = directory.appendingPathComponent("pipe.tar").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let fifoRun = try #require(try Self.runBounded(["image", fifo]), "image on a FIFO did not finish")
        #expect(fifoRun.status == 3)
        #expect(fifoRun.stderr.contains("\(fifo) is not a regular file (a FIFO)"), "\(fifoRun.stderr)")

        // OCI layouts: the layer blob is a FIFO (no writer), then a link to /dev/zero.
        for kind in ["fifo", "device"] {
            let layout = directory.appendingPathComponent("layout-\(kind)")
            let blobs = layout.appendingPathComponent("blobs/sha256")
            try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
            func put(_ bytes: [UInt8]) throws -> String {
                let hex = SHA256.hex(bytes)
                try Data(bytes).write(to: blobs.appendingPathComponent(hex))
                return "sha256:" + hex
            }
            let layer = "sha256:" + String(repeating: "ab", count: 32)
            let blob = blobs.appendingPathComponent(String(repeating: "ab", count: 32)).path
            if kind == "fifo" { #expect(mkfifo(blob, 0o600) == 0) } else { try FileManager.default.createSymbolicLink(atPath: blob, withDestinationPath: "/dev/zero") }
            let config = try put(Array(#"{"os":"linux","config":{"User":"1000"}}"#.utf8))
            let manifest = try put(Array(#"{"schemaVersion":2,"config":{"digest":"\#(config)"},"layers":[{"digest":"\#(layer)"}]}"#.utf8))
            try Data(#"{"schemaVersion":2,"manifests":[{"digest":"\#(manifest)"}]}"#.utf8).write(to: layout.appendingPathComponent("index.json"))
            let result = try #require(try Self.runBounded(["image", layout.path, "--format", "json"]), "image on a layout with a \(kind) blob did not finish")
            // The image was read (its configuration): error results, the exit code the report policy gives them.
            #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
            let setuid = try #require(try Self.findings(result.stdout).first { $0.rule == RuleID.imageSetuid.rawValue })
            #expect(setuid.status == "error")
            let what = kind == "fifo" ? "a FIFO" : "a character device"
            #expect(setuid.message.contains("blob \(blob) is not a regular file (\(what))"), "\(setuid.message)")
        }
    }

    @Test("Reading stops at the archive's end: bytes after the end blocks or after the tar inside a gzip member are never read")
    func stopsAtTheEnd() throws {
        var tar = TarBuilder()
        tar.entry("usr/bin/tool", mode: 0o4755, data: Array("t".utf8))
        tar.end()
        // The outer reader says it has ended as soon as the end blocks pass.
        let scanner = ArchiveScanner(source: "test")
        try tar.bytes.withUnsafeBytes { try scanner.feed($0) }
        #expect(scanner.hasEnded)

        // A gzip layer whose tar ends, followed (in the same gzip member) by a GiB of zeros: inflating stops at the
        // tar's end, so the zeros are never produced.
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let head = try Self.write(tar.bytes, "head.tar", in: directory)
        let blob = directory.appendingPathComponent("layer.gz").path
        let script = """
        import sys, zlib
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        out = open(sys.argv[2], "wb")
        out.write(z.compress(open(sys.argv[1], "rb").read()) + z.flush(zlib.Z_FULL_FLUSH))
        piece = z.compress(bytes(1 << 20)) + z.flush(zlib.Z_FULL_FLUSH)
        for _ in range(1024): out.write(piece)
        out.write(z.flush())
        """
        #expect(try run("/usr/bin/env", ["python3", "-c", script, head, blob], environment: Self.python).status == 0)
        let stream = LayerStream()
        let handle = try ImageContentsReader.openRegularFile(blob, what: "blob")
        defer { try? handle.close() }
        var read = 0
        while !stream.isFinished, let chunk = try handle.read(upToCount: 64 << 10), !chunk.isEmpty {
            read += chunk.count
            chunk.withUnsafeBytes { stream.feed($0) }
        }
        stream.close()
        #expect(stream.error == nil)
        #expect(stream.scanner.facts.setuid.map(\.path) == ["/usr/bin/tool"])
        #expect(stream.tarByteCount < 1 << 20, "inflated \(stream.tarByteCount) bytes past the tar's end")
        #expect(read < 1 << 20, "read \(read) bytes past the tar's end")
    }

    // MARK: 3. Inflation budget

    @Test("A gzip bomb layer (8 GiB of zeros) is an error result for its image, reached quickly; the next image is still audited")
    func gzipBomb() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // An OCI layout whose one layer is gzip: a PAX header for an 8 GiB file, then 8 GiB of zeros, written as the
        // same full-flushed deflate block 8192 times (8 MiB on disk). The trailer is left out: it is never reached.
        let layout = directory.appendingPathComponent("bomb")
        let script = """
        import hashlib, io, json, os, sys, tarfile, zlib
        root = sys.argv[1]
        blobs = os.path.join(root, "blobs", "sha256")
        os.makedirs(blobs)
        def put(data):
            digest = hashlib.sha256(data).hexdigest()
            open(os.path.join(blobs, digest), "wb").write(data)
            return "sha256:" + digest
        info = tarfile.TarInfo("var/lib/zeros")
        info.size = 8 << 30
        header = info.tobuf(tarfile.PAX_FORMAT)
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        layer = bytearray(z.compress(header) + z.flush(zlib.Z_FULL_FLUSH))
        piece = z.compress(bytes(1 << 20)) + z.flush(zlib.Z_FULL_FLUSH)
        for _ in range(8192): layer += piece
        layer = bytes(layer)
        config = put(json.dumps({"os": "linux", "config": {"User": "1000"}}).encode())
        manifest = put(json.dumps({"schemaVersion": 2, "config": {"digest": config},
                                   "layers": [{"digest": put(layer)}]}).encode())
        open(os.path.join(root, "index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": [{"digest": manifest}]}))
        """
        #expect(try run("/usr/bin/env", ["python3", "-c", script, layout.path], environment: Self.python).status == 0)
        var good = TarBuilder()
        good.entry("usr/bin/tool", mode: 0o4755, data: Array("t".utf8))
        good.end()
        let other = try Self.write(Self.saveArchive([good.bytes], tag: "fine/image:1"), "fine.tar", in: directory)

        let result = try #require(try Self.runBounded(["image", layout.path, other, "--format", "json"], seconds: 60), "the bomb was inflated for a minute")
        #expect(result.status == 1, "\(result.stderr)")
        let all = try Self.findings(result.stdout)
        let bomb = try #require(all.first { $0.rule == RuleID.imageSetuid.rawValue && $0.target != "fine/image:1" })
        #expect(bomb.status == "error")
        #expect(bomb.message.contains("OCI layout \(layout.path)") && bomb.message.contains("inflates more than 100 times") && bomb.message.contains("decompression bomb"),
                "\(bomb.message)")
        #expect(all.first { $0.rule == RuleID.imageSetuid.rawValue && $0.target == "fine/image:1" }?.status == "fail")
    }

    @Test("The image budget is shared by its layers: bytes and entries beyond it are an error naming the budget")
    func imageBudget() {
        var layer = TarBuilder()
        for index in 0..<20 { layer.entry("data/\(index)", data: [UInt8](repeating: 7, count: 30_000)) }
        layer.end()
        let budget = ReadBudget(.init(imageBytes: 1 << 20, ratio: 100, ratioFloorBytes: 256 << 20, imageEntries: 1000))
        let first = LayerStream(budget: budget)
        feedInPieces(layer.bytes) { first.feed($0) }
        first.close()
        #expect(first.error == nil)
        let second = LayerStream(budget: budget)
        feedInPieces(layer.bytes) { second.feed($0) }
        second.close()
        #expect(second.error?.hasPrefix("the image's layers inflate to more than 1 MiB of tar data") == true, "\(String(describing: second.error))")

        let few = ReadBudget(.init(imageBytes: 1 << 30, ratio: 100, ratioFloorBytes: 256 << 20, imageEntries: 10))
        let stream = LayerStream(budget: few)
        feedInPieces(layer.bytes) { stream.feed($0) }
        stream.close()
        #expect(stream.error == "the image's layers hold more than 10 entries; not read further")
        #expect(stream.scanner.facts.entries == 10)
    }

    // MARK: 4. Linear bookkeeping across layers

    @Test("500 layers of 400 setuid files each, with whiteouts and an opaque directory: judged in bounded time, with the right count")
    func manyLayers() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let layerCount = 500, filesPerLayer = 400
        var layers: [[UInt8]] = []
        for index in 0..<layerCount {
            var tar = TarBuilder()
            if index > 0 { tar.entry("d\(index - 1)/.wh.f0") }
            if index == layerCount - 1 { tar.entry("d0/.wh..wh..opq") }
            for file in 0..<filesPerLayer { tar.entry("d\(index)/f\(file)", mode: 0o4755) }
            tar.end()
            layers.append(tar.bytes)
        }
        let path = try Self.write(Self.saveArchive(layers), "layers.tar", in: directory)
        layers = []
        let result = try #require(try Self.runBounded(["image", path, "--format", "json"], seconds: 60), "500 layers were not judged in a minute")
        #expect(result.status == 1, "\(result.stderr)")
        let setuid = try #require(try Self.findings(result.stdout).first { $0.rule == RuleID.imageSetuid.rawValue })
        // Every layer but the last whites out one file of the layer below; the last hides what is left of d0.
        let expected = layerCount * filesPerLayer - (layerCount - 1) - (filesPerLayer - 1)
        #expect(setuid.message.hasPrefix("\(expected) setuid/setgid file(s)"), "\(setuid.message)")
    }

    // MARK: 5. Repeated manifests

    @Test("An OCI index listing one manifest 40,000 times reads it once; too many distinct manifests or layers are an error")
    func repeatedManifests() throws {
        var layer = TarBuilder()
        layer.entry("usr/bin/tool", mode: 0o4755, data: Array("t".utf8))
        layer.end()
        let layerDigest = "sha256:" + SHA256.hex(layer.bytes)
        let config = "sha256:" + String(repeating: "c", count: 64)
        let manifestJSON = Data(#"{"schemaVersion":2,"config":{"digest":"\#(config)"},"layers":[\#(Array(repeating: #"{"digest":"\#(layerDigest)"}"#, count: 50).joined(separator: ","))]}"#.utf8)
        func index(_ digests: [String]) -> Data {
            Data(#"{"schemaVersion":2,"manifests":[\#(digests.map { #"{"digest":"\#($0)"}"# }.joined(separator: ","))]}"#.utf8)
        }
        let manifest = "sha256:" + String(repeating: "a", count: 64)
        var blobReads = 0, layerReads = 0
        let images = try resolveOCI(index: index(Array(repeating: manifest, count: 40_000)), source: "test", problems: []) { digest in
            blobReads += 1
            return digest == config ? Data(#"{"os":"linux"}"#.utf8) : manifestJSON
        } layer: { _, _ in
            layerReads += 1
            let (facts, error) = scanLayer(layer.bytes)
            return ScannedLayer(digest: layerDigest, facts: facts, error: error)
        }
        #expect(images.count == 1)
        #expect(blobReads == 2, "the manifest and its configuration, once each")
        #expect(layerReads == 1, "a layer listed 50 times is read once")
        #expect(images.first?.contents.layers.count == 50)
        #expect(images.first?.contents.setuidFiles.map(\.path) == ["/usr/bin/tool"])

        let distinct = (0...imageCountLimit).map { String(format: "sha256:%064x", $0) }
        #expect(throws: TarError("the index lists more than \(imageCountLimit) distinct manifests")) {
            try resolveOCI(index: index(distinct), source: "test", problems: []) { digest in
                digest == config ? Data(#"{"os":"linux"}"#.utf8) : Data(#"{"schemaVersion":2,"config":{"digest":"\#(config)"},"layers":[]}"#.utf8)
            } layer: { digest, _ in ScannedLayer(digest: digest) }
        }

        let tooManyLayers = Data(#"{"schemaVersion":2,"config":{"digest":"\#(config)"},"layers":[\#(Array(repeating: #"{"digest":"\#(layerDigest)"}"#, count: layerCountLimit + 1).joined(separator: ","))]}"#.utf8)
        let deep = try resolveOCI(index: index([manifest]), source: "test", problems: []) { digest in
            digest == config ? Data(#"{"os":"linux"}"#.utf8) : tooManyLayers
        } layer: { digest, _ in ScannedLayer(digest: digest) }
        #expect(deep.first?.contents.problems.map(\.message) == ["manifest \(manifest) lists \(layerCountLimit + 1) layers; more than \(layerCountLimit) are not read"])

        // docker save: the same image listed 40,000 times in manifest.json is one image.
        let save = #"[\#(Array(repeating: #"{"Config":"cafe.json","RepoTags":["x:1"],"Layers":["a/layer.tar"]}"#, count: 40_000).joined(separator: ","))]"#
        var outer = TarBuilder()
        outer.entry("a/layer.tar", data: layer.bytes)
        outer.file("cafe.json", #"{"os":"linux"}"#)
        outer.file("manifest.json", save)
        outer.end()
        let scanner = ArchiveScanner(source: "test")
        try outer.bytes.withUnsafeBytes { try scanner.feed($0) }
        let saved = scanner.finish(streamError: nil)
        #expect(saved.count == 1)
        #expect(saved.first?.contents.setuidFiles.map(\.path) == ["/usr/bin/tool"])
    }

    // MARK: 6. Paths through symbolic links

    @Test("A credentials file written through a symlinked directory is found at its real path; deleting it there is seen")
    func symlinkedDirectories() throws {
        let aws = "[default]\naws_access_key_id = AKIAHOSTILETEST00001\naws_secret_access_key = hostileSecretValue0001\n"
        var lower = TarBuilder()
        lower.entry("root/.aws", type: "5", mode: 0o700)
        lower.entry("x", type: "2", link: "/root/.aws")
        lower.entry("etc", type: "5", mode: 0o755)
        // Relative, climbing above the root (clamped there), and a loop that must end.
        lower.entry("srv/e", type: "2", link: "../../../../etc")
        lower.entry("loop1", type: "2", link: "loop2")
        lower.entry("loop2", type: "2", link: "loop1")
        lower.end()
        var upper = TarBuilder()
        upper.file("x/credentials", aws)
        upper.file("srv/e/shadow", "root::19000:0:99999:7:::\n")
        upper.file("home/shadow", "nobody::19000:0:99999:7:::\n")
        upper.file("loop1/credentials", aws)
        // In one layer: the link, then a file through it.
        upper.entry("y", type: "2", link: "root/.docker")
        upper.file("y/config.json", #"{"auths":{"registry.example":{"auth":"aG9zdGlsZTpzZWNyZXQ="}}}"#)
        upper.end()
        var cleanup = TarBuilder()
        cleanup.entry("root/.aws/.wh.credentials")
        cleanup.end()

        let images = try readArchive(Self.saveArchive([lower.bytes, upper.bytes]))
        let contents = try #require(images.first?.contents)
        #expect(contents.problems.isEmpty, "\(contents.problems)")
        #expect(contents.secretFiles.map(\.path) == ["/loop1/credentials", "/root/.aws/credentials", "/root/.docker/config.json"])
        #expect(contents.emptyPasswordAccounts.map { "\($0.path) \($0.account)" } == ["/etc/shadow root"])

        let deleted = try #require(try readArchive(Self.saveArchive([lower.bytes, upper.bytes, cleanup.bytes])).first?.contents)
        #expect(deleted.secretFiles.first { $0.path == "/root/.aws/credentials" }?.deletedInLayer == 2)
    }

    @Test("Nothing in a hostile archive is written anywhere: names that climb out, absolute names and links are only read")
    func nothingWritten() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = "dbt-escape-\(UUID().uuidString)"
        var layer = TarBuilder()
        layer.file("../../../../../../tmp/\(marker)-climb", "x")
        layer.file("/tmp/\(marker)-absolute", "x")
        layer.entry("out", type: "2", link: "/tmp")
        layer.file("out/\(marker)-through-link", "x")
        layer.entry("hard", type: "1", link: "/tmp/\(marker)-hard")
        layer.end()
        let path = try Self.write(Self.saveArchive([layer.bytes]), "escape.tar", in: directory)
        let result = try #require(try Self.runBounded(["image", path]))
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix(marker) }
            + (try FileManager.default.contentsOfDirectory(atPath: directory.path)).filter { $0 != "escape.tar" }
        #expect(written.isEmpty, "\(written)")
    }

    func readArchive(_ bytes: [UInt8]) throws -> [ArchiveImage] {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return ImageContentsReader.readArchive(try Self.write(bytes, "image.tar", in: directory))
    }
}
