import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// Talks to the Docker Engine API over its unix socket. Read-only: it only ever sends GET requests.
public final class EngineClient: Sendable {
    /// The newest API version this tool knows; older engines are spoken to in their own version.
    public static let maximumAPIVersion = "1.47"
    /// The oldest API version whose answers carry every field the rules read.
    public static let minimumAPIVersion = "1.24"
    /// No single engine answer is read past this size.
    public static let answerLimit = 256 << 20

    public let endpoint: EngineEndpoint
    public let timeoutSeconds: Int
    private let http: HTTPClient
    /// For answers that never end (`/events`): no read timeout, since an idle engine sends nothing for hours.
    private let streamingHTTP: HTTPClient
    private let baseURL: String
    private let bridge: SSHBridge?

    /// A client for any endpoint; an `ssh://` one first starts its bridge.
    public static func connect(_ endpoint: EngineEndpoint, timeoutSeconds: Int = 30, environment: [String: String]) async throws -> EngineClient {
        guard case let .ssh(destination, port) = endpoint.transport else { return try EngineClient(endpoint: endpoint, timeoutSeconds: timeoutSeconds) }
        let command = shellWords(environment["DOCKER_BASELINE_SSH_COMMAND"] ?? "ssh")
        let bridge = try await SSHBridge(destination: destination, port: port, sshCommand: command.isEmpty ? ["ssh"] : command)
        return try EngineClient(endpoint: endpoint, timeoutSeconds: timeoutSeconds, bridge: bridge)
    }

    public convenience init(endpoint: EngineEndpoint, timeoutSeconds: Int = 30) throws {
        try self.init(endpoint: endpoint, timeoutSeconds: timeoutSeconds, bridge: nil)
    }

