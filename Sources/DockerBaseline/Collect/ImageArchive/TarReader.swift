import Foundation

/// One member of a tar archive, as its headers (ustar, GNU long names, PAX) describe it.
public struct TarEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case file, hardLink, symlink, directory, characterDevice, blockDevice, fifo, other(UInt8)
    }
    public var path: String
    public var kind: Kind
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    /// Bytes of data stored in the archive for this entry (for a sparse file, only the stored parts).
    public var size: Int64
    public var linkName: String
}

/// Receives a tar stream's entries as they are read: `start`, then the entry's data in pieces, then `finish`.
public protocol TarSink: AnyObject {
    func start(_ entry: TarEntry) throws
    func data(_ bytes: UnsafeRawBufferPointer) throws
    func finish() throws
}

public struct TarError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A streaming tar reader: bytes are pushed in any pieces, entries come out to the sink. Nothing is kept but one
/// header block and the text of long-name / PAX headers, which is bounded by `metadataLimit`.
public final class TarReader {
    /// The longest PAX or GNU long-name header accepted; larger ones are hostile or broken.
    public static let metadataLimit = 1 << 20
    public static let pathLimit = 4096

    private enum State {
        case header
        /// Data of a regular entry still to hand to the sink, then padding to skip.
        case data(remaining: Int64, padding: Int)
        /// Data of a long-name or PAX header being gathered.
        case metadata(type: UInt8, remaining: Int, padding: Int)
        /// GNU sparse extension headers before the data.
        case sparseExtension(then: Int64)
        case skip(remaining: Int)
        case ended
        case failed
    }

    private let sink: TarSink
    private var state = State.header
    private var block = [UInt8](repeating: 0, count: 512)
    private var blockFill = 0
    private var metadata: [UInt8] = []
    private var pendingLongName: String?
    private var pendingLongLink: String?
    private var pendingPAX: [String: String] = [:]
    private var pendingEntry: TarEntry?
    private var sawZeroBlock = false
    /// Offset in the stream, for error messages.
    public private(set) var offset: Int64 = 0
    public private(set) var entryCount = 0

    public init(sink: TarSink) { self.sink = sink }

    public var hasEnded: Bool { if case .ended = state { return true } else { return false } }

