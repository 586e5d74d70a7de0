/// Text in every language the reports speak.
public struct LocalizedText: Codable, Sendable, Equatable, Hashable {
    public var en: String
    public var zh: String

    public init(en: String, zh: String) {
        self.en = en
        self.zh = zh
    }

    public subscript(language: Language) -> String {
        switch language {
        case .en: en
        case .zh: zh
        }
    }
}

public enum Language: String, Codable, Sendable, CaseIterable {
    case en, zh

    /// From `LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX orders them; English otherwise.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[key], !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("zh") ? .zh : .en
        }
        return .en
    }
}
