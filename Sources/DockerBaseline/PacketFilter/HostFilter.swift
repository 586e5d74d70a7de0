/// The host's packet filter, parsed once per audit from the snapshot's raw text, and the questions the network
/// rules ask of it: from where can a packet reach this listener, this published port, and where may a container's
/// packets go. Each answer follows the path a packet really takes through the kernel's hooks.
public struct HostFilter: Sendable {
    public let rulesets: [AddressFamily: FilterRuleset]
    /// What was read (`/usr/sbin/iptables-nft-save`, …).
    public let origins: [String]
    /// Why the model may be incomplete: sources that failed, lines that could not be read.
    public let problems: [String]
    /// Why nothing can be judged, when nothing was read.
    public let unreadable: String?
    public let interfaces: [HostInterface]?
    public let sysctls: [String: String]
    /// Whether the rules are the kernel's (false: files loaded at boot under `--root`).
    public let live: Bool

    public init(_ facts: PacketFilterFacts) {
        var tables: [AddressFamily: [FilterTable]] = [.ipv4: [], .ipv6: []]
        var problems: [String] = []
        var origins: [String] = []
        var iptablesNftTables: [AddressFamily: Set<String>] = [.ipv4: [], .ipv6: []]
        for source in facts.sources {
            guard let text = source.text else {
                if let error = source.error, !error.hasSuffix("is not installed") { problems.append("\(source.origin): \(error)") }
                continue
            }
            switch source.kind {
            case .iptablesSave, .ip6tablesSave:
                let family: AddressFamily = source.kind == .iptablesSave ? .ipv4 : .ipv6
                let legacy = source.origin.contains("legacy") || text.contains("(legacy)")
                let label = (family == .ipv4 ? "iptables" : "ip6tables") + (legacy ? "-legacy" : "")
                let parsed = IptablesSaveParser.parse(text, family: family, label: label)
                tables[family, default: []] += parsed.tables
                if !legacy {
                    for table in parsed.tables { iptablesNftTables[family, default: []].insert((family == .ipv4 ? "ip " : "ip6 ") + table.name.split(separator: " ").last!) }
                }
                problems += parsed.problems.prefix(20).map { "\(source.origin) line \($0.line): \($0.message)" }
                origins.append(source.origin)
            case .nftJSON, .ipsetSave:
                origins.append(source.origin)
            }
        }
        // nft shows iptables-nft's tables too; those were read from iptables-save, which names their matches.
        for source in facts.sources where source.kind == .nftJSON {
            guard let text = source.text else { continue }
            for family in AddressFamily.allCases {
                do {
                    tables[family, default: []] += try NftJSONParser.parse(text, family: family, skipping: iptablesNftTables[family] ?? [])
                } catch {
                    if family == .ipv4 { problems.append("\(source.origin): \(error)") }
                }
            }
        }
        let ipsets = IpsetMembers(facts.sources.first { $0.kind == .ipsetSave }?.text ?? "")
        rulesets = Dictionary(uniqueKeysWithValues: AddressFamily.allCases.map { family in
            (family, FilterRuleset(family: family, tables: ipsets.resolve(tables[family] ?? [], family: family)))
        })
        self.origins = origins
        self.problems = problems
        let readFilter = facts.sources.contains { $0.text != nil && $0.kind != .ipsetSave }
        unreadable = readFilter ? nil : (facts.sources.isEmpty
            ? "no packet filter source was found (no iptables-save or nft program; no saved rules file)"
            : "the packet filter could not be read: " + facts.sources.compactMap { s in s.error.map { "\(s.origin): \($0)" } }.joined(separator: "; "))
        interfaces = facts.interfaces
        sysctls = facts.sysctls
        live = facts.sources.contains { $0.live && $0.text != nil }
    }

    // MARK: Questions

    /// Who can open a connection, and what decided it.
    public struct Exposure: Sendable {
        /// Per family, the sources (or, for egress, destinations) let through.
        public var allowed: [AddressFamily: AddressSet] = [:]
        /// Per family, every address the question is about: outside the host (not its loopback, not its bridges'
        /// subnets); "anywhere" means all of it.
        public var universe: [AddressFamily: AddressSet] = [:]
        public var undecided: [String] = []
        public var stoppedBy: [String] = []
        /// How the packet travels (`PREROUTING DNAT → FORWARD (in eth0, out docker0)`).
        public var path: String

