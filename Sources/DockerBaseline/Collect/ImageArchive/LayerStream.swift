import CompressNIO
import Foundation
import NIOCore

/// One layer blob as it streams: detects gzip (and refuses zstd) from the first bytes, inflates in bounded pieces,
/// and feeds the tar reader, which feeds the layer scanner. The first error ends the layer; the rest of its bytes
/// are ignored.
final class LayerStream {
    private enum Encoding { case undecided, plain, gzip }

    let scanner = LayerScanner()
    private lazy var tar = TarReader(sink: scanner)
    private var encoding = Encoding.undecided
    private var prefix: [UInt8] = []
    private var inflater: ZlibDecompressor?
    private var output = ByteBufferAllocator().buffer(capacity: 0)
    private var gzipEnded = false
    private(set) var error: String?
    private(set) var byteCount: Int64 = 0

    /// Feeds the next bytes of the blob.
    func feed(_ bytes: UnsafeRawBufferPointer) {
        guard error == nil, !bytes.isEmpty else { return }
        byteCount += Int64(bytes.count)
        do {
            if encoding == .undecided {
                prefix.append(contentsOf: bytes)
                guard prefix.count >= 4 else { return }
                try decide()
                let start = prefix
                prefix = []
                try start.withUnsafeBytes { try pass($0) }
                return
            }
            try pass(bytes)
        } catch {
            fail(error)
        }
    }

    /// The end of the blob.
    func close() {
        guard error == nil else { return }
        do {
            if encoding == .undecided {
                if prefix.isEmpty { throw TarError("empty layer (0 bytes)") }
                try decide()
                let start = prefix
                prefix = []
                try start.withUnsafeBytes { try pass($0) }
            }
            if encoding == .gzip && !gzipEnded && !tar.hasEnded {
                // The tar reader says where it stopped; a cut gzip stream shows as a cut tar.
                try tar.close()
                throw TarError("gzip stream ends early")
            }
            try tar.close()
        } catch {
            fail(error)
        }
    }

    private func fail(_ error: Error) {
        let text: String
        if let error = error as? TarError { text = error.description } else if let error = error as? CompressNIOError {
            text = "gzip data is corrupt (\(error.description))"
        } else { text = String(describing: error) }
        self.error = text
    }

    private func decide() throws {
        if prefix.count >= 2 && prefix[0] == 0x1f && prefix[1] == 0x8b {
            encoding = .gzip
            inflater = try ZlibDecompressor(algorithm: .gzip)
            output = ByteBufferAllocator().buffer(capacity: 256 << 10)
        } else if prefix.count >= 4 && prefix[0] == 0x28 && prefix[1] == 0xb5 && prefix[2] == 0x2f && prefix[3] == 0xfd {
            throw TarError("zstd-compressed layer not supported")
        } else {
            encoding = .plain
        }
    }

    private func pass(_ bytes: UnsafeRawBufferPointer) throws {
        guard encoding == .gzip, let inflater else {
            try tar.feed(bytes)
            return
        }
        guard !gzipEnded else { return } // trailing bytes after the gzip member (padding) are ignored
        var input = ByteBufferAllocator().buffer(capacity: bytes.count)
        input.writeBytes(bytes)
        while true {
            output.clear()
            do {
                try inflater.inflate(from: &input, to: &output)
                // Returned with input left over: the gzip stream has ended.
                if input.readableBytes > 0 { gzipEnded = true }
            } catch let error as CompressNIOError where error == .bufferOverflow {
                try drain()
                continue
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                try drain()
                return
            }
            try drain()
            return
        }
    }

    private func drain() throws {
        guard output.readableBytes > 0 else { return }
        try output.withUnsafeReadableBytes { try tar.feed($0) }
        output.clear()
    }
}
