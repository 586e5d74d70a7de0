import Foundation
import GRDB

/// The watch's local journal (SQLite in WAL mode, through GRDB): every `docker exec` seen, every finding emitted, and
/// the periods a watch followed the engine's events, so that `audit` can judge 5.23/5.24 for covered time only.
/// Writes are single transactions: a watch stopped (or killed) at any point leaves a consistent database.
public final class ExecJournal: Sendable {
    public let path: String
    private let database: any DatabaseWriter & DatabaseReader

    /// How much is kept: rows older than `maxAge`, and beyond the newest `maxRows` per table, are removed.
    public struct Retention: Sendable {
        public var maxAge: TimeInterval
        public var maxRows: Int
        public init(maxAge: TimeInterval = 90 * 86_400, maxRows: Int = 100_000) {
            self.maxAge = maxAge
            self.maxRows = maxRows
        }
    }

    public struct OpenError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `journal.sqlite` in the state directory (`stateDirectory`).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment, isRoot: Bool = geteuid() == 0) -> String {
        stateDirectory(environment: environment, isRoot: isRoot) + "/journal.sqlite"
    }

    /// Opens (creating it and its folder for a watch) and migrates the journal; `readOnly` for `audit`, which never
    /// creates one.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        do {
            if readOnly {
                var configuration = Configuration()
                configuration.readonly = true
                database = try DatabaseQueue(path: path, configuration: configuration)
                let version = try database.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } ?? 0
                let applied = try database.read { try Self.migrator.appliedIdentifiers($0) }
                guard !applied.isEmpty || version != 0 else { throw OpenError(description: "\(path) is not a docker-baseline journal") }
                if !Set(applied).isSubset(of: Set(Self.migrator.migrations)) {
                    throw OpenError(description: "\(path) was written by a newer docker-baseline (migrations \(applied.sorted()))")
                }
            } else {
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                var configuration = Configuration()
                configuration.busyMode = .timeout(5)
                // In WAL mode NORMAL syncs at checkpoints rather than at every commit: a crash can lose the last
                // commits but never leaves the file inconsistent, and a line is not held up by an fsync.
                configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Self.migrator.migrate(pool)
                database = pool
            }
        } catch let error as OpenError {
            throw error
        } catch {
            throw OpenError(description: "cannot open the journal \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "period") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("start", .double).notNull()
                table.column("end", .double).notNull()
                table.column("stoppedCleanly", .boolean).notNull().defaults(to: false)
                /// The engine time (ns) of the last event the watch handled: where a restarted watch resumes.
                table.column("lastEventNano", .integer)
            }
            try db.create(table: "exec") { table in
                table.primaryKey("id", .text)
                table.column("containerID", .text).notNull()
                table.column("containerName", .text).notNull()
                table.column("command", .text).notNull()
                table.column("user", .text).notNull()
                table.column("containerUser", .text)
                table.column("privileged", .boolean).notNull()
                table.column("time", .double).notNull().indexed()
                table.column("eventTimeNano", .integer)
                table.column("source", .text).notNull()
            }
            try db.create(table: "finding") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("time", .double).notNull().indexed()
                table.column("rule", .text).notNull()
                table.column("status", .text).notNull()
                table.column("severity", .text).notNull()
                table.column("targetKind", .text).notNull()
                table.column("targetID", .text).notNull()
                table.column("targetName", .text).notNull()
                table.column("message", .text).notNull()
                table.column("eventType", .text).notNull()
                table.column("eventAction", .text).notNull()
                table.column("eventTimeNano", .integer)
                /// The JSON line emitted for it.
                table.column("line", .text).notNull()
            }
        }
        migrator.registerMigration("v2") { db in
            /// The events of the last moments the watch handled: a resumed watch replays from a little before its
            /// last event and drops these.
            try db.create(table: "handledEvent") { table in
                table.primaryKey("key", .text)
                table.column("timeNano", .integer).notNull()
            }
        }
        return migrator
    }

    // MARK: Periods

    /// Starts a covered period at `date`; its id.
    public func beginPeriod(at date: Date) throws -> Int64 {
        try database.write { db in
            try db.execute(sql: "INSERT INTO period (start, end, stoppedCleanly) VALUES (?, ?, 0)", arguments: [date.timeIntervalSince1970, date.timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    /// The watch is alive and has handled every event up to `lastEventNano`.
    public func extend(period: Int64, to date: Date, lastEventNano: Int64?) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE period SET end = max(end, ?), lastEventNano = coalesce(?, lastEventNano) WHERE id = ?",
                           arguments: [date.timeIntervalSince1970, lastEventNano, period])
        }
    }

    public func endPeriod(_ period: Int64, at date: Date, cleanly: Bool) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE period SET end = max(end, ?), stoppedCleanly = ? WHERE id = ?", arguments: [date.timeIntervalSince1970, cleanly, period])
        }
    }

    /// The engine time of the last event any watch handled, to resume from.
    public func lastEventNano() throws -> Int64? {
        try database.read { try Int64.fetchOne($0, sql: "SELECT max(lastEventNano) FROM period") }
    }

    /// Where a new watch resumes: after the last event handled, without the events of its last moments.
    public func resumeCursor() throws -> EventCursor {
        try database.read { db in
            let last = try Int64.fetchOne(db, sql: "SELECT max(lastEventNano) FROM period")
            var recent: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, timeNano FROM handledEvent") { recent[row["key"]] = row["timeNano"] }
            return EventCursor(lastNano: last, recent: recent)
        }
    }

    /// The watch is alive, has handled every event up to `handled`, and keeps the events of its window.
    public func extend(period: Int64, to date: Date, handled: EventCursor) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE period SET end = max(end, ?), lastEventNano = coalesce(?, lastEventNano) WHERE id = ?",
                           arguments: [date.timeIntervalSince1970, handled.lastNano, period])
            guard handled.lastNano != nil else { return }
            try db.execute(sql: "DELETE FROM handledEvent")
            for (key, nano) in handled.window {
                try db.execute(sql: "INSERT INTO handledEvent (key, timeNano) VALUES (?, ?)", arguments: [key, nano])
            }
        }
    }

    // MARK: Records

    /// Records an exec once (by its id); false when it was already recorded.
    @discardableResult
    public func record(_ exec: ExecRecord, eventTimeNano: Int64?) throws -> Bool {
        try database.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO exec (id, containerID, containerName, command, user, containerUser, privileged, time, eventTimeNano, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [exec.id, exec.containerID, exec.containerName, exec.command, exec.user, exec.containerUser, exec.privileged,
                                 (SnapshotTime.date(exec.time) ?? Date()).timeIntervalSince1970, eventTimeNano, exec.source])
            return db.changesCount > 0
        }
    }

    /// A finding the watch emitted.
    public struct FindingEntry: Sendable {
        public var time: Date
        public var result: Result
        public var eventType: String
        public var eventAction: String
        public var eventTimeNano: Int64?
        public var line: String

        public init(time: Date, result: Result, eventType: String, eventAction: String, eventTimeNano: Int64?, line: String) {
            self.time = time
            self.result = result
            self.eventType = eventType
            self.eventAction = eventAction
            self.eventTimeNano = eventTimeNano
            self.line = line
        }
    }

    public func record(_ finding: FindingEntry) throws {
        let result = finding.result
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO finding (time, rule, status, severity, targetKind, targetID, targetName, message, eventType, eventAction, eventTimeNano, line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [finding.time.timeIntervalSince1970, result.rule.id.rawValue, (result.change == .fixed ? "fixed" : result.status.rawValue),
                                 result.severity.rawValue, result.target.kind.rawValue, result.target.id, result.target.name, result.finding.message.en,
                                 finding.eventType, finding.eventAction, finding.eventTimeNano, finding.line])
        }
    }

    // MARK: Retention

    /// Removes what `retention` no longer keeps. A period never claims time whose execs were removed: its start moves
    /// past the newest exec dropped.
    public func prune(_ retention: Retention, now: Date = Date()) throws {
        let cutoff = now.timeIntervalSince1970 - retention.maxAge
        try database.write { db in
            var horizon = cutoff
            let byCount = try Double.fetchOne(db, sql: "SELECT time FROM exec ORDER BY time DESC LIMIT 1 OFFSET ?", arguments: [retention.maxRows])
            if let byCount { horizon = max(horizon, byCount) }
            try db.execute(sql: "DELETE FROM exec WHERE time <= ?", arguments: [horizon])
            try db.execute(sql: "DELETE FROM period WHERE end < ?", arguments: [horizon])
            try db.execute(sql: "UPDATE period SET start = ? WHERE start < ?", arguments: [horizon, horizon])
            try db.execute(sql: "DELETE FROM finding WHERE time < ?", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM finding WHERE id NOT IN (SELECT id FROM finding ORDER BY id DESC LIMIT ?)", arguments: [retention.maxRows])
        }
    }

    // MARK: Reading

    /// Every exec and covered period, for the rules.
    public func history() throws -> ExecHistory {
        try database.read { db in
            let execs = try Row.fetchAll(db, sql: "SELECT * FROM exec ORDER BY time").map { row in
                ExecRecord(id: row["id"], containerID: row["containerID"], containerName: row["containerName"], command: row["command"],
                           user: row["user"], containerUser: row["containerUser"], privileged: row["privileged"],
                           time: SnapshotTime.string(Date(timeIntervalSince1970: row["time"])), source: row["source"])
            }
            let periods = try Row.fetchAll(db, sql: "SELECT start, end, stoppedCleanly FROM period ORDER BY start").map { row in
                CoveredPeriod(start: Date(timeIntervalSince1970: row["start"]), end: Date(timeIntervalSince1970: row["end"]), stoppedCleanly: row["stoppedCleanly"])
            }
            return ExecHistory(execs: execs, coverage: periods, sources: [path])
        }
    }

    /// Counts, for tests and `watch`'s closing line.
    public func count(_ table: String) throws -> Int {
        precondition(["exec", "finding", "period"].contains(table))
        return try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") } ?? 0
    }

    /// Checkpoints the WAL into the database file and closes it.
    public func close() throws {
        if let pool = database as? DatabasePool {
            _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            try pool.close()
        } else if let queue = database as? DatabaseQueue {
            try queue.close()
        }
    }
}
