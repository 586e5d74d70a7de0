import Foundation

/// Which rules judge what an event names: found once by judging the rules' own compliant example snapshot (one
/// container, one image) and seeing which kinds of target each rule reports on.
struct RulePartition: Sendable {
    var container: [any Rule] = []
    var image: [any Rule] = []
    /// Engine, daemon, host and network rules: judged again when the engine's own state changes.
    var engine: [any Rule] = []
    var exec: [any Rule] = []

    init(_ rules: [any Rule]) {
        let sample = try? RuleExample(expect: .pass).makeSnapshot()
        for rule in rules {
            if rule.metadata.id == .containerExecPrivileged || rule.metadata.id == .containerExecRoot {
                exec.append(rule)
                continue
            }
            let kinds = sample.map { Set(rule.evaluate(AuditContext($0)).map(\.target.kind)) } ?? []
            if kinds.contains(.container) { container.append(rule) }
            if kinds.contains(.image) { image.append(rule) }
            if kinds.isEmpty || !kinds.subtracting([.container, .image]).isEmpty { engine.append(rule) }
        }
    }
}

/// The judging side of a watch: takes items off the queue one at a time, collects just what each names, judges it
/// and emits what is new.
struct Judge {
    let watcher: Watcher
    let client: EngineClient
    let prefix: String
    let local: Bool
    /// The rules the policy selects, by what they judge: the others' results would be dropped anyway.
    let rules: RulePartition
    /// Engine and host facts, and the images (for rules that look a container's image up), from the last full audit.
    var base: Snapshot?
    var ledger = FindingLedger()
    var period: Int64?
    /// The events judged, as a cursor: where a later watch resumes.
    var handled = EventCursor()
    var lastHandledNano: Int64? { handled.lastNano }
    var connected = false
    var needsResync = false
    var summary = WatchSummary()

    init(watcher: Watcher, client: EngineClient, prefix: String, local: Bool) {
        self.watcher = watcher
        self.client = client
        self.prefix = prefix
        self.local = local
        let policy = watcher.settings.policy
        rules = RulePartition(RuleCatalog.all.filter { policy.selects($0.metadata) })
    }

    private var settings: WatchSettings { watcher.settings }
    private var journal: ExecJournal { watcher.journal }
    private var collector: EngineCollector { EngineCollector(client: client, concurrency: 1, processScanner: nil) }

    mutating func run() async throws -> WatchSummary {
        let queue = watcher.queue
        loop: while true {
            let item = await queue.next()
            switch item {
            case .stop:
                break loop
            case let .unreachable(reason):
                throw Watcher.Unreachable(description: reason)
            case let .connected(at, first):
                connected = true
                if period == nil { period = try journal.beginPeriod(at: at) }
                if first {
                    try await audit(settings.initialAudit ? "initial" : nil)
                    watcher.log("following the engine's events" + (settings.initialAudit ? " (the initial audit reported \(summary.emitted))" : ""))
                } else {
                    try await resync()
                }
            case let .gap(since):
                watcher.log("the engine may have dropped events after \(SnapshotTime.string(since)); the covered period restarts now")
                try restartPeriod(endingAt: since)
            case let .overflow(sinceNano):
                let since = Date(timeIntervalSince1970: Double(sinceNano) / 1e9)
                watcher.log("more than \(queue.capacity) events waited: those after \(SnapshotTime.string(since)) were dropped; re-reading the engine")
                try restartPeriod(endingAt: since)
                try await resync()
            case let .disconnected(at):
                connected = false
                if let period { try journal.extend(period: period, to: at, handled: handled) }
            case let .heartbeat(at):
                // While the stream is lost nothing is claimed; the replay after reconnecting covers the gap.
                if connected, let period { try journal.extend(period: period, to: at, handled: handled) }
                if needsResync, connected { try await resync() }
            case let .event(event):
                let batch = [event] + queue.takeEvents(limit: max(0, settings.collect.concurrency - 1))
                let gathered = await gatherContainers(for: batch)
                for (index, event) in batch.enumerated() {
                    summary.events += 1
                    do {
                        try await handle(event, gathered: gathered[index])
                    } catch let error as EngineError {
                        // The engine stopped answering mid-event: what the event named is judged by the re-read once
                        // it answers again; an exec cannot be re-read, so the covered period restarts.
                        watcher.log("could not judge the \(event.type) \(event.verb) event (\(error)); the engine will be re-read")
                        needsResync = true
                        if event.verb.hasPrefix("exec_") { try restartPeriod(endingAt: event.date) }
                    }
                    _ = handled.accept(event)
                }
            }
        }
        summary.peakQueue = queue.peak
        summary.leftUnjudged = queue.waiting
        if let period {
            // Time after the last event judged is covered only when nothing was left waiting.
            let end = summary.leftUnjudged == 0 && connected ? Date() : lastHandledNano.map { Date(timeIntervalSince1970: Double($0) / 1e9) } ?? Date()
            try journal.extend(period: period, to: end, handled: handled)
            try journal.endPeriod(period, at: end, cleanly: true)
        }
        return summary
    }

