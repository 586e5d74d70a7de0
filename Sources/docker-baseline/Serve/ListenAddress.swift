import ArgumentParser
import Foundation

/// `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (every interface): where `serve` listens.
struct ListenAddress: ExpressibleByArgument, Equatable, CustomStringConvertible {
    var host: String
    var port: Int

    static let `default` = ListenAddress(host: "127.0.0.1", port: 9327)

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(argument[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        guard !host.contains(" ") else { return nil }
        self.init(host: host, port: port)
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    var defaultValueDescription: String { description }

    /// Reachable from this machine only: `localhost`, 127.0.0.0/8, `::1`.
    var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else { return false }
        return UInt32(bigEndian: address.s_addr) >> 24 == 127
    }
}

/// `90`, `30s`, `15m`, `1h`: a duration in seconds.
struct Interval: ExpressibleByArgument, Equatable {
    var seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var text = argument.lowercased()
        var unit = 1.0
        if let last = text.last, let factor = units[last] {
            unit = factor
            text.removeLast()
        }
        guard let value = Double(text), value.isFinite, value > 0 else { return nil }
        seconds = value * unit
    }

    var defaultValueDescription: String { seconds.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(seconds / 60))m" : "\(Int(seconds))s" }
}
