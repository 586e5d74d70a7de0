import Foundation

/// Lists the processes of running containers from the host's /proc in a single pass.
///
/// The engine's `top` endpoint runs `ps` over the whole host once per container (about 20 ms each), which made
/// process lists the slowest part of an audit. A process belongs to a container when its cgroup path names the
/// container's id, which is the membership `top` itself relies on. A container is answered only when its own init
/// process (`State.Pid`) is found with that id; anything else is left to `top`.
public struct ProcessScanner: Sendable {
    public var root: String

    public init(root: String = "/") { self.root = root }

    private var proc: String { (root as NSString).appendingPathComponent("proc") }

    /// Every process on the host whose cgroup path names a container id, by that id, as (pid, command line).
    /// Done once per audit, while the engine is being asked for everything else.
    public func scan() -> ProcessTable {
        let proc = self.proc
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: proc) else { return ProcessTable(byContainer: [:]) }
        var byContainer: [String: [(pid: Int, command: String)]] = [:]
        for entry in entries where entry.first?.isNumber == true {
            guard let pid = Int(entry), let cgroup = readSmallFile("\(proc)/\(entry)/cgroup"), let id = containerID(inCgroup: cgroup),
                  // A process that exits between the listing and this read has no command line left: skip it.
                  let command = commandLine(of: "\(proc)/\(entry)") else { continue }
            byContainer[id, default: []].append((pid, command))
        }
        return ProcessTable(byContainer: byContainer)
    }

    /// Process lists for the containers given as id → init pid, for those the host's /proc can vouch for.
    public func processes(of containers: [String: Int]) -> [String: ProcessList] {
        containers.isEmpty ? [:] : scan().lists(for: containers)
    }

    /// The container id in a `/proc/PID/cgroup` text: `/docker/<id>`, `docker-<id>.scope`, `/parent/<id>`, any depth;
    /// the innermost one when containers nest.
    func containerID(inCgroup bytes: [UInt8]) -> String? {
        func isHex(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (0x41...0x46).contains(byte) }
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let path = line.split(separator: UInt8(ascii: ":"), maxSplits: 2).last ?? []
            let tokens = path.split(whereSeparator: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
            if let token = tokens.last(where: { $0.count == 64 && $0.allSatisfy(isHex) }) { return String(decoding: token, as: UTF8.self) }
        }
        return nil
    }

    /// `cmdline` with its NUL separators as spaces, as `ps` shows it; `[comm]` for a process without one.
    private func commandLine(of process: String) -> String? {
        guard let raw = readSmallFile("\(process)/cmdline") else { return nil }
        if raw.isEmpty {
            return readSmallFile("\(process)/comm").map { "[\(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))]" }
        }
        let bytes = raw.last == 0 ? raw.dropLast() : raw[...]
        return String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }
}

/// Host processes grouped by the container id in their cgroup.
public struct ProcessTable: Sendable {
    let byContainer: [String: [(pid: Int, command: String)]]

    /// Lists only for containers whose own init process (`State.Pid`) is among their processes.
    public func lists(for containers: [String: Int]) -> [String: ProcessList] {
        var lists: [String: ProcessList] = [:]
        for (id, initPID) in containers {
            guard let processes = byContainer[id], processes.contains(where: { $0.pid == initPID }) else { continue }
            let rows = processes.sorted { $0.pid < $1.pid }.map { [String($0.pid), $0.command] }
            lists[id] = ProcessList(titles: ["PID", "CMD"], processes: rows)
        }
        return lists
    }
}
