import Foundation

/// A file the user named could not be read, or is not what it should be: the message names the file and why.
public struct InputFileError: Error, CustomStringConvertible {
    public var description: String
}

/// Reads a whole input file the user named, refusing anything larger than `limit` so a wrong path (a disk image, a
/// log) cannot exhaust memory. Throws a message naming the file and what was wrong.
func readInputFile(_ path: String, what: String, limit: Int = 1 << 30) throws -> Data {
    var info = stat()
    guard stat(path, &info) == 0 else {
        throw InputFileError(description: "cannot read \(what) \(path): \(String(cString: strerror(errno)))")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw InputFileError(description: "\(what) \(path) is not a regular file") }
    guard Int(info.st_size) <= limit else {
        throw InputFileError(description: "\(what) \(path) is \(info.st_size / (1 << 20)) MiB; the limit is \(limit / (1 << 20)) MiB")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InputFileError(description: "cannot read \(what) \(path)")
    }
    return data
}

/// The 1-based line of the first NUL byte, nil when there is none: a text file the user named has none, wherever it
/// is (a NUL after the first few KiB must not pass as text). One fast pass over the bytes.
func firstNULLine<Bytes: Collection<UInt8>>(in bytes: Bytes) -> Int? {
    let found: Int?? = bytes.withContiguousStorageIfAvailable { buffer -> Int? in
        guard let base = buffer.baseAddress, let hit = memchr(base, 0, buffer.count) else { return nil }
        let offset = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
        return buffer[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
    }
    if let found { return found }
    guard let index = bytes.firstIndex(of: 0) else { return nil }
    return bytes[..<index].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
}