        init(path: String) { self.path = path }

        private func relevant(_ family: AddressFamily) -> AddressSet {
            (allowed[family] ?? .none(family)).intersection(universe[family] ?? .all(family))
        }

        /// `anywhere`, `nowhere`, `anywhere except RANGES` or `RANGES`; prefixed by `IPv4: ` / `IPv6: ` when both
        /// families were judged and differ.
        public var description: String {
            let families = allowed.keys.sorted { $0.rawValue < $1.rawValue }
            let parts = families.map { describe($0) }
            if Set(parts).count == 1, let only = parts.first { return only }
            return zip(families, parts).map { "\($0 == .ipv4 ? "IPv4" : "IPv6"): \($1)" }.joined(separator: "; ")
        }

        private func describe(_ family: AddressFamily) -> String {
            let reached = relevant(family), all = universe[family] ?? .all(family)
            if all.subtracting(reached).isEmpty { return "anywhere" }
            if reached.isEmpty { return "nowhere" }
            let missing = all.subtracting(reached)
            return missing.cidrs.count < reached.cidrs.count ? "anywhere except \(missing)" : reached.description
        }

        public var fromAnywhere: Bool {
            allowed.keys.contains { family in (universe[family] ?? .all(family)).subtracting(allowed[family] ?? .none(family)).isEmpty }
        }
        public var fromNowhere: Bool { allowed.keys.allSatisfy { relevant($0).isEmpty } }

        mutating func finish() {
            undecided = undecided.uniqued()
            stoppedBy = stoppedBy.uniqued()
        }
    }

    /// The interfaces a packet from outside can arrive on: everything but loopback, bridges and their ports.
    /// `?` stands for "some interface" when the interfaces were not read.
    var ingressInterfaces: [String] {
        guard let interfaces else { return ["?"] }
        let names = interfaces.filter(isOutside).map(\.name)
        return names.isEmpty ? ["?"] : names
    }

    private func isOutside(_ interface: HostInterface) -> Bool {
        interface.kind != "loopback" && interface.kind != "bridge" && interface.master == nil && interface.name != "lo"
    }

    private func prefixes(of interface: HostInterface, _ family: AddressFamily) -> AddressSet {
        interface.addresses.compactMap { AddressSet(cidr: $0, family: family) }.reduce(.none(family)) { $0.union($1) }
    }

    /// Addresses outside the host: all but the subnets of its loopback and bridges (`127.0.0.0/8`, `172.17.0.0/16`).
    func universe(_ family: AddressFamily) -> AddressSet {
        guard let interfaces else { return .all(family) }
        return interfaces.filter { !isOutside($0) }.reduce(.all(family)) { $0.subtracting(prefixes(of: $1, family)) }
    }

    /// The outside addresses a packet on `interface` can have as its far end: that interface's own subnets, and
    /// whatever no interface of the host is connected to (the routed rest). Addresses of another interface's subnet
    /// arrive (and leave) through that interface.
    func farEnds(on interface: String, _ family: AddressFamily) -> AddressSet {
        guard let interfaces, let own = interfaces.first(where: { $0.name == interface }) else { return universe(family) }
        let connected = interfaces.reduce(AddressSet.none(family)) { $0.union(prefixes(of: $1, family)) }
        return prefixes(of: own, family).union(connected.complement)
    }

    func localAddresses(_ family: AddressFamily) -> AddressSet {
        guard let interfaces else { return .all(family) }
        return interfaces.flatMap(\.addresses).reduce(AddressSet.none(family)) { set, text in
            guard let address = IPAddress(text.split(separator: "/")[0]), address.family == family else { return set }
            return set.union(.single(address))
        }
    }

    /// The addresses of `interface` in `family`.
    func addresses(of interface: String, _ family: AddressFamily) -> [IPAddress] {
        (interfaces ?? []).first { $0.name == interface }?.addresses.compactMap { text in
            IPAddress(text.split(separator: "/")[0]).flatMap { $0.family == family ? $0 : nil }
        } ?? []
    }

    /// The interface whose own prefix holds `address` (the bridge a container's address is routed to).
    func interface(routing address: IPAddress) -> String? {
        (interfaces ?? []).first { interface in
            // `172.17.0.1/16` stands for all of 172.17.0.0/16.
            interface.addresses.contains { AddressSet(cidr: $0, family: address.family)?.contains(address) ?? false }
        }?.name
    }

