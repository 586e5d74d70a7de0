import Foundation

/// Rules that let only an allow-list of sources reach published container ports, in the three forms a host may use:
/// iptables (the DOCKER-USER chain), native nftables (a table of its own), and firewalld (direct rules on
/// DOCKER-USER). Pure: `apply(…)` is the only part that changes the host, and only the chosen chain.
public struct FirewallPlan: Sendable, Equatable {
    public var allowed: [String]
    /// Docker's bridges: traffic leaving containers is left to Docker's own rules, traffic into them is filtered.
    public var bridges: [String]
    /// The chain the iptables form writes: DOCKER-USER unless the caller explicitly chose another.
    public var chain: String

    public struct InvalidSource: Error, CustomStringConvertible {
        public var description: String
    }

    /// `allowed`: IPv4/IPv6 addresses or CIDRs. `bridges`: Docker's bridge names (`docker0`, custom names);
    /// `br-+` is always added so networks created later are covered.
    public init(allowed: [String], bridges: [String], chain: String = "DOCKER-USER") throws {
        guard !allowed.isEmpty else { throw InvalidSource(description: "--allow-from needs at least one address or CIDR") }
        for source in allowed where AddressSet(cidr: source, family: .ipv4) == nil && AddressSet(cidr: source, family: .ipv6) == nil {
            throw InvalidSource(description: "--allow-from \(source): not an IPv4 or IPv6 address or CIDR (a.b.c.d/n, x::/n)")
        }
        guard chain.range(of: #"^[A-Za-z0-9_.-]{1,28}$"#, options: .regularExpression) != nil else {
            throw InvalidSource(description: "--firewall-chain \(chain): not an iptables chain name")
        }
        self.allowed = allowed
        self.bridges = (bridges + ["br-+"]).uniqued()
        self.chain = chain
    }

    private var ipv4: [String] { allowed.filter { AddressSet(cidr: $0, family: .ipv4) != nil } }
    private var ipv6: [String] { allowed.filter { AddressSet(cidr: $0, family: .ipv6) != nil } }

    /// The chain's rules, in order, as `-A CHAIN …` lines for one family's sources.
    func rules(_ sources: [String]) -> [String] {
        ["-A \(chain) -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN"]
            + sources.map { "-A \(chain) -s \($0) -j RETURN" }
            + bridges.map { "-A \(chain) -i \($0) -j RETURN" }
            + bridges.map { "-A \(chain) -o \($0) -j DROP" }
            + ["-A \(chain) -j RETURN"]
    }

    /// Input for `iptables-restore --noflush` (and `ip6tables-restore` with `family` `.ipv6`): replaces the chain's
    /// rules and nothing else.
    public func iptablesRestore(_ family: AddressFamily = .ipv4) -> String {
        let sources = family == .ipv4 ? ipv4 : ipv6
        return (["*filter", ":\(chain) - [0:0]", "-F \(chain)"] + rules(sources) + ["COMMIT"]).joined(separator: "\n") + "\n"
    }

    /// A table of its own for `nft -f`; a drop in any base chain is final, so it works beside Docker's rules.
    public var nftScript: String {
        var lines = ["table inet docker_baseline_allowlist {"]
        if !ipv4.isEmpty { lines.append("  set allowed_v4 { type ipv4_addr; flags interval; elements = { \(ipv4.joined(separator: ", ")) } }") }
        if !ipv6.isEmpty { lines.append("  set allowed_v6 { type ipv6_addr; flags interval; elements = { \(ipv6.joined(separator: ", ")) } }") }
        lines.append("  chain forward {")
        lines.append("    type filter hook forward priority filter - 1; policy accept;")
        lines.append("    ct state established,related accept")
        if !ipv4.isEmpty { lines.append("    ip saddr @allowed_v4 accept") }
        if !ipv6.isEmpty { lines.append("    ip6 saddr @allowed_v6 accept") }
        for bridge in bridges { lines.append("    iifname \"\(nftName(bridge))\" accept") }
        for bridge in bridges { lines.append("    oifname \"\(nftName(bridge))\" drop") }
        lines += ["  }", "}"]
        return lines.joined(separator: "\n") + "\n"
    }

    private func nftName(_ name: String) -> String { name.hasSuffix("+") ? name.dropLast() + "*" : name }

    /// firewalld's direct rules on the same chain (firewalld keeps them across reloads and reboots).
    public var firewalldCommands: [String] {
        var commands: [String] = []
        for (family, sources) in [("ipv4", ipv4), ("ipv6", ipv6)] where family == "ipv4" || !sources.isEmpty {
            for (priority, rule) in rules(sources).enumerated() {
                let arguments = rule.dropFirst("-A \(chain) ".count)
                commands.append("firewall-cmd --permanent --direct --add-rule \(family) filter \(chain) \(priority) \(arguments)")
            }
        }
        return commands + ["firewall-cmd --reload"]
    }

    public func text(currentRules: [String]?) -> String {
        var out = "== DOCKER-USER allow-list: published ports reachable only from \(allowed.joined(separator: ", "))\n"
        out += "Docker DNATs published ports in PREROUTING and forwards them: rules on INPUT never see these packets; \(chain) does.\n"
        if let currentRules {
            out += "\(chain) now: " + (currentRules.isEmpty ? "empty" : "\n" + currentRules.map { "  \($0)" }.joined(separator: "\n")) + "\n"
        }
        out += "\n-- iptables (iptables-restore --noflush < FILE):\n" + iptablesRestore(.ipv4)
        if !ipv6.isEmpty { out += "\n-- ip6tables (ip6tables-restore --noflush < FILE):\n" + iptablesRestore(.ipv6) }
        out += "\n-- nftables (nft -f FILE), on hosts filtering with nftables alone:\n" + nftScript
        out += "\n-- firewalld (direct rules on \(chain)):\n" + firewalldCommands.map { "  \($0)" }.joined(separator: "\n") + "\n"
        return out
    }

    /// The families whose chain `apply` replaces: IPv4, and IPv6 when IPv6 sources are allowed.
    public var families: [AddressFamily] { ipv6.isEmpty ? [.ipv4] : [.ipv4, .ipv6] }

    /// Replaces the chain's rules in each of `families` with the plan's through `iptables-restore --noflush` (or
    /// ip6tables-restore) run in this host's network namespace. `previous` holds, per family, the chain's rules as
    /// `iptables-save` prints them. Returns what was done and, per family, the input that restores the chain.
    public func apply(previous: [AddressFamily: [String]]) throws -> (done: [String], rollback: [AddressFamily: String]) {
        var done: [String] = []
        var rollback: [AddressFamily: String] = [:]
        for family in families {
            let program = family == .ipv4 ? "iptables-restore" : "ip6tables-restore"
            guard let path = HostFiles().which(program) else {
                throw InvalidSource(description: "\(program) is not installed" + (done.isEmpty ? ": nothing was changed" : "; already done: \(done.joined(separator: ", "))"))
            }
            if case let .failure(failure) = runProgram(path, ["--noflush"], input: iptablesRestore(family)) {
                throw InvalidSource(description: "the rules were refused: \(failure.reason)"
                                    + (done.isEmpty ? "; nothing was changed" : "; already done: \(done.joined(separator: ", "))"))
            }
            done.append("\(program) --noflush: \(chain) replaced (\(rules(family == .ipv4 ? ipv4 : ipv6).count) rules)")
            rollback[family] = (["*filter", ":\(chain) - [0:0]", "-F \(chain)"] + (previous[family] ?? []) + ["COMMIT"]).joined(separator: "\n") + "\n"
        }
        return (done, rollback)
    }
}
