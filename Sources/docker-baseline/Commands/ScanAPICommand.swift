import ArgumentParser
import DockerBaseline
import Foundation

struct ScanAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-api",
        abstract: "Find Docker APIs that answer without authentication on the hosts you name.",
        discussion: """
        TARGET is a host name, an IPv4 or IPv6 address, an IPv4 CIDR (at most a /16) or a file of them, one per line. \
        Each port is asked GET /version without credentials, in plain HTTP and over TLS without a client certificate. \
        Only the targets given are contacted. Exit 1 when an unauthenticated API is found (see --fail-on); \
        --verbose also lists every closed port.
        """)

    @Argument(help: "Hosts, addresses, CIDRs, or files of them.")
    var targets: [String]

    @Option(help: "Comma-separated ports.")
    var ports: String = "2375,2376"

    @Option(help: "Seconds to wait to connect and for each answer.")
    var timeout: Int = 3

    @Option(help: "Probes in flight at once.")
    var concurrency: Int = 16

    @Option(help: "New connections per second at most.")
    var rate: Int = 100

    @OptionGroup var reporting: ReportOptions

    func validate() throws {
        guard !targets.isEmpty else { throw ValidationError("name at least one target") }
        guard (1...60).contains(timeout), (1...256).contains(concurrency), (1...10_000).contains(rate) else {
            throw ValidationError("--timeout 1–60, --concurrency 1–256, --rate 1–10000")
        }
        guard parsedPorts != nil else { throw ValidationError("--ports must be comma-separated numbers from 1 to 65535") }
    }

    var parsedPorts: [Int]? {
        let values = ports.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 65535 }) else { return nil }
        return values.compactMap { $0 }
    }

    func run() async throws {
        let addresses: [String]
        do { addresses = try APIScanner.expand(targets) } catch { throw UsageProblem(description: String(describing: error)) }
        var scanner = APIScanner()
        scanner.ports = parsedPorts!
        scanner.timeoutSeconds = Int64(timeout)
        scanner.concurrency = concurrency
        scanner.ratePerSecond = rate
        let showProgress: @Sendable (Int, Int) -> Void = { done, total in
            let line = "\rscan-api: \(done)/\(total) probed" + (done == total ? "\n" : "")
            writeStandardError(line)
        }
        let found = await scanner.scan(addresses, progress: isatty(STDERR_FILENO) == 1 ? showProgress : nil)
        try reporting.finish(Evaluator.evaluate(scan: found, targets: targets))
    }
}