    /// A TCP listener on the host itself (the daemon's API): PREROUTING, then INPUT, for each of `families`.
    public func reachability(ofLocal address: IPAddress?, families: [AddressFamily], port: Int) -> Exposure {
        var exposure = Exposure(path: "PREROUTING → INPUT")
        for family in families {
            guard let ruleset = rulesets[family] else { continue }
            var allowed = AddressSet.none(family)
            for ingress in ingressInterfaces {
                for destination in destinations(address, on: ingress, family) {
                    var walker = ChainWalker(ruleset: ruleset, probe: Probe(family: family, open: .source, fixed: destination, destinationPort: port,
                                                                             inInterface: ingress, outInterface: nil, localAddresses: localAddresses(family)))
                    if walker.translation(at: .prerouting) != nil { continue }
                    allowed = allowed.union(walker.pass(.input, from: walker.pass(.prerouting, from: farEnds(on: ingress, family))))
                    exposure.undecided += walker.undecided
                    exposure.stoppedBy += walker.stoppedBy
                }
            }
            exposure.allowed[family] = allowed
            exposure.universe[family] = universe(family)
        }
        exposure.finish()
        return exposure
    }

    /// The host address a packet arriving on `ingress` is sent to: `bound`, else each of that interface's own.
    private func destinations(_ bound: IPAddress?, on ingress: String, _ family: AddressFamily) -> [IPAddress?] {
        if let bound { return [bound] }
        let own = addresses(of: ingress, family)
        return own.isEmpty ? [nil] : own
    }

    /// A port Docker published: PREROUTING (where Docker's DNAT sends it on to the container), then FORWARD
    /// towards the container's bridge; without a DNAT rule, INPUT (docker-proxy on the host port).
    public func reachability(ofPublished hostAddress: IPAddress?, family: AddressFamily, hostPort: Int) -> Exposure {
        var exposure = Exposure(path: "")
        guard let ruleset = rulesets[family] else { return exposure }
        var allowed = AddressSet.none(family)
        var paths: [String] = []
        let local = localAddresses(family)
        for ingress in ingressInterfaces {
            for destination in destinations(hostAddress, on: ingress, family) {
                var walker = ChainWalker(ruleset: ruleset, probe: Probe(family: family, open: .source, fixed: destination, destinationPort: hostPort,
                                                                         inInterface: ingress, outInterface: nil, localAddresses: local))
                let afterPrerouting = walker.pass(.prerouting, from: farEnds(on: ingress, family))
                if let translation = walker.translation(at: .prerouting), let target = translation.address.flatMap(IPAddress.init), target.family == family {
                    let bridge = interface(routing: target) ?? "?"
                    var translated = Probe(family: family, open: .source, fixed: target, destinationPort: translation.port ?? hostPort,
                                           inInterface: ingress, outInterface: bridge, localAddresses: local)
                    translated.states = ["NEW", "DNAT"]
                    var forward = ChainWalker(ruleset: ruleset, probe: translated)
                    allowed = allowed.union(forward.pass(.forward, from: afterPrerouting))
                    exposure.undecided += forward.undecided
                    exposure.stoppedBy += forward.stoppedBy
                    paths.append("PREROUTING DNAT to \(target):\(translation.port ?? hostPort) → FORWARD (in \(ingress), out \(bridge))")
                } else {
                    allowed = allowed.union(walker.pass(.input, from: afterPrerouting))
                    paths.append("no DNAT rule: PREROUTING → INPUT (docker-proxy on the host port)")
                }
                exposure.undecided += walker.undecided
                exposure.stoppedBy += walker.stoppedBy
            }
        }
        exposure.allowed[family] = allowed
        exposure.universe[family] = universe(family)
        exposure.path = paths.uniqued().joined(separator: "; ")
        exposure.finish()
        return exposure
    }

    /// Ports tried for egress: a restriction on any of them counts as filtering.
    static let egressPorts = [22, 25, 53, 80, 443, 3306, 6379, 8080, 40000]

