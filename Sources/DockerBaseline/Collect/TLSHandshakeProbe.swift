import Foundation

/// Reads a server's side of a TLS 1.2 handshake, in clear, to learn whether it asks for a client certificate: a
/// `CertificateRequest` among the messages before `ServerHelloDone`. Nothing is completed or encrypted; the connection
/// is closed once the server has said what it wanted. Bounded by a deadline and a byte budget.
struct TLSHandshakeProbe {
    enum Outcome: Equatable {
        /// The server sent a CertificateRequest.
        case certificateRequested
        /// The server finished its hello (ServerHelloDone) without asking for a certificate.
        case certificateNotRequested
        /// The server answered with a TLS alert (`description` is the alert's code, e.g. 70 protocol_version).
        case alert(UInt8)
        /// What came back is not TLS; `start` is its first bytes, for the report.
        case notTLS(start: [UInt8])
        case closed
        case timedOut
        /// The handshake went past `maximumBytes`.
        case tooLarge
    }

    /// A server's whole first flight (hello, certificate chain, key exchange, request) fits well within this.
    static let maximumBytes = 256 << 10

    var timeoutSeconds: Int

    func probe(host: String, port: Int) -> Outcome {
        let deadline = Date().addingTimeInterval(Double(timeoutSeconds))
        guard let fd = connectedSocket(host: host, port: port, deadline: deadline) else { return .closed }
        defer { close(fd) }
        let hello = Self.clientHello()
        guard sendAll(fd, hello, deadline: deadline) else { return .closed }
        var parser = ServerFlightParser()
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            if let outcome = parser.outcome { return outcome }
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard remaining > 0, poll(&descriptor, 1, remaining) > 0 else { return .timedOut }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0, errno == EAGAIN || errno == EINTR { continue }
            guard count > 0 else { return parser.received.isEmpty ? .closed : (parser.outcomeAtEnd) }
            parser.feed(buffer[0..<count])
        }
    }

    /// A TLS 1.2 ClientHello offering the suites, groups and signature schemes common servers (Go, OpenSSL) accept.
    static func clientHello() -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        func u24(_ value: Int) -> [UInt8] { [UInt8(value >> 16 & 0xFF)] + u16(value) }
        func extensionBlock(_ type: Int, _ body: [UInt8]) -> [UInt8] { u16(type) + u16(body.count) + body }
        let suites: [Int] = [0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC009, 0xC013, 0xC00A, 0xC014, 0xC023, 0xC027,
                             0x009C, 0x009D, 0x002F, 0x0035, 0x003C]
        let groups: [Int] = [0x001D, 0x0017, 0x0018, 0x0019]
        let signatureSchemes: [Int] = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201]
        let groupList = groups.flatMap(u16)
        let schemeList = signatureSchemes.flatMap(u16)
        let extensions = extensionBlock(0x000A, u16(groupList.count) + groupList)     // supported_groups
            + extensionBlock(0x000B, [1, 0])                                             // ec_point_formats: uncompressed
            + extensionBlock(0x000D, u16(schemeList.count) + schemeList)                 // signature_algorithms
            + extensionBlock(0x0017, [])                                                 // extended_master_secret
            + extensionBlock(0xFF01, [0])                                                // renegotiation_info
        let suiteList = suites.flatMap(u16)
        let random = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let body = [3, 3] + random + [0] + u16(suiteList.count) + suiteList + [1, 0] + u16(extensions.count) + extensions
        let handshake = [1] + u24(body.count) + body
        return [22, 3, 1] + u16(handshake.count) + handshake
    }

    private func connectedSocket(host: String, port: Int, deadline: Date) -> Int32? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else { return nil }
        defer { freeaddrinfo(info) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard errno == EINPROGRESS, poll(&descriptor, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0,
                  getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else {
                close(fd)
                return nil
            }
        }
        return fd
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8], deadline: Date) -> Bool {
        var sent = 0
        while sent < bytes.count {
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            guard remaining > 0, poll(&descriptor, 1, remaining) > 0 else { return false }
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EAGAIN || errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }
}

/// The server's first flight, record by record and handshake message by handshake message, as bytes arrive.
struct ServerFlightParser {
    private(set) var received: [UInt8] = []
    private var recordOffset = 0
    private var handshake: [UInt8] = []
    private var messageOffset = 0
    private(set) var outcome: TLSHandshakeProbe.Outcome?

    /// What the bytes so far say when the server closes the connection.
    var outcomeAtEnd: TLSHandshakeProbe.Outcome { outcome ?? .closed }

    mutating func feed<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        guard outcome == nil else { return }
        guard received.count + bytes.count <= TLSHandshakeProbe.maximumBytes else {
            outcome = .tooLarge
            return
        }
        received += bytes
        readRecords()
    }

    private mutating func readRecords() {
        while outcome == nil, received.count - recordOffset >= 5 {
            let type = received[recordOffset], major = received[recordOffset + 1]
            guard (20...23).contains(type), major == 3 else {
                outcome = .notTLS(start: Array(received.prefix(16)))
                return
            }
            let length = Int(received[recordOffset + 3]) << 8 | Int(received[recordOffset + 4])
            guard received.count - recordOffset - 5 >= length else { return }
            let payload = received[(recordOffset + 5)..<(recordOffset + 5 + length)]
            recordOffset += 5 + length
            switch type {
            case 21:
                outcome = payload.count >= 2 ? .alert(payload[payload.startIndex + 1]) : .notTLS(start: Array(received.prefix(16)))
            case 22:
                handshake += payload
                readMessages()
            default:
                // Application data or a cipher change before ServerHelloDone: not a TLS 1.2 server flight.
                outcome = .notTLS(start: Array(received.prefix(16)))
            }
        }
    }

    private mutating func readMessages() {
        while outcome == nil, handshake.count - messageOffset >= 4 {
            let type = handshake[messageOffset]
            let length = Int(handshake[messageOffset + 1]) << 16 | Int(handshake[messageOffset + 2]) << 8 | Int(handshake[messageOffset + 3])
            guard handshake.count - messageOffset - 4 >= length else { return }
            messageOffset += 4 + length
            switch type {
            case 13: outcome = .certificateRequested
            case 14: outcome = .certificateNotRequested
            default: continue
            }
        }
    }
}