    /// Feeds the next bytes of the archive. After an error the reader ignores further input.
    public func feed(_ bytes: UnsafeRawBufferPointer) throws {
        var index = 0
        let count = bytes.count
        do {
            while index < count {
                switch state {
                case .ended, .failed:
                    offset += Int64(count - index)
                    return
                case .header, .sparseExtension:
                    let take = min(512 - blockFill, count - index)
                    block.withUnsafeMutableBytes { target in
                        target.baseAddress!.advanced(by: blockFill).copyMemory(from: bytes.baseAddress!.advanced(by: index), byteCount: take)
                    }
                    blockFill += take
                    index += take
                    offset += Int64(take)
                    if blockFill == 512 {
                        blockFill = 0
                        if case let .sparseExtension(size) = state {
                            // Each extension block lists more sparse chunks; byte 504 says whether another follows.
                            state = block[504] != 0 ? .sparseExtension(then: size) : .data(remaining: size, padding: padding(size))
                            try startPendingEntry()
                        } else {
                            try readHeaderBlock()
                        }
                    }
                case let .data(remaining, padding):
                    if remaining > 0 {
                        let take = Int(min(remaining, Int64(count - index)))
                        try sink.data(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                        index += take
                        offset += Int64(take)
                        state = .data(remaining: remaining - Int64(take), padding: padding)
                    } else {
                        try sink.finish()
                        state = padding > 0 ? .skip(remaining: padding) : .header
                    }
                case let .metadata(type, remaining, padding):
                    let take = min(remaining, count - index)
                    metadata.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                    index += take
                    offset += Int64(take)
                    if remaining - take == 0 {
                        try finishMetadata(type)
                        state = padding > 0 ? .skip(remaining: padding) : .header
                    } else {
                        state = .metadata(type: type, remaining: remaining - take, padding: padding)
                    }
                case let .skip(remaining):
                    let take = min(remaining, count - index)
                    index += take
                    offset += Int64(take)
                    state = remaining - take == 0 ? .header : .skip(remaining: remaining - take)
                }
            }
            // An entry whose data is complete is finished at once, not when the next bytes arrive.
            if case let .data(0, padding) = state {
                try sink.finish()
                state = padding > 0 ? .skip(remaining: padding) : .header
            }
        } catch {
            state = .failed
            throw error
        }
    }

    /// The end of the input: an archive cut short is an error.
    public func close() throws {
        switch state {
        case .ended, .failed: return
        case .header where blockFill == 0:
            // Some writers omit the end-of-archive blocks; a stream that stops between entries is complete.
            if entryCount == 0 && !sawZeroBlock { throw TarError("empty: no tar entries") }
            return
        default:
            let what = pendingEntry.map { " inside \($0.path)" } ?? ""
            state = .failed
            throw TarError("truncated at byte \(offset)\(what)")
        }
    }

    private func padding(_ size: Int64) -> Int { Int((512 - size % 512) % 512) }

    private func readHeaderBlock() throws {
        if block.allSatisfy({ $0 == 0 }) {
            if sawZeroBlock { state = .ended }
            sawZeroBlock = true
            return
        }
        if sawZeroBlock {
            // A lone zero block followed by more entries: tolerated, as GNU tar does with --ignore-zeros.
            sawZeroBlock = false
        }
        try verifyChecksum()
        let type = block[156]
        let headerSize = try numeric(124, 12, field: "size")
        guard headerSize >= 0 else { throw malformed("negative size \(headerSize)") }
        switch type {
        case UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"), UInt8(ascii: "g"):
            let size = headerSize
            guard size <= Int64(Self.metadataLimit) else {
                throw TarError("\(type == UInt8(ascii: "x") || type == UInt8(ascii: "g") ? "PAX" : "GNU long-name") header of \(size) bytes at byte \(offset - 512) exceeds the \(Self.metadataLimit)-byte limit")
            }
            metadata.removeAll(keepingCapacity: true)
            state = size == 0 ? .header : .metadata(type: type, remaining: Int(size), padding: padding(size))
            if size == 0 { try finishMetadata(type) }
            return
        default:
            break
        }
        // A PAX size overrides the header's: the data that follows is this long.
        var size = headerSize
        if let paxSize = pendingPAX["size"] {
            guard let value = Int64(paxSize), value >= 0 else { throw malformed("PAX size \(String(paxSize.prefix(40)).debugDescription) is not a size") }
            size = value
        }
        let entry = try makeEntry(type: type, size: size)
        if type == UInt8(ascii: "S") {
            // Old GNU sparse: the header's size is what is stored; more chunk lists may follow in extension blocks.
            entryCount += 1
            pendingEntry = entry
            if block[482] != 0 {
                state = .sparseExtension(then: size)
                return
            }
            state = .data(remaining: size, padding: padding(size))
            try startPendingEntry()
            return
        }
        entryCount += 1
        pendingEntry = entry
        state = .data(remaining: size, padding: padding(size))
        try startPendingEntry()
    }

    private func startPendingEntry() throws {
        guard case .data = state, let entry = pendingEntry else { return }
        try sink.start(entry)
    }

    private func makeEntry(type: UInt8, size: Int64) throws -> TarEntry {
        var path = pendingPAX["path"] ?? pendingLongName ?? headerPath()
        if let sparseName = pendingPAX["GNU.sparse.name"] { path = sparseName }
        let link = pendingPAX["linkpath"] ?? pendingLongLink ?? string(157, 100)
        let mode = UInt32(truncatingIfNeeded: try numeric(100, 8, field: "mode"))
        let uid = try pendingPAX["uid"].flatMap { Int($0) } ?? Int(numeric(108, 8, field: "uid"))
        let gid = try pendingPAX["gid"].flatMap { Int($0) } ?? Int(numeric(116, 8, field: "gid"))
        // Fields nothing reads are still checked: a header with an unreadable one is broken or hostile.
        _ = try numeric(136, 12, field: "mtime")
        pendingPAX = [:]
        pendingLongName = nil
        pendingLongLink = nil
        guard path.utf8.count <= Self.pathLimit, link.utf8.count <= Self.pathLimit else {
            throw TarError("entry name longer than \(Self.pathLimit) bytes at byte \(offset - 512)")
        }
        let kind: TarEntry.Kind
        switch type {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"), UInt8(ascii: "S"): kind = path.hasSuffix("/") ? .directory : .file
        case UInt8(ascii: "1"): kind = .hardLink
        case UInt8(ascii: "2"): kind = .symlink
        case UInt8(ascii: "3"): kind = .characterDevice
        case UInt8(ascii: "4"): kind = .blockDevice
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "6"): kind = .fifo
        default: kind = .other(type)
        }
        return TarEntry(path: path, kind: kind, mode: mode & 0o7777, uid: uid, gid: gid, size: size, linkName: link)
    }

