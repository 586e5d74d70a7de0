import Foundation

/// `watch`'s text line for a terminal: time, status, severity, rule, target, message, and the event.
public enum WatchTextLine {
    public static func make(_ emission: WatchEmission, language: Language, colour: Bool) -> String {
        let result = emission.result
        let fixed = result.change == .fixed
        let status = fixed ? "FIXED" : result.status.rawValue.uppercased()
        let painted = !colour ? status : (fixed ? "\u{1B}[32m\(status)\u{1B}[0m" : "\u{1B}[31m\(status)\u{1B}[0m")
        let cis = result.rule.cis.map { " \($0)" } ?? ""
        let event = emission.event.type == "audit" ? "audit \(emission.event.action)" : "\(emission.event.type) \(emission.event.action)"
        return "\(SnapshotTime.string(emission.event.time)) \(painted) \(result.severity.rawValue) \(result.rule.id.rawValue)\(cis) "
            + "\(result.targetLabel(language)): \(result.finding.message[language]) [\(UntrustedText.shown(event))]"
    }
}

/// RFC 5424 syslog messages, sent as datagrams to the local syslog socket (`/dev/log`), where rsyslog or
/// journald take them.
public final class SyslogSender: Sendable {
    public let path: String
    private let descriptor: Int32

    public struct SendError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String = "/dev/log") throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw SendError(description: "cannot open a syslog socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw SendError(description: "syslog socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.enumerated() { bytes[index] = byte }
            bytes[path.utf8.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw SendError(description: "cannot reach the syslog socket \(path): \(reason) (is rsyslog or journald running?)")
        }
    }

    deinit { close(descriptor) }

    public func send(_ message: String) throws {
        let bytes = Array(message.utf8)
        let sent = bytes.withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else { throw SendError(description: "cannot write to the syslog socket \(path): \(String(cString: strerror(errno)))") }
    }

    /// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG` (RFC 5424 §6): facility `daemon` (3), the severity from
    /// the finding's, MSGID the rule id, no structured data, and the JSON line as the message.
    public static func frame(_ emission: WatchEmission, line: String, hostname: String, pid: Int32, at date: Date) -> String {
        let result = emission.result
        let level: Int
        if result.change == .fixed {
            level = 5
        } else {
            switch result.severity {
            case .critical: level = 2
            case .high: level = 3
            case .medium: level = 4
            case .low: level = 5
            case .info: level = 6
            }
        }
        let priority = 3 * 8 + level
        let printable = { (text: String, limit: Int) -> String in
            let kept = String(text.unicodeScalars.filter { $0.value > 32 && $0.value < 127 }.map(Character.init).prefix(limit))
            return kept.isEmpty ? "-" : kept
        }
        return "<\(priority)>1 \(SnapshotTime.string(date)) \(printable(hostname, 255)) docker-baseline \(pid) \(printable(result.rule.id.rawValue, 32)) - \(line)"
    }
}
