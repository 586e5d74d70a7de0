import Foundation
import Yams

/// `.docker-baseline.yaml`: the policy an organisation keeps next to its pipelines.
///
///     benchmark: cis-1.6            # cis-1.6 | cis-1.8 | cis-ce-1.1
///     profile: baseline-basic       # cis-level1 | cis-level2 | baseline-basic | baseline-enhanced
///     include: ["5.*"]              # rule ids, sections, globs, CIS ids: bare in the benchmark's numbering,
///                                   # else prefixed (cis-1.6:5.4, cis-ce:5.4, cis-1.8:2.8)
///     exclude: [container.ulimits]
///     waivers:
///       - rule: container.privileged
///         target: legacy-*          # target name glob, default *
///         reason: vendor appliance, replaced in Q3   # required
///         expires: 2027-06-30       # YYYY-MM-DD; after it the finding counts again
///     settings:                     # what the rules are told (RuleSettings); a flag given wins over the file
///       trusted-users: [alice, ci]  # 1.1.2, as --trusted-users
///       node-cert-max-days: 60      # 7.7, as --node-cert-max-days (default 90)
///       allowed-registries: [registry.example.com, "*.corp.example"]   # lint, as --allowed-registry
///       require-digest: true        # lint, as --require-digest
///       inline-ignores: false       # lint, as --no-inline-ignores
///     lint:                         # docker-baseline lint only
///       exclude-paths: [vendor/, "**/testdata/**"]
///       # allowed-registries, require-digest and inline-ignores are accepted here too (the same settings)
public enum PolicyFile {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads `path` into `policy`; command-line options applied afterwards win.
    public static func load(_ path: String, into policy: inout AuditPolicy) throws {
        let text: String
        do { text = String(decoding: try readInputFile(path, what: "configuration", limit: 16 << 20), as: UTF8.self) } catch {
            throw Problem(description: String(describing: error))
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw Problem(description: "\(path) is not valid YAML: \(error)")
        }
        guard let mapping = root?.mapping else {
            if root == nil { return }
            throw Problem(description: "\(path): the top level must be a mapping (benchmark, profile, include, exclude, waivers, settings, lint)")
        }
        func line(_ node: Node) -> Int { (node.mark?.line ?? 0) }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "benchmark":
                guard let name = value.string, let benchmark = Benchmark(rawValue: name) else {
                    throw Problem(description: "\(path):\(line(value)): benchmark must be one of \(Benchmark.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                policy.benchmark = benchmark
            case "profile":
                guard let name = value.string, let profile = Profile(rawValue: name) else {
                    throw Problem(description: "\(path):\(line(value)): profile must be one of \(Profile.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                policy.profile = profile
            case "include", "exclude":
                let items = try (value.sequence.map(Array.init) ?? [value]).map { item in
                    let place = "\(path):\(line(item)): \(key)"
                    guard let text = item.string else { throw Problem(description: "\(place) must be a list of strings") }
                    return try selector(text, place: place)
                }
                if key == "include" { policy.include = items } else { policy.exclude = items }
            case "waivers":
                guard let sequence = value.sequence else { throw Problem(description: "\(path):\(line(value)): waivers must be a list") }
                policy.waivers = try sequence.enumerated().map { index, item in try waiver(item, number: index + 1, path: path, line: line(item)) }
            case "settings", "lint":
                try settings(value, section: key, path: path, into: &policy)
            default:
                throw Problem(description: "\(path):\(line(keyNode)): unknown key \(key) (expected benchmark, profile, include, exclude, waivers, settings, lint)")
            }
        }
    }

    /// `settings:` (every `RuleSettings` key) or `lint:` (the lint rules' keys, and `exclude-paths`): both fill
    /// `policy.settings`, so one file serves `audit` and `lint`.
    private static func settings(_ node: Node, section: String, path: String, into policy: inout AuditPolicy) throws {
        typealias Key = RuleSettings.CodingKeys
        guard let mapping = node.mapping else { throw Problem(description: "\(path):\(node.mark?.line ?? 0): \(section) must be a mapping") }
        let expected = section == "lint" ? [Key.allowedRegistries, .requireDigest, .inlineIgnores].map(\.rawValue) + ["exclude-paths"]
            : Key.allCases.map(\.rawValue)
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? ""
            let line = keyNode.mark?.line ?? 0
            guard expected.contains(name) else {
                throw Problem(description: "\(path):\(line): \(section): unknown key \(name) (expected \(expected.joined(separator: ", ")))")
            }
            let place = "\(path):\(line): \(section).\(name)"
            func bool() throws -> Bool {
                guard let flag = value.bool else { throw Problem(description: "\(place) must be true or false") }
                return flag
            }
            switch Key(rawValue: name) {
            case .trustedUsers: policy.settings.trustedUsers = try strings(value, place)
            case .nodeCertMaxDays:
                guard let days = value.int, days > 0 else { throw Problem(description: "\(place) must be a whole number of days") }
                policy.settings.nodeCertMaxDays = days
            case .allowedRegistries: policy.settings.allowedRegistries = try strings(value, place)
            case .requireDigest: policy.settings.requireDigest = try bool()
            case .inlineIgnores: policy.settings.inlineIgnores = try bool()
            case .vulnSeverity:
                guard let severity = value.string.flatMap(Severity.init(rawValue:)) else {
                    throw Problem(description: "\(place) must be one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                policy.settings.vulnSeverity = severity
            case .vulnDatabaseMaxAgeDays:
                guard let days = value.int, days > 0 else { throw Problem(description: "\(place) must be a whole number of days") }
                policy.settings.vulnDatabaseMaxAgeDays = days
            case .requireEgressFilter: policy.settings.requireEgressFilter = try bool()
            case nil: policy.lintExcludePaths = try strings(value, place)
            }
        }
    }

    private static func strings(_ node: Node, _ place: String) throws -> [String] {
        if let single = node.string { return [single] }
        guard let sequence = node.sequence else { throw Problem(description: "\(place) must be a list of strings") }
        return try sequence.map { item in
            guard let text = item.string else { throw Problem(description: "\(place) must be a list of strings") }
            return text
        }
    }

    private static func selector(_ text: String, place: String) throws -> RuleSelector {
        do { return try RuleSelector(text) } catch { throw Problem(description: "\(place): \(error)") }
    }

    private static func waiver(_ node: Node, number: Int, path: String, line: Int) throws -> Waiver {
        let place = "\(path):\(line): waiver \(number)"
        guard let fields = node.mapping else { throw Problem(description: "\(place) must be a mapping with rule, target, reason, expires") }
        var values: [String: String] = [:]
        for (key, value) in fields {
            guard let name = key.string, ["rule", "target", "reason", "expires"].contains(name) else {
                throw Problem(description: "\(place): unknown key \(key.string ?? "?") (expected rule, target, reason, expires)")
            }
            values[name] = value.string
        }
        guard let rule = values["rule"], !rule.isEmpty else { throw Problem(description: "\(place) names no rule") }
        guard let reason = values["reason"]?.trimmingCharacters(in: .whitespaces), !reason.isEmpty else {
            throw Problem(description: "\(place) (\(rule)) has no reason: every waiver must say why the finding is accepted")
        }
        if let expires = values["expires"], expires.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil {
            throw Problem(description: "\(place) (\(rule)): expires must be a date written YYYY-MM-DD, not \(expires)")
        }
        return Waiver(rule: try selector(rule, place: place), target: values["target"] ?? "*", reason: reason, expires: values["expires"], source: "\(path):\(line)")
    }
}
