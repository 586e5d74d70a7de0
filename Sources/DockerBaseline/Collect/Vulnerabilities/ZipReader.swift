import CompressNIO
import Foundation
import NIOCore

/// Reads the entries of a zip file (as osv.dev's `all.zip` exports are) one at a time from its central directory:
/// stored and deflated entries, zip64 sizes and counts. Only one entry's bytes are in memory at a time.
struct ZipReader {
    struct Entry {
        var name: String
        var method: UInt16
        var compressedSize: UInt64
        var size: UInt64
        var localHeaderOffset: UInt64
    }

    let path: String
    private let handle: FileHandle
    private let fileSize: UInt64
    let entries: [Entry]

    struct ZipError: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String) throws {
        self.path = path
        let opened = try openInputFile(path, what: "vulnerability database zip")
        handle = opened.handle
        fileSize = UInt64(opened.size)
        entries = try Self.centralDirectory(handle, fileSize: fileSize, path: path)
    }

    func close() { try? handle.close() }

    private static func read(_ handle: FileHandle, at offset: UInt64, count: Int) throws -> [UInt8] {
        try handle.seek(toOffset: offset)
        let data = try handle.read(upToCount: count) ?? Data()
        return [UInt8](data)
    }

    private static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * $1) } }
    private static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * $1) } }

    private static func centralDirectory(_ handle: FileHandle, fileSize: UInt64, path: String) throws -> [Entry] {
        // The end-of-central-directory record is in the last 22 bytes plus a comment of at most 65,535.
        let tailSize = min(fileSize, 22 + 65_535 + 20)
        guard tailSize >= 22 else { throw ZipError(description: "\(path) is not a zip file (too short)") }
        let tail = try read(handle, at: fileSize - tailSize, count: Int(tailSize))
        guard let eocd = stride(from: tail.count - 22, through: 0, by: -1).first(where: { tail[$0] == 0x50 && u32(tail, $0) == 0x06054b50 }) else {
            throw ZipError(description: "\(path) is not a zip file (no end of central directory)")
        }
        var count = UInt64(u16(tail, eocd + 10))
        var size = UInt64(u32(tail, eocd + 12))
        var offset = UInt64(u32(tail, eocd + 16))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            guard eocd >= 20, u32(tail, eocd - 20) == 0x07064b50 else { throw ZipError(description: "\(path): zip64 locator missing") }
            let record = try read(handle, at: u64(tail, eocd - 20 + 8), count: 56)
            guard record.count == 56, u32(record, 0) == 0x06064b50 else { throw ZipError(description: "\(path): zip64 end record missing") }
            count = u64(record, 32)
            size = u64(record, 40)
            offset = u64(record, 48)
        }
        guard offset + size <= fileSize, size <= 1 << 30 else { throw ZipError(description: "\(path): central directory lies outside the file (truncated zip?)") }
        let directory = try read(handle, at: offset, count: Int(size))
        var entries: [Entry] = []
        entries.reserveCapacity(Int(min(count, 1 << 22)))
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= directory.count, u32(directory, at) == 0x02014b50 else {
                throw ZipError(description: "\(path): central directory entry \(entries.count + 1) is corrupt")
            }
            let nameLength = Int(u16(directory, at + 28)), extraLength = Int(u16(directory, at + 30)), commentLength = Int(u16(directory, at + 32))
            guard at + 46 + nameLength + extraLength <= directory.count else { throw ZipError(description: "\(path): central directory is truncated") }
            var entry = Entry(name: String(decoding: directory[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self),
                              method: u16(directory, at + 10), compressedSize: UInt64(u32(directory, at + 20)),
                              size: UInt64(u32(directory, at + 24)), localHeaderOffset: UInt64(u32(directory, at + 42)))
            // Zip64 extended information: the fields that overflowed, in order.
            var extra = at + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(directory, extra), length = Int(u16(directory, extra + 2))
                if id == 1 {
                    var field = extra + 4
                    if entry.size == 0xFFFF_FFFF, field + 8 <= extraEnd { entry.size = u64(directory, field); field += 8 }
                    if entry.compressedSize == 0xFFFF_FFFF, field + 8 <= extraEnd { entry.compressedSize = u64(directory, field); field += 8 }
                    if entry.localHeaderOffset == 0xFFFF_FFFF, field + 8 <= extraEnd { entry.localHeaderOffset = u64(directory, field) }
                }
                extra += 4 + length
            }
            entries.append(entry)
            at += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// The entry's bytes, inflated; `limit` bounds what one entry may take.
    func contents(of entry: Entry, limit: Int) throws -> [UInt8] {
        guard entry.size <= UInt64(limit) else {
            throw ZipError(description: "\(entry.name) is \(formatBytes(Int64(entry.size))), over the \(formatBytes(Int64(limit))) a record may take")
        }
        let header = try Self.read(handle, at: entry.localHeaderOffset, count: 30)
        guard header.count == 30, Self.u32(header, 0) == 0x04034b50 else { throw ZipError(description: "\(entry.name): local header is corrupt") }
        let start = entry.localHeaderOffset + 30 + UInt64(Self.u16(header, 26)) + UInt64(Self.u16(header, 28))
        guard start + entry.compressedSize <= fileSize, entry.compressedSize <= UInt64(limit) else {
            throw ZipError(description: "\(entry.name): data lies outside the file (truncated zip?)")
        }
        let compressed = try Self.read(handle, at: start, count: Int(entry.compressedSize))
        switch entry.method {
        case 0:
            return compressed
        case 8:
            let inflater = try ZlibDecompressor(algorithm: .deflate)
            var input = ByteBufferAllocator().buffer(bytes: compressed)
            var output = ByteBufferAllocator().buffer(capacity: Int(entry.size) + 1)
            do {
                try inflater.inflate(from: &input, to: &output)
            } catch {
                throw ZipError(description: "\(entry.name): cannot inflate (\(error)); the zip is corrupt")
            }
            guard output.readableBytes == Int(entry.size) else {
                throw ZipError(description: "\(entry.name): inflated to \(output.readableBytes) bytes, the directory says \(entry.size); the zip is corrupt")
            }
            return output.readBytes(length: output.readableBytes) ?? []
        default:
            throw ZipError(description: "\(entry.name): compression method \(entry.method) not supported (stored and deflate are)")
        }
    }
}
