/// What changed between two recorded runs: failing findings that are new in the later run, fixed (failing in the
/// earlier one only) and unchanged (failing in both). A finding is known by its `FindingIdentity`.
public struct FindingDiff: Sendable, Equatable {
    public var new: [StoredResult]
    public var fixed: [StoredResult]
    public var unchanged: [StoredResult]

    public init(from earlier: [StoredResult], to later: [StoredResult]) {
        let failedBefore = Dictionary(earlier.filter { $0.status == .fail }.map { ($0.identity, $0) }, uniquingKeysWith: { first, _ in first })
        let failingNow = later.filter { $0.status == .fail }
        let failingNowIDs = Set(failingNow.map(\.identity))
        new = failingNow.filter { failedBefore[$0.identity] == nil }.sorted(by: Self.worstFirst)
        unchanged = failingNow.filter { failedBefore[$0.identity] != nil }.sorted(by: Self.worstFirst)
        fixed = earlier.filter { $0.status == .fail && !failingNowIDs.contains($0.identity) }.sorted(by: Self.worstFirst)
    }

    static func worstFirst(_ a: StoredResult, _ b: StoredResult) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        return (a.identity.rule, a.targetName, a.identity.location) < (b.identity.rule, b.targetName, b.identity.location)
    }
}

extension HistoryStore {
    /// The diff of run `earlier` to run `later`.
    public func diff(from earlier: Int64, to later: Int64) throws -> FindingDiff {
        FindingDiff(from: try results(ofRun: earlier), to: try results(ofRun: later))
    }
}
