@testable import DockerBaseline
import Foundation
import Testing

/// A tar written block by block, so each test controls every header field (and can break them).
struct TarBuilder {
    var bytes: [UInt8] = []

    mutating func entry(_ name: String, type: Character = "0", mode: Int = 0o644, uid: Int = 0, gid: Int = 0,
                        data: [UInt8] = [], link: String = "", prefix: String = "", sizeField: Int? = nil,
                        breakChecksum: Bool = false) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ length: Int) {
            for (i, byte) in text.utf8.prefix(length).enumerated() { header[offset + i] = byte }
        }
        func octal(_ value: Int, _ offset: Int, _ length: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits, offset, length - 1)
        }
        put(name, 0, 100)
        octal(mode, 100, 8)
        octal(uid, 108, 8)
        octal(gid, 116, 8)
        octal(sizeField ?? data.count, 124, 12)
        octal(0, 136, 12)
        header[156] = type.asciiValue!
        put(link, 157, 100)
        put("ustar\0", 257, 6)
        put("00", 263, 2)
        put(prefix, 345, 155)
        for i in 148..<156 { header[i] = UInt8(ascii: " ") }
        var sum = header.reduce(0) { $0 + Int($1) }
        if breakChecksum { sum += 1 }
        octal(sum, 148, 7)
        header[155] = UInt8(ascii: " ")
        bytes += header
        bytes += data
        bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    mutating func file(_ name: String, _ text: String, mode: Int = 0o644) { entry(name, mode: mode, data: Array(text.utf8)) }

    mutating func pax(_ records: [(String, String)]) {
        var body: [UInt8] = []
        for (key, value) in records {
            let tail = " \(key)=\(value)\n"
            var length = tail.utf8.count + 1
            while String(length).utf8.count + tail.utf8.count != length { length += 1 }
            body += Array("\(length)\(tail)".utf8)
        }
        entry("PaxHeaders/x", type: "x", data: body)
    }

    mutating func end() { bytes += [UInt8](repeating: 0, count: 1024) }
}

/// Records what the reader hands out.
final class RecordingSink: TarSink {
    var entries: [TarEntry] = []
    var contents: [String: [UInt8]] = [:]
    func start(_ entry: TarEntry) throws { entries.append(entry); contents[entry.path] = [] }
    func data(_ bytes: UnsafeRawBufferPointer) throws { contents[entries.last!.path]! += Array(bytes) }
    func finish() throws {}
}

/// Feeds `bytes` in awkward pieces (7, then 1000 bytes) so every state crosses a piece boundary.
func feedInPieces(_ bytes: [UInt8], _ feed: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    var index = 0
    var toggle = false
    while index < bytes.count {
        let size = min(toggle ? 1000 : 7, bytes.count - index)
        try bytes[index..<(index + size)].withUnsafeBytes { try feed($0) }
        index += size
        toggle.toggle()
    }
}

func readTar(_ bytes: [UInt8]) throws -> RecordingSink {
    let sink = RecordingSink()
    let reader = TarReader(sink: sink)
    try feedInPieces(bytes) { try reader.feed($0) }
    try reader.close()
    return sink
}

func scanLayer(_ bytes: [UInt8]) -> (facts: LayerFacts, error: String?) {
    let stream = LayerStream()
    feedInPieces(bytes) { stream.feed($0) }
    stream.close()
    return (stream.scanner.facts, stream.error)
}

let privateKeyText = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAunitTestSecretMaterial\n-----END OPENSSH PRIVATE KEY-----\n"

