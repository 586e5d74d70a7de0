/// A new TCP connection attempt, with one address left open: the question is for which values of that address
/// the filter lets it through.
public struct Probe: Sendable {
    public enum OpenField: Sendable { case source, destination }

    public var family: AddressFamily
    public var open: OpenField
    /// The fixed address of the other end; nil when unknown (conditions on it are then not decidable).
    public var fixed: IPAddress?
    public var proto = "tcp"
    public var destinationPort: Int
    /// nil for a packet the host itself sends (no input interface).
    public var inInterface: String?
    public var outInterface: String?
    /// conntrack's view: `NEW`, plus `DNAT` once translated.
    public var states: Set<String> = ["NEW"]
    /// The host's own addresses (`-m addrtype --dst-type LOCAL`, `fib daddr type local`).
    public var localAddresses: AddressSet

    public init(family: AddressFamily, open: OpenField, fixed: IPAddress?, destinationPort: Int, inInterface: String?,
                outInterface: String?, localAddresses: AddressSet) {
        self.family = family
        self.open = open
        self.fixed = fixed
        self.destinationPort = destinationPort
        self.inInterface = inInterface
        self.outInterface = outInterface
        self.localAddresses = localAddresses
    }
}

/// What a walk through the filter concluded for a probe.
public struct PathOutcome: Sendable {
    /// Values of the open address the filter lets through.
    public var allowed: AddressSet
    /// Rules whose conditions the model could not decide and that could have changed the outcome; the outcome
    /// assumes they let the packet through (so "reachable" is never understated).
    public var undecided: [String]
    /// Rules that stopped some of the probe's packets (dropped or rejected), for evidence.
    public var stoppedBy: [String]
}

/// Walks chains the way the kernel does, carrying the set of open-address values still undecided.
struct ChainWalker {
    let ruleset: FilterRuleset
    let probe: Probe
    var undecided: [String] = []
    var stoppedBy: [String] = []
    /// Chains called deeper than this are treated as undecided (the kernel refuses loops; this guards bad input).
    static let maximumDepth = 32

    init(ruleset: FilterRuleset, probe: Probe) {
        self.ruleset = ruleset
        self.probe = probe
    }

    struct Split {
        var accepted: AddressSet
        var stopped: AddressSet
        var returned: AddressSet
    }

    private enum Decision { case yes, no, unknown(String) }

    /// The hook's filter-type base chains in turn: what every one of them accepts.
    mutating func pass(_ hook: FilterHook, from start: AddressSet) -> AddressSet {
        var remaining = start
        for (table, base) in ruleset.baseChains(hook, nat: false) where !remaining.isEmpty {
            guard let chain = table.chains[base.name] else { continue }
            remaining = walk(chain, in: table, with: remaining, depth: 0).accepted
        }
        return remaining
    }

    mutating func walk(_ chain: FilterChain, in table: FilterTable, with entering: AddressSet, depth: Int) -> Split {
        let family = entering.family
        var split = Split(accepted: .none(family), stopped: .none(family), returned: .none(family))
        var remaining = entering
        for rule in chain.rules where !remaining.isEmpty {
            var matched = remaining
            var unknown: [String] = []
            var excluded = false
            for condition in rule.conditions {
                switch decide(condition, within: &matched) {
                case .yes: continue
                case .no: excluded = true
                case let .unknown(reason): unknown.append(reason)
                }
                if excluded || matched.isEmpty { break }
            }
            if excluded || matched.isEmpty { continue }
            let certain = unknown.isEmpty
            switch rule.action {
            case .accept:
                split.accepted = split.accepted.union(matched)
                if certain { remaining = remaining.subtracting(matched) } else { note(rule, unknown) }
            case .drop, .reject:
                if certain {
                    split.stopped = split.stopped.union(matched)
                    remaining = remaining.subtracting(matched)
                    stoppedBy.append(rule.text)
                } else {
                    note(rule, unknown)
                }
            case .returns:
                if certain {
                    split.returned = split.returned.union(matched)
                    remaining = remaining.subtracting(matched)
                } else {
                    note(rule, unknown)
                }
            case let .jump(name), let .goto(name):
                guard let called = table.chains[name], depth < Self.maximumDepth else {
                    if depth >= Self.maximumDepth { undecided.append("\(rule.text) (chains nested too deep)") }
                    continue
                }
                let inner = walk(called, in: table, with: matched, depth: depth + 1)
                split.accepted = split.accepted.union(inner.accepted)
                guard certain else {
                    note(rule, unknown)
                    continue
                }
                split.stopped = split.stopped.union(inner.stopped)
                remaining = remaining.subtracting(matched)
                if case .jump = rule.action {
                    remaining = remaining.union(inner.returned)
                } else {
                    split.returned = split.returned.union(inner.returned)
                }
            case .dnat, .continues:
                continue
            }
        }
        switch chain.policy {
        case .some(.drop), .some(.reject):
            split.stopped = split.stopped.union(remaining)
            if !remaining.isEmpty { stoppedBy.append("\(table.name) \(chain.name) policy DROP") }
        case .some:
            split.accepted = split.accepted.union(remaining)
        case .none:
            split.returned = split.returned.union(remaining)
        }
        return split
    }

