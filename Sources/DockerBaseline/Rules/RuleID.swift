/// A rule's stable id, e.g. `container.privileged`: never reused for a different check. Code names a rule by its
/// constant (`.containerPrivileged`); a string becomes an id only where people write one (a waiver, `--include`).
public struct RuleID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }
    public func hasPrefix(_ prefix: String) -> Bool { rawValue.hasPrefix(prefix) }
    /// The family before the first dot: `container`, `compose`, `host`, …
    public var family: String { String(rawValue.prefix { $0 != "." }) }
}