    private init(endpoint: EngineEndpoint, timeoutSeconds: Int, bridge: SSHBridge?) throws {
        self.endpoint = endpoint
        self.bridge = bridge
        self.timeoutSeconds = timeoutSeconds
        var configuration = HTTPClient.Configuration()
        if case let .tcp(_, _, tls?) = endpoint.transport {
            configuration.tlsConfiguration = try Self.tlsConfiguration(tls)
        }
        // `execute(timeout:)` bounds only the response head; the read timeout bounds a stalled body. A failed
        // connect is retried until the connect timeout, and a local socket connects at once or not at all.
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(Int64(timeoutSeconds)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 8
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var streaming = configuration
        streaming.timeout = .init(connect: .seconds(2), read: nil)
        streamingHTTP = HTTPClient(eventLoopGroupProvider: .singleton, configuration: streaming)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        switch endpoint.transport {
        case let .unix(path):
            baseURL = "http+unix://" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)
        case .ssh:
            let path = bridge?.socketPath ?? ""
            baseURL = "http+unix://" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)
        case let .tcp(host, port, tls):
            let name = host.contains(":") ? "[\(host)]" : host
            baseURL = "\(tls == nil ? "http" : "https")://\(name):\(port)"
        }
    }

    /// The docker CLI's client TLS: the CA verifies the server (unless verification is off), cert and key identify us.
    static func tlsConfiguration(_ tls: EngineEndpoint.TLSSettings) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !tls.verify {
            configuration.certificateVerification = .none
        } else if let ca = tls.ca {
            // The chain against the CA and the name (or IP address) we reach the engine by, as the docker CLI does.
            configuration.trustRoots = .file(ca)
            configuration.certificateVerification = .fullVerification
        }
        do {
            if let cert = tls.cert, let key = tls.key {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
                configuration.privateKey = .file(key)
            }
        } catch {
            throw EngineError.unsupportedHost("TLS client certificate \(tls.cert ?? "")", reason: "cannot read it: \(error)")
        }
        return configuration
    }

    public func shutdown() async {
        try? await http.shutdown()
        try? await streamingHTTP.shutdown()
        await bridge?.close()
    }

    /// Checks a unix socket can be reached before the first request, for a clearer message than a connect error.
    public func checkSocket() throws {
        guard let path = endpoint.socketPath else { return }
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == EACCES { throw EngineError.permissionDenied(path) }
            throw EngineError.socketMissing(path)
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw EngineError.notAnswering(endpoint: path, detail: "\(path) is not a socket")
        }
        guard access(path, R_OK | W_OK) == 0 else { throw EngineError.permissionDenied(path) }
    }

    /// The API version both sides speak, from the `Api-Version` header of `GET /_ping` (half a millisecond, where
    /// `/version` takes several), else from `GET /version`.
    public func negotiate() async throws -> String {
        let (_, headers) = try await getWithHeaders("/_ping")
        var engineVersion = headers.first(name: "Api-Version")
        if engineVersion == nil {
            engineVersion = try await get("/version", as: EngineVersion.self).apiVersion
        }
        let offered = engineVersion ?? Self.minimumAPIVersion
        if DottedNumbers.ascending(offered, Self.minimumAPIVersion) {
            throw EngineError.unsupportedAPIVersion(engine: offered, minimum: Self.minimumAPIVersion)
        }
        return DottedNumbers.ascending(offered, Self.maximumAPIVersion) ? offered : Self.maximumAPIVersion
    }

    /// GET `path` and decode the JSON answer as `T`.
    public func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        let data = try await get(path)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw EngineError.unexpectedAnswer(endpoint: "GET \(path)", detail: "not the JSON expected (\(describe(decodingError: error)))")
        }
    }

    /// GET `path` and return the body of a 2xx answer.
    public func get(_ path: String) async throws -> Data {
        try await getWithHeaders(path).body
    }

    /// GET `path` and return the body and headers of a 2xx answer.
    public func getWithHeaders(_ path: String) async throws -> (body: Data, headers: HTTPHeaders) {
        let name = "GET \(path)"
        let request = getRequest(path)
        do {
            let response = try await http.execute(request, timeout: .seconds(Int64(timeoutSeconds)))
            let body = try await response.body.collect(upTo: Self.answerLimit)
            let data = Data(body.readableBytesView)
            guard (200..<300).contains(response.status.code) else {
                throw EngineError.httpStatus(endpoint: name, status: Int(response.status.code), message: engineMessage(data))
            }
            return (data, response.headers)
        } catch let error as EngineError {
            throw error
        } catch {
            throw translate(error, endpoint: name)
        }
    }

    private func getRequest(_ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .GET
        // Over a unix socket async-http-client sends no Host header, and dockerd answers 400 without one.
        request.headers.add(name: "Host", value: "docker")
        request.headers.add(name: "User-Agent", value: "docker-baseline/\(ToolInfo.current.version)")
        return request
    }

    /// Throws the engine's own message (read up to 1 MiB) for an answer that is not 2xx.
    private func requireSuccess(_ response: HTTPClientResponse, endpoint: String) async throws {
        guard !(200..<300).contains(response.status.code) else { return }
        let body = try await response.body.collect(upTo: 1 << 20)
        throw EngineError.httpStatus(endpoint: endpoint, status: Int(response.status.code), message: engineMessage(Data(body.readableBytesView)))
    }

    /// GET `path` and hand the body of a 2xx answer to `consume` piece by piece, as it arrives. The body is never
    /// gathered: the response's async sequence reads from the socket only as pieces are consumed (back-pressure), so
    /// at most a few pieces are buffered whatever the answer's size. An error thrown by `consume` ends the request
    /// and is rethrown as it is.
    public func stream(_ path: String, _ consume: (UnsafeRawBufferPointer) throws -> Void) async throws {
        struct ConsumerError: Error { let error: Error }
        let name = "GET \(path)"
        let request = getRequest(path)
        do {
            let response = try await http.execute(request, timeout: .seconds(Int64(timeoutSeconds)))
            try await requireSuccess(response, endpoint: name)
            for try await piece in response.body {
                do { try piece.withUnsafeReadableBytes { try consume($0) } } catch { throw ConsumerError(error: error) }
            }
        } catch let error as ConsumerError {
            throw error.error
        } catch let error as EngineError {
            throw error
        } catch {
            throw translate(error, endpoint: name)
        }
    }

    /// GET `path`, an answer that does not end by itself (`/events`), handing each piece to `consume` as it
    /// arrives. Only the answer's head is bounded by the timeout; the body may stay idle for ever. Returns when the
    /// engine ends the answer (it stopped, or `until` was reached); a lost connection throws. Cancelling the calling
    /// task closes the connection.
    public func follow(_ path: String, connected: () async -> Void = {}, _ consume: (ByteBuffer) async throws -> Void) async throws {
        struct ConsumerError: Error { let error: Error }
        let name = "GET \(path)"
        let request = getRequest(path)
        do {
            let response = try await streamingHTTP.execute(request, timeout: .seconds(Int64(timeoutSeconds)))
            try await requireSuccess(response, endpoint: name)
            await connected()
            for try await piece in response.body {
                do { try await consume(piece) } catch { throw ConsumerError(error: error) }
            }
        } catch let error as ConsumerError {
            throw error.error
        } catch let error as EngineError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw translate(error, endpoint: name)
        }
    }

    private func translate(_ error: Error, endpoint name: String) -> EngineError {
        if let error = error as? HTTPClientError {
            switch error {
            case .readTimeout, .deadlineExceeded, .connectTimeout:
                return .timedOut(endpoint: name, seconds: timeoutSeconds)
            default:
                break
            }
        }
        if error is NIOTooManyBytesError { return .answerTooLarge(endpoint: name, limit: Self.answerLimit) }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ENOENT: return .socketMissing(endpoint.socketPath ?? endpoint.description)
            case EACCES, EPERM: return .permissionDenied(endpoint.socketPath ?? endpoint.description)
            case ECONNREFUSED: return .notAnswering(endpoint: endpoint.description, detail: "connection refused (is dockerd running?)")
            default: break
            }
        }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") {
            return .notAnswering(endpoint: endpoint.description, detail: "connection refused (is dockerd running?)")
        }
        if text.contains("No such file"), let path = endpoint.socketPath { return .socketMissing(path) }
        if error is NIOSSLError || text.contains("handshake") || text.contains("SSL") {
            return .notAnswering(endpoint: endpoint.description, detail: "TLS with the engine failed (\(text.prefix(200)))")
        }
        return .notAnswering(endpoint: endpoint.description, detail: "\(name) failed: \(text)")
    }
}

