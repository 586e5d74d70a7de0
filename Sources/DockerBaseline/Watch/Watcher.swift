import Foundation

/// What `watch` is asked to do.
public struct WatchSettings: Sendable {
    public var collect: CollectOptions
    public var policy: AuditPolicy
    public var advisories: AdvisoryTable = .embedded
    /// Judge everything once the stream is connected, so the watch starts from a known state.
    public var initialAudit = true
    /// Events waiting to be judged at most; past it they are dropped and the state re-read.
    public var queueCapacity = 10_000
    public var retention = ExecJournal.Retention()
    /// Resume from the last event a previous watch handled (`since=` it), when the journal has one.
    public var resume = true
    /// The longest wait between reconnection attempts.
    public var maxBackoff: TimeInterval = 5
    public var heartbeat: TimeInterval = CoveredPeriod.heartbeat

    public init(collect: CollectOptions, policy: AuditPolicy) {
        self.collect = collect
        self.policy = policy
    }
}

/// The event a result was judged on (or the audit that produced it).
public struct EventSummary: Sendable, Equatable {
    public var type: String
    public var action: String
    public var actorID: String
    public var actorName: String?
    /// The engine's time of the event (ns); nil for an audit.
    public var timeNano: Int64?
    public var time: Date

    public init(_ event: EngineEvent) {
        type = event.type
        action = event.action
        actorID = event.actor.id
        actorName = event.actor.attributes["name"]
        timeNano = event.timeNano
        time = event.date
    }

    public init(audit action: String, at time: Date) {
        type = "audit"
        self.action = action
        actorID = ""
        actorName = nil
        timeNano = nil
        self.time = time
    }

    /// As a JSON object, for the `event` member of a JSON line.
    public var json: String {
        var members = ["\"type\": \(jsonString(type))", "\"action\": \(jsonString(UntrustedText.shown(action)))",
                       "\"actor\": {\"id\": \(jsonString(actorID))\(actorName.map { ", \"name\": \(jsonString(UntrustedText.shown($0)))" } ?? "")}",
                       "\"time\": \(jsonString(SnapshotTime.string(time)))"]
        if let timeNano { members.append("\"timeNano\": \(timeNano)") }
        return "{" + members.joined(separator: ", ") + "}"
    }
}

/// One new failure (or a fixed one) to report, with the event that caused it.
public struct WatchEmission: Sendable {
    public var result: Result
    public var event: EventSummary
}

/// How a watch ended.
public struct WatchSummary: Sendable {
    public var events = 0
    public var emitted = 0
    /// The worst severity among the failures emitted (not waived), for --fail-on.
    public var worstFailure: Severity?
    public var peakQueue = 0
    /// Events read but not judged when the watch was stopped; a later watch replays them.
    public var leftUnjudged = 0
}

/// Follows the engine's events and judges just the object each one names, through the one `Evaluator`, reporting
/// each failure once. A driver like `audit`: it has no rule logic of its own.
public final class Watcher: Sendable {
    public let settings: WatchSettings
    public let journal: ExecJournal
    let queue: WatchQueue
    let emit: @Sendable (WatchEmission) throws -> Void
    /// Says what the watch does about trouble (a lost connection), on standard error.
    let log: @Sendable (String) -> Void

    public init(settings: WatchSettings, journal: ExecJournal, emit: @escaping @Sendable (WatchEmission) throws -> Void,
                log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.journal = journal
        self.queue = WatchQueue(capacity: settings.queueCapacity)
        self.emit = emit
        self.log = log
    }

    /// Stops after the item being judged (SIGINT, SIGTERM).
    public func stop() { queue.push(.stop) }

    public struct Unreachable: Error, CustomStringConvertible {
        public var description: String
    }

    public func run() async throws -> WatchSummary {
        let options = settings.collect
        let endpoint = try EngineEndpoint.resolve(options.endpoint, environment: options.environment)
        let client = try await EngineClient.connect(endpoint, timeoutSeconds: options.timeoutSeconds, environment: options.environment)
        do {
            try client.checkSocket()
            let api = try await client.negotiate()
            try journal.prune(settings.retention)
            let start = settings.resume ? try journal.resumeCursor() : EventCursor()
            let queue = self.queue, log = self.log, maxBackoff = settings.maxBackoff
            let reader = Task { await Self.read(client: client, prefix: "/v\(api)", from: start, into: queue, maxBackoff: maxBackoff, log: log) }
            let heartbeat = settings.heartbeat
            let beats = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(heartbeat * 1e9))
                    queue.push(.heartbeat(Date()))
                }
            }
            defer {
                reader.cancel()
                beats.cancel()
            }
            var judge = Judge(watcher: self, client: client, prefix: "/v\(api)", local: endpoint.isLocal)
            let summary = try await judge.run()
            reader.cancel()
            _ = await reader.value
            await client.shutdown()
            return summary
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Reads the stream into `queue` for ever: on a lost connection it reconnects with back-off and replays from the
    /// last event accepted (`since=`), the cursor dropping what it already has.
    static func read(client: EngineClient, prefix: String, from start: EventCursor, into queue: WatchQueue, maxBackoff: TimeInterval,
                     log: @escaping @Sendable (String) -> Void) async {
        var cursor = start
        var backoff = 0.1
        var connections = 0
        var lostAt: Date?
        while !Task.isCancelled {
            let path = "\(prefix)/events" + (cursor.since.map { "?since=\($0)" } ?? "")
            var decoder = EventLineDecoder()
            var connectedAt = Date()
            var replayed = 0
            do {
                try await client.follow(path, connected: {
                    connectedAt = Date()
                    connections += 1
                    backoff = 0.1
                    queue.push(.connected(connectedAt, first: connections == 1))
                    if let lost = lostAt { log("reconnected to the engine (the connection was lost at \(SnapshotTime.string(lost)))") }
                }) { buffer in
                    for event in decoder.feed(buffer) where cursor.accept(event) {
                        if event.date < connectedAt, lostAt != nil {
                            replayed += 1
                            // The engine replays at most its last 256 events: more, and some may be missing.
                            if replayed == 256, let lost = lostAt { queue.push(.gap(since: lost)) }
                        }
                        queue.push(.event(event))
                    }
                    for line in decoder.malformed { log("ignored an event the engine sent that is not JSON: \(UntrustedText.shown(line))") }
                }
                if Task.isCancelled { return }
                log("the engine ended the event stream; reconnecting")
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                if connections == 0 {
                    queue.push(.unreachable(String(describing: error)))
                    return
                }
                log("lost the event stream (\(error)); reconnecting in \(String(format: "%.1f", backoff)) s")
            }
            lostAt = Date()
            queue.push(.disconnected(lostAt!))
            try? await Task.sleep(nanoseconds: UInt64(backoff * 1e9))
            backoff = min(backoff * 2, maxBackoff)
        }
    }
}
