import Foundation
import NIOCore

/// Hands a report that a synchronous writer produces piece by piece (`ReportFormat.write`) to an async HTTP body,
/// holding at most `capacity` pieces: the writer runs on a dispatch thread and waits while the client is slow, so a
/// large report is never held whole, and the cooperative pool is never blocked.
final class PieceStream: @unchecked Sendable {
    private let condition = NSCondition()
    private var pieces: [Data] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waiting: CheckedContinuation<Data?, any Error>?
    private let capacity: Int

    struct Cancelled: Error {}

    init(capacity: Int = 4) { self.capacity = capacity }

    /// Runs `produce` on a dispatch thread, its pieces going to `next()`.
    static func start(_ produce: @escaping @Sendable ((Data) throws -> Void) throws -> Void) -> PieceStream {
        let stream = PieceStream()
        DispatchQueue.global().async {
            do {
                try produce { try stream.put($0) }
                stream.end(nil)
            } catch {
                stream.end(error)
            }
        }
        return stream
    }

    private func put(_ piece: Data) throws {
        condition.lock()
        while pieces.count >= capacity, !cancelled { condition.wait() }
        if cancelled {
            condition.unlock()
            throw Cancelled()
        }
        if let waiting {
            self.waiting = nil
            condition.unlock()
            waiting.resume(returning: piece)
            return
        }
        pieces.append(piece)
        condition.unlock()
    }

    private func end(_ error: (any Error)?) {
        condition.lock()
        finished = true
        failure = error
        let waiting = self.waiting
        self.waiting = nil
        condition.unlock()
        if let waiting {
            if let error { waiting.resume(throwing: error) } else { waiting.resume(returning: nil) }
        }
    }

    /// The next piece, nil at the end.
    func next() async throws -> Data? {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if !pieces.isEmpty {
                let piece = pieces.removeFirst()
                condition.signal()
                condition.unlock()
                continuation.resume(returning: piece)
            } else if finished {
                let failure = self.failure
                condition.unlock()
                if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
            } else {
                waiting = continuation
                condition.unlock()
            }
        }
    }

    /// The client went away: the writer stops at its next piece.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
