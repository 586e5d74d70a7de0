import Foundation

/// Applies a plan's host-level file changes under a host root, after timestamped backups. Never touches containers and
/// never restarts the daemon; returns what it did and how to undo it.
public struct PlanApplier {
    public var files: HostFiles
    public var timestamp: String
    /// Checks a proposed daemon.json; nil when this dockerd cannot (`dockerd --validate` appeared in Docker 23).
    public var validate: (String) -> String?

    public init(root: String, now: Date = Date(), validate: @escaping (String) -> String? = PlanApplier.dockerdValidate) {
        files = HostFiles(root: root)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        timestamp = formatter.string(from: now)
        self.validate = validate
    }

    public struct Outcome {
        public var done: [String] = []
        public var rollback: [String] = []
        public var skipped: [String] = []
    }

    public struct Refused: Error, CustomStringConvertible { public var description: String }

    public func apply(_ plan: HardeningPlan) throws -> Outcome {
        var outcome = Outcome()
        if !plan.daemonChanges.isEmpty {
            let target = files.real(plan.daemonConfigPath)
            let candidate = target + ".docker-baseline-\(timestamp).new"
            try plan.daemonConfigAfter.write(toFile: candidate, atomically: true, encoding: .utf8)
            if let problem = validate(candidate) {
                try? FileManager.default.removeItem(atPath: candidate)
                throw Refused(description: "the proposed \(plan.daemonConfigPath) did not validate (\(problem)); nothing was changed")
            }
            if FileManager.default.fileExists(atPath: target) {
                let backup = target + ".docker-baseline-\(timestamp).bak"
                try FileManager.default.copyItem(atPath: target, toPath: backup)
                outcome.rollback.append("cp -p \(backup) \(target)")
            } else {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                outcome.rollback.append("rm \(target)")
            }
            // Same directory, so rename(2) replaces the file atomically.
            guard rename(candidate, target) == 0 else { throw Refused(description: "cannot replace \(target): \(String(cString: strerror(errno)))") }
            outcome.done.append("wrote \(target) (\(plan.daemonChanges.count) change(s)); restart dockerd to apply")
        }
        if !plan.auditRules.isEmpty {
            let target = files.real(plan.auditRulesPath)
            if FileManager.default.fileExists(atPath: target) {
                let backup = target + ".docker-baseline-\(timestamp).bak"
                try FileManager.default.copyItem(atPath: target, toPath: backup)
                outcome.rollback.append("cp -p \(backup) \(target)")
            } else {
                outcome.rollback.append("rm \(target)")
            }
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try ("## written by docker-baseline harden \(timestamp)\n" + plan.auditRules.joined(separator: "\n") + "\n")
                .write(toFile: target, atomically: true, encoding: .utf8)
            outcome.done.append("wrote \(target); load it with augenrules --load")
        }
        let (users, groups) = files.accountNames()
        for change in plan.fileCommands {
            let target = files.real(change.path)
            var info = stat()
            guard stat(target, &info) == 0 else {
                outcome.skipped.append("\(change.path) is gone")
                continue
            }
            if let mode = change.mode {
                guard chmod(target, mode_t(mode)) == 0 else { throw Refused(description: "chmod \(change.path): \(String(cString: strerror(errno)))") }
                outcome.rollback.append("chmod \(String(Int(info.st_mode & 0o7777), radix: 8)) \(target)")
            } else if let owner = change.owner {
                guard let uid = users.first(where: { $0.value == owner.user })?.key, let gid = groups.first(where: { $0.value == owner.group })?.key else {
                    outcome.skipped.append("\(change.command): no \(owner.user) or \(owner.group) on this host")
                    continue
                }
                guard chown(target, uid_t(uid), gid_t(gid)) == 0 else { throw Refused(description: "chown \(change.path): \(String(cString: strerror(errno)))") }
                outcome.rollback.append("chown \(info.st_uid):\(info.st_gid) \(target)")
            }
            outcome.done.append(change.command)
        }
        return outcome
    }

    /// `dockerd --validate --config-file FILE` where that exists; nil when it passes or this dockerd cannot validate.
    public static func dockerdValidate(_ file: String) -> String? {
        guard let dockerd = ["/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/local/bin/dockerd"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dockerd)
        process.arguments = ["--validate", "--config-file", file]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 0 { return nil }
        // Docker before 23 has no --validate: it would try to start a daemon, so it is not run past the flag check.
        if text.contains("unknown flag: --validate") { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
