import CompressNIO
import Foundation
import NIOCore

/// What reading one image may cost, shared by its layers: tar bytes after decompression (all layers together, and
/// per layer relative to its compressed size) and tar entries. A gzip bomb or a layer of millions of empty entries
/// becomes an error for that layer (the image's contents rules then give an error result), not minutes of hashing or
/// gigabytes of bookkeeping. One budget covers one image read: an engine export, a `docker save` tar, or one image of
/// an OCI layout.
final class ReadBudget {
    struct Limits: Sendable {
        /// Tar bytes all layers of an image may inflate to together.
        var imageBytes: Int64 = 16 << 30
        /// A compressed layer may inflate to this many times its size…
        var ratio: Int64 = 100
        /// …once it has inflated to more than this (small layers of zeros compress well and are harmless).
        var ratioFloorBytes: Int64 = 256 << 20
        /// Tar entries all layers of an image may hold together (each costs a few dozen bytes of bookkeeping).
        var imageEntries = 4_000_000
    }
    static let standard = Limits()

    let limits: Limits
    private(set) var bytes: Int64 = 0
    private(set) var entries = 0

    init(_ limits: Limits = ReadBudget.standard) { self.limits = limits }

    /// Counts `count` more tar bytes of a layer; throws when the image's budget is spent.
    func spend(bytes count: Int) throws {
        bytes += Int64(count)
        guard bytes <= limits.imageBytes else {
            throw TarError("the image's layers inflate to more than \(formatBytes(limits.imageBytes)) of tar data; not read further (a decompression bomb or an image too large to audit)")
        }
    }

    func spendEntry() throws {
        entries += 1
        guard entries <= limits.imageEntries else {
            throw TarError("the image's layers hold more than \(limits.imageEntries) entries; not read further")
        }
    }
}

/// One layer blob as it streams: detects gzip (and refuses zstd) from the first bytes, inflates in bounded pieces,
/// and feeds the tar reader, which feeds the layer scanner. The first error ends the layer; the rest of its bytes
/// are ignored, and so are bytes after the end of the tar or of the gzip member (`isFinished` tells the reader it may
/// stop reading).
final class LayerStream {
    private enum Encoding { case undecided, plain, gzip }

    let scanner: LayerScanner
    private let budget: ReadBudget
    private lazy var tar = TarReader(sink: scanner)
    private var encoding = Encoding.undecided
    private var prefix: [UInt8] = []
    private var inflater: ZlibDecompressor?
    private var output = ByteBufferAllocator().buffer(capacity: 0)
    private var gzipEnded = false
    private(set) var error: String?
    /// Bytes of the blob as stored (compressed or not).
    private(set) var byteCount: Int64 = 0
    /// Bytes of tar data after decompression.
    private(set) var tarByteCount: Int64 = 0

    init(budget: ReadBudget = ReadBudget()) {
        self.budget = budget
        scanner = LayerScanner(budget: budget)
    }

    /// Whether nothing more is wanted: the tar or the gzip member has ended, or reading failed.
    var isFinished: Bool { error != nil || tar.hasEnded || gzipEnded }

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
        } catch is StreamEnded {
            return
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
        } catch is StreamEnded {
            return
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
            try feedTar(bytes)
            return
        }
        // Trailing bytes after the gzip member (padding), and inflating past the tar's end, are skipped.
        guard !gzipEnded, !tar.hasEnded else { return }
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
        try output.withUnsafeReadableBytes { try feedTar($0) }
        output.clear()
        let limits = budget.limits
        if tarByteCount > limits.ratioFloorBytes && tarByteCount / max(byteCount, 1) > limits.ratio {
            throw TarError("gzip layer inflates more than \(limits.ratio) times (\(formatBytes(tarByteCount)) from \(formatBytes(byteCount)) read so far): a decompression bomb; not read further")
        }
        if tar.hasEnded { throw StreamEnded() }
    }

    /// The tar's end blocks were read: no more inflating (whatever follows is never looked at).
    private struct StreamEnded: Error {}

    private func feedTar(_ bytes: UnsafeRawBufferPointer) throws {
        guard !tar.hasEnded else { return }
        tarByteCount += Int64(bytes.count)
        try budget.spend(bytes: bytes.count)
        try tar.feed(bytes)
    }
}
