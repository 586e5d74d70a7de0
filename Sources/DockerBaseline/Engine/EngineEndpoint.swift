import Foundation

/// Where the engine listens. Only unix sockets for now; `tcp://` and `ssh://` are refused with a clear error.
public struct EngineEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var socketPath: String

    public static let defaultSocket = "/var/run/docker.sock"

    public init(socketPath: String) { self.socketPath = socketPath }

    /// From `--host`, else `DOCKER_HOST`, else the default socket.
    public static func resolve(host: String?, environment: [String: String]) throws -> EngineEndpoint {
        guard let value = host ?? environment["DOCKER_HOST"], !value.isEmpty else {
            return EngineEndpoint(socketPath: defaultSocket)
        }
        if value.hasPrefix("unix://") {
            let path = String(value.dropFirst("unix://".count))
            guard path.hasPrefix("/") else { throw EngineError.unsupportedHost(value, reason: "a unix socket path must be absolute") }
            return EngineEndpoint(socketPath: path)
        }
        if value.hasPrefix("/") { return EngineEndpoint(socketPath: value) }
        throw EngineError.unsupportedHost(value, reason: "only unix:// sockets are supported so far (tcp:// and ssh:// are planned)")
    }

    public var description: String { "unix://\(socketPath)" }
}
