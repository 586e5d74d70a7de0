/// What `--include`, `--exclude`, a waiver's `rule:` and an inline ignore name: a rule id or glob of rule ids
/// (`container.privileged`, `container.*`), a section (`5`), or a CIS id or glob of CIS ids in exactly one numbering.
/// A bare CIS id (`5.4`, `5.*`) is one of the numbering being reported (`--benchmark`, default CIS 1.6.0); another
/// numbering is written with its prefix: `cis-1.6:5.4`, `cis-ce:5.4` (or `cis-ce-1.1:5.4`), `cis-1.8:2.7`. So `5.4`
/// never names both 1.6.0's capabilities rule and CE 1.1.0's 5.4, the privileged container.
public struct RuleSelector: Sendable, Equatable, CustomStringConvertible {
    enum Form: Sendable, Equatable {
        /// A rule id or section, `*` globs allowed.
        case name(String)
        /// A CIS id or glob in one numbering; nil: the numbering being reported.
        case cis(String, Benchmark?)
    }

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// What was written.
    public let text: String
    let form: Form

    public init(_ text: String) throws {
        self.text = text
        guard let colon = text.firstIndex(of: ":") else {
            form = Self.isCIS(text) ? .cis(text, nil) : .name(text)
            return
        }
        let prefix = String(text[..<colon]), id = String(text[text.index(after: colon)...])
        // The `--benchmark` names, and `cis-ce` for short.
        guard let numbering = Benchmark(rawValue: prefix) ?? (prefix == "cis-ce" ? .cisCE11 : nil) else {
            let known = Benchmark.allCases.map(\.rawValue) + ["cis-ce"]
            throw Problem(description: "\(text): unknown numbering \(prefix) (expected \(known.joined(separator: ", ")))")
        }
        guard Self.isCIS(id) else {
            throw Problem(description: "\(text): after \(prefix): comes a CIS id or glob such as 5.4 or 5.*")
        }
        form = .cis(id, numbering)
    }

    /// `5.4`, `1.1.*`: digits first, then digits, dots and globs, with a dot (a bare `5` is a section).
    private static func isCIS(_ text: String) -> Bool {
        text.first?.isNumber == true && text.contains(".") && text.allSatisfy { $0.isNumber || ".*?".contains($0) }
    }

    /// Whether it names `rule`, bare CIS ids read in `reported`.
    public func matches(_ rule: RuleMetadata, reporting reported: Benchmark) -> Bool {
        switch form {
        case let .name(pattern): glob(pattern, rule.id.rawValue) || glob(pattern, rule.section)
        case let .cis(pattern, numbering): (numbering ?? reported).id(for: rule).map { glob(pattern, $0) } ?? false
        }
    }

    public var description: String { text }
}
