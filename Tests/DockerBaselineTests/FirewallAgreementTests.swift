import DockerBaseline
import Foundation
import Testing

/// A client network namespace joined to the daemon's namespace by a veth pair in 10.231.SUBNET.0/24: the daemon's
/// side is .1 (on an interface named `dbtfSUBNET…`), the client .2, routed through .1. Removed with its namespace.
final class ClientNamespace {
    let name: String
    let address: String
    let gateway: String

    init(daemonNamespace: String, subnet: Int) throws {
        let tag = String(daemonNamespace.suffix(6))
        name = "dbtc\(subnet)-\(tag)"
        address = "10.231.\(subnet).2"
        gateway = "10.231.\(subnet).1"
        let hostSide = "vh\(subnet)\(tag)", clientSide = "vc\(subnet)\(tag)"
        let commands: [[String]] = [
            ["netns", "add", name],
            ["-n", name, "link", "set", "lo", "up"],
            ["link", "add", hostSide, "type", "veth", "peer", "name", clientSide],
            ["link", "set", hostSide, "netns", daemonNamespace],
            ["link", "set", clientSide, "netns", name],
            ["-n", daemonNamespace, "addr", "add", "\(gateway)/24", "dev", hostSide],
            ["-n", daemonNamespace, "link", "set", hostSide, "up"],
            ["-n", name, "addr", "add", "\(address)/24", "dev", clientSide],
            ["-n", name, "link", "set", clientSide, "up"],
            ["-n", name, "route", "add", "default", "via", gateway],
        ]
        for command in commands {
            let result = try run("/usr/sbin/ip", command)
            guard result.status == 0 else {
                remove()
                throw TestSetupError("ip \(command.joined(separator: " ")): \(result.stderr)")
            }
        }
    }

    /// Whether a TCP connection from this namespace to `address:port` is accepted (within 3 s).
    func connects(to address: String, port: Int) throws -> Bool {
        try run("/usr/bin/nsenter", ["--net=/var/run/netns/\(name)", "/usr/bin/timeout", "-s", "KILL", "2", "/bin/bash", "-c",
                                     "exec 3<>/dev/tcp/\(address)/\(port)"]).status == 0
    }

    func remove() { _ = try? run("/usr/sbin/ip", ["netns", "del", name]) }
    deinit { remove() }
}

/// The rule sets the agreement test installs in the daemon's namespace, over Docker's own rules.
struct FirewallCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Lines for `iptables -w` (each split on spaces).
    var iptables: [String] = []
    /// An nftables script for `nft -f`.
    var nft: String?
    var testDescription: String { name }

    static let all: [FirewallCase] = [
        FirewallCase(name: "Docker's rules only"),
        FirewallCase(name: "INPUT policy DROP (does not protect published ports)", iptables: [
            "-A INPUT -i lo -j ACCEPT", "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT", "-P INPUT DROP",
        ]),
        FirewallCase(name: "DOCKER-USER allow-list, egress limited, INPUT allow-list for the API", iptables: [
            "-I DOCKER-USER -i vh+ ! -s 10.231.2.0/24 -j DROP",
            "-I DOCKER-USER -i docker0 -d 10.231.1.0/24 -j REJECT",
            "-A INPUT -p tcp -m tcp --dport 2375 -s 10.231.2.0/24 -j ACCEPT",
            "-A INPUT -p tcp -m multiport --dports 2375,2376 -j DROP",
        ]),
        FirewallCase(name: "firewalld-style nftables table after iptables (priority filter + 10), zones by interface and source", nft: """
            table inet dbtfirewalld {
              chain filter_INPUT {
                type filter hook input priority filter + 10; policy accept;
                ct state established,related accept
                iifname "lo" accept
                jump filter_INPUT_ZONES
              }
              chain filter_INPUT_ZONES {
                ip saddr 10.231.2.0/24 accept
                tcp dport 2375 reject
              }
              chain filter_FORWARD {
                type filter hook forward priority filter + 10; policy accept;
                ct state established,related accept
                iifname "docker0" accept
                jump filter_FORWARD_POLICIES
              }
              chain filter_FORWARD_POLICIES {
                iifname "vh*" ip saddr 10.231.2.0/24 return
                iifname "vh*" reject
              }
            }
            """),
        FirewallCase(name: "native nftables with a named set, before iptables (priority -5)", nft: """
            table inet dbtnative {
              set allowed { type ipv4_addr; flags interval; elements = { 10.231.1.0/24 } }
              chain forward {
                type filter hook forward priority -5; policy accept;
                iifname "vh*" ip saddr != @allowed tcp dport 80 drop
                iifname "docker0" ip daddr 10.231.2.0/24 drop
              }
              chain input {
                type filter hook input priority 0; policy accept;
                tcp dport 2375 ip saddr != @allowed drop
              }
            }
            """),
        FirewallCase(name: "icc off in effect: DROP between docker0's ports", iptables: [
            "-I FORWARD -i docker0 -o docker0 -j DROP",
        ]),
    ]
}

