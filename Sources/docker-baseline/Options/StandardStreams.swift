import Foundation

// Every byte the commands print goes through these two functions: a full disk, a closed pipe (with SIGPIPE ignored)
// or any other write error on standard output is exit 3 with a message, never a trap and never a silent exit 0.

/// Writes to standard output, all of it; a failed write is `CouldNotAudit` (exit 3).
func writeStandardOutput(_ data: Data) throws {
    if let error = writeAll(STDOUT_FILENO, data) {
        throw CouldNotAudit(description: "cannot write to standard output: \(String(cString: strerror(error)))")
    }
}

func writeStandardOutput(_ text: String) throws {
    try writeStandardOutput(Data(text.utf8))
}

/// Writes a message to standard error. Nothing is left to report a failure to, so one is ignored.
func writeStandardError(_ text: String) {
    _ = writeAll(STDERR_FILENO, Data(text.utf8))
}

/// Writes every byte to `descriptor`, retrying interrupted and partial writes; the errno of a failure, else nil.
private func writeAll(_ descriptor: Int32, _ data: Data) -> Int32? {
    data.withUnsafeBytes { buffer -> Int32? in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return errno
            }
            if written == 0 { return EIO }
            offset += written
        }
        return nil
    }
}
