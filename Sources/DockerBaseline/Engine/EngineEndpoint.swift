import Foundation

/// Where the engine listens and how to reach it: a unix socket, or TCP with or without TLS.
public struct EngineEndpoint: Sendable, Equatable, CustomStringConvertible {
    public enum Transport: Sendable, Equatable {
        case unix(path: String)
        case tcp(host: String, port: Int, tls: TLSSettings?)
        /// `ssh://[user@]host[:port]`, through `ssh … docker system dial-stdio`.
        case ssh(destination: String, port: Int?)
    }

    /// Client TLS as the docker CLI sets it up: verify the server with `ca`, present `cert`/`key` when given.
    public struct TLSSettings: Sendable, Equatable {
        public var verify: Bool
        public var ca: String?
        public var cert: String?
        public var key: String?

        public init(verify: Bool, ca: String? = nil, cert: String? = nil, key: String? = nil) {
            self.verify = verify
            self.ca = ca
            self.cert = cert
            self.key = key
        }
    }

    public var transport: Transport
    /// The context the endpoint came from, when it came from one.
    public var context: String?

    public static let defaultSocket = "/var/run/docker.sock"

    public init(socketPath: String) { transport = .unix(path: socketPath) }
    public init(transport: Transport, context: String? = nil) {
        self.transport = transport
        self.context = context
    }

    /// The unix socket, nil for a TCP engine.
    public var socketPath: String? {
        if case let .unix(path) = transport { return path }
        return nil
    }

    /// A unix socket is on this machine; a TCP engine is treated as remote, so this host's files are not its host's.
    public var isLocal: Bool { socketPath != nil }

    public var description: String {
        switch transport {
        case let .unix(path): return "unix://\(path)"
        case let .tcp(host, port, _): return "tcp://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        case let .ssh(destination, port): return "ssh://\(destination)\(port.map { ":\($0)" } ?? "")"
        }
    }

    /// What the user asked for on the command line; nil fields fall back as the docker CLI does.
    public struct Request: Sendable {
        public var host: String?
        public var context: String?
        public var tls: Bool = false
        public var tlsVerify: Bool = false
        public var tlsCACert: String?
        public var tlsCert: String?
        public var tlsKey: String?
        public init() {}
    }

    /// `--host`, then `--context`, then DOCKER_HOST, then DOCKER_CONTEXT, then the current context of
    /// ~/.docker/config.json, then the default socket: the docker CLI's order.
    public static func resolve(_ request: Request, environment: [String: String]) throws -> EngineEndpoint {
        if let host = request.host, !host.isEmpty {
            return try parse(host, tls: tlsSettings(request, environment: environment, certDirectory: nil), context: nil)
        }
        let configDirectory = environment["DOCKER_CONFIG"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.docker")
        let contextName: String?
        if let context = request.context {
            contextName = context
        } else if let host = environment["DOCKER_HOST"], !host.isEmpty {
            contextName = nil
        } else {
            contextName = environment["DOCKER_CONTEXT"] ?? currentContext(configDirectory)
        }
        if let name = contextName, name != "default" {
            return try contextEndpoint(name, configDirectory: configDirectory)
        }
        if let host = environment["DOCKER_HOST"], !host.isEmpty {
            return try parse(host, tls: tlsSettings(request, environment: environment, certDirectory: nil), context: nil)
        }
        return EngineEndpoint(socketPath: defaultSocket)
    }

    /// Kept for callers that only name a host.
    public static func resolve(host: String?, environment: [String: String]) throws -> EngineEndpoint {
        var request = Request()
        request.host = host
        return try resolve(request, environment: environment)
    }

    static func parse(_ value: String, tls: TLSSettings?, context: String?) throws -> EngineEndpoint {
        if value.hasPrefix("unix://") {
            let path = String(value.dropFirst("unix://".count))
            guard path.hasPrefix("/") else { throw EngineError.unsupportedHost(value, reason: "a unix socket path must be absolute") }
            return EngineEndpoint(transport: .unix(path: path), context: context)
        }
        if value.hasPrefix("/") { return EngineEndpoint(transport: .unix(path: value), context: context) }
        if value.hasPrefix("tcp://") {
            var address = String(value.dropFirst("tcp://".count))
            if let slash = address.firstIndex(of: "/") { address = String(address[..<slash]) }
            var host = address
            var port = tls == nil ? 2375 : 2376
            if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
                host = String(address[address.index(after: address.startIndex)..<close])
                let rest = address[address.index(after: close)...]
                if rest.hasPrefix(":"), let number = Int(rest.dropFirst()) { port = number }
            } else if let colon = address.lastIndex(of: ":") {
                host = String(address[..<colon])
                guard let number = Int(address[address.index(after: colon)...]) else {
                    throw EngineError.unsupportedHost(value, reason: "the port is not a number")
                }
                port = number
            }
            guard !host.isEmpty else { throw EngineError.unsupportedHost(value, reason: "no host name") }
            return EngineEndpoint(transport: .tcp(host: host, port: port, tls: tls), context: context)
        }
        if value.hasPrefix("ssh://") {
            var address = String(value.dropFirst("ssh://".count))
            if let slash = address.firstIndex(of: "/") { address = String(address[..<slash]) }
            var port: Int?
            if let colon = address.lastIndex(of: ":"), !address.hasSuffix("]") {
                guard let number = Int(address[address.index(after: colon)...]) else {
                    throw EngineError.unsupportedHost(value, reason: "the port is not a number")
                }
                port = number
                address = String(address[..<colon])
            }
            guard !address.isEmpty, !address.hasPrefix("-") else { throw EngineError.unsupportedHost(value, reason: "no host name") }
            return EngineEndpoint(transport: .ssh(destination: address, port: port), context: context)
        }
        throw EngineError.unsupportedHost(value, reason: "expected unix://PATH or tcp://HOST:PORT")
    }

