import Foundation

/// Reads the packet filter: on the audited host itself (root `/`), the kernel's live rules through the programs
/// that print them (read-only: none of them changes a rule or loads a module); under another root, the rule files
/// that host loads at boot. Interfaces and the switches that decide what the filter sees come from /proc and `ip`.
struct PacketFilterCollector: Sendable {
    var files: HostFiles
    /// Run the list programs (only meaningful when the host is the machine this runs on).
    var live: Bool

    /// Rule files distributions load at boot, read when the live rules cannot be.
    static let persistedFiles: [(path: String, kind: PacketFilterSource.Kind)] = [
        ("/etc/iptables/rules.v4", .iptablesSave), ("/etc/iptables/rules.v6", .ip6tablesSave),
        ("/etc/sysconfig/iptables", .iptablesSave), ("/etc/sysconfig/ip6tables", .ip6tablesSave),
    ]

    static let sysctls = [
        "net/ipv4/ip_forward", "net/ipv6/conf/all/forwarding",
        "net/bridge/bridge-nf-call-iptables", "net/bridge/bridge-nf-call-ip6tables",
    ]

    func collect() -> PacketFilterFacts {
        var facts = PacketFilterFacts()
        facts.sources = live ? liveSources() : persistedSources()
        facts.interfaces = live ? interfaces() : nil
        for name in Self.sysctls {
            if let value = files.read("/proc/sys/\(name)")?.trimmingCharacters(in: .whitespacesAndNewlines) {
                facts.sysctls[name.replacingOccurrences(of: "/", with: ".")] = value
            }
        }
        facts.firewalld = firewalld()
        return facts
    }

    private func liveSources() -> [PacketFilterSource] {
        var sources: [PacketFilterSource] = []
        func add(_ kind: PacketFilterSource.Kind, _ candidates: [String], arguments: [String] = []) {
            guard let program = candidates.lazy.compactMap({ files.which($0) }).first else {
                sources.append(PacketFilterSource(kind: kind, origin: candidates[0], live: true,
                                                  error: "\(candidates.joined(separator: " / ")) is not installed"))
                return
            }
            let origin = ([program] + arguments).joined(separator: " ")
            switch runProgram(program, arguments) {
            case let .success(text): sources.append(PacketFilterSource(kind: kind, origin: origin, live: true, text: text))
            case let .failure(problem): sources.append(PacketFilterSource(kind: kind, origin: origin, live: true, error: problem.reason))
            }
        }
        // The nft backend first (most distributions' default), then legacy tables, which the kernel runs as well.
        add(.iptablesSave, ["iptables-nft-save", "iptables-save"])
        add(.ip6tablesSave, ["ip6tables-nft-save", "ip6tables-save"])
        if files.which("iptables-legacy-save") != nil { add(.iptablesSave, ["iptables-legacy-save"]) }
        if files.which("ip6tables-legacy-save") != nil { add(.ip6tablesSave, ["ip6tables-legacy-save"]) }
        add(.nftJSON, ["nft"], arguments: ["-j", "list", "ruleset"])
        if files.which("ipset") != nil { add(.ipsetSave, ["ipset"], arguments: ["save"]) }
        return sources
    }

    private func persistedSources() -> [PacketFilterSource] {
        Self.persistedFiles.compactMap { file in
            guard files.exists(file.path) else { return nil }
            guard let text = files.read(file.path) else {
                return PacketFilterSource(kind: file.kind, origin: file.path, live: false, error: "\(files.real(file.path)) could not be read")
            }
            return PacketFilterSource(kind: file.kind, origin: file.path, live: false, text: text)
        }
    }

    /// `ip -j -d addr`: names, kinds, bridge membership and addresses.
    private func interfaces() -> [HostInterface]? {
        guard let ip = files.which("ip"), case let .success(text) = runProgram(ip, ["-j", "-d", "addr"]),
              let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return nil }
        return list.compactMap { entry in
            guard let name = entry["ifname"] as? String else { return nil }
            let linkInfo = entry["linkinfo"] as? [String: Any]
            let kind = (linkInfo?["info_kind"] as? String) ?? ((entry["link_type"] as? String) == "loopback" ? "loopback" : nil)
            let addresses = (entry["addr_info"] as? [[String: Any]] ?? []).compactMap { info -> String? in
                guard let local = info["local"] as? String, let length = info["prefixlen"] as? Int else { return nil }
                return "\(local)/\(length)"
            }
            return HostInterface(name: name, kind: kind, master: entry["master"] as? String, addresses: addresses)
        }
    }

    private func firewalld() -> FirewalldFacts? {
        var found: [String: String] = [:]
        for directory in ["/etc/firewalld", "/usr/lib/firewalld"] {
            for sub in ["zones", "policies"] {
                for name in (files.list("\(directory)/\(sub)") ?? []).sorted() where name.hasSuffix(".xml") {
                    if let text = files.read("\(directory)/\(sub)/\(name)"), text.utf8.count <= 1 << 20 { found["\(directory)/\(sub)/\(name)"] = text }
                }
            }
            for name in ["direct.xml", "firewalld.conf"] {
                if let text = files.read("\(directory)/\(name)"), text.utf8.count <= 1 << 20 { found["\(directory)/\(name)"] = text }
            }
        }
        let command = live ? files.which("firewall-cmd") : nil
        guard !found.isEmpty || command != nil else { return nil }
        var state: String?
        if let command {
            switch runProgram(command, ["--state"]) {
            case let .success(text): state = text.trimmingCharacters(in: .whitespacesAndNewlines)
            case .failure: state = "not running"
            }
        }
        return FirewalldFacts(state: state, files: found)
    }
}
