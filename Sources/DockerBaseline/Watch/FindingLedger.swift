/// The failures already emitted, by target, so an unchanged container that restarts is not reported again, and a
/// failure that is gone can be reported as fixed. Bounded: a removed target's entries go with it, and past
/// `capacity` targets the least recently judged is forgotten (it would at worst be reported once more).
public struct FindingLedger: Sendable {
    public let capacity: Int
    private var byTarget: [String: Set<String>] = [:]
    private var order: [String] = []
    private var orderHead = 0

    public init(capacity: Int = 50_000) { self.capacity = capacity }

    public var targets: Int { byTarget.count }

    /// The key a result is known by: its rule, its target and, for exec findings, the execs it names.
    public static func key(_ result: Result) -> String {
        "\(result.rule.id.rawValue) \(result.finding.evidence["execs"] ?? "")"
    }

    /// Records a failure; true when it had not been emitted before.
    public mutating func insert(_ result: Result) -> Bool {
        let target = result.target.id
        if byTarget[target] == nil {
            order.append(target)
            evictIfNeeded()
        }
        return byTarget[target, default: []].insert(Self.key(result)).inserted
    }

    /// The failures emitted for `target` that `results` (a new judgement of it) no longer fail, removed.
    public mutating func fixed(_ target: String, judgedBy results: [Result]) -> [Result] {
        guard let known = byTarget[target] else { return [] }
        let failing = Set(results.filter { $0.status == .fail }.map(Self.key))
        return results.filter { $0.status == .pass && known.contains(Self.key($0)) && !failing.contains(Self.key($0)) }
            .map { result in
                byTarget[target]?.remove(Self.key(result))
                var fixed = result
                fixed.change = .fixed
                return fixed
            }
    }

    public mutating func forget(_ target: String) {
        byTarget[target] = nil
    }

    /// After a full re-read: forgets the containers and images (`isObject`) no longer `present`.
    public mutating func keep(only present: Set<String>, isObject: (String) -> Bool) {
        for target in byTarget.keys where isObject(target) && !present.contains(target) { byTarget[target] = nil }
    }

    private mutating func evictIfNeeded() {
        while byTarget.count >= capacity, orderHead < order.count {
            let oldest = order[orderHead]
            orderHead += 1
            byTarget[oldest] = nil
        }
        if orderHead > 4096, orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
        // Targets forgotten on removal leave their id in `order`; it is compacted here, so it stays bounded too.
        if order.count - orderHead > capacity * 2 {
            order = order[orderHead...].filter { byTarget[$0] != nil }
            orderHead = 0
        }
    }
}