    /// A full re-read after a reconnection, an overflow or an engine error; tried again at the next heartbeat when the
    /// engine does not answer.
    private mutating func resync() async throws {
        do {
            try await audit("resync")
            needsResync = false
        } catch {
            watcher.log("could not re-read the engine (\(error)); trying again")
            needsResync = true
        }
    }

    private mutating func restartPeriod(endingAt end: Date) throws {
        if let period { try journal.endPeriod(period, at: end, cleanly: false) }
        period = try journal.beginPeriod(at: Date())
    }

    // MARK: Events

    /// The events that name a container to judge.
    private static func judgesContainer(_ event: EngineEvent) -> Bool {
        event.type == "container" && ["create", "start", "update", "rename"].contains(event.verb)
    }

    /// The containers a batch of events names, read from the engine concurrently (the engine's answers, not the
    /// judging, are most of an event's time); an engine error is left for the event's own turn.
    private func gatherContainers(for batch: [EngineEvent]) async -> [Int: Swift.Result<EngineCollector.Gathered, Error>] {
        let wanted = batch.indices.filter { Self.judgesContainer(batch[$0]) }
        guard !wanted.isEmpty else { return [:] }
        let collector = self.collector, prefix = self.prefix
        let ids = wanted.map { batch[$0].actor.id }
        let gathered = (try? await boundedMap(ids, limit: ids.count) { id -> Swift.Result<EngineCollector.Gathered, EngineError> in
            do { return .success(try await collector.container(id: id, prefix: prefix)) } catch let error as EngineError { return .failure(error) }
        }) ?? []
        var byIndex: [Int: Swift.Result<EngineCollector.Gathered, Error>] = [:]
        for (position, index) in wanted.enumerated() where position < gathered.count {
            byIndex[index] = gathered[position].mapError { $0 }
        }
        return byIndex
    }

    mutating func handle(_ event: EngineEvent, gathered: Swift.Result<EngineCollector.Gathered, Error>? = nil) async throws {
        switch (event.type, event.verb) {
        case ("container", "create"), ("container", "start"), ("container", "update"), ("container", "rename"):
            try await judgeContainer(event.actor.id, event: EventSummary(event), gathered: gathered)
        case ("container", "exec_create"), ("container", "exec_start"):
            try await judgeExec(event)
        case ("container", "destroy"):
            ledger.forget(event.actor.id)
        case ("image", "pull"), ("image", "tag"), ("image", "load"), ("image", "import"):
            try await judgeImage(event.actor.id, event: EventSummary(event))
        case ("image", "delete"):
            ledger.forget(event.actor.id)
        case ("network", "create"), ("network", "destroy"), ("daemon", "reload"):
            try await judgeEngine(event: EventSummary(event), refreshHost: event.type == "daemon")
        default:
            break
        }
    }

