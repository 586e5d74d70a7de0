import Foundation

/// A file the user named could not be read, or is not what it should be: the message names the file and why.
public struct InputFileError: Error, CustomStringConvertible {
    public var description: String
}

/// Reads a whole input file the user named, refusing anything larger than `limit` so a wrong path (a disk image, a
/// log) cannot exhaust memory. Throws a message naming the file and what was wrong.
func readInputFile(_ path: String, what: String, limit: Int = 1 << 30) throws -> Data {
    let (handle, size) = try openInputFile(path, what: what)
    guard size <= limit else {
        throw InputFileError(description: "\(what) \(path) is \(size / (1 << 20)) MiB; the limit is \(limit / (1 << 20)) MiB")
    }
    do {
        // Read to at most one byte past the limit: a file that grew meanwhile is refused too.
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        guard data.count <= limit else { throw InputFileError(description: "\(what) \(path) grew past the limit of \(limit / (1 << 20)) MiB") }
        return data
    } catch let error as InputFileError {
        throw error
    } catch {
        throw InputFileError(description: "cannot read \(what) \(path): \(error.localizedDescription)")
    }
}

/// Opens a file the user named for reading, and only a regular file: a device or a FIFO would never end. The type is
/// checked on the open descriptor (opened without blocking, so a FIFO with no writer cannot hang the open), so the
/// file cannot be swapped between the check and the read. Returns the handle and the file's size.
func openInputFile(_ path: String, what: String) throws -> (handle: FileHandle, size: Int) {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { throw InputFileError(description: "cannot read \(what) \(path): \(String(cString: strerror(errno)))") }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
        let reason = String(cString: strerror(errno))
        close(descriptor)
        throw InputFileError(description: "cannot read \(what) \(path): \(reason)")
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
        close(descriptor)
        throw InputFileError(description: "\(what) \(path) is not a regular file (\(fileTypeName(info.st_mode)))")
    }
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    return (FileHandle(fileDescriptor: descriptor, closeOnDealloc: true), Int(info.st_size))
}

func fileTypeName(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFIFO: "a FIFO"
    case S_IFSOCK: "a socket"
    case S_IFDIR: "a directory"
    case S_IFLNK: "a symbolic link"
    default: "not a file"
    }
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

/// A small file's bytes, read straight through the system up to `limit` (the rest is left unread); nil when it cannot
/// be opened or read. For the host's /proc entries above all, which claim a size of 0 and are read thousands of times
/// on a busy host: `FileManager` costs several times more per file.
func readSmallFile(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < limit {
        let wanted = min(chunk.count, limit - bytes.count)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
        if count < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[..<count])
    }
    return bytes
}
