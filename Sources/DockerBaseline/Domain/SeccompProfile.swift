import Foundation

/// A custom seccomp profile's text, or why it could not be had: the engine keeps a container's profile inline in its
/// `SecurityOpt` (`seccomp={…}`); the daemon's and a Compose file's are files.
/// Stored in snapshots as `{"json": "…"}` or `{"unreadable": "why"}`.
public enum SeccompProfileText: Sendable, Equatable, Codable {
    case json(String)
    case unreadable(String)

    private enum CodingKeys: String, CodingKey { case json, unreadable }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try container.decodeIfPresent(String.self, forKey: .json) {
            self = .json(text)
        } else {
            self = .unreadable(try container.decode(String.self, forKey: .unreadable))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .json(text): try container.encode(text, forKey: .json)
        case let .unreadable(why): try container.encode(why, forKey: .unreadable)
        }
    }
}

/// What of a seccomp profile (moby's JSON format) matters to an escape: what the default action does, and which
/// syscalls it lets through unconditionally.
struct SeccompProfile: Equatable {
    /// Syscalls Docker's default profile never allows without a capability that grants them (`includes.caps`):
    /// each one opens a known path out of the container.
    static let blockedByDocker: Set<String> = [
        "mount", "umount", "umount2", "unshare", "setns", "pivot_root", "kexec_load", "kexec_file_load", "init_module",
        "finit_module", "delete_module", "open_by_handle_at", "bpf", "perf_event_open", "keyctl", "add_key", "request_key",
        "swapon", "swapoff", "reboot", "userfaultfd", "iopl", "ioperm",
    ]
    /// Actions that let the syscall run.
    static let allowing: Set<String> = ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG"]

    struct Problem: Error, CustomStringConvertible { var description: String }

    var defaultAction: String
    /// Syscalls allowed with no argument filter and no capability or kernel condition.
    var unconditionallyAllowed: Set<String>

    init(json text: String) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw Problem(description: "not a JSON object")
        }
        guard let action = object["defaultAction"] as? String else { throw Problem(description: "no defaultAction") }
        defaultAction = action
        var allowed = Set<String>()
        for rule in object["syscalls"] as? [[String: Any]] ?? [] {
            guard let ruleAction = rule["action"] as? String, Self.allowing.contains(ruleAction) else { continue }
            let arguments = rule["args"] as? [Any] ?? []
            let includes = rule["includes"] as? [String: Any] ?? [:]
            // Docker's own profile grants mount, bpf, … only to containers holding the capability: not unconditional.
            guard arguments.isEmpty, (includes["caps"] as? [Any] ?? []).isEmpty, includes["minKernel"] == nil else { continue }
            let names = (rule["names"] as? [String] ?? []) + [rule["name"] as? String].compactMap { $0 }
            allowed.formUnion(names)
        }
        unconditionallyAllowed = allowed
    }

    /// The default action lets every syscall the profile does not name run.
    var allowsByDefault: Bool { Self.allowing.contains(defaultAction) }

    /// The syscalls Docker blocks that this profile lets through.
    var loosened: [String] {
        allowsByDefault ? [] : unconditionallyAllowed.intersection(Self.blockedByDocker).sorted()
    }
}
