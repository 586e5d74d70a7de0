@testable import DockerBaseline
import Foundation
import GRDB
import Testing

/// One value read from the SQLite file at `path` with GRDB.
func sqlValue<T: DatabaseValueConvertible>(_ path: String, _ sql: String, as type: T.Type) throws -> T? {
    try DatabaseQueue(path: path).read { db in try T.fetchOne(db, sql: sql) }
}

@Suite("The watch journal (SQLite through GRDB) and the exec history audit reads")
struct JournalTests {
    private func exec(_ id: String, user: String = "", privileged: Bool = false, at time: Date) -> ExecRecord {
        ExecRecord(id: id, containerID: "c\(id)", containerName: "app", command: "sh -c true", user: user, containerUser: "1000",
                   privileged: privileged, time: SnapshotTime.string(time), source: "engine")
    }

    @Test("Execs are recorded once, periods are kept, and the history reads back; the file is WAL and migrated")
    func recordsAndReads() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/journal.sqlite").path
        let journal = try ExecJournal(path: path)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let period = try journal.beginPeriod(at: start)
        #expect(try journal.record(exec("1", user: "root", at: start.addingTimeInterval(5)), eventTimeNano: 1))
        #expect(try journal.record(exec("1", user: "root", at: start.addingTimeInterval(5)), eventTimeNano: 2) == false, "exec_start after exec_create")
        try journal.record(exec("2", privileged: true, at: start.addingTimeInterval(9)), eventTimeNano: 3)
        try journal.extend(period: period, to: start.addingTimeInterval(20), lastEventNano: 3)
        try journal.endPeriod(period, at: start.addingTimeInterval(30), cleanly: true)
        try journal.close()

        let reader = try ExecJournal(path: path, readOnly: true)
        let history = try reader.history()
        #expect(history.execs.map(\.id) == ["1", "2"])
        #expect(history.execs[0].runsAsRoot && !history.execs[1].runsAsRoot && history.execs[1].privileged)
        #expect(history.coverage == [CoveredPeriod(start: start, end: start.addingTimeInterval(30), stoppedCleanly: true)])
        #expect(try reader.lastEventNano() == 3)
        #expect(try sqlValue(path, "PRAGMA journal_mode", as: String.self) == "wal")
        #expect(try sqlValue(path, "SELECT group_concat(identifier) FROM grdb_migrations", as: String.self) == "v1,v2")
    }

    @Test("A journal an older version wrote (migration v1 only) is migrated on open, its rows kept")
    func migratesOlderJournal() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.sqlite").path
        let old = try DatabasePool(path: path)
        try ExecJournal.migrator.migrate(old, upTo: "v1")
        try old.write { try $0.execute(sql: "INSERT INTO period (start, end, stoppedCleanly, lastEventNano) VALUES (1, 2, 1, 42)") }
        try old.close()
        let journal = try ExecJournal(path: path)
        #expect(try journal.lastEventNano() == 42)
        #expect(try journal.resumeCursor() == EventCursor(lastNano: 42))
        try journal.close()
        #expect(try sqlValue(path, "SELECT group_concat(identifier) FROM grdb_migrations", as: String.self) == "v1,v2")
    }

    @Test("Retention drops old and surplus execs, and a period never claims time whose execs were dropped")
    func retention() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = try ExecJournal(path: directory.appendingPathComponent("j.sqlite").path)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let period = try journal.beginPeriod(at: now.addingTimeInterval(-10 * 86_400))
        try journal.extend(period: period, to: now, lastEventNano: nil)
        for day in 0..<10 { try journal.record(exec("d\(day)", at: now.addingTimeInterval(Double(-day) * 86_400 - 60)), eventTimeNano: nil) }
        try journal.prune(ExecJournal.Retention(maxAge: 5 * 86_400, maxRows: 3), now: now)
        let history = try journal.history()
        #expect(history.execs.map(\.id) == ["d2", "d1", "d0"])
        let start = try #require(SnapshotTime.date(history.coverage[0].start))
        #expect(start >= SnapshotTime.date(history.execs[0].time)!.addingTimeInterval(-86_400) && start > now.addingTimeInterval(-4 * 86_400),
                "the period starts after the newest exec dropped: \(history.coverage)")
        try journal.close()
    }

    @Test("A file that is not a journal is refused with its name; a missing one is no history")
    func notAJournal() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE t (x)") }
        let history = try #require(ExecHistoryReader.read(journal: path, root: nil))
        #expect(history.problems.count == 1 && history.problems[0].contains(path), "\(history.problems)")
        #expect(ExecHistoryReader.read(journal: directory.appendingPathComponent("missing").path, root: directory.path) == nil)
        // With a problem and no coverage, the rules warn rather than pass.
        var snapshot = try RuleExample(expect: .pass).makeSnapshot()
        snapshot.execHistory = history
        #expect(Evaluator.evaluate(snapshot).results.filter { $0.rule.id == .containerExecPrivileged }.map(\.status) == [.warn])
    }

    /// EXECVE records as auditd writes them (`-w /usr/bin/docker -p x -k docker`): quoted arguments, and the hex form
    /// auditd uses for an argument with a space.
    static let auditLog = """
        type=SYSCALL msg=audit(1800000000.120:501): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=1 pid=4242 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="docker" exe="/usr/bin/docker" key="docker"
        type=EXECVE msg=audit(1800000000.120:501): argc=5 a0="docker" a1="exec" a2="--privileged" a3="web" a4="sh"
        type=EXECVE msg=audit(1800000060.500:502): argc=7 a0="/usr/bin/docker" a1="exec" a2="-it" a3="-u" a4="root" a5="db" a6=7073202D6566
        type=EXECVE msg=audit(1800000070.000:503): argc=5 a0="docker" a1="--context" a2="prod" a3="ps" a4="-a"
        type=EXECVE msg=audit(1800000080.000:504): argc=6 a0="docker" a1="container" a2="exec" a3="--user=1000" a4="web" a5="id"
        type=EXECVE msg=audit(1800000090.000:505): argc=3 a0="ls" a1="exec" a2="x"
        """

    @Test("docker exec commands in the host's audit log join the history: privileged and root ones fail 5.23/5.24")
    func auditLog() throws {
        let root = try makeFakeHost(["var/log/audit/audit.log": Self.auditLog])
        defer { try? FileManager.default.removeItem(at: root) }
        let history = try #require(ExecHistoryReader.read(journal: nil, root: root.path))
        #expect(history.execs.map { "\($0.id) \($0.containerName) [\($0.command)] \($0.user) \($0.privileged)" } == [
            "auditd:501 web [sh]  true", "auditd:502 db [ps -ef] root false", "auditd:504 web [id] 1000 false",
        ])
        var snapshot = try RuleExample(expect: .pass).makeSnapshot()
        snapshot.execHistory = history
        let results = Evaluator.evaluate(snapshot).results
        #expect(results.filter { $0.rule.id == .containerExecPrivileged }.map { "\($0.status) \($0.target.name)" } == ["fail web"])
        #expect(results.filter { $0.rule.id == .containerExecRoot }.map { "\($0.status) \($0.target.name)" } == ["fail db"])
    }
}
