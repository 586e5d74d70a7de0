import Dispatch

/// Runs synchronous I/O (the host's files, a walk of /proc) on a thread of its own. On Swift's cooperative pool, which
/// has one thread per core, it would hold back the engine's answers for as long as it reads.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
    }
}