    private mutating func judgeContainer(_ id: String, event: EventSummary, gathered prefetched: Swift.Result<EngineCollector.Gathered, Error>?) async throws {
        let gathered: EngineCollector.Gathered
        do {
            if let prefetched { gathered = try prefetched.get() } else { gathered = try await collector.container(id: id, prefix: prefix) }
        } catch let error as EngineError {
            watcher.log("could not read container \(id.prefix(12)) after its \(event.action) event: \(error)")
            return
        }
        var snapshot = try await baseSnapshot()
        switch gathered {
        case let .container(record):
            snapshot.containers = [record]
        case let .problem(problem):
            // Removed before it could be read: nothing is left to judge. Anything else is an error result.
            if problem.kind == .vanished { return }
            snapshot.problems = [problem]
        case .image:
            return
        }
        try judge(snapshot, rules: rules.container, targets: [id], event: event)
    }

    private mutating func judgeImage(_ reference: String, event: EventSummary) async throws {
        let gathered = try await EngineCollector.gatherImage(reference: reference, prefix: prefix, client: client)
        var snapshot = try await baseSnapshot()
        guard case let .image(record) = gathered else {
            if case let .problem(problem) = gathered, problem.kind != .vanished {
                snapshot.problems = [problem]
                try judge(snapshot, rules: [], targets: [reference], event: event)
            }
            return
        }
        snapshot.images.removeAll { $0.inspect.id == record.inspect.id }
        snapshot.images.append(record)
        base?.images = snapshot.images
        try judge(snapshot, rules: rules.image, targets: [record.inspect.id], event: event)
    }

    private mutating func judgeEngine(event: EventSummary, refreshHost: Bool) async throws {
        var snapshot = try await baseSnapshot()
        snapshot.networks = try await client.get("\(prefix)/networks", as: [NetworkSummary].self)
        if refreshHost {
            snapshot.info = try await client.get("\(prefix)/info", as: EngineInfo.self)
            snapshot.engine = try await client.get("\(prefix)/version", as: EngineVersion.self)
            if local { snapshot.host = HostCollector(root: settings.collect.root, engineSocket: client.endpoint.socketPath).collect() }
        }
        base?.networks = snapshot.networks
        base?.info = snapshot.info
        base?.engine = snapshot.engine
        base?.host = snapshot.host
        try judge(snapshot, rules: rules.engine, targets: nil, event: event)
    }

    /// `/exec/{id}/json`: whether it is privileged and as which user it runs.
    private struct ExecInspect: Decodable {
        struct Process: Decodable {
            let privileged: Bool?
            let user: String?
            let entrypoint: String?
            let arguments: [String]?
        }
        let processConfig: Process?
        let containerID: String?
        enum CodingKeys: String, CodingKey { case processConfig = "ProcessConfig", containerID = "ContainerID" }
    }

    private mutating func judgeExec(_ event: EngineEvent) async throws {
        let summaryEvent = EventSummary(event)
        guard let execID = event.actor.attributes["execID"] else {
            watcher.log("the engine's \(event.verb) event names no exec id (API before 1.41?): the exec cannot be inspected; the covered period restarts")
            try restartPeriod(endingAt: event.date)
            return
        }
        let inspect: ExecInspect
        do {
            inspect = try await client.get("\(prefix)/exec/\(execID)/json", as: ExecInspect.self)
        } catch let error as EngineError {
            watcher.log("could not inspect exec \(execID.prefix(12)) in container \(event.actor.id.prefix(12)) (\(error)): the covered period restarts")
            try restartPeriod(endingAt: event.date)
            return
        }
        let containerID = inspect.containerID ?? event.actor.id
        let gathered = try? await collector.container(id: containerID, prefix: prefix)
        var containerRecord: ContainerRecord?
        if case let .container(record) = gathered { containerRecord = record }
        let process = inspect.processConfig
        let command = ([process?.entrypoint ?? ""] + (process?.arguments ?? [])).filter { !$0.isEmpty }.joined(separator: " ")
        let record = ExecRecord(
            id: execID, containerID: containerID, containerName: event.actor.attributes["name"] ?? containerRecord?.inspect.displayName ?? String(containerID.prefix(12)),
            command: command, user: process?.user ?? "", containerUser: containerRecord.map { $0.inspect.config?.user ?? "" },
            privileged: process?.privileged ?? false, time: SnapshotTime.string(event.date), source: "engine")
        guard try journal.record(record, eventTimeNano: event.timeNano) else { return }
        var snapshot = try await baseSnapshot()
        snapshot.containers = containerRecord.map { [$0] } ?? []
        snapshot.execHistory = ExecHistory(execs: [record], coverage: [CoveredPeriod(start: event.date, end: Date(), stoppedCleanly: false)],
                                           sources: [journal.path])
        try judge(snapshot, rules: rules.exec, targets: [containerID], event: summaryEvent)
    }