    private mutating func note(_ rule: FilterRule, _ reasons: [String]) {
        if !rule.action.isContinuation { undecided.append("\(rule.text) (not modelled: \(reasons.joined(separator: ", ")))") }
    }

    /// Whether `condition` holds for the probe; for a condition on the open address, narrows `matched` instead.
    private func decide(_ condition: FilterCondition, within matched: inout AddressSet) -> Decision {
        func fixedAddress(_ match: AddressMatch, negated: Bool) -> Decision {
            guard case let .set(set) = match else { return .unknown("address set \(match.name) not read") }
            guard let fixed = probe.fixed else { return .unknown("address not known") }
            return set.contains(fixed) != negated ? .yes : .no
        }
        func openAddress(_ match: AddressMatch, negated: Bool) -> Decision {
            guard case let .set(set) = match else { return .unknown("address set \(match.name) not read") }
            matched = matched.intersection(negated ? set.complement : set)
            return .yes
        }
        func interface(_ pattern: String, _ name: String?, negated: Bool) -> Decision {
            guard let name else { return negated ? .yes : .no }
            if name == "?" { return .unknown("interface not known") }
            let matches = pattern.hasSuffix("+") ? name.hasPrefix(pattern.dropLast()) : name == pattern
            return matches != negated ? .yes : .no
        }
        switch condition {
        case let .source(match, negated):
            return probe.open == .source ? openAddress(match, negated: negated) : fixedAddress(match, negated: negated)
        case let .destination(match, negated):
            return probe.open == .destination ? openAddress(match, negated: negated) : fixedAddress(match, negated: negated)
        case let .inInterface(pattern, negated):
            return interface(pattern, probe.inInterface, negated: negated)
        case let .outInterface(pattern, negated):
            return interface(pattern, probe.outInterface, negated: negated)
        case let .proto(name, negated):
            let matches = name == "all" || name == probe.proto || (name == "6" && probe.proto == "tcp")
            return matches != negated ? .yes : .no
        case let .destinationPort(ports, negated):
            return ports.contains(probe.destinationPort) != negated ? .yes : .no
        case .sourcePort:
            return .unknown("source port")
        case let .connectionState(states, negated):
            return !states.isDisjoint(with: probe.states) != negated ? .yes : .no
        case let .destinationIsLocal(negated):
            if probe.open == .destination {
                matched = matched.intersection(negated ? probe.localAddresses.complement : probe.localAddresses)
                return .yes
            }
            guard let fixed = probe.fixed else { return negated ? .no : .yes }
            return probe.localAddresses.contains(fixed) != negated ? .yes : .no
        case let .family(family):
            return family == probe.family ? .yes : .no
        case let .unmodelled(text):
            return .unknown(text)
        }
    }

    /// The destination the nat base chains at `hook` translate the probe to: the first DNAT rule it reaches.
    func translation(at hook: FilterHook) -> (address: String?, port: Int?, rule: String)? {
        for (table, base) in ruleset.baseChains(hook, nat: true) {
            guard let chain = table.chains[base.name] else { continue }
            if let found = firstDNAT(chain, in: table, depth: 0) { return found }
        }
        return nil
    }

    private func firstDNAT(_ chain: FilterChain, in table: FilterTable, depth: Int) -> (address: String?, port: Int?, rule: String)? {
        for index in candidates(chain, in: table) {
            let rule = chain.rules[index]
            var matched = AddressSet.all(probe.family)
            let applies = rule.conditions.allSatisfy { condition in
                if case .no = decide(condition, within: &matched) { return false }
                return true
            }
            guard applies, !matched.isEmpty else { continue }
            switch rule.action {
            case let .dnat(address, port): return (address, port, rule.text)
            case let .jump(name), let .goto(name):
                if let called = table.chains[name], depth < Self.maximumDepth, let found = firstDNAT(called, in: table, depth: depth + 1) {
                    return found
                }
                if case .goto = rule.action { return nil }
            case .returns, .accept, .drop, .reject:
                // In a nat chain these end the chain for this packet: no translation.
                return nil
            case .continues:
                continue
            }
        }
        return nil
    }
}

extension ChainWalker {
    /// The indices of `chain`'s rules whose conditions on the probe's fixed address do not rule it out, in order;
    /// every index when the probe has no fixed address.
    func candidates(_ chain: FilterChain, in table: FilterTable) -> [Int] {
        guard let fixed = probe.fixed else { return Array(chain.rules.indices) }
        let fixedIsDestination = probe.open == .source
        return ruleset.candidates.indices("\(table.name)\u{0}\(chain.name)\u{0}\(fixedIsDestination ? "d" : "s")\(fixed)") {
            chain.rules.indices.filter { index in
                chain.rules[index].conditions.allSatisfy { condition in
                    switch condition {
                    case let .destination(.set(set), negated) where fixedIsDestination: set.contains(fixed) != negated
                    case let .source(.set(set), negated) where !fixedIsDestination: set.contains(fixed) != negated
                    default: true
                    }
                }
            }
        }
    }
}

extension AddressMatch {
    var name: String {
        switch self {
        case let .named(name): return name
        case let .set(set): return set.description
        }
    }
}

extension FilterAction {
    var isContinuation: Bool {
        switch self {
        case .continues, .dnat: return true
        default: return false
        }
    }
}