/// The engine's `{"message": "…"}` error body, else the start of the body.
private func engineMessage(_ data: Data) -> String {
    struct Message: Decodable { let message: String }
    if let message = try? JSONDecoder().decode(Message.self, from: data) { return message.message }
    let text = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? "(empty body)" : text
}

/// A one-line account of a decoding error: which key, what was wrong.
func describe(decodingError error: Error) -> String {
    guard let error = error as? DecodingError else { return String(describing: error) }
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return keys.isEmpty ? "top level" : keys.joined(separator: ".")
    }
    switch error {
    case let .typeMismatch(type, context): return "\(path(context)): expected \(type)"
    case let .valueNotFound(type, context): return "\(path(context)): missing \(type) value"
    case let .keyNotFound(key, context): return "\(path(context)): missing key \(key.stringValue)"
    case let .dataCorrupted(context): return "\(path(context)): \(context.debugDescription)"
    @unknown default: return String(describing: error)
    }
}

/// Runs `transform` over `items` with at most `limit` in flight, keeping the input order.
func boundedMap<Item: Sendable, Output: Sendable>(
    _ items: [Item], limit: Int, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil,
    _ transform: @escaping @Sendable (Item) async throws -> Output
) async throws -> [Output] {
    try await withThrowingTaskGroup(of: (Int, Output).self) { group in
        var outputs = [Output?](repeating: nil, count: items.count)
        var next = 0
        func addNext() {
            guard next < items.count else { return }
            let index = next
            let item = items[index]
            group.addTask { (index, try await transform(item)) }
            next += 1
        }
        for _ in 0..<min(limit, items.count) { addNext() }
        var done = 0
        while let (index, output) = try await group.next() {
            outputs[index] = output
            done += 1
            progress?(done, items.count)
            addNext()
        }
        return outputs.map { $0! }
    }
}
