import DockerBaseline
import Foundation

/// The policy file named by --config, else ./.docker-baseline.yaml when present, else the default policy; a file
/// with a mistake is exit 2.
func loadPolicy(_ config: String?) throws -> AuditPolicy {
    var policy = AuditPolicy()
    guard let path = config ?? (FileManager.default.fileExists(atPath: ".docker-baseline.yaml") ? ".docker-baseline.yaml" : nil) else { return policy }
    do { try PolicyFile.load(path, into: &policy) } catch { throw UsageProblem(description: String(describing: error)) }
    return policy
}

/// The values of `flag` (`--include`, `--exclude`) as selectors; an unknown numbering prefix is a usage error naming the flag.
func selectors(_ values: [String], flag: String) throws -> [RuleSelector] {
    do { return try values.map(RuleSelector.init) } catch { throw UsageProblem(description: "\(flag) \(error)") }
}
