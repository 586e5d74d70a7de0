import Foundation

/// Reads the `docker exec` history for 5.23/5.24: a watch's journal, and `docker exec` commands in the host's audit
/// log (EXECVE records, as auditd writes them when a rule such as `-w /usr/bin/docker -k docker` watches the CLI).
public enum ExecHistoryReader {
    /// No more than this much of the end of the audit log is read.
    static let auditLogLimit = 64 << 20

    /// The history from `journal` (when given and present) and the audit log under `root`; nil when neither has
    /// anything to say. A journal that exists but cannot be read is a problem the rules show, not a silent nil.
    public static func read(journal: String?, root: String?) -> ExecHistory? {
        var history = ExecHistory()
        var found = false
        if let journal, FileManager.default.fileExists(atPath: journal) {
            found = true
            do {
                let reader = try ExecJournal(path: journal, readOnly: true)
                let read = try reader.history()
                try? reader.close()
                history.execs += read.execs
                history.coverage += read.coverage
                history.sources.append(journal)
            } catch {
                history.problems.append("journal \(journal): \(error)")
            }
        }
        if let root {
            let log = URL(fileURLWithPath: root).appendingPathComponent("var/log/audit/audit.log").path
            if let data = readTail(log) {
                let execs = AuditLogExecs.parse(String(decoding: data, as: UTF8.self))
                if !execs.isEmpty {
                    found = true
                    history.execs += execs
                    history.sources.append(log)
                }
            }
        }
        guard found else { return nil }
        history.execs.sort { $0.time < $1.time }
        return history
    }

    private static func readTail(_ path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        try? handle.seek(toOffset: size > UInt64(auditLogLimit) ? size - UInt64(auditLogLimit) : 0)
        return try? handle.readToEnd()
    }
}

/// `docker exec` commands in auditd's log format (`type=EXECVE msg=audit(1764523200.123:456): argc=4 a0="docker" …`).
public enum AuditLogExecs {
    /// Global `docker` options that take a value (`docker -H tcp://… exec …`).
    private static let globalWithValue: Set<String> = ["-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"]
    /// `docker exec` options that take a value.
    private static let execWithValue: Set<String> = ["-e", "--env", "--env-file", "-w", "--workdir", "--detach-keys", "-u", "--user"]

    public static func parse(_ log: String) -> [ExecRecord] {
        log.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("type=EXECVE "), let (time, serial) = stamp(line) else { return nil }
            return record(arguments: arguments(line), time: time, serial: serial)
        }
    }

    /// `docker [global options] [container] exec [options] CONTAINER COMMAND…` as an exec record; nil for any other command.
    static func record(arguments: [String], time: Date, serial: String) -> ExecRecord? {
        guard let program = arguments.first, program.split(separator: "/").last == "docker" else { return nil }
        var index = 1
        while index < arguments.count, arguments[index].hasPrefix("-") {
            index += globalWithValue.contains(arguments[index]) ? 2 : 1
        }
        if index < arguments.count, arguments[index] == "container" { index += 1 }
        guard index < arguments.count, arguments[index] == "exec" else { return nil }
        index += 1
        var privileged = false, user = ""
        while index < arguments.count, arguments[index].hasPrefix("-"), arguments[index] != "-" {
            let option = arguments[index]
            index += 1
            if option == "--" { break }
            if option == "--privileged" || option == "--privileged=true" { privileged = true; continue }
            if option.hasPrefix("--user=") { user = String(option.dropFirst(7)); continue }
            if option.hasPrefix("--") {
                if execWithValue.contains(option), index < arguments.count {
                    if option == "--user" { user = arguments[index] }
                    index += 1
                }
                continue
            }
            // Short options, possibly grouped (`-itu root`, `-uroot`): the first that takes a value ends the group.
            let letters = Array(option.dropFirst())
            for (position, letter) in letters.enumerated() where "ewu".contains(letter) {
                let attached = String(letters[(position + 1)...])
                let value = attached.isEmpty ? (index < arguments.count ? arguments[index] : "") : attached
                if attached.isEmpty { index += 1 }
                if letter == "u" { user = value }
                break
            }
        }
        guard index < arguments.count else { return nil }
        let container = arguments[index]
        let command = arguments[(index + 1)...].joined(separator: " ")
        return ExecRecord(id: "auditd:\(serial)", containerID: container, containerName: container, command: command, user: user,
                          containerUser: nil, privileged: privileged, time: SnapshotTime.string(time), source: "auditd")
    }

    /// `msg=audit(1764523200.123:456)`: the time and the event's serial number.
    private static func stamp(_ line: Substring) -> (Date, String)? {
        guard let open = line.range(of: "msg=audit("), let close = line[open.upperBound...].firstIndex(of: ")") else { return nil }
        let parts = line[open.upperBound..<close].split(separator: ":")
        guard parts.count == 2, let seconds = Double(parts[0]) else { return nil }
        return (Date(timeIntervalSince1970: seconds), String(parts[1]))
    }

    /// The `aN=` values in order: quoted as they are, or hex-encoded (auditd's form for values with spaces or
    /// special characters); `aN[k]=` pieces of a long argument joined.
    static func arguments(_ line: Substring) -> [String] {
        var values: [Int: String] = [:]
        var rest = line[...]
        while let range = rest.range(of: " a") {
            rest = rest[range.upperBound...]
            let digits = rest.prefix { $0.isNumber }
            guard let number = Int(digits) else { continue }
            var after = rest[digits.endIndex...]
            if after.hasPrefix("_len=") { continue }
            if after.hasPrefix("[") { after = after.drop { $0 != "]" }.dropFirst() }
            guard after.hasPrefix("=") else { continue }
            after = after.dropFirst()
            let value: String
            if after.hasPrefix("\"") {
                let body = after.dropFirst()
                let end = body.firstIndex(of: "\"") ?? body.endIndex
                value = String(body[..<end])
                rest = body[end...]
            } else {
                let token = after.prefix { $0 != " " }
                value = decodeHex(token) ?? String(token)
                rest = after[token.endIndex...]
            }
            values[number, default: ""] += value
        }
        return values.keys.sorted().map { values[$0]! }
    }

    private static func decodeHex(_ text: Substring) -> String? {
        guard text.count % 2 == 0, !text.isEmpty else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }
}
