import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// What a Docker API endpoint does with a client that has no credentials.
public enum APIProbeOutcome: Sendable, Equatable {
    /// Answered `GET /version`: anyone who reaches it controls the engine.
    case unauthenticated(tls: Bool, engineVersion: String?, apiVersion: String?)
    /// A TLS endpoint that asked for a client certificate in its handshake and refused a client without one.
    case requiresClientCertificate(String)
    /// Something answered, but not as the Docker API.
    case notDocker(String)
    /// Something listens, but neither its HTTP answer nor its TLS handshake says what it is: never taken for a
    /// protected API.
    case unknownService(String)
    /// Connection refused.
    case closed
    /// Nothing answered in time (filtered, or a silent listener).
    case noAnswer(String)

    public var description: String {
        switch self {
        case let .unauthenticated(tls, _, _): return "answered GET /version \(tls ? "over TLS to a client without a certificate" : "over plain HTTP without authentication")"
        case let .requiresClientCertificate(detail): return "refused a client without a certificate (\(detail))"
        case let .notDocker(detail): return detail
        case let .unknownService(detail): return "unknown service, not recognised as a Docker API: \(detail)"
        case .closed: return "closed"
        case let .noAnswer(detail): return detail
        }
    }
}

/// Asks `GET /version` the way an attacker would: without credentials, in plain HTTP, then over TLS without a client
/// certificate. A TLS failure counts as "requires a client certificate" only when the server's own handshake asked
/// for one (a `CertificateRequest`, or TLS 1.3's certificate_required alert). Every step is bounded: a deadline per
/// step, at most `maximumHeadBytes` of headers and `maximumBodyBytes` of body. Callers decide where it may connect.
public struct APIProbe: Sendable {
    public var timeoutSeconds: Int64
    /// More of an answer than this is not read: a Docker API's `/version` is under 1 KiB.
    public static let maximumBodyBytes = 64 << 10

    public init(timeoutSeconds: Int64 = 3) { self.timeoutSeconds = timeoutSeconds }

    public func probe(host: String, port: Int) async -> APIProbeOutcome {
        // One plain connect first: the HTTP client retries a refused connection until its timeout.
        switch tcpConnect(host: host, port: port, timeoutSeconds: Int(timeoutSeconds)) {
        case .refused: return .closed
        case .timedOut: return .noAnswer("no answer to connect within \(timeoutSeconds)s")
        case .open: break
        }
        let address = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let url = "\(address):\(port)/version"
        let plainFailure: String
        switch await get("http://\(url)", tls: false) {
        case let .answered(status, body):
            if let outcome = Self.judgeAnswer(status: status, body: body, tls: false) { return outcome }
            plainFailure = "plain HTTP answered \(status) asking for HTTPS"
        case .refused:
            return .closed
        case let .timedOut(what):
            return .noAnswer("no answer within \(timeoutSeconds)s (\(what))")
        case let .failed(reason):
            plainFailure = reason  // A TLS-only server may just close a plain connection.
        }
        let tlsFailure: String
        switch await get("https://\(url)", tls: true) {
        case let .answered(status, body):
            return Self.judgeAnswer(status: status, body: body, tls: true) ?? .notDocker("answered HTTP \(status) over TLS, not as a Docker API")
        case .refused:
            return .closed
        case let .timedOut(what):
            tlsFailure = "no answer within \(timeoutSeconds)s over TLS (\(what))"
        case let .failed(reason):
            tlsFailure = reason
        }
        let handshake = TLSHandshakeProbe(timeoutSeconds: Int(timeoutSeconds)).probe(host: host, port: port)
        return Self.judgeTLSFailure(tlsFailure, handshake: handshake, plainFailure: plainFailure)
    }

    /// An HTTP answer: the engine's `/version`, or something else (nil for a plain answer that asks for HTTPS).
    static func judgeAnswer(status: Int, body: Data, tls: Bool) -> APIProbeOutcome? {
        if status == 200, let version = try? JSONDecoder().decode(EngineVersion.self, from: body), version.apiVersion != nil {
            return .unauthenticated(tls: tls, engineVersion: version.version, apiVersion: version.apiVersion)
        }
        if !tls, String(decoding: body, as: UTF8.self).contains("HTTPS") { return nil }
        return .notDocker("answered HTTP \(status)\(tls ? " over TLS" : ""), not as a Docker API")
    }