@Suite("Image contents: tar reader, layer scanner, archives")
struct ImageContentsTests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors")
    func sha256() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array(String(repeating: "a", count: 1_000_000).utf8)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("ustar prefix, PAX path/linkpath/size and GNU long names name the right entries, with the right data")
    func longNames() throws {
        let longPath = "deep/" + String(repeating: "d", count: 150) + "/file.txt"
        var tar = TarBuilder()
        tar.entry("name.txt", data: Array("one".utf8), prefix: "some/prefix")
        tar.pax([("path", longPath), ("uid", "1234567")])
        tar.entry("truncated-name", data: Array("two".utf8))
        tar.pax([("linkpath", "/" + String(repeating: "t", count: 120))])
        tar.entry("link", type: "2")
        let gnuName = String(repeating: "g", count: 200) + "/id_rsa"
        tar.entry("././@LongLink", type: "L", data: Array(gnuName.utf8) + [0])
        tar.entry("short", data: Array("three".utf8))
        tar.entry("././@LongLink", type: "K", data: Array(gnuName.utf8) + [0])
        tar.entry("hard", type: "1", link: "short")
        // A PAX size overrides the header's size field.
        tar.pax([("size", "5")])
        tar.entry("sized", data: Array("12345".utf8), sizeField: 0)
        tar.file("after", "four")
        tar.end()
        let sink = try readTar(tar.bytes)
        #expect(sink.entries.map(\.path) == ["some/prefix/name.txt", longPath, "link", gnuName, "hard", "sized", "after"])
        #expect(sink.entries[1].uid == 1234567)
        #expect(sink.entries[2].kind == .symlink && sink.entries[2].linkName == "/" + String(repeating: "t", count: 120))
        #expect(sink.entries[4].kind == .hardLink && sink.entries[4].linkName == gnuName)
        #expect(sink.contents[longPath] == Array("two".utf8))
        #expect(sink.contents["sized"] == Array("12345".utf8))
        #expect(sink.contents["after"] == Array("four".utf8))
    }

    @Test("Hard links to setuid files and secrets are reported too; symlinks are never followed, loops are harmless")
    func linksAndLoops() {
        var tar = TarBuilder()
        tar.entry("usr/bin/tool", mode: 0o4755, data: Array("binary".utf8))
        tar.entry("usr/bin/tool-link", type: "1", mode: 0o755, link: "usr/bin/tool")
        tar.file("root/.ssh/key", privateKeyText, mode: 0o600)
        tar.entry("root/.ssh/key-link", type: "1", link: "root/.ssh/key")
        tar.entry("loop/a", type: "2", link: "b")
        tar.entry("loop/b", type: "2", link: "a")
        tar.entry("usr/sbin/sshd", type: "2", link: "/usr/bin/dropbearmulti")
        tar.end()
        let (facts, error) = scanLayer(tar.bytes)
        #expect(error == nil)
        #expect(facts.setuid.map(\.path) == ["/usr/bin/tool", "/usr/bin/tool-link"])
        #expect(facts.secrets.map(\.path).sorted() == ["/root/.ssh/key", "/root/.ssh/key-link"])
        #expect(facts.sshd.map(\.path) == ["/usr/sbin/sshd"])
        #expect(facts.entries == 7)
    }

    @Test("Sparse files (GNU and PAX formats) are skipped by their stored size; the entry after them is read",
          arguments: ["gnu", "posix"])
    func sparse(_ format: String) throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sparseFile = directory.appendingPathComponent("sparse.bin")
        FileManager.default.createFile(atPath: sparseFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: sparseFile)
        for offset in stride(from: 0, to: 40 << 20, by: 4 << 20) {
            try handle.seek(toOffset: UInt64(offset))
            try handle.write(contentsOf: Data(repeating: 0x41, count: 1000))
        }
        try handle.truncate(atOffset: 41 << 20)
        try handle.close()
        try privateKeyText.write(to: directory.appendingPathComponent("zz_id_rsa"), atomically: true, encoding: .utf8)
        let archive = directory.appendingPathComponent("layer.tar").path
        let result = try run("/usr/bin/tar", ["--format=\(format)", "-S", "-C", directory.path, "-cf", archive, "sparse.bin", "zz_id_rsa"])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: archive)))
        #expect(bytes.count < 1 << 20, "the archive stores only the data parts")
        let (facts, error) = scanLayer(bytes)
        #expect(error == nil)
        #expect(facts.entries == 2)
        #expect(facts.secrets.map(\.path) == ["/zz_id_rsa"])
        let sink = try readTar(bytes)
        #expect(sink.entries.first?.path == "sparse.bin")
    }

    @Test("Whiteouts, opaque directories and replacements give the final filesystem; secrets removed stay reported")
    func whiteouts() {
        var lower = TarBuilder()
        lower.file("root/.ssh/id_ed25519", privateKeyText, mode: 0o600)
        lower.file("etc/app/deploy.pem", privateKeyText)
        lower.entry("usr/bin/su", mode: 0o4755, data: Array("su".utf8))
        lower.entry("usr/bin/replaced", mode: 0o4755, data: Array("x".utf8))
        lower.entry("srv/data", type: "5", mode: 0o777)
        lower.entry("opt/tree/sub/tool", mode: 0o2755, data: Array("y".utf8))
        lower.entry("usr/sbin/sshd", mode: 0o755, data: Array("sshd".utf8))
        lower.end()
        var upper = TarBuilder()
        upper.entry("root/.ssh/.wh.id_ed25519", data: [])
        upper.entry("etc/app/.wh..wh..opq", data: [])
        upper.entry("usr/bin/replaced", mode: 0o755, data: Array("z".utf8))
        upper.entry("srv/data", type: "5", mode: 0o1777)
        upper.entry("opt/tree", type: "2", link: "/elsewhere")
        upper.end()
        let layers = [lower, upper].enumerated().map { index, tar in
            let (facts, error) = scanLayer(tar.bytes)
            return ScannedLayer(digest: "sha256:layer\(index)", facts: facts, error: error)
        }
        let contents = ImageContentsBuilder.build(source: "test", layers: layers)
        #expect(contents.problems.isEmpty)
        #expect(contents.setuidFiles.map(\.path) == ["/usr/bin/su"])
        #expect(contents.worldWritableDirectories.isEmpty, "the upper layer set the sticky bit")
        #expect(contents.sshdFiles.map(\.path) == ["/usr/sbin/sshd"])
        let deleted = contents.secretFiles.filter { $0.deletedInLayer == 1 }.map(\.path)
        #expect(deleted == ["/etc/app/deploy.pem", "/root/.ssh/id_ed25519"])
        #expect(contents.secretFiles.allSatisfy { $0.deletedInLayer != nil })
        #expect(contents.secretFiles.allSatisfy { $0.fingerprint.count == 8 && $0.fingerprint == String(SHA256.hex(Array(privateKeyText.utf8)).prefix(8)) })
    }

    @Test("Credential files are recognised by name and content; examples and empty configurations are not")
    func credentialFiles() {
        var tar = TarBuilder()
        tar.file("home/a/.git-credentials", "https://alice:s3cretGitPass@github.com\n")
        tar.file("home/a/.netrc", "machine example.com login alice password s3cretNetrc\n")
        tar.file("home/a/.npmrc", "//registry.npmjs.org/:_authToken=s3cretNpm\n")
        tar.file("home/a/.aws/credentials", "[default]\naws_secret_access_key = s3cretAws\n")
        tar.file("home/a/.docker/config.json", #"{"auths": {"r.example": {"auth": "czNjcmV0"}}}"#)
        tar.file("app/.env", "PORT=8080\nDB_PASSWORD=s3cretEnv\n")
        tar.file("home/b/.docker/config.json", #"{"auths": {"r.example": {}}, "credsStore": "pass"}"#)
        tar.file("home/b/.npmrc", "registry=https://registry.npmjs.org/\n")
        tar.file("app/.env.example", "DB_PASSWORD=changeme\n")
        tar.file("app/.env.production", "PORT=8080\n")
        tar.file("home/b/id_rsa.pub", "ssh-ed25519 AAAA public\n")
        tar.file("etc/ssl/certs/ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        tar.file("usr/share/doc/notes.txt", "see the -----BEGIN RSA PRIVATE KEY----- header\n")
        tar.file("etc/shadow", "root::19000:0:99999:7:::\nbin:*:19000::::::\napp:!:19000::::::\nnobody:$6$abc$def:19000::::::\n")
        tar.end()
        let (facts, error) = scanLayer(tar.bytes)
        #expect(error == nil)
        let kinds = Dictionary(uniqueKeysWithValues: facts.secrets.map { ($0.path, $0.kind) })
        #expect(kinds == [
            "/home/a/.git-credentials": "Git credentials", "/home/a/.netrc": "netrc password", "/home/a/.npmrc": "npm token",
            "/home/a/.aws/credentials": "AWS credentials", "/home/a/.docker/config.json": "Docker registry credentials",
            "/app/.env": "environment file with secrets",
        ])
        #expect(facts.shadowEmpty.map(\.account) == ["root"])
    }

    @Test("A private key past the first bytes of a large file is not looked for; a key file of any size is fingerprinted whole")
    func boundedReads() {
        var tar = TarBuilder()
        let big = [UInt8](repeating: 0x20, count: 300_000) + Array(privateKeyText.utf8)
        tar.entry("var/big.bin", data: big)
        let keyWithTail = Array(privateKeyText.utf8) + [UInt8](repeating: 0x0a, count: 200_000)
        tar.entry("root/.ssh/id_rsa", data: keyWithTail)
        tar.end()
        let (facts, error) = scanLayer(tar.bytes)
        #expect(error == nil)
        #expect(facts.secrets.map(\.path) == ["/root/.ssh/id_rsa"])
        #expect(facts.secrets.first?.fingerprint == String(SHA256.hex(keyWithTail).prefix(8)))
    }

    @Test("gzip layers are inflated as they stream; zstd and corrupt gzip are errors naming why")
    func compression() throws {
        var tar = TarBuilder()
        tar.file("root/.ssh/id_rsa", privateKeyText)
        tar.end()
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("layer.tar")
        try Data(tar.bytes).write(to: plain)
        #expect(try run("/bin/gzip", ["-k", plain.path]).status == 0)
        let gzipped = try [UInt8](Data(contentsOf: URL(fileURLWithPath: plain.path + ".gz")))
        let (facts, error) = scanLayer(gzipped)
        #expect(error == nil)
        #expect(facts.secrets.map(\.path) == ["/root/.ssh/id_rsa"])

        #expect(scanLayer([0x28, 0xb5, 0x2f, 0xfd] + [UInt8](repeating: 0, count: 600)).error == "zstd-compressed layer not supported")
        var corrupt = gzipped
        for i in 20..<min(60, corrupt.count) { corrupt[i] ^= 0x5a }
        #expect(scanLayer(corrupt).error?.contains("gzip") == true || scanLayer(corrupt).error?.contains("tar") == true)
        let cut = Array(gzipped.prefix(gzipped.count / 2))
        #expect(scanLayer(cut).error != nil)
    }

    @Test("Hostile layers: truncated, bad checksum, not a tar, huge PAX header, empty — each an error naming why")
    func hostileLayers() {
        var good = TarBuilder()
        good.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        good.entry("big", data: [UInt8](repeating: 1, count: 3000))
        good.end()
        #expect(scanLayer(Array(good.bytes.prefix(1500))).error?.contains("truncated") == true)

        var badSum = TarBuilder()
        badSum.entry("etc/passwd", data: Array("x".utf8), breakChecksum: true)
        badSum.end()
        #expect(scanLayer(badSum.bytes).error?.contains("checksum mismatch") == true)

        let noise = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
        #expect(scanLayer(noise).error?.contains("not a tar") == true)
        #expect(scanLayer(Array("{\"not\": \"a tar\"}".utf8)).error != nil)

        var huge = TarBuilder()
        huge.entry("PaxHeaders/x", type: "x", data: [UInt8](repeating: 0x20, count: TarReader.metadataLimit + 1))
        huge.end()
        #expect(scanLayer(huge.bytes).error?.contains("exceeds") == true)

        var badSize = TarBuilder()
        badSize.pax([("size", "-5")])
        badSize.file("x", "y")
        badSize.end()
        #expect(scanLayer(badSize.bytes).error != nil)

        #expect(scanLayer([]).error?.contains("empty") == true)
    }

    @Test("Entries with .. or absolute names are problems naming the entry; the rest of the layer is still read")
    func escapingNames() {
        var tar = TarBuilder()
        tar.file("../../etc/cron.d/evil", "x")
        tar.file("/etc/passwd", "x")
        tar.file("ok/../../escape", "x")
        tar.entry("usr/bin/tool", mode: 0o4755, data: Array("t".utf8))
        tar.end()
        let (facts, error) = scanLayer(tar.bytes)
        #expect(error == nil)
        #expect(facts.problems.count == 3)
        #expect(facts.problems.contains { $0.contains("../../etc/cron.d/evil") && $0.contains("..") })
        #expect(facts.problems.contains { $0.contains("/etc/passwd") && $0.contains("absolute") })
        #expect(facts.setuid.map(\.path) == ["/usr/bin/tool"])
    }

    /// A `docker save` archive written by hand: manifest first or last, layers by path.
    func saveArchive(manifestFirst: Bool, layers: [(String, [UInt8])], manifestLayers: [String]) -> [UInt8] {
        let config = #"{"architecture":"amd64","os":"linux","config":{"User":"app"},"history":[{"created_by":"/bin/sh -c #(nop) ADD file:x in / "},{"created_by":"/bin/sh -c chmod u+s /tool"}],"rootfs":{"type":"layers","diff_ids":[]}}"#
        let manifest = #"[{"Config":"cafe.json","RepoTags":["hand/made:1"],"Layers":[\#(manifestLayers.map { "\"\($0)\"" }.joined(separator: ","))]}]"#
        var outer = TarBuilder()
        if manifestFirst { outer.file("manifest.json", manifest) }
        for (path, bytes) in layers { outer.entry(path, data: bytes) }
        outer.file("cafe.json", config)
        if !manifestFirst { outer.file("manifest.json", manifest) }
        outer.end()
        return outer.bytes
    }

    func readArchiveBytes(_ bytes: [UInt8]) throws -> [ArchiveImage] {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("image.tar").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return ImageContentsReader.readArchive(path)
    }

    @Test("docker save archives: the manifest may come first or last; layers are ordered by it", arguments: [true, false])
    func saveOrder(_ manifestFirst: Bool) throws {
        var base = TarBuilder()
        base.file("root/.ssh/id_rsa", privateKeyText)
        base.end()
        var top = TarBuilder()
        top.entry("root/.ssh/.wh.id_rsa")
        top.entry("tool", mode: 0o4755, data: Array("t".utf8))
        top.end()
        // The top layer is written first: only the manifest knows the order.
        let images = try readArchiveBytes(saveArchive(manifestFirst: manifestFirst, layers: [("b/layer.tar", top.bytes), ("a/layer.tar", base.bytes)],
                                                      manifestLayers: ["a/layer.tar", "b/layer.tar"]))
        let image = try #require(images.first)
        #expect(image.repoTags == ["hand/made:1"])
        #expect(image.contents.problems.isEmpty)
        #expect(image.contents.secretFiles.map { [$0.path, "\($0.layer)", "\($0.deletedInLayer ?? -1)"] } == [["/root/.ssh/id_rsa", "0", "1"]])
        #expect(image.contents.setuidFiles.map(\.layer) == [1])
        #expect(image.contents.layers.map(\.createdBy) == ["/bin/sh -c #(nop) ADD file:x in / ", "/bin/sh -c chmod u+s /tool"])
    }

    @Test("A manifest naming a missing layer, a layer that is not a tar, a truncated archive: errors naming the layer, the rest is read")
    func hostileArchives() throws {
        var good = TarBuilder()
        good.entry("tool", mode: 0o4755, data: Array("t".utf8))
        good.end()
        let missing = try #require(try readArchiveBytes(saveArchive(manifestFirst: false, layers: [("a/layer.tar", good.bytes)],
                                                                    manifestLayers: ["a/layer.tar", "gone/layer.tar"])).first)
        #expect(missing.contents.problems.map(\.description) == ["layer gone/layer.tar: gone/layer.tar is missing from the archive"])
        #expect(missing.contents.setuidFiles.map(\.path) == ["/tool"])

        let notTar = try #require(try readArchiveBytes(saveArchive(manifestFirst: true, layers: [("a/layer.tar", good.bytes), ("b/layer.tar", Array(repeating: 0x55, count: 2048))],
                                                                   manifestLayers: ["a/layer.tar", "b/layer.tar"])).first)
        #expect(notTar.contents.problems.count == 1)
        #expect(notTar.contents.problems.first?.description.hasPrefix("layer b/layer.tar: not a tar header") == true)
        #expect(notTar.contents.setuidFiles.map(\.path) == ["/tool"])

        let whole = saveArchive(manifestFirst: true, layers: [("a/layer.tar", good.bytes)], manifestLayers: ["a/layer.tar"])
        let cut = try #require(try readArchiveBytes(Array(whole.prefix(1024 + 700))).first)
        #expect(cut.contents.problems.contains { $0.description.contains("truncated") || $0.description.contains("cut short") })

        let none = try #require(try readArchiveBytes(Array(repeating: 0x41, count: 3000)).first)
        #expect(none.contents.problems.contains { $0.message.contains("not a tar") })
    }

    @Test("An OCI layout with a missing blob or a digest that is not one is an error naming it; other layers are read")
    func hostileLayout() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let blobs = directory.appendingPathComponent("blobs/sha256")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        func put(_ bytes: [UInt8]) throws -> String {
            let hex = SHA256.hex(bytes)
            try Data(bytes).write(to: blobs.appendingPathComponent(hex))
            return "sha256:" + hex
        }
        var layer = TarBuilder()
        layer.entry("tool", mode: 0o4755, data: Array("t".utf8))
        layer.end()
        let present = try put(layer.bytes)
        let absent = "sha256:" + String(repeating: "ab", count: 32)
        let config = try put(Array(#"{"os":"linux","config":{"User":"1000"}}"#.utf8))
        let manifest = try put(Array(#"{"schemaVersion":2,"config":{"digest":"\#(config)"},"layers":[{"digest":"\#(present)"},{"digest":"\#(absent)"},{"digest":"sha256:../../../etc/passwd"}]}"#.utf8))
        try Data(#"{"schemaVersion":2,"manifests":[{"digest":"\#(manifest)"}]}"#.utf8).write(to: directory.appendingPathComponent("index.json"))
        let image = try #require(ImageContentsReader.readLayout(directory.path).first)
        #expect(image.id == config)
        #expect(image.contents.setuidFiles.map(\.path) == ["/tool"])
        #expect(image.contents.problems.count == 2)
        #expect(image.contents.problems[0].layer == absent && image.contents.problems[0].message.hasPrefix("blob missing"))
        #expect(image.contents.problems[1].message == "bad digest")
    }
}

/// The fixture images of scripts/fixtures.sh (`contents_fixtures`), read from the engine, as `docker save` tars and
/// as OCI layouts (directory, gzip layers; and packed in a tar).
@Suite("Image contents against the real engine", .serialized)
struct ImageContentsLiveTests {
    enum Form: String, CaseIterable, Sendable { case engine, saveTar, ociLayout, ociTar }

    /// Every secret string the fixture images hold: none may appear in any output.
    static let secretStrings = [
        "fixtureDeletedKeyMaterial0001", "fixtureOpaqueKeyMaterial0002", "fixtureLiveKeyMaterial0003", "fixtureAwsSecretValue0004",
        "AKIAFIXTUREFIXTURE01", "Zml4dHVyZTpmaXh0dXJlRG9ja2VyQXV0aDAwMDU", "fixtureNpmToken0006", "fixtureEnvToken0007",
    ]

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Exports made once per test run: `docker save` of each image, converted to OCI layouts.
    static let exports = export(["contents", "contents-clean"])

    /// `docker save` of each image `PREFIX+NAME:1` and its OCI layout (directory, and packed in a tar), in one folder.
    static func export(_ images: [String], prefix: String = "dbt/") -> Swift.Result<URL, TestSetupError> {
        do {
            let directory = try TestEnvironment.temporaryDirectory()
            let env = ["PATH": "/usr/local/bin:/usr/bin:/bin:/root/.pyenv/shims"]
            for image in images {
                let tar = directory.appendingPathComponent("\(image).tar").path
                let save = try run("/usr/bin/env", ["docker", "save", "-o", tar, "\(prefix)\(image):1"], environment: env)
                guard save.status == 0 else { return .failure(TestSetupError("docker save \(prefix)\(image):1: \(save.stderr)")) }
                let layout = directory.appendingPathComponent("\(image)-oci").path
                let convert = try run("/usr/bin/env", ["python3", repository.appendingPathComponent("scripts/save-to-oci.py").path, tar, layout], environment: env)
                guard convert.status == 0 else { return .failure(TestSetupError("save-to-oci.py: \(convert.stderr)")) }
                let pack = try run("/usr/bin/env", ["tar", "-C", layout, "-cf", layout + ".tar", "."], environment: env)
                guard pack.status == 0 else { return .failure(TestSetupError("tar: \(pack.stderr)")) }
            }
            return .success(directory)
        } catch {
            return .failure(TestSetupError("\(error)"))
        }
    }

    /// Where the tool finds `image` in `form`: its tag for the engine, else a path among `exports`.
    static func reference(_ image: String, _ form: Form, prefix: String = "dbt/", exports: Swift.Result<URL, TestSetupError>) throws -> String {
        try TestEnvironment.requireFixtures()
        let directory = try exports.get()
        switch form {
        case .engine: return "\(prefix)\(image):1"
        case .saveTar: return directory.appendingPathComponent("\(image).tar").path
        case .ociLayout: return directory.appendingPathComponent("\(image)-oci").path
        case .ociTar: return directory.appendingPathComponent("\(image)-oci.tar").path
        }
    }

    func reference(_ image: String, _ form: Form) throws -> String { try Self.reference(image, form, exports: Self.exports) }

    struct JSONResult {
        let rule: String
        let status: String
        let severity: String
        let target: String
        let message: String
        let evidence: [String: String]
    }

    func results(_ output: String) throws -> [JSONResult] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let results = try #require(object["results"] as? [[String: Any]])
        return results.map { result in
            JSONResult(rule: result["rule"] as? String ?? "", status: result["status"] as? String ?? "",
                       severity: result["severity"] as? String ?? "",
                       target: (result["target"] as? [String: Any])?["name"] as? String ?? "",
                       message: result["message"] as? String ?? "", evidence: result["evidence"] as? [String: String] ?? [:])
        }
    }

    func assertNoSecrets(_ result: CommandResult, _ context: String) {
        for secret in Self.secretStrings {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(context) printed the secret \(secret)")
        }
    }

    @Test("Each finding family fails on the leaky image, with paths, layers and fingerprints, never a secret value",
          arguments: Form.allCases)
    func leakyImage(_ form: Form) throws {
        let ref = try reference("contents", form)
        let json = try runTool(["image", ref, "--format", "json"])
        #expect(json.status == 1, "\(json.stderr)")
        let byRule = Dictionary(try results(json.stdout).map { ($0.rule, $0) }, uniquingKeysWith: { first, _ in first })
        for rule in ["image.setuid", "image.secret-files", "image.deleted-secrets", "image.shadow-empty-password", "image.sshd",
                     "image.world-writable", "image.user"] {
            #expect(byRule[rule]?.status == "fail", "\(rule) on \(form): \(String(describing: byRule[rule]))")
        }
        #expect(byRule["image.add-instruction"]?.status == "pass")
        let setuid = try #require(byRule["image.setuid"])
        #expect(setuid.severity == "high")
        #expect(setuid.evidence["/usr/local/bin/tool"]?.contains("mode 4755, owner 0:0, layer 12") == true)
        #expect(setuid.evidence["/usr/local/bin/grouptool"]?.contains("mode 2755") == true)
        #expect(setuid.evidence["/bin/busybox"] == nil)
        let secrets = try #require(byRule["image.secret-files"]).evidence
        #expect(Set(secrets.keys) == ["/etc/ssl/private/server.key", "/root/.aws/credentials", "/root/.docker/config.json", "/app/.npmrc", "/app/.env"])
        #expect(secrets["/root/.aws/credentials"]?.hasPrefix("AWS credentials, layer 7") == true)
        #expect(secrets["/etc/ssl/private/server.key"]?.range(of: "sha256 [0-9a-f]{8}…$", options: .regularExpression) != nil)
        let deleted = try #require(byRule["image.deleted-secrets"]).evidence
        #expect(deleted["/root/.ssh/id_rsa @2"]?.contains("removed in layer 3") == true)
        #expect(deleted["/opt/keys/deploy.pem @4"]?.contains("removed in layer 5") == true)
        #expect(byRule["image.shadow-empty-password"]?.evidence.keys.sorted() == ["root"])
        #expect(byRule["image.world-writable"]?.evidence.keys.sorted() == ["/data/drop"])
        #expect(byRule["image.sshd"]?.evidence.keys.sorted() == ["/usr/sbin/sshd"])
        assertNoSecrets(json, "json on \(form)")
        for format in ["text", "sarif", "junit", "html", "markdown"] {
            let output = try runTool(["image", ref, "--format", format, "--verbose", "--remediation"])
            #expect(output.status == 1)
            assertNoSecrets(output, "\(format) on \(form)")
        }
    }

    @Test("The clean image (sshd deleted by a whiteout) passes every contents rule", arguments: Form.allCases)
    func cleanImage(_ form: Form) throws {
        let ref = try reference("contents-clean", form)
        let json = try runTool(["image", ref, "--format", "json"])
        let all = try results(json.stdout)
        for rule in ["image.setuid", "image.secret-files", "image.deleted-secrets", "image.shadow-empty-password", "image.sshd", "image.world-writable"] {
            #expect(all.first { $0.rule == rule }?.status == "pass", "\(rule) on \(form)")
        }
        #expect(json.status == 0, "\(json.stdout)")
    }

    @Test("A manifest naming a missing layer: an error result naming it; the rest of the image is still judged")
    func missingLayer() throws {
        let tar = try reference("contents", .saveTar)
        let broken = tar.replacingOccurrences(of: ".tar", with: "-broken.tar")
        let script = """
        import json, sys, tarfile, io
        src, dst = sys.argv[1], sys.argv[2]
        with tarfile.open(src) as a, tarfile.open(dst, "w") as b:
            for m in a.getmembers():
                data = a.extractfile(m).read() if m.isfile() else None
                if m.name == "manifest.json":
                    manifest = json.loads(data)
                    manifest[0]["Layers"].insert(3, "0000missing/layer.tar")
                    data = json.dumps(manifest).encode()
                    m.size = len(data)
                b.addfile(m, io.BytesIO(data) if data is not None else None)
        """
        let env = ["PATH": "/usr/local/bin:/usr/bin:/bin:/root/.pyenv/shims"]
        #expect(try run("/usr/bin/env", ["python3", "-c", script, tar, broken], environment: env).status == 0)
        let json = try runTool(["image", broken, "--format", "json"])
        #expect(json.status == 1)
        let all = try results(json.stdout)
        // Layers are named by the configuration's diff_ids, which no longer line up: the path is used instead.
        let world = try #require(all.first { $0.rule == "image.world-writable" })
        #expect(world.status == "fail")
        #expect(world.evidence["incomplete"]?.contains("0000missing/layer.tar is missing from the archive") == true)
        #expect(all.first { $0.rule == "image.user" }?.status == "fail")
        let shadow = try #require(all.first { $0.rule == "image.shadow-empty-password" })
        #expect(shadow.status == "fail")
    }

    @Test("A reference that is neither an engine image nor a file: exit 3 with a one-line error")
    func unknownReference() throws {
        try TestEnvironment.requireFixtures()
        let result = try runTool(["image", "dbt/no-such-image:404"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("dbt/no-such-image:404"))
        // Without an engine, files named beside an engine reference are still audited.
        let tar = try reference("contents", .saveTar)
        let mixed = try runTool(["image", tar, "dbt/contents:1", "-H", "unix:///nonexistent/docker.sock", "--format", "json"])
        #expect(mixed.status == 1)
        let all = try results(mixed.stdout)
        #expect(all.first { $0.rule == "collect" && $0.target == "dbt/contents:1" }?.status == "error")
        #expect(all.first { $0.rule == "image.setuid" }?.status == "fail")
    }

    @Test("audit --image-contents: used images by default, all, or none (skipped, never pass)")
    func auditScopes() throws {
        try TestEnvironment.requireFixtures()
        let base = ["audit", "--include", "image.setuid", "--include", "image.deleted-secrets", "--include-target", "dbt/contents*",
                    "--format", "json", "--fail-on", "none"]
        let all = try results(try runTool(base + ["--image-contents", "all"]).stdout)
        #expect(all.first { $0.rule == "image.setuid" && $0.target == "dbt/contents:1" }?.status == "fail")
        #expect(all.first { $0.rule == "image.deleted-secrets" && $0.target == "dbt/contents:1" }?.status == "fail")
        #expect(all.first { $0.rule == "image.setuid" && $0.target == "dbt/contents-clean:1" }?.status == "pass")
        let none = try results(try runTool(base + ["--image-contents", "none"]).stdout)
        #expect(!none.isEmpty && none.allSatisfy { $0.status == "skipped" })
        // No container uses the contents fixtures: the default reads no layers for them.
        let used = try results(try runTool(base).stdout)
        #expect(!used.isEmpty && used.allSatisfy { $0.status == "skipped" })
    }
}
