/// Why the engine could not be audited. Each prints as one line that names what failed.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    case unsupportedHost(String, reason: String)
    case socketMissing(String)
    case permissionDenied(String)
    /// The socket exists but nothing answers on it, or the connection broke.
    case notAnswering(endpoint: String, detail: String)
    case timedOut(endpoint: String, seconds: Int)
    /// The engine answered with an HTTP error status.
    case httpStatus(endpoint: String, status: Int, message: String)
    /// The answer was not the JSON expected from that endpoint.
    case unexpectedAnswer(endpoint: String, detail: String)
    case answerTooLarge(endpoint: String, limit: Int)
    case unsupportedAPIVersion(engine: String, minimum: String)

    public var description: String {
        switch self {
        case let .unsupportedHost(host, reason):
            "cannot use engine address \(host): \(reason)"
        case let .socketMissing(path):
            "Docker engine socket \(path) does not exist: is dockerd running? (set DOCKER_HOST or --host for another socket)"
        case let .permissionDenied(path):
            "permission denied on Docker engine socket \(path): run as root or as a member of the socket's group (usually `docker`)"
        case let .notAnswering(endpoint, detail):
            "Docker engine not answering on \(endpoint): \(detail)"
        case let .timedOut(endpoint, seconds):
            "Docker engine did not answer \(endpoint) within \(seconds)s"
        case let .httpStatus(endpoint, status, message):
            "Docker engine answered \(endpoint) with HTTP \(status): \(message)"
        case let .unexpectedAnswer(endpoint, detail):
            "unexpected answer from Docker engine \(endpoint): \(detail)"
        case let .answerTooLarge(endpoint, limit):
            "answer from Docker engine \(endpoint) is larger than \(limit / (1 << 20)) MiB; refusing to read it"
        case let .unsupportedAPIVersion(engine, minimum):
            "Docker engine API \(engine) is older than the oldest this tool speaks (\(minimum))"
        }
    }

    /// The engine is not there at all (no socket, or nothing listening on it), as opposed to answering badly.
    public var isEngineDown: Bool {
        switch self {
        case .socketMissing: return true
        case let .notAnswering(_, detail): return detail.contains("connection refused")
        default: return false
        }
    }

    /// A 404 answer: the object is gone (e.g. a container removed between list and inspect).
    public var isNotFound: Bool {
        if case let .httpStatus(_, status, _) = self { return status == 404 }
        return false
    }
}