    /// Where a container at `source` on `bridge` may open connections outside the host: PREROUTING and FORWARD
    /// (in the bridge, out the interface each destination is routed through), over the ports in `egressPorts`.
    /// The open address is the destination.
    public func egress(from source: IPAddress, bridge: String) -> Exposure {
        let family = source.family
        var exposure = Exposure(path: "PREROUTING → FORWARD (in \(bridge), out each outside interface)")
        guard let ruleset = rulesets[family] else { return exposure }
        var allowed = AddressSet.all(family)
        for port in Self.egressPorts {
            var reached = AddressSet.none(family)
            for outgoing in ingressInterfaces {
                var walker = ChainWalker(ruleset: ruleset, probe: Probe(family: family, open: .destination, fixed: source, destinationPort: port,
                                                                         inInterface: bridge, outInterface: outgoing, localAddresses: localAddresses(family)))
                reached = reached.union(walker.pass(.forward, from: walker.pass(.prerouting, from: farEnds(on: outgoing, family))))
                exposure.undecided += walker.undecided
                exposure.stoppedBy += walker.stoppedBy
            }
            allowed = allowed.intersection(reached)
        }
        exposure.allowed[family] = allowed
        // The host's own addresses are not egress: those packets go to INPUT, not out of the host.
        exposure.universe[family] = universe(family).subtracting(interfaces == nil ? .none(family) : localAddresses(family))
        exposure.finish()
        return exposure
    }

    /// Whether containers on `bridge` in `subnet` can open connections to `destination` on the same bridge.
    /// The open address is the source, within the subnet. Bridged packets meet the filter only when
    /// br_netfilter passes them to it (`net.bridge.bridge-nf-call-iptables` = 1).
    public func interContainer(bridge: String, subnet: AddressSet, destination: IPAddress, port: Int = 80) -> Exposure {
        var exposure = Exposure(path: "FORWARD (in \(bridge), out \(bridge))")
        let family = subnet.family
        exposure.universe[family] = subnet
        let switchName = family == .ipv4 ? "net.bridge.bridge-nf-call-iptables" : "net.bridge.bridge-nf-call-ip6tables"
        guard sysctls[switchName] == "1" else {
            exposure.allowed[family] = subnet
            exposure.path = "bridged directly: \(switchName) is \(sysctls[switchName] ?? "absent (br_netfilter not loaded)"), so no filter rule sees it"
            return exposure
        }
        guard let ruleset = rulesets[family] else { return exposure }
        var walker = ChainWalker(ruleset: ruleset, probe: Probe(family: family, open: .source, fixed: destination, destinationPort: port,
                                                                 inInterface: bridge, outInterface: bridge, localAddresses: localAddresses(family)))
        exposure.allowed[family] = walker.pass(.forward, from: walker.pass(.prerouting, from: subnet)).intersection(subnet)
        exposure.undecided = walker.undecided
        exposure.stoppedBy = walker.stoppedBy
        exposure.finish()
        return exposure
    }

    /// The DOCKER-USER chain of the iptables filter table (IPv4), if it exists.
    public var dockerUserChain: FilterChain? { rulesets[.ipv4]?.iptablesChain("DOCKER-USER") }
}

/// `ipset save` output: the members of each hash:ip / hash:net set, so rules naming a set can be judged.
struct IpsetMembers {
    var members: [String: [String]] = [:]
    var types: [String: String] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 3 else { continue }
            if words[0] == "create" { types[String(words[1])] = String(words[2]); members[String(words[1]), default: []] = [] }
            if words[0] == "add" { members[String(words[1]), default: []].append(String(words[2])) }
        }
    }

    /// Rules naming a set whose members are addresses or networks get those members in place of the name.
    func resolve(_ tables: [FilterTable], family: AddressFamily) -> [FilterTable] {
        guard !members.isEmpty else { return tables }
        func resolved(_ match: AddressMatch) -> AddressMatch {
            guard case let .named(name) = match, let type = types[name], type == "hash:ip" || type == "hash:net", let list = members[name] else { return match }
            let sets = list.compactMap { AddressSet(cidr: $0, family: family) }
            guard sets.count == list.count else { return match }
            return .set(sets.reduce(AddressSet.none(family)) { $0.union($1) })
        }
        return tables.map { table in
            var table = table
            for (name, chain) in table.chains {
                var chain = chain
                chain.rules = chain.rules.map { rule in
                    var rule = rule
                    rule.conditions = rule.conditions.map { condition in
                        switch condition {
                        case let .source(match, negated): return .source(resolved(match), negated: negated)
                        case let .destination(match, negated): return .destination(resolved(match), negated: negated)
                        default: return condition
                        }
                    }
                    return rule
                }
                table.chains[name] = chain
            }
            return table
        }
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
