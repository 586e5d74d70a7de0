import Foundation

/// The host's packet filter as one model, whichever tool wrote it: iptables (nft or legacy backend) and native
/// nftables (firewalld's tables among them). Parsed from the raw text the snapshot keeps, never from the live kernel.

/// Where in the kernel's path a chain is attached.
public enum FilterHook: String, Codable, Sendable {
    case prerouting, input, forward, output, postrouting
}

/// A chain attached to a hook; a packet must get through every base chain of a hook (in priority order) to pass.
public struct BaseChain: Sendable {
    /// `iptables filter`, `nft inet firewalld`, …: where it comes from, for evidence.
    public var table: String
    public var name: String
    public var hook: FilterHook
    /// nftables priority; iptables' own tables use theirs (filter 0, nat -100).
    public var priority: Int
    /// Whether this chain filters (filter type) or translates addresses (nat type).
    public var isNAT: Bool
}

/// One table's chains: base chains' and user chains' rules by chain name.
public struct FilterTable: Sendable {
    public var name: String
    public var family: AddressFamily?
    public var chains: [String: FilterChain] = [:]
    public var baseChains: [BaseChain] = []
}

public struct FilterChain: Sendable {
    public var name: String
    /// The base chain's policy; nil for a user chain (its end returns to the caller).
    public var policy: FilterAction?
    public var rules: [FilterRule] = []
}

public struct FilterRule: Sendable {
    public var conditions: [FilterCondition]
    public var action: FilterAction
    /// The rule as written (`-A DOCKER-USER -s 10.0.0.0/8 -j RETURN`), for evidence.
    public var text: String
}

/// A set of ports, with ranges (`--dports 80,443,8000:8080`).
public struct PortSet: Sendable, Equatable {
    public var ranges: [ClosedRange<Int>]
    public func contains(_ port: Int) -> Bool { ranges.contains { $0.contains(port) } }

    /// `80`, `8000:8080` (iptables), `8000-8080` (nft), comma lists.
    public init?(_ text: some StringProtocol) {
        var ranges: [ClosedRange<Int>] = []
        for item in text.split(separator: ",") {
            let bounds = item.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ":" || $0 == "-" })
            switch bounds.count {
            case 1:
                guard let port = Int(bounds[0]) else { return nil }
                ranges.append(port...port)
            case 2:
                let low = bounds[0].isEmpty ? 0 : Int(bounds[0]), high = bounds[1].isEmpty ? 65535 : Int(bounds[1])
                guard let low, let high, low <= high else { return nil }
                ranges.append(low...high)
            default:
                return nil
            }
        }
        guard !ranges.isEmpty else { return nil }
        self.ranges = ranges
    }

    public init(ranges: [ClosedRange<Int>]) { self.ranges = ranges }
}

/// Which addresses a rule's address match names.
public enum AddressMatch: Sendable {
    case set(AddressSet)
    /// An ipset or nft set whose members were not read.
    case named(String)
}

/// One condition of a rule. Conditions the model does not understand are kept as `.unmodelled`, so a verdict
/// that depends on them says so instead of guessing.
public enum FilterCondition: Sendable {
    case source(AddressMatch, negated: Bool)
    case destination(AddressMatch, negated: Bool)
    case inInterface(String, negated: Bool)
    case outInterface(String, negated: Bool)
    case proto(String, negated: Bool)
    case destinationPort(PortSet, negated: Bool)
    case sourcePort(PortSet, negated: Bool)
    /// conntrack state (`NEW`, `ESTABLISHED`, `RELATED`, `INVALID`, `UNTRACKED`, `DNAT`, …).
    case connectionState(Set<String>, negated: Bool)
    /// `-m addrtype --dst-type LOCAL`: the destination is one of the host's own addresses.
    case destinationIsLocal(negated: Bool)
    /// The rule applies to one address family only (`ip saddr …` in an `inet` table).
    case family(AddressFamily)
    case unmodelled(String)
}

public enum FilterAction: Sendable, Equatable {
    case accept, drop, reject
    /// End of this chain: back to the calling chain (or the policy of a base chain).
    case returns
    case jump(String)
    case goto(String)
    /// Translates the destination (`DNAT --to-destination 172.17.0.2:80`); nil parts are kept.
    case dnat(address: String?, port: Int?)
    /// LOG, MARK, counters, MASQUERADE, …: the packet goes on to the next rule.
    case continues(String)

    var isTerminalVerdict: Bool { self == .accept || self == .drop || self == .reject }
}

/// Every table of one address family that the host filters with, from every source read.
public struct FilterRuleset: Sendable {
    public var family: AddressFamily
    public var tables: [FilterTable]
    /// Shared by every walk of this ruleset (see ChainWalker.candidates).
    let candidates = CandidateCache()

    public init(family: AddressFamily, tables: [FilterTable]) {
        self.family = family
        self.tables = tables
    }

    /// The base chains attached to `hook`, in the order the kernel runs them.
    public func baseChains(_ hook: FilterHook, nat: Bool) -> [(table: FilterTable, chain: BaseChain)] {
        tables.flatMap { table in table.baseChains.filter { $0.hook == hook && $0.isNAT == nat }.map { (table, $0) } }
            .sorted { $0.chain.priority < $1.chain.priority }
    }

    /// The chain named `name` in the iptables filter table, if that table exists (`DOCKER-USER`, `FORWARD`).
    public func iptablesChain(_ name: String, table: String = "filter") -> FilterChain? {
        tables.first { $0.name == "iptables \(table)" }?.chains[name]
    }

    public var ruleCount: Int { tables.reduce(0) { $0 + $1.chains.values.reduce(0) { $0 + $1.rules.count } } }
}

/// Per chain and address, the indices of the rules a packet with that fixed address may match. A kube-proxy host's nat
/// chains hold thousands of rules, one per service address, and are walked once per published port: each walk then
/// looks only at the few rules left, not at all of them again.
final class CandidateCache: @unchecked Sendable {
    private var entries: [String: [Int]] = [:]
    private let lock = NSLock()

    func indices(_ key: String, _ make: () -> [Int]) -> [Int] {
        lock.lock()
        if let found = entries[key] {
            lock.unlock()
            return found
        }
        lock.unlock()
        let made = make()
        lock.lock()
        entries[key] = made
        lock.unlock()
        return made
    }
}
