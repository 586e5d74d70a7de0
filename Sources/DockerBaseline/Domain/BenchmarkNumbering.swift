/// How one CIS Docker Benchmark item is numbered in the three editions users hold (../shared/cis-ids.md): 1.6.0, the
/// project's primary id; CE 1.1.0, the numbering of many enterprise baselines; 1.8.0, which inserted a 2.7.
enum BenchmarkNumbering {
    /// 1.6.0 §1 and §2 items whose CE 1.1.0 id is not given by a rule below; nil where CE 1.1.0 has no such item.
    private static let ceExceptions: [String: String?] = [
        "1.1.1": "1.1", "1.2.1": "1.2", "1.2.2": "1.3", "1.1.2": "1.4", "1.1.3": "1.5", "1.1.5": "1.6", "1.1.6": "1.7",
        "1.1.7": "1.8", "1.1.9": "1.9", "1.1.10": "1.10", "1.1.11": "1.11", "1.1.14": "1.12", "1.1.18": "1.13",
        "1.1.4": nil, "1.1.8": nil, "1.1.12": nil, "1.1.13": nil, "1.1.15": nil, "1.1.16": nil, "1.1.17": nil,
        "2.1": nil, "2.14": "2.18", "2.15": "2.14", "2.16": "2.15", "2.17": "2.16", "2.18": "2.17",
    ]

    /// The CE 1.1.0 id of a 1.6.0 item: §2 items 2.2–2.13 move down by one, §5 items by one (5.1 was 7.1), §7 items
    /// up by one; 3.21–3.24 are new; §3, §4 and §6 keep their ids.
    static func ce(_ cis: String) -> String? {
        if let exception = ceExceptions[cis] { return exception }
        let parts = cis.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        switch (parts[0], parts[1]) {
        case (2, let n): return "2.\(n - 1)"
        case (3, let n) where n > 20: return nil
        case (5, 1): return "7.1"
        case (5, let n): return "5.\(n - 1)"
        case (7, let n): return "7.\(n + 1)"
        default: return cis
        }
    }

    /// The 1.8.0 id: §2 items from 2.7 on move down by one; everything else keeps its id.
    static func cis18(_ cis: String) -> String {
        let parts = cis.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 2, parts[0] == 2, parts[1] >= 7 else { return cis }
        return "2.\(parts[1] + 1)"
    }
}
