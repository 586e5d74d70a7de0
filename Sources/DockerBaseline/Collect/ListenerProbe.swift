import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// What a Docker API endpoint does with a client that has no credentials.
public enum APIProbeOutcome: Sendable, Equatable {
    /// Answered `GET /version`: anyone who reaches it controls the engine.
    case unauthenticated(tls: Bool, engineVersion: String?, apiVersion: String?)
    /// A TLS endpoint that refused a client without a certificate.
    case requiresClientCertificate(String)
    /// Something answered, but not as the Docker API.
    case notDocker(String)
    /// Connection refused.
    case closed
    /// Nothing answered in time (filtered, or a silent listener).
    case noAnswer(String)

    public var description: String {
        switch self {
        case let .unauthenticated(tls, _, _): return "answered GET /version \(tls ? "over TLS to a client without a certificate" : "over plain HTTP without authentication")"
        case let .requiresClientCertificate(detail): return "refused a client without a certificate (\(detail))"
        case let .notDocker(detail): return detail
        case .closed: return "closed"
        case let .noAnswer(detail): return detail
        }
    }
}

/// Asks `GET /version` the way an attacker would: without credentials, in plain HTTP, then over TLS without a client
/// certificate. Callers decide where it may connect.
public struct APIProbe: Sendable {
    public var timeoutSeconds: Int64

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
        switch await get("http://\(url)", tls: false) {
        case let .answered(status, body):
            if status == 200, let version = try? JSONDecoder().decode(EngineVersion.self, from: body), version.apiVersion != nil {
                return .unauthenticated(tls: false, engineVersion: version.version, apiVersion: version.apiVersion)
            }
            guard String(decoding: body, as: UTF8.self).contains("HTTPS") else { return .notDocker("answered HTTP \(status), not as a Docker API") }
        case .refused:
            return .closed
        case let .timedOut(what):
            return .noAnswer("no answer within \(timeoutSeconds)s (\(what))")
        case .failed:
            break  // A TLS-only server may just close a plain connection.
        }
        switch await get("https://\(url)", tls: true) {
        case let .answered(status, body):
            if status == 200, let version = try? JSONDecoder().decode(EngineVersion.self, from: body), version.apiVersion != nil {
                return .unauthenticated(tls: true, engineVersion: version.version, apiVersion: version.apiVersion)
            }
            return .notDocker("answered HTTP \(status) over TLS, not as a Docker API")
        case let .failed(reason):
            return .requiresClientCertificate(reason)
        case .refused:
            return .closed
        case let .timedOut(what):
            return .noAnswer("no answer within \(timeoutSeconds)s over TLS (\(what))")
        }
    }

    private enum Outcome {
        case answered(Int, Data)
        case refused
        case timedOut(String)
        case failed(String)
    }

    private func get(_ url: String, tls: Bool) async -> Outcome {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(timeoutSeconds), read: .seconds(timeoutSeconds))
        if tls {
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .none
            configuration.tlsConfiguration = settings
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let outcome: Outcome
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "docker-baseline/\(ToolInfo.current.version) (api probe)")
            let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
            let body = try await response.body.collect(upTo: 1 << 20)
            outcome = .answered(Int(response.status.code), Data(body.readableBytesView))
        } catch let error as HTTPClientError where [.connectTimeout, .readTimeout, .deadlineExceeded].contains(error) {
            outcome = .timedOut(String(describing: error))
        } catch {
            let text = String(describing: error)
            outcome = text.contains("connectionRefused") || text.contains("Connection refused") ? .refused : .failed(String(text.prefix(160)))
        }
        try? await client.shutdown()
        return outcome
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
        case .closed, .noAnswer:
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