    /// Applies a finished long-name or PAX header to the next entry.
    private func finishMetadata(_ type: UInt8) throws {
        switch type {
        case UInt8(ascii: "L"): pendingLongName = cString(metadata)
        case UInt8(ascii: "K"): pendingLongLink = cString(metadata)
        case UInt8(ascii: "x"): pendingPAX.merge(try parsePAX(metadata)) { _, new in new }
        default: break // global PAX headers set defaults nobody relies on for names; ignored
        }
        metadata.removeAll(keepingCapacity: false)
    }

    /// PAX records: `LENGTH KEY=VALUE\n`, LENGTH counting the whole record. LENGTH is compared with what is left,
    /// never added to an index: a hostile length near Int.max must be an error, not an overflow.
    func parsePAX(_ bytes: [UInt8]) throws -> [String: String] {
        var records: [String: String] = [:]
        var index = 0
        while index < bytes.count {
            guard let space = bytes[index...].prefix(20).firstIndex(of: UInt8(ascii: " ")), space > index,
                  bytes[index..<space].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  let length = Int(String(decoding: bytes[index..<space], as: UTF8.self)) else {
                throw malformed("PAX record at \(index) has no length", at: offset - Int64(bytes.count) - 512)
            }
            guard length > space - index, length <= bytes.count - index, bytes[index + length - 1] == UInt8(ascii: "\n") else {
                throw malformed("PAX record length \(length) does not fit the \(bytes.count - index) bytes left", at: offset - Int64(bytes.count) - 512)
            }
            let record = bytes[(space + 1)..<(index + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                records[String(decoding: record[record.startIndex..<equals], as: UTF8.self)] =
                    String(decoding: record[(equals + 1)...], as: UTF8.self)
            }
            index += length
        }
        return records
    }

    /// `malformed tar header at byte N: WHAT`, N the header's offset in the stream.
    private func malformed(_ what: String, at start: Int64? = nil) -> TarError {
        TarError("malformed tar header at byte \(start ?? (offset - 512)): \(what)")
    }

    private func verifyChecksum() throws {
        guard let stored = try? numeric(148, 8, field: "checksum") else {
            throw TarError("not a tar header at byte \(offset - 512) (unreadable checksum)")
        }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for i in 0..<512 {
            let byte = (148..<156).contains(i) ? UInt8(ascii: " ") : block[i]
            unsigned += Int64(byte)
            signed += Int64(Int8(bitPattern: byte))
        }
        guard stored == unsigned || stored == signed else {
            throw TarError("not a tar header at byte \(offset - 512) (checksum mismatch)")
        }
    }

    /// An octal field, or base-256 when its first byte has the high bit set.
    private func numeric(_ start: Int, _ length: Int, field: String) throws -> Int64 {
        if block[start] & 0x80 != 0 {
            var value: Int64 = Int64(block[start] & 0x3F)
            for i in (start + 1)..<(start + length) {
                guard value <= (Int64.max >> 8) else { throw malformed("base-256 \(field) field overflows 64 bits") }
                value = value << 8 | Int64(block[i])
            }
            return block[start] & 0x40 != 0 ? -value : value
        }
        var value: Int64 = 0
        var seenDigit = false
        for i in start..<(start + length) {
            let byte = block[i]
            if byte == 0 || (byte == UInt8(ascii: " ") && seenDigit) { break }
            if byte == UInt8(ascii: " ") { continue }
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) else {
                throw malformed("\(field) field is not octal")
            }
            seenDigit = true
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 8)
            guard !overflow else { throw malformed("\(field) field overflows 64 bits") }
            value = shifted + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private func string(_ start: Int, _ length: Int) -> String {
        cString(block[start..<(start + length)])
    }

    private func cString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// ustar splits long names into a prefix (345–500) and a name; GNU uses those bytes for other things.
    private func headerPath() -> String {
        let name = string(0, 100)
        let isUstar = block[257..<263].elementsEqual("ustar\0".utf8)
        guard isUstar else { return name }
        let prefix = string(345, 155)
        return prefix.isEmpty ? name : prefix + "/" + name
    }
}
