import Foundation
import GRDB

/// Every recorded audit, in a local SQLite database: one row per run (its figures) and the run's results.
///
/// A database pool in WAL mode: readers (`history`, `diff`, a scrape) never wait for the writer, and a run is written
/// in one transaction, so a process killed while writing leaves the previous runs intact and no partial run. The
/// schema is versioned by GRDB's `DatabaseMigrator`; a database written by a newer version of the tool is refused
/// rather than guessed at. Retention (`Retention`) is applied after each run is stored.
///
/// A result is stored once per (rule, target kind, target id, location) — the identity `diff` compares — with the
/// worst status among the rule's findings there and how many findings that was. What a finding is (its rule, target
/// and location) is kept once in `findings`; each run keeps only which of them it saw, in what state.
public struct HistoryStore: Sendable {
    public let path: String
    private let pool: DatabasePool

    /// How long runs are kept: the newest `maxRuns`, none older than `maxAge` seconds (nil: no bound).
    public struct Retention: Sendable, Equatable {
        public var maxRuns: Int?
        public var maxAge: TimeInterval?
        public init(maxRuns: Int? = 2_000, maxAge: TimeInterval? = 30 * 86_400) {
            self.maxRuns = maxRuns
            self.maxAge = maxAge
        }
    }

    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens (creating it and its folder, 0700, when missing) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw OpenError(description: "cannot create the history folder \(folder): \((error as NSError).localizedDescription)")
        }
        var configuration = Configuration()
        // A writer in another process (serve, audit --record) holds the lock for one run's transaction at most.
        configuration.busyMode = .timeout(30)
        configuration.label = "docker-baseline history"
        do {
            // The findings of a host's audits say where it is weak: readable by its owner only.
            let created = !FileManager.default.fileExists(atPath: path)
            pool = try DatabasePool(path: path, configuration: configuration)
            if created { chmod(path, 0o600) }
            let migrator = Self.migrator
            try pool.read { db in
                if try migrator.hasBeenSuperseded(db) {
                    throw OpenError(description: "\(path) was written by a newer docker-baseline (unknown schema version); use that version or another --history file")
                }
            }
            try migrator.migrate(pool)
        } catch let error as OpenError {
            throw error
        } catch {
            throw OpenError(description: "cannot open the history database \(path): \(error)")
        }
    }

    /// `$DOCKER_BASELINE_HISTORY`; else `history.sqlite` in the state directory (`stateDirectory`).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let own = environment["DOCKER_BASELINE_HISTORY"], own.hasPrefix("/") { return own }
        return stateDirectory(environment: environment) + "/history.sqlite"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, findings, results") { db in
            try db.create(table: "runs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("recordedAt", .double).notNull().indexed()
                t.column("collectedAt", .text).notNull()
                t.column("source", .text).notNull()
                t.column("toolVersion", .text).notNull()
                t.column("endpoint", .text).notNull()
                t.column("engineName", .text)
                t.column("engineVersion", .text)
                t.column("benchmark", .text).notNull()
                t.column("durationSeconds", .double)
                t.column("score", .double)
                for status in Status.allCases { t.column(status.rawValue, .integer).notNull() }
                for severity in Severity.allCases { t.column("failed_" + severity.rawValue, .integer).notNull() }
                t.column("total", .integer).notNull()
            }
            try db.create(table: "findings") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("rule", .text).notNull()
                t.column("targetKind", .text).notNull()
                t.column("targetID", .text).notNull()
                t.column("targetName", .text).notNull()
                // '' for a finding without a place in a file: NULLs would never be equal in the unique index.
                t.column("location", .text).notNull()
                t.uniqueKey(["rule", "targetKind", "targetID", "location"])
            }
            try db.create(table: "results", options: .withoutRowID) { t in
                t.column("runID", .integer).notNull().references("runs", onDelete: .cascade)
                t.column("findingID", .integer).notNull().references("findings")
                // Small integer codes (`Status.historyCode`, `Severity.historyCode`): a busy host stores thousands
                // of rows per run, and the text would be most of their size.
                t.column("status", .integer).notNull()
                t.column("severity", .integer).notNull()
                t.column("count", .integer).notNull()
                t.primaryKey(["runID", "findingID"])
            }
        }
        return migrator
    }

    // MARK: Writing

    /// Stores `report` as a new run, in one transaction, then drops runs beyond `retention`. Returns the run.
    @discardableResult
    public func record(_ report: AuditReport, source: String, duration: TimeInterval? = nil, retention: Retention = Retention(),
                       now: Date = Date()) throws -> HistoryRun {
        let summary = HistoryRun(report: report, source: source, duration: duration, recordedAt: now)
        let rows = Self.identities(of: report)
        return try pool.write { db in
            var run = summary
            try db.execute(sql: HistoryRun.insertSQL, arguments: run.insertArguments)
            run.id = db.lastInsertedRowID
            let findFinding = try db.cachedStatement(sql: "SELECT id FROM findings WHERE rule = ? AND targetKind = ? AND targetID = ? AND location = ?")
            let insertFinding = try db.cachedStatement(sql: "INSERT INTO findings (rule, targetKind, targetID, targetName, location) VALUES (?, ?, ?, ?, ?)")
            let renameFinding = try db.cachedStatement(sql: "UPDATE findings SET targetName = ? WHERE id = ? AND targetName <> ?")
            let insertResult = try db.cachedStatement(sql: "INSERT INTO results (runID, findingID, status, severity, count) VALUES (?, ?, ?, ?, ?)")
            for row in rows {
                let key = row.identity
                let findingID: Int64
                if let existing = try Int64.fetchOne(findFinding, arguments: [key.rule, key.targetKind, key.targetID, key.location]) {
                    findingID = existing
                    try renameFinding.execute(arguments: [row.targetName, existing, row.targetName])
                } else {
                    try insertFinding.execute(arguments: [key.rule, key.targetKind, key.targetID, row.targetName, key.location])
                    findingID = db.lastInsertedRowID
                }
                try insertResult.execute(arguments: [run.id, findingID, row.status.historyCode, row.severity.historyCode, row.count])
            }
            try Self.applyRetention(retention, now: now, db: db)
            return run
        }
    }

    /// Drops runs past the retention bounds (their results go with them) and findings no run refers to any more.
    static func applyRetention(_ retention: Retention, now: Date, db: Database) throws {
        var dropped = 0
        if let maxAge = retention.maxAge {
            try db.execute(sql: "DELETE FROM runs WHERE recordedAt < ?", arguments: [now.timeIntervalSince1970 - maxAge])
            dropped += db.changesCount
        }
        if let maxRuns = retention.maxRuns {
            try db.execute(sql: "DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?)", arguments: [max(maxRuns, 1)])
            dropped += db.changesCount
        }
        if dropped > 0 {
            // One pass over the results (no index by finding: it would double the results' size).
            try db.execute(sql: "DELETE FROM findings WHERE id NOT IN (SELECT DISTINCT findingID FROM results)")
        }
    }

    /// One row per identity: the worst status among the findings sharing it, their highest severity and their number.
    static func identities(of report: AuditReport) -> [StoredResult] {
        var byIdentity: [FindingIdentity: StoredResult] = [:]
        var order: [FindingIdentity] = []
        for result in report.results {
            let identity = FindingIdentity(result)
            if var existing = byIdentity[identity] {
                existing.count += 1
                if result.status < existing.status { existing.status = result.status }
                if result.severity > existing.severity { existing.severity = result.severity }
                byIdentity[identity] = existing
            } else {
                order.append(identity)
                byIdentity[identity] = StoredResult(identity: identity, targetName: result.target.name, status: result.status,
                                                    severity: result.severity, count: 1)
            }
        }
        return order.map { byIdentity[$0]! }
    }

    // MARK: Reading

    /// The newest runs first, at most `limit`.
    public func runs(limit: Int = 50) throws -> [HistoryRun] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id DESC LIMIT ?", arguments: [limit]).map(HistoryRun.init(row:))
        }
    }

    /// The run recorded just before run `id`.
    public func run(before id: Int64) throws -> HistoryRun? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id < ? ORDER BY id DESC LIMIT 1", arguments: [id]).map(HistoryRun.init(row:)) }
    }

    public func run(_ id: Int64) throws -> HistoryRun? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(HistoryRun.init(row:)) }
    }

    /// Every stored result of run `id`.
    public func results(ofRun id: Int64) throws -> [StoredResult] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT f.rule, f.targetKind, f.targetID, f.targetName, f.location, r.status, r.severity, r.count
                FROM results r JOIN findings f ON f.id = r.findingID WHERE r.runID = ? ORDER BY f.id
                """, arguments: [id]).map(StoredResult.init(row:))
        }
    }

    /// `PRAGMA integrity_check`'s answer ("ok" when the file is sound).
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}

/// What identifies a finding across runs: the rule, the target (kind and id) and the place in a file, if any.
public struct FindingIdentity: Hashable, Sendable, Codable {
    public var rule: String
    public var targetKind: String
    public var targetID: String
    /// `file:line:column`, or empty.
    public var location: String

    public init(rule: String, targetKind: String, targetID: String, location: String) {
        self.rule = rule
        self.targetKind = targetKind
        self.targetID = targetID
        self.location = location
    }

    public init(_ result: Result) {
        self.init(rule: result.rule.id.rawValue, targetKind: result.target.kind.rawValue, targetID: result.target.id,
                  location: result.finding.location?.description ?? "")
    }
}

/// One identity's result in one run.
public struct StoredResult: Sendable, Equatable {
    public var identity: FindingIdentity
    public var targetName: String
    public var status: Status
    public var severity: Severity
    /// How many findings of the rule shared this identity.
    public var count: Int

    init(identity: FindingIdentity, targetName: String, status: Status, severity: Severity, count: Int) {
        self.identity = identity
        self.targetName = targetName
        self.status = status
        self.severity = severity
        self.count = count
    }

    init(row: Row) {
        identity = FindingIdentity(rule: row["rule"], targetKind: row["targetKind"], targetID: row["targetID"], location: row["location"])
        targetName = row["targetName"]
        // Codes this version does not know (a newer writer) read as what they most likely are, never as a pass.
        status = Status(historyCode: row["status"]) ?? .error
        severity = Severity(historyCode: row["severity"]) ?? .medium
        count = row["count"]
    }
}

/// A recorded audit's figures.
public struct HistoryRun: Sendable, Equatable {
    public var id: Int64 = 0
    /// Seconds since 1970 when it was stored.
    public var recordedAt: Double
    public var collectedAt: String
    /// What recorded it: `serve` or `audit`.
    public var source: String
    public var toolVersion: String
    public var endpoint: String
    public var engineName: String?
    public var engineVersion: String?
    public var benchmark: String
    public var durationSeconds: Double?
    public var score: Double?
    public var counts: [Status: Int]
    public var failedBySeverity: [Severity: Int]
    public var total: Int

    init(report: AuditReport, source: String, duration: TimeInterval?, recordedAt: Date) {
        self.recordedAt = recordedAt.timeIntervalSince1970
        collectedAt = report.snapshot.collectedAt
        self.source = source
        toolVersion = ToolInfo.current.version
        endpoint = report.snapshot.endpoint
        engineName = report.snapshot.info.name
        engineVersion = report.snapshot.engine.version
        benchmark = report.benchmark.rawValue
        durationSeconds = duration
        score = report.score
        var counts: [Status: Int] = [:]
        var failed: [Severity: Int] = [:]
        for result in report.results {
            counts[result.status, default: 0] += 1
            if result.status == .fail { failed[result.severity, default: 0] += 1 }
        }
        self.counts = counts
        failedBySeverity = failed
        total = report.results.count
    }

    init(row: Row) {
        id = row["id"]
        recordedAt = row["recordedAt"]
        collectedAt = row["collectedAt"]
        source = row["source"]
        toolVersion = row["toolVersion"]
        endpoint = row["endpoint"]
        engineName = row["engineName"]
        engineVersion = row["engineVersion"]
        benchmark = row["benchmark"]
        durationSeconds = row["durationSeconds"]
        score = row["score"]
        counts = Dictionary(uniqueKeysWithValues: Status.allCases.map { ($0, row[$0.rawValue] as Int) })
        failedBySeverity = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0, row["failed_" + $0.rawValue] as Int) })
        total = row["total"]
    }

    static let insertSQL: String = {
        let columns = ["recordedAt", "collectedAt", "source", "toolVersion", "endpoint", "engineName", "engineVersion", "benchmark",
                       "durationSeconds", "score"] + Status.allCases.map(\.rawValue) + Severity.allCases.map { "failed_" + $0.rawValue } + ["total"]
        return "INSERT INTO runs (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
    }()

    var insertArguments: StatementArguments {
        var values: [(any DatabaseValueConvertible)?] = [recordedAt, collectedAt, source, toolVersion, endpoint, engineName, engineVersion, benchmark,
                                                         durationSeconds, score]
        values += Status.allCases.map { counts[$0, default: 0] }
        values += Severity.allCases.map { failedBySeverity[$0, default: 0] }
        values.append(total)
        return StatementArguments(values)
    }
}

extension Status {
    /// The code the history stores; fixed once written, whatever the order of `allCases`.
    var historyCode: Int {
        switch self {
        case .pass: 0
        case .fail: 1
        case .warn: 2
        case .info: 3
        case .skipped: 4
        case .error: 5
        case .waived: 6
        }
    }

    init?(historyCode: Int) {
        guard let status = Status.allCases.first(where: { $0.historyCode == historyCode }) else { return nil }
        self = status
    }
}

extension Severity {
    /// The code the history stores: 0 info … 4 critical.
    var historyCode: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    init?(historyCode: Int) {
        guard let severity = Severity.allCases.first(where: { $0.historyCode == historyCode }) else { return nil }
        self = severity
    }
}
