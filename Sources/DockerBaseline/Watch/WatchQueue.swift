import Foundation

/// What the stream reader hands the judge.
public enum WatchItem: Sendable {
    case event(EngineEvent)
    /// The stream is (again) connected at this time; not the first time: a resync follows.
    case connected(Date, first: Bool)
    /// The stream was lost at this time: until it is back, the watch covers nothing.
    case disconnected(Date)
    /// The engine may have dropped events during a reconnection (its replay buffer was full), from this time on.
    case gap(since: Date)
    /// The queue was full and events were dropped from this engine time on: the state is re-read.
    case overflow(sinceNano: Int64)
    /// Time to record that the watch is alive.
    case heartbeat(Date)
    /// The engine could not be reached at the start.
    case unreachable(String)
    case stop
}

/// A bounded queue between the stream reader and the judge. The reader never waits (the engine drops events for a
/// reader that lags); when `capacity` events wait, further events are dropped and the judge is told once, with the
/// time of the first one dropped, so it re-reads the state instead of missing it. Control items always fit.
public final class WatchQueue: @unchecked Sendable {
    public let capacity: Int
    private let lock = NSLock()
    private var items: [WatchItem] = []
    private var head = 0
    private var events = 0
    private var droppedSince: Int64?
    private var waiter: CheckedContinuation<WatchItem, Never>?
    private var stopped = false
    /// The most events waiting at once.
    public private(set) var peak = 0

    public init(capacity: Int) { self.capacity = capacity }

    public func push(_ item: WatchItem) {
        lock.lock()
        if case let .event(event) = item {
            if events >= capacity {
                if droppedSince == nil { droppedSince = event.timeNano }
                lock.unlock()
                return
            }
            events += 1
            peak = max(peak, events)
        }
        if case .stop = item { stopped = true }
        if let waiter {
            self.waiter = nil
            if case .event = item { events -= 1 }
            lock.unlock()
            waiter.resume(returning: item)
            return
        }
        items.append(item)
        lock.unlock()
    }

    /// The next item, waiting for one; a pending overflow is reported once the events before it are judged.
    public func next() async -> WatchItem {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let item = takeLocked() {
                lock.unlock()
                continuation.resume(returning: item)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }

    /// Up to `limit` events waiting at the head of the queue, without waiting for more (none when a stop is asked):
    /// a burst is read from the engine concurrently, then judged in order.
    public func takeEvents(limit: Int) -> [EngineEvent] {
        lock.lock()
        defer { lock.unlock() }
        var taken: [EngineEvent] = []
        while !stopped, taken.count < limit, head < items.count, case let .event(event) = items[head] {
            taken.append(event)
            head += 1
            events -= 1
        }
        return taken
    }

    /// Events waiting, for a clean stop that says what it left.
    public var waiting: Int {
        lock.lock()
        defer { lock.unlock() }
        return events
    }

    private func takeLocked() -> WatchItem? {
        if stopped { return .stop }
        if head < items.count {
            let item = items[head]
            head += 1
            if head > 1024, head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            if case .event = item { events -= 1 }
            return item
        }
        if let since = droppedSince {
            droppedSince = nil
            return .overflow(sinceNano: since)
        }
        return nil
    }
}
