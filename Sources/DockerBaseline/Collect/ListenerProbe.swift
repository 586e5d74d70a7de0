import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Asks each TCP listener of the daemon for `GET /version` the way an attacker would: without credentials, first in
/// plain HTTP, then over TLS without a client certificate. Only loopback addresses are contacted: a listener on all
/// interfaces is reached through 127.0.0.1 or ::1, and one bound to another address only is left unprobed.
struct ListenerProbe {
    var timeoutSeconds: Int64 = 3

    func probe(_ listeners: [Listener]) async -> [Listener] {
        var probed: [Listener] = []
        for listener in listeners { probed.append(await probe(listener)) }
        return probed
    }

    /// The loopback address that reaches a listener, nil when it is bound elsewhere only.
    static func loopbackAddress(for address: String) -> String? {
        switch address {
        case "0.0.0.0": return "127.0.0.1"
        case "::", "::1": return "[::1]"
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
        let url = "\(address):\(listener.port)/version"
        switch await get("http://\(url)", verifyNothing: false) {
        case let .answered(status, body):
            if status == 200, let version = try? JSONDecoder().decode(EngineVersion.self, from: body), version.apiVersion != nil {
                result.probe = "answered GET /version over plain HTTP without authentication"
                result.unauthenticated = true
                result.answeredVersion = version.version
                return result
            }
            guard String(decoding: body, as: UTF8.self).contains("HTTPS") else {
                result.probe = "answered HTTP \(status), not as a Docker API"
                result.unauthenticated = false
                return result
            }
        case .failed:
            break  // A TLS-only server may just close a plain connection.
        }
        switch await get("https://\(url)", verifyNothing: true) {
        case let .answered(status, body):
            if status == 200, let version = try? JSONDecoder().decode(EngineVersion.self, from: body) {
                result.probe = "answered GET /version over TLS to a client without a certificate"
                result.unauthenticated = true
                result.answeredVersion = version.version
            } else {
                result.probe = "answered HTTP \(status) over TLS to a client without a certificate"
                result.unauthenticated = status < 400
            }
        case let .failed(reason):
            result.probe = "refused a client without a certificate (\(reason))"
            result.unauthenticated = false
        }
        return result
    }

    private enum Outcome {
        case answered(Int, Data)
        case failed(String)
    }

    private func get(_ url: String, verifyNothing: Bool) async -> Outcome {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(timeoutSeconds), read: .seconds(timeoutSeconds))
        if verifyNothing {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            configuration.tlsConfiguration = tls
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { Task { try? await client.shutdown() } }
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "docker-baseline/\(ToolInfo.current.version) (listener probe)")
            let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
            let body = try await response.body.collect(upTo: 1 << 20)
            return .answered(Int(response.status.code), Data(body.readableBytesView))
        } catch {
            return .failed(String(describing: error).prefix(160).description)
        }
    }
}
