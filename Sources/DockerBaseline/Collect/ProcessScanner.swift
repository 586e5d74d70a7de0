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

    /// Process lists for the containers given as id → init pid, for those this host's /proc can vouch for.
    public func processes(of containers: [String: Int]) -> [String: ProcessList] {
        guard !containers.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: proc) else { return [:] }
        let ids = Set(containers.keys)
        var found: [String: [[String]]] = [:]
        var seenInit: Set<String> = []
        for entry in entries where entry.first?.isNumber == true && entry.allSatisfy(\.isNumber) {
            guard let cgroup = read("\(entry)/cgroup"), let id = containerID(inCgroup: cgroup, among: ids) else { continue }
            // A process that exits between the listing and this read has no command line left: skip it.
            guard let command = commandLine(of: entry) else { continue }
            found[id, default: []].append([entry, command])
            if containers[id] == Int(entry) { seenInit.insert(id) }
        }
        var lists: [String: ProcessList] = [:]
        for id in seenInit {
            let rows = found[id, default: []].sorted { Int($0[0]) ?? 0 < Int($1[0]) ?? 0 }
            lists[id] = ProcessList(titles: ["PID", "CMD"], processes: rows)
        }
        return lists
    }

    private func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: "\(proc)/\(relative)").map { String(decoding: $0, as: UTF8.self) }
    }

    /// The container id in a `/proc/PID/cgroup` text: `/docker/<id>`, `docker-<id>.scope`, `/parent/<id>`, any depth.
    func containerID(inCgroup text: String, among ids: Set<String>) -> String? {
        for line in text.split(separator: "\n") {
            let path = line.split(separator: ":", maxSplits: 2).last ?? ""
            for token in path.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }) where token.count == 64 {
                let candidate = String(token)
                if ids.contains(candidate) { return candidate }
            }
        }
        return nil
    }

    /// `cmdline` with its NUL separators as spaces, as `ps` shows it; `[comm]` for a process without one.
    private func commandLine(of pid: String) -> String? {
        guard let raw = FileManager.default.contents(atPath: "\(proc)/\(pid)/cmdline") else { return nil }
        if raw.isEmpty {
            return read("\(pid)/comm").map { "[\($0.trimmingCharacters(in: .whitespacesAndNewlines))]" }
        }
        let bytes = raw.last == 0 ? raw.dropLast() : raw[...]
        return String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }
}