    // MARK: Judging

    /// The last audit's engine and host facts, collected now: the snapshot an event's object is added to.
    private mutating func baseSnapshot() async throws -> Snapshot {
        if base == nil { try await audit(nil) }
        var snapshot = base!
        snapshot.collectedAt = SnapshotTime.string(Date())
        snapshot.containers = []
        snapshot.problems = []
        return snapshot
    }

    /// Judges `snapshot` with `rules` through the one Evaluator and the policy, and emits the results about `targets`
    /// (every target when nil) that are new failures or fixed ones.
    private mutating func judge(_ snapshot: Snapshot, rules: [any Rule], targets: Set<String>?, event: EventSummary) throws {
        let report = settings.policy.apply(to: Evaluator.evaluate(snapshot, rules: rules, advisories: settings.advisories, settings: settings.policy.settings),
                                           rules: [])
        let results = report.results.filter { targets?.contains($0.target.id) ?? true }
        try emitNew(results, event: event)
    }

    private mutating func emitNew(_ results: [Result], event: EventSummary) throws {
        var emitted: [Result] = []
        for result in results where result.status == .fail || (result.status == .error && result.rule.id == .collect) {
            if ledger.insert(result) { emitted.append(result) }
        }
        for target in Set(results.map(\.target.id)) {
            emitted += ledger.fixed(target, judgedBy: results.filter { $0.target.id == target })
        }
        for result in emitted {
            let emission = WatchEmission(result: result, event: event)
            try watcher.emitOne(emission)
            summary.emitted += 1
            if result.status == .fail, result.change != .fixed {
                summary.worstFailure = max(summary.worstFailure ?? result.severity, result.severity)
            }
        }
    }

    /// A full audit (the initial one, or after a reconnection or an overflow) through the same path; its facts become
    /// the base the events' objects are judged in. With `action` nil, only the base is read and nothing is emitted.
    private mutating func audit(_ action: String?) async throws {
        let snapshot = try await Collector.snapshot(settings.collect)
        var kept = snapshot
        kept.containers = []
        kept.images = snapshot.images.map { ImageRecord(inspect: $0.inspect, history: $0.history, historyError: $0.historyError) }
        kept.execHistory = nil
        base = kept
        guard let action else { return }
        let report = settings.policy.apply(to: Evaluator.evaluate(snapshot, rules: RuleCatalog.all.filter { settings.policy.selects($0.metadata) },
                                                                  advisories: settings.advisories, settings: settings.policy.settings))
        let present = Set(snapshot.containers.map(\.inspect.id) + snapshot.images.map(\.inspect.id))
        ledger.keep(only: present) { $0.count == 64 || $0.hasPrefix("sha256:") }
        try emitNew(report.results.filter { $0.rule.id != .containerExecPrivileged && $0.rule.id != .containerExecRoot },
                    event: EventSummary(audit: action, at: Date()))
    }
}

extension Watcher {
    /// Emits one result and keeps it in the journal.
    func emitOne(_ emission: WatchEmission) throws {
        try emit(emission)
        if let line = try? JSONReporterLine.make(emission) {
            try journal.record(ExecJournal.FindingEntry(time: Date(), result: emission.result, eventType: emission.event.type,
                                                        eventAction: emission.event.action, eventTimeNano: emission.event.timeNano, line: line))
        }
    }
}

/// The JSON line of an emission (also what the journal keeps of it).
public enum JSONReporterLine {
    public static func make(_ emission: WatchEmission, language: Language = .en) throws -> String {
        JSONReporter.line(for: emission.result, language: language, extra: [("event", emission.event.json)])
    }
}