    /// TLS from the flags, else DOCKER_TLS_VERIFY / DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem), as the docker CLI does.
    static func tlsSettings(_ request: Request, environment: [String: String], certDirectory: String?) -> TLSSettings? {
        let verifyFromEnvironment = !(environment["DOCKER_TLS_VERIFY"] ?? "").isEmpty
        let anyFlag = request.tls || request.tlsVerify || request.tlsCACert != nil || request.tlsCert != nil || request.tlsKey != nil
        guard anyFlag || verifyFromEnvironment || certDirectory != nil else { return nil }
        let directory = certDirectory ?? environment["DOCKER_CERT_PATH"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.docker")
        func file(_ explicit: String?, _ name: String) -> String? {
            if let explicit { return explicit }
            let path = "\(directory)/\(name)"
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        let verify = request.tlsVerify || verifyFromEnvironment || (certDirectory != nil && file(nil, "ca.pem") != nil)
        return TLSSettings(verify: verify, ca: file(request.tlsCACert, "ca.pem"), cert: file(request.tlsCert, "cert.pem"), key: file(request.tlsKey, "key.pem"))
    }

    static func currentContext(_ configDirectory: String) -> String? {
        guard let data = FileManager.default.contents(atPath: configDirectory + "/config.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["currentContext"] as? String
    }

    /// A context's docker endpoint from ~/.docker/contexts/meta/*/meta.json, with its TLS files from contexts/tls.
    static func contextEndpoint(_ name: String, configDirectory: String) throws -> EngineEndpoint {
        let metaDirectory = configDirectory + "/contexts/meta"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: metaDirectory)) ?? [] {
            guard let data = FileManager.default.contents(atPath: "\(metaDirectory)/\(entry)/meta.json"),
                  let meta = try? JSONSerialization.jsonObject(with: data) as? [String: Any], meta["Name"] as? String == name else { continue }
            guard let docker = (meta["Endpoints"] as? [String: Any])?["docker"] as? [String: Any], let host = docker["Host"] as? String else {
                throw EngineError.unsupportedHost("context \(name)", reason: "\(metaDirectory)/\(entry)/meta.json names no docker endpoint")
            }
            let tlsDirectory = "\(configDirectory)/contexts/tls/\(entry)/docker"
            var tls: TLSSettings?
            if FileManager.default.fileExists(atPath: tlsDirectory) {
                var request = Request()
                request.tls = true
                tls = tlsSettings(request, environment: [:], certDirectory: tlsDirectory)
                tls?.verify = !(docker["SkipTLSVerify"] as? Bool ?? false)
            }
            return try parse(host, tls: tls, context: name)
        }
        throw EngineError.unsupportedHost("context \(name)", reason: "no such context in \(metaDirectory)")
    }
}
