import Foundation

/// Finds the build information Go (1.18 and later) writes into its binaries, as an executable's bytes stream by:
/// the `\xff Go buildinf:` header, then the Go version and the module list (`path`, `mod`, `dep`, `=>` lines), as
/// `go version -m` prints them. Only ELF files are searched; a file is dropped at its first bytes otherwise.
struct GoBuildInfoSearch {
    /// `\xff Go buildinf:` (the first byte is 0xff itself, not a UTF-8 character).
    static let magic: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)
    /// What follows the header: a version string and a module list, each a few KiB (100 KiB for huge dependency trees).
    static let keepLimit = 1 << 20

    private(set) var state = State.header([])
    enum State { case header([UInt8]), searching([UInt8]), found([UInt8]), complete([UInt8]), notGo }

    /// Nothing more is wanted: not a Go binary, or its build information is read whole.
    var isDone: Bool {
        switch state {
        case .notGo, .complete: return true
        default: return false
        }
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case var .header(head):
            head.append(contentsOf: bytes.prefix(4 - head.count))
            if head.count < 4 { state = .header(head); return }
            guard head == [0x7f, 0x45, 0x4c, 0x46] else { state = .notGo; return } // \x7fELF
            state = .searching([])
            feed(bytes)
        case let .searching(carry):
            // The header may straddle two pieces: the end of the previous piece and the start of this one are
            // searched together first, then this piece in place.
            let boundary = carry + Array(bytes.prefix(Self.magic.count - 1))
            if let hit = boundary.withUnsafeBytes({ Self.find(in: $0) }), hit < carry.count {
                found(Array(carry[hit...]) + Array(bytes))
            } else if let hit = Self.find(in: bytes) {
                found(Array(bytes[hit...].prefix(Self.keepLimit)))
            } else {
                state = .searching(Array((carry + Array(bytes.suffix(Self.magic.count - 1))).suffix(Self.magic.count - 1)))
            }
        case var .found(kept):
            state = .notGo // no copy of the buffer while it grows
            kept.append(contentsOf: bytes.prefix(Self.keepLimit - kept.count))
            state = Self.parse(kept) != nil ? .complete(kept) : kept.count >= Self.keepLimit ? .notGo : .found(kept)
        case .notGo, .complete:
            return
        }
    }

    private mutating func found(_ kept: [UInt8]) {
        let kept = Array(kept.prefix(Self.keepLimit))
        state = Self.parse(kept) == nil ? .found(kept) : .complete(kept)
    }

    /// Where the magic starts in `bytes`, found byte by byte from its first byte (`memchr`).
    static func find(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress, bytes.count >= magic.count else { return nil }
        var offset = 0
        while offset <= bytes.count - magic.count {
            guard let hit = memchr(base + offset, Int32(magic[0]), bytes.count - magic.count + 1 - offset) else { return nil }
            let index = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + index, magic, magic.count) == 0 { return index }
            offset = index + 1
        }
        return nil
    }

    /// The packages of the build information found: the Go standard library at the toolchain's version (`stdlib`),
    /// the main module and each dependency (a dependency replaced by a local directory has no version to match).
    func packages(path: String) -> [InstalledPackage]? {
        guard case let .complete(bytes) = state, let info = Self.parse(bytes) else { return nil }
        var packages: [InstalledPackage] = []
        if info.goVersion.hasPrefix("go") {
            packages.append(InstalledPackage(kind: .go, name: "stdlib", version: String(info.goVersion.dropFirst(2)), path: path))
        }
        var lines = info.modules.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        lines.append([])
        for (index, fields) in lines.enumerated() where fields.count >= 3 && (fields[0] == "mod" || fields[0] == "dep") {
            let replacement = lines[index + 1]
            var version = fields[2]
            if replacement.first == "=>" {
                // Replaced by another module (its version counts) or a directory (no version).
                version = replacement.count >= 3 && !replacement[2].isEmpty ? replacement[2] : "(devel)"
            }
            guard version != "(devel)", !version.isEmpty else { continue }
            packages.append(InstalledPackage(kind: .go, name: fields[1], version: version, path: path))
        }
        return packages
    }

    /// Go 1.18's layout: 14-byte magic, pointer size, flags (bit 2: strings inline), 16 bytes unused, then the version
    /// and the module list as varint-length-prefixed strings; the module list is wrapped in 16-byte sentinels.
    static func parse(_ bytes: [UInt8]) -> (goVersion: String, modules: String)? {
        guard bytes.count > 32, bytes.starts(with: magic), bytes[15] & 0x2 != 0 else { return nil }
        var at = 32
        func string() -> [UInt8]? {
            var length = 0, shift = 0
            while at < bytes.count, shift < 63 {
                let byte = bytes[at]
                at += 1
                length |= Int(byte & 0x7f) << shift
                if byte & 0x80 == 0 {
                    guard length >= 0, at + length <= bytes.count else { return nil }
                    defer { at += length }
                    return Array(bytes[at..<(at + length)])
                }
                shift += 7
            }
            return nil
        }
        guard let version = string(), let modules = string() else { return nil }
        let inner = modules.count >= 33 ? Array(modules[16..<(modules.count - 16)]) : []
        return (String(decoding: version, as: UTF8.self), String(decoding: inner, as: UTF8.self))
    }
}
