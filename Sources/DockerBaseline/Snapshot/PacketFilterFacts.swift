import Foundation

/// The host's packet filter as the collector read it: the raw text of each source (so a saved snapshot can be
/// judged again, and a parser fix applies to old snapshots), the host's interfaces, and the kernel switches that
/// decide whether the filter sees a packet at all.
public struct PacketFilterFacts: Codable, Sendable, Equatable {
    /// Every source tried, read or not.
    public var sources: [PacketFilterSource]
    public var interfaces: [HostInterface]?
    /// `net.ipv4.ip_forward`, `net.bridge.bridge-nf-call-iptables`, … as read from /proc/sys; absent when the file
    /// does not exist (for the bridge ones: br_netfilter is not loaded).
    public var sysctls: [String: String]
    public var firewalld: FirewalldFacts?

    public init(sources: [PacketFilterSource] = [], interfaces: [HostInterface]? = nil, sysctls: [String: String] = [:],
                firewalld: FirewalldFacts? = nil) {
        self.sources = sources
        self.interfaces = interfaces
        self.sysctls = sysctls
        self.firewalld = firewalld
    }

    /// The sources whose text was read.
    public var readSources: [PacketFilterSource] { sources.filter { $0.text != nil } }
}

public struct PacketFilterSource: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// `iptables-save` / `ip6tables-save` output (nft or legacy backend, named in `origin`).
        case iptablesSave = "iptables-save"
        case ip6tablesSave = "ip6tables-save"
        /// `nft -j list ruleset`.
        case nftJSON = "nft-json"
        /// `ipset save`: the members of the sets rules name.
        case ipsetSave = "ipset-save"
    }

    public var kind: Kind
    /// The command run (`iptables-legacy-save`) or the file read (`/etc/iptables/rules.v4`).
    public var origin: String
    /// Whether this is the kernel's live state (a command) or a file that loads at boot.
    public var live: Bool
    public var text: String?
    /// Why it could not be read.
    public var error: String?

    public init(kind: Kind, origin: String, live: Bool, text: String? = nil, error: String? = nil) {
        self.kind = kind
        self.origin = origin
        self.live = live
        self.text = text
        self.error = error
    }
}

/// A network interface and its addresses (`ip -j addr`).
public struct HostInterface: Codable, Sendable, Equatable {
    public var name: String
    /// `bridge`, `veth`, `loopback`, … where known.
    public var kind: String?
    /// The bridge it is a port of.
    public var master: String?
    /// `10.0.0.5/24`, `fd00::5/64`.
    public var addresses: [String]

    public init(name: String, kind: String? = nil, master: String? = nil, addresses: [String] = []) {
        self.name = name
        self.kind = kind
        self.master = master
        self.addresses = addresses
    }
}

/// firewalld's configuration files and whether it runs.
public struct FirewalldFacts: Codable, Sendable, Equatable {
    /// `running`, `not running`, or nil when `firewall-cmd` is not installed.
    public var state: String?
    /// Zone, policy and direct-rule files, by path, from /etc/firewalld and /usr/lib/firewalld.
    public var files: [String: String]

    public init(state: String? = nil, files: [String: String] = [:]) {
        self.state = state
        self.files = files
    }

    /// `running; docker zone: target ACCEPT, interfaces docker0; 3 direct rules on DOCKER-USER`, for evidence. The
    /// live effect of firewalld's rules is in the nftables ruleset and judged there; this says where they come from.
    public var summary: String {
        var parts = [state ?? "firewall-cmd not installed"]
        let zone = files["/etc/firewalld/zones/docker.xml"] ?? files["/usr/lib/firewalld/zones/docker.xml"]
        if let zone {
            let target = zone.firstMatch(of: /<zone[^>]*\btarget="([^"]+)"/).map { String($0.1) } ?? "default"
            let interfaces = zone.matches(of: /<interface\s+name="([^"]+)"/).map { String($0.1) }
            parts.append("docker zone: target \(target)\(interfaces.isEmpty ? "" : ", interfaces " + interfaces.joined(separator: " "))")
        }
        let direct = files["/etc/firewalld/direct.xml"].map { $0.matches(of: /chain="DOCKER-USER"/).count } ?? 0
        if direct > 0 { parts.append("\(direct) direct rule(s) on DOCKER-USER") }
        let policies = files.keys.filter { $0.contains("/policies/") }.map { ($0 as NSString).lastPathComponent }.sorted()
        if !policies.isEmpty { parts.append("policies " + policies.joined(separator: " ")) }
        return parts.joined(separator: "; ")
    }
}
