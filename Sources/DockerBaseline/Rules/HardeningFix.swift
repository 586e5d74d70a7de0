/// The concrete change that fixes a failing rule, carried by the rule it fixes; `harden` turns a report's failures into
/// a plan from these (`HardeningPlan`).
public enum HardeningFix: Sendable, Equatable {
    /// daemon.json keys to set; a nil value removes the key.
    case daemonSettings([DaemonSettingChange])
    /// `docker run` flags to add or remove, and the Compose keys that do the same.
    case containerFlags(run: String, compose: String)
    /// An audit rule watching the failing file (`-w PATH -p wa -k docker`).
    case auditWatch
    /// Permission bits to keep (`chmod`): the file's mode masked by these.
    case fileMode(Int)
    case fileOwner(user: String, group: String)
}

/// One daemon.json key and the value that fixes it.
public struct DaemonSettingChange: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case bool(Bool), string(String), object([String: String])

        /// For JSONSerialization.
        var json: Any {
            switch self {
            case let .bool(value): value
            case let .string(value): value
            case let .object(value): value
            }
        }
    }

    public var key: String
    /// nil: remove the key.
    public var value: Value?

    public init(_ key: String, _ value: Value?) {
        self.key = key
        self.value = value
    }
}

extension RuleMetadata {
    /// The metadata of a rule `fix` hardens.
    func fixed(by fix: HardeningFix) -> RuleMetadata {
        var metadata = self
        metadata.hardening = fix
        return metadata
    }
}