    /// Why GET /version over TLS failed, judged from what the server's handshake showed.
    static func judgeTLSFailure(_ failure: String, handshake: TLSHandshakeProbe.Outcome, plainFailure: String) -> APIProbeOutcome {
        // BoringSSL names TLS 1.3's certificate_required alert (116), sent only to a client that gave no certificate.
        if failure.contains("CERTIFICATE_REQUIRED") { return .requiresClientCertificate("the server answered certificate_required: \(failure)") }
        switch handshake {
        case .certificateRequested:
            return .requiresClientCertificate("its TLS handshake asked for a client certificate; without one: \(failure)")
        case .certificateNotRequested:
            return .unknownService("a TLS server that does not ask for a client certificate, and GET /version over TLS failed: \(failure)")
        case let .alert(code):
            return .unknownService("TLS handshake refused with alert \(code); GET /version over TLS failed: \(failure)")
        case let .notTLS(start):
            let printable = String(decoding: start.map { (32...126).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
            return .unknownService("answers neither HTTP nor TLS (it sent \"\(printable)…\"); plain HTTP: \(plainFailure)")
        case .closed:
            return .unknownService("closed the connection without a TLS handshake; plain HTTP: \(plainFailure)")
        case .timedOut:
            return .unknownService("no TLS handshake within the timeout; plain HTTP: \(plainFailure)")
        case .tooLarge:
            return .unknownService("TLS handshake over \(TLSHandshakeProbe.maximumBytes / 1024) KiB")
        }
    }

    private enum Outcome {
        case answered(Int, Data)
        case refused
        case timedOut(String)
        case failed(String)
    }

    /// One GET, whole within the timeout: a server that trickles bytes or never ends its body is cut at the deadline.
    private func get(_ url: String, tls: Bool) async -> Outcome {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(timeoutSeconds), read: .seconds(timeoutSeconds))
        if tls {
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .none
            configuration.tlsConfiguration = settings
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let seconds = timeoutSeconds
        let outcome = await withTaskGroup(of: Outcome?.self) { group -> Outcome in
            group.addTask { await Self.request(url, with: client, timeoutSeconds: seconds) }
            group.addTask {
                // A backstop: `request` itself stops reading a body at the deadline.
                try? await Task.sleep(nanoseconds: UInt64(seconds) * 2_000_000_000 + 1_000_000_000)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .timedOut("the answer did not end within \(seconds)s")
        }
        try? await client.shutdown()
        return outcome
    }

    private static func request(_ url: String, with client: HTTPClient, timeoutSeconds: Int64) async -> Outcome {
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "docker-baseline/\(ToolInfo.current.version) (api probe)")
            let deadline = Date().addingTimeInterval(Double(timeoutSeconds))
            let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
            var body = Data()
            for try await piece in response.body {
                body.append(contentsOf: piece.readableBytesView.prefix(maximumBodyBytes - body.count))
                if body.count >= maximumBodyBytes || Date() > deadline { break }
            }
            return .answered(Int(response.status.code), body)
        } catch let error as HTTPClientError where [.connectTimeout, .readTimeout, .deadlineExceeded].contains(error) {
            return .timedOut(String(describing: error))
        } catch {
            let text = String(describing: error)
            return text.contains("connectionRefused") || text.contains("Connection refused") ? .refused : .failed(String(text.prefix(240)))
        }
    }
}

/// Probes the daemon's own TCP listeners for 2.7. Only loopback addresses are contacted: a listener on all interfaces
/// is reached through 127.0.0.1 or ::1, and one bound to another address only is left unprobed.
struct ListenerProbe {
    var probe = APIProbe()

    func probe(_ listeners: [Listener]) async -> [Listener] {
        var probed: [Listener] = []
        for listener in listeners { probed.append(await probe(listener)) }
        return probed
    }

    /// The loopback address that reaches a listener, nil when it is bound elsewhere only.
    static func loopbackAddress(for address: String) -> String? {
        switch address {
        case "0.0.0.0": return "127.0.0.1"
        case "::", "::1": return "::1"
        case let ip where ip.hasPrefix("127."): return ip
        default: return nil
        }
    }

    func probe(_ listener: Listener) async -> Listener {
        var result = listener
        guard let address = Self.loopbackAddress(for: listener.address) else {
            result.probe = "not probed: bound to \(listener.address) only (this tool contacts loopback addresses only)"
            return result
        }
        let outcome = await probe.probe(host: address, port: listener.port)
        result.probe = outcome.description
        switch outcome {
        case let .unauthenticated(_, version, _):
            result.unauthenticated = true
            result.answeredVersion = version
        case .requiresClientCertificate, .notDocker:
            result.unauthenticated = false
        case .unknownService, .closed, .noAnswer:
            break
        }
        return result
    }
}

enum ConnectResult { case open, refused, timedOut }

/// A non-blocking TCP connect with a deadline, then closed: whether anything listens at host:port.
func tcpConnect(host: String, port: Int, timeoutSeconds: Int) -> ConnectResult {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_NUMERICHOST
    var result: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else { return .refused }
    defer { freeaddrinfo(info) }
    let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return .refused }
    defer { close(fd) }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return .open }
    guard errno == EINPROGRESS else { return .refused }
    var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
    guard poll(&descriptor, 1, Int32(timeoutSeconds * 1000)) > 0 else { return .timedOut }
    var error: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
    return error == 0 ? .open : (error == ECONNREFUSED ? .refused : .timedOut)
}
