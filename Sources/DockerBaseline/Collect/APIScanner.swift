import Foundation

/// `scan-api`: finds Docker APIs that answer without authentication on the hosts the user names, and only there.
public struct APIScanner: Sendable {
    public var ports: [Int] = [2375, 2376]
    public var concurrency = 16
    public var timeoutSeconds: Int64 = 3
    /// New connections per second at most.
    public var ratePerSecond = 100

    public init() {}

    public struct Found: Sendable {
        public var address: String
        public var port: Int
        public var outcome: APIProbeOutcome
    }

    /// A CIDR larger than this many addresses is refused: scanning should be deliberate.
    public static let maximumAddresses = 65_536

    public struct TargetError: Error, CustomStringConvertible { public var description: String }

    /// Target files name other files at most this deep (a file naming a file naming a file …).
    public static let maximumFileNesting = 16
    /// All targets together expand to at most this many addresses, repeats counted: a file of a million CIDRs
    /// is refused before it is expanded.
    public static let maximumExpandedAddresses = 1 << 20

    /// Hosts, IPv4/IPv6 addresses, IPv4 CIDRs, and files of them (one per line, # comments), as addresses to probe.
    /// A file that names itself, directly or through others, is an error naming the cycle.
    public static func expand(_ targets: [String]) throws -> [String] {
        var addresses: [String] = []
        try expand(targets, openFiles: [], into: &addresses)
        var seen = Set<String>()
        return addresses.filter { seen.insert($0).inserted }
    }

    private static func add(_ more: [String], to addresses: inout [String], from target: String) throws {
        guard more.count <= maximumExpandedAddresses - addresses.count else {
            throw TargetError(description: "the targets expand to more than \(maximumExpandedAddresses) addresses (at \(target)); scan fewer at a time")
        }
        addresses += more
    }

    /// `openFiles`: the target files being read, outermost first, by their resolved paths.
    private static func expand(_ targets: [String], openFiles: [String], into addresses: inout [String]) throws {
        for target in targets {
            if FileManager.default.fileExists(atPath: target), !target.contains("/") || target.hasPrefix("/") || target.hasPrefix(".") {
                let resolved = URL(fileURLWithPath: target).resolvingSymlinksInPath().path
                if let start = openFiles.firstIndex(of: resolved) {
                    let cycle = (openFiles[start...] + [resolved]).joined(separator: " → ")
                    throw TargetError(description: "target file \(target) names itself: \(cycle)")
                }
                guard openFiles.count < maximumFileNesting else {
                    throw TargetError(description: "target file \(target) is nested \(openFiles.count + 1) files deep (\(openFiles.joined(separator: " → "))); the limit is \(maximumFileNesting)")
                }
                let text: String
                do { text = String(decoding: try readInputFile(target, what: "target file", limit: 16 << 20), as: UTF8.self) } catch {
                    throw TargetError(description: String(describing: error))
                }
                let lines = text.split(whereSeparator: \.isNewline)
                    .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "" }
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                try expand(lines, openFiles: openFiles + [resolved], into: &addresses)
                continue
            }
            if target.contains("/") {
                try checkCIDRSize(target, room: maximumExpandedAddresses - addresses.count)
                try add(cidr(target), to: &addresses, from: target)
            } else if isIPv4(target) || target.contains(":") {
                try add([target.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))], to: &addresses, from: target)
            } else {
                try add(resolve(target), to: &addresses, from: target)
            }
        }
    }

    /// Refuses a CIDR larger than `room` before its addresses are made.
    private static func checkCIDRSize(_ text: String, room: Int) throws {
        guard let bits = text.split(separator: "/").last.flatMap({ Int($0) }), 1 << (32 - min(max(bits, 0), 32)) <= maximumAddresses, 1 << (32 - bits) > room else { return }
        throw TargetError(description: "the targets expand to more than \(maximumExpandedAddresses) addresses (at \(text)); scan fewer at a time")
    }

    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `10.0.0.0/30` → 10.0.0.1, 10.0.0.2 (network and broadcast addresses left out from /30 and wider).
    static func cidr(_ text: String) throws -> [String] {
        let parts = text.split(separator: "/")
        guard parts.count == 2, isIPv4(String(parts[0])), let bits = Int(parts[1]), (0...32).contains(bits) else {
            throw TargetError(description: "\(text) is not an IPv4 CIDR (a.b.c.d/n)")
        }
        let size = 1 << (32 - bits)
        guard size <= maximumAddresses else {
            throw TargetError(description: "\(text) has \(size) addresses; scan at most \(maximumAddresses) (a /16) at a time")
        }
        let octets = parts[0].split(separator: ".").map { UInt32($0)! }
        let base = (octets[0] << 24 | octets[1] << 16 | octets[2] << 8 | octets[3]) & (bits == 0 ? 0 : ~UInt32(0) << (32 - bits))
        let range = size > 2 ? 1..<(size - 1) : 0..<size
        return range.map { offset in
            let value = base + UInt32(offset)
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        }
    }

    static func resolve(_ name: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else {
            throw TargetError(description: "cannot resolve \(name)")
        }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let entry = current {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            current = entry.pointee.ai_next
        }
        return addresses
    }

    /// Probes every address on every port; `progress` is told how many of how many are done.
    public func scan(_ addresses: [String], progress: (@Sendable (Int, Int) -> Void)? = nil) async -> [Found] {
        let jobs = addresses.flatMap { address in ports.map { (address, $0) } }
        let limiter = RateLimiter(perSecond: ratePerSecond)
        let counter = ProgressCounter(total: jobs.count, report: progress)
        let probe = APIProbe(timeoutSeconds: timeoutSeconds)
        let found = try? await boundedMap(jobs, limit: concurrency) { job in
            await limiter.wait()
            let outcome = await probe.probe(host: job.0, port: job.1)
            await counter.done()
            return Found(address: job.0, port: job.1, outcome: outcome)
        }
        return found ?? []
    }
}

/// Spaces connection starts so no more than `perSecond` begin in any second.
actor RateLimiter {
    private let interval: Double
    private var next = Date()
    init(perSecond: Int) { interval = 1 / Double(max(perSecond, 1)) }
    func wait() async {
        let start = max(next, Date())
        next = start.addingTimeInterval(interval)
        let delay = start.timeIntervalSinceNow
        if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000)) }
    }
}

actor ProgressCounter {
    private let total: Int
    private var count = 0
    private let report: (@Sendable (Int, Int) -> Void)?
    init(total: Int, report: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.report = report
    }
    func done() {
        count += 1
        report?(count, total)
    }
}