/// Ground truth from real packets: a real dockerd in a namespace of its own, with a published container and a TCP API
/// listener, two client namespaces outside it, and for every rule set the tool's verdict compared with what a real
/// connection from each client did.
@Suite("Firewall verdicts agree with real packets", .serialized)
final class FirewallAgreementTests: @unchecked Sendable {
    let daemon: SecondDaemon
    let clients: [ClientNamespace]
    let host: String
    let image = "dbt/firewall:1"
    var baseline = ""
    var serverIP = "", peerIP = ""

    init() throws {
        try TestEnvironment.requireFixtures()
        daemon = try SecondDaemon(settings: ["hosts": ["tcp://0.0.0.0:2375"], "icc": true])
        host = "unix://\(daemon.socket)"
        var made: [ClientNamespace] = []
        do {
            try daemon.start()
            made.append(try ClientNamespace(daemonNamespace: daemon.namespace, subnet: 1))
            made.append(try ClientNamespace(daemonNamespace: daemon.namespace, subnet: 2))
            clients = made
            // br_netfilter hands bridged packets to the filter: the icc cases depend on it.
            _ = try run("/usr/sbin/modprobe", ["br_netfilter"])
            try importWatchImage(image, host: host)
            try #require(docker(["run", "-d", "--name", "web", "-p", "8080:80", image, "busybox", "nc", "-ll", "-p", "80", "-e", "true"], host: host).status == 0)
            try #require(docker(["run", "-d", "--name", "peer", image, "sleep", "600"], host: host).status == 0)
            serverIP = try docker(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web"], host: host).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            peerIP = try docker(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", "peer"], host: host).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            // A listener in each client namespace: the destinations of the egress probe.
            for client in made {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
                process.arguments = ["--net=/var/run/netns/\(client.name)", "/bin/busybox", "nc", "-ll", "-p", "9000", "-e", "true"]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                listeners.append(process)
            }
            baseline = try inDaemonNamespace(["iptables-save"]).stdout
        } catch {
            for client in made { client.remove() }
            daemon.stop()
            throw error
        }
    }

    var listeners: [Process] = []

    deinit {
        for process in listeners { stop(process) }
        _ = try? docker(["rm", "-f", "web", "peer"], host: host)
        for client in clients { client.remove() }
        daemon.stop()
    }

    @discardableResult
    func inDaemonNamespace(_ command: [String], input: String? = nil) throws -> CommandResult {
        if let input {
            let file = try TestEnvironment.temporaryDirectory().appendingPathComponent("input")
            defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
            try input.write(to: file, atomically: true, encoding: .utf8)
            return try run("/bin/sh", ["-c", "nsenter --net=/var/run/netns/\(daemon.namespace) " + command.joined(separator: " ") + " < \(file.path)"])
        }
        return try run("/usr/bin/nsenter", ["--net=/var/run/netns/\(daemon.namespace)"] + command)
    }

    /// Whether the IPv4 `address` is inside a verdict's "reachable from" text (`anywhere`, `nowhere`,
    /// `anywhere except RANGES`, `RANGES`, each family prefixed by `IPv4: ` when the families differ).
    func covers(_ description: String?, _ address: String) -> Bool? {
        guard var text = description else { return nil }
        if let segment = text.components(separatedBy: "; ").first(where: { $0.hasPrefix("IPv4: ") }) { text = String(segment.dropFirst(6)) }
        if text == "anywhere" { return true }
        if text == "nowhere" { return false }
        let except = text.hasPrefix("anywhere except ")
        if except { text = String(text.dropFirst("anywhere except ".count)) }
        let ip = IPAddress(address)!
        let listed = text.split(separator: ",").contains { part in
            AddressSet(cidr: part.trimmingCharacters(in: .whitespaces), family: .ipv4)?.contains(ip) ?? false
        }
        return except ? !listed : listed
    }

    /// busybox nc's own -w does not end a connect whose SYN is dropped here; timeout does.
    func containerConnects(from container: String, to address: String, port: Int) throws -> Bool {
        try docker(["exec", container, "busybox", "timeout", "-s", "KILL", "2", "busybox", "nc", address, String(port), "-e", "true"], host: host).status == 0
    }

    /// One daemon for every rule set (starting one takes seconds): the rule sets run in turn over Docker's own rules.
    @Test("For every rule set, each verdict agrees with what a real connection did")
    func agreement() async throws {
        try await offPool { [self] in
            for ruleSet in FirewallCase.all { try check(ruleSet) }
            try hardenAllowList()
        }
    }

    /// `harden --allow-from`: the dry run changes nothing; `--apply` replaces DOCKER-USER, after which real packets
    /// from outside the list are stopped, the listed ones pass, containers still reach out, and the audit agrees.
    func hardenAllowList() throws {
        try #require(inDaemonNamespace(["iptables-restore"], input: baseline).status == 0)
        _ = try? inDaemonNamespace(["nft", "delete", "table", "inet", "dbtnative"])
        func rules() throws -> String {
            // Without comments (a timestamp) and counters (traffic moves them).
            try inDaemonNamespace(["iptables-save"]).stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
                .map { $0.replacingOccurrences(of: #"\[[0-9]+:[0-9]+\]"#, with: "", options: .regularExpression) }.joined(separator: "\n")
        }
        let before = try rules()
        let harden = ["/usr/bin/nsenter", "--net=/var/run/netns/\(daemon.namespace)", TestEnvironment.binary, "harden", "--host", host,
                      "--allow-from", "10.231.2.0/24", "--firewall-only"]
        let dry = try run(harden[0], Array(harden.dropFirst()))
        #expect(dry.status == 0 && dry.stdout.contains("-A DOCKER-USER -s 10.231.2.0/24 -j RETURN") && dry.stdout.contains("table inet docker_baseline_allowlist")
                && dry.stdout.contains("firewall-cmd --permanent --direct --add-rule ipv4 filter DOCKER-USER"), "\(dry.stdout)\(dry.stderr)")
        #expect(try rules() == before, "the dry run changed the rules")
        let other = try run(harden[0], Array(harden.dropFirst()) + ["--firewall-chain", "INPUT", "--apply"])
        let afterRefusal = try rules()
        #expect(other.status != 0 && other.stderr.contains("--allow-other-chain") && afterRefusal == before, "\(other.stderr)")

        let applied = try run(harden[0], Array(harden.dropFirst()) + ["--apply"])
        #expect(applied.status == 0 && applied.stdout.contains("To roll back"), "\(applied.stdout)\(applied.stderr)")
        if let line = applied.stdout.split(separator: "\n").first(where: { $0.contains("To roll back") }), let backup = line.split(separator: "< ").last {
            try? FileManager.default.removeItem(atPath: String(backup))
        }
        #expect(try !clients[0].connects(to: clients[0].gateway, port: 8080), "a source outside the allow-list still reaches the published port")
        #expect(try clients[1].connects(to: clients[1].gateway, port: 8080), "the allowed source no longer reaches the published port")
        #expect(try containerConnects(from: "peer", to: clients[0].address, port: 9000), "containers can no longer reach out")
        let report = try daemon.audit(["--host", host, "--include", "network.*"])
        // The IPv4 binding is restricted to the list; Docker's IPv6 binding ([::]:8080, served by docker-proxy) is not
        // covered by an IPv4 allow-list, and the audit keeps saying so.
        let published = report.results.first { $0.rule == "network.published-ports" && $0.target.name == "web" }
        #expect(published?.evidence["0.0.0.0:8080->80/tcp reachable from"] == "10.231.2.0/24", "\(published?.evidence ?? [:])")
        #expect(report.results.first { $0.rule == "network.docker-user-chain" }?.status == "pass")
    }

    func check(_ ruleSet: FirewallCase) throws {
        try #require(inDaemonNamespace(["iptables-restore"], input: baseline).status == 0)
        _ = try? inDaemonNamespace(["nft", "delete", "table", "inet", "dbtfirewalld"])
        _ = try? inDaemonNamespace(["nft", "delete", "table", "inet", "dbtnative"])
        for line in ruleSet.iptables {
            let result = try inDaemonNamespace(["iptables", "-w"] + line.split(separator: " ").map(String.init))
            try #require(result.status == 0, "iptables \(line): \(result.stderr)")
        }
        if let nft = ruleSet.nft {
            let result = try inDaemonNamespace(["nft", "-f", "-"], input: nft)
            try #require(result.status == 0, "nft -f: \(result.stderr)")
        }
        let report = try daemon.audit(["--host", host, "--include", "network.*"])
        let api = try #require(report.results.first { $0.rule == "network.api-acl" && $0.target.name.contains("2375") }, "\(report.results.map(\.rule))")
        let published = try #require(report.results.first { $0.rule == "network.published-ports" && $0.target.name == "web" })
        let publishedSources = published.evidence.first { $0.key.hasPrefix("0.0.0.0:8080") && $0.key.hasSuffix("reachable from") }?.value
        let egress = try #require(report.results.first { $0.rule == "network.container-egress" })
        let icc = try #require(report.results.first { $0.rule == "network.inter-container" })

        for client in clients {
            let apiOpen = try client.connects(to: client.gateway, port: 2375)
            #expect(covers(api.evidence["reachable from"], client.address) == apiOpen,
                    "\(ruleSet.name): API from \(client.address): connected \(apiOpen), verdict \(api.status) \(api.evidence)")
            let portOpen = try client.connects(to: client.gateway, port: 8080)
            #expect(covers(publishedSources, client.address) == portOpen,
                    "\(ruleSet.name): port 8080 from \(client.address): connected \(portOpen), verdict \(published.status) \(published.evidence)")
            let leaves = try containerConnects(from: "peer", to: client.address, port: 9000)
            #expect(covers(egress.evidence["destinations"], client.address) == leaves,
                    "\(ruleSet.name): egress to \(client.address): connected \(leaves), verdict \(egress.status) \(egress.evidence)")
        }
        let reachesPeer = try containerConnects(from: "peer", to: serverIP, port: 80)
        #expect(covers(icc.evidence["reachable from"], peerIP) == reachesPeer,
                "\(ruleSet.name): container to container: connected \(reachesPeer), verdict \(icc.status) \(icc.evidence)")
        #expect((icc.status == "pass") == !reachesPeer, "\(ruleSet.name): \(icc.status) \(icc.message)")
    }
}
