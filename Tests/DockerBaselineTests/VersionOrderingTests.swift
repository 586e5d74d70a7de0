@testable import DockerBaseline
import Foundation
import Testing

/// Version ordering checked against the ecosystems' own code on thousands of generated pairs: dpkg's
/// `--compare-versions` and apt's `version_compare` (python3-apt), rpm's `labelCompare` (python3-rpm), Python's
/// `packaging.version`; apk from its specification (apk-tools' version.c) and semver from semver.org, by tables.
/// Each tool runs once for all its pairs.
@Suite("VersionOrdering")
struct VersionOrderingTests {
    /// SplitMix64: the same pairs every run, so a failure can be reproduced.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func piece(_ alphabet: String, length: ClosedRange<Int>, using random: inout Generator) -> String {
        let characters = Array(alphabet)
        return String((0..<Int.random(in: length, using: &random)).map { _ in characters.randomElement(using: &random)! })
    }

    /// Half the pairs are a version and a small change of it, where orderings are subtle; half are unrelated.
    static func pairs(_ count: Int, seed: UInt64, make: (inout Generator) -> String, mutate: (String, inout Generator) -> String) -> [(String, String)] {
        var random = Generator(state: seed)
        return (0..<count).map { index in
            let first = make(&random)
            return (first, index % 2 == 0 ? mutate(first, &random) : make(&random))
        }
    }

    static func mutate(_ text: String, alphabet: String, using random: inout Generator) -> String {
        var characters = Array(text)
        let position = Int.random(in: 1...max(1, characters.count), using: &random)
        let replacement = Array(alphabet).randomElement(using: &random)!
        switch Int.random(in: 0..<3, using: &random) {
        case 0: characters.insert(replacement, at: min(position, characters.count))
        case 1 where position < characters.count: characters[position] = replacement
        default: characters.append(contentsOf: Array(piece(alphabet, length: 1...3, using: &random)))
        }
        return String(characters)
    }

    /// Runs `script` once with the pairs on standard input (tab-separated, one a line); it prints -1, 0 or 1 a line.
    func compareWithTool(_ executable: String, _ arguments: [String], pairs: [(String, String)]) throws -> [Int] {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("pairs.txt")
        try pairs.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n").appending("\n").write(to: input, atomically: true, encoding: .utf8)
        let result = try run(executable, arguments + [input.path], timeout: 120)
        #expect(result.status == 0, "\(executable): \(result.stderr)")
        return result.stdout.split(separator: "\n").map { Int($0) ?? 99 }
    }

    func sign(_ value: Int) -> Int { value < 0 ? -1 : value > 0 ? 1 : 0 }

    func expectSame(_ pairs: [(String, String)], tool: [Int], ours: (String, String) -> Int?, _ what: String) {
        #expect(tool.count == pairs.count, "\(what): \(tool.count) answers for \(pairs.count) pairs")
        var mismatches: [String] = []
        for (pair, expected) in zip(pairs, tool) {
            let mine = ours(pair.0, pair.1).map(sign)
            if mine != expected { mismatches.append("\(pair.0) vs \(pair.1): tool \(expected), ours \(mine.map(String.init) ?? "unreadable")") }
        }
        #expect(mismatches.isEmpty, "\(what): \(mismatches.count) of \(pairs.count) differ, e.g. \(mismatches.prefix(5))")
    }

    static let dpkgAlphabet = "0123456789.+~abz:-"

    static func dpkgVersion(_ random: inout Generator) -> String {
        let epoch = Int.random(in: 0..<4, using: &random) == 0 ? "\(Int.random(in: 0...2, using: &random)):" : ""
        let upstream = "\(Int.random(in: 0...12, using: &random))" + piece("0123456789.+~abz", length: 0...6, using: &random)
        let revision = Int.random(in: 0..<3, using: &random) == 0 ? "" : "-" + piece("0123456789.+~abz", length: 1...5, using: &random)
        return epoch + upstream + revision
    }

    /// Only what dpkg accepts as a version: a numeric epoch, no other `:`, an upstream part starting with a digit,
    /// a non-empty revision after a `-`.
    static func dpkgValid(_ version: String) -> Bool {
        var rest = Substring(version)
        if let colon = rest.firstIndex(of: ":") {
            guard !rest[..<colon].isEmpty, rest[..<colon].allSatisfy(\.isNumber) else { return false }
            rest = rest[rest.index(after: colon)...]
        }
        guard !rest.contains(":"), rest.first?.isNumber == true, !rest.hasSuffix("-") else { return false }
        return true
    }

    /// rpm labels: a numeric epoch when there is one.
    static func rpmValid(_ label: String) -> Bool {
        guard let colon = label.firstIndex(of: ":") else { return true }
        return !label[..<colon].isEmpty && label[..<colon].allSatisfy(\.isNumber) && !label[label.index(after: colon)...].contains(":")
    }

    @Test("dpkg order: 5,000 generated pairs against apt's version_compare, 300 against dpkg --compare-versions itself")
    func dpkgOrder() throws {
        let pairs = Self.pairs(6000, seed: 1, make: Self.dpkgVersion) { Self.mutate($0, alphabet: Self.dpkgAlphabet, using: &$1) }
            .filter { Self.dpkgValid($0.0) && Self.dpkgValid($0.1) }
        #expect(pairs.count > 5000)
        let apt = Array(pairs.prefix(5000))
        let script = """
            import sys, apt_pkg
            apt_pkg.init()
            for line in open(sys.argv[1]):
                a, b = line.rstrip("\\n").split("\\t")
                r = apt_pkg.version_compare(a, b)
                print(-1 if r < 0 else 1 if r > 0 else 0)
            """
        expectSame(apt, tool: try compareWithTool("/usr/bin/python3", ["-c", script], pairs: apt), ours: PackageVersion.dpkgCompare, "apt_pkg")
        let dpkg = Array(pairs.suffix(300))
        let shell = """
            while IFS="$(printf '\\t')" read -r a b; do
              if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo -1
              elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0
              else echo 1; fi
            done < "$1"
            """
        expectSame(dpkg, tool: try compareWithTool("/bin/bash", ["-c", shell, "compare"], pairs: dpkg), ours: PackageVersion.dpkgCompare, "dpkg")
    }

    @Test("dpkg order: the cases deb-version(7) spells out")
    func dpkgCases() {
        let ascending = ["1.0~rc1-1", "1.0-1", "1.0-1+b1", "1.0-1+deb12u1", "1.0-2", "1.0a-1", "1.0+dfsg-1", "1.1-1", "1:0.9-1", "2:0.1"]
        for (lower, higher) in zip(ascending, ascending.dropFirst()) {
            #expect(PackageVersion.dpkgCompare(lower, higher) < 0, "\(lower) < \(higher)")
            #expect(PackageVersion.dpkgCompare(higher, lower) > 0, "\(higher) > \(lower)")
        }
        #expect(PackageVersion.dpkgCompare("1.0", "1.0-0") == 0)
        #expect(PackageVersion.dpkgCompare("0:1.0", "1.0") == 0)
        #expect(PackageVersion.dpkgCompare("1.0~~", "1.0~") < 0)
    }

    static let rpmAlphabet = "0123456789.~^_+abz"

    @Test("rpm order: 5,000 generated epoch:version-release labels against rpm's labelCompare (python3-rpm)")
    func rpmOrder() throws {
        func label(_ random: inout Generator) -> String {
            let epoch = Int.random(in: 0..<4, using: &random) == 0 ? "\(Int.random(in: 0...2, using: &random)):" : ""
            return epoch + "\(Int.random(in: 0...9, using: &random))" + Self.piece(Self.rpmAlphabet, length: 0...6, using: &random)
                + "-" + Self.piece(Self.rpmAlphabet, length: 1...6, using: &random)
        }
        let pairs = Self.pairs(5000, seed: 2, make: label) { text, random in
            let parts = text.split(separator: "-", maxSplits: 1)
            let release = parts.count > 1 ? String(parts[1]) : "1"
            return random.next() % 2 == 0 ? Self.mutate(String(parts[0]), alphabet: Self.rpmAlphabet, using: &random) + "-" + release
                : String(parts[0]) + "-" + Self.mutate(release, alphabet: Self.rpmAlphabet, using: &random)
        }.filter { Self.rpmValid($0.0) && Self.rpmValid($0.1) }
        #expect(pairs.count > 4500)
        let script = """
            import sys, rpm
            def label(text):
                epoch = "0"
                if ":" in text:
                    epoch, text = text.split(":", 1)
                version, release = text.rsplit("-", 1)
                return (epoch, version, release)
            for line in open(sys.argv[1]):
                a, b = line.rstrip("\\n").split("\\t")
                print(rpm.labelCompare(label(a), label(b)))
            """
        expectSame(pairs, tool: try compareWithTool("/usr/bin/python3", ["-c", script], pairs: pairs), ours: PackageVersion.rpmCompare, "rpm")
    }

    @Test("PEP 440 order: 3,000 generated versions in many spellings against packaging.version")
    func pep440Order() throws {
        func version(_ random: inout Generator) -> String {
            var text = Int.random(in: 0..<6, using: &random) == 0 ? "\(Int.random(in: 1...2, using: &random))!" : ""
            text += (0..<Int.random(in: 1...4, using: &random)).map { _ in "\(Int.random(in: 0...11, using: &random))" }.joined(separator: ".")
            let pre = ["", "", "a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "-a", ".rc"].randomElement(using: &random)!
            if !pre.isEmpty { text += pre + (random.next() % 3 == 0 ? "" : "\(Int.random(in: 0...3, using: &random))") }
            let post = ["", "", "", ".post", "post", "-", "-r", ".rev"].randomElement(using: &random)!
            if !post.isEmpty { text += post + "\(Int.random(in: 0...3, using: &random))" }
            if random.next() % 4 == 0 { text += ".dev" + (random.next() % 2 == 0 ? "" : "\(Int.random(in: 0...3, using: &random))") }
            if random.next() % 5 == 0 { text += "+" + ["ubuntu1", "1", "abc.5", "2.x", "local.7"].randomElement(using: &random)! }
            return text
        }
        let pairs = Self.pairs(3000, seed: 3, make: version) { _, random in version(&random) }
        let script = """
            import sys
            from packaging.version import Version
            for line in open(sys.argv[1]):
                a, b = (Version(v) for v in line.rstrip("\\n").split("\\t"))
                print(-1 if a < b else 1 if a > b else 0)
            """
        expectSame(pairs, tool: try compareWithTool("/usr/bin/python3", ["-c", script], pairs: pairs), ours: VersionScheme.pep440.compare, "packaging")
    }

    @Test("apk order: apk-tools' rules (version.c) by a table of known cases")
    func apkOrder() {
        let cases: [(String, String, Int)] = [
            ("1.0", "1.0", 0), ("1.0", "1.1", -1), ("1.2.3", "1.2.10", -1), ("1.9", "1.10", -1), ("2.34", "0.1.0_alpha", 1),
            ("1.0_alpha", "1.0", -1), ("1.0_alpha1", "1.0_alpha2", -1), ("1.0_alpha", "1.0_beta", -1), ("1.0_beta", "1.0_pre", -1),
            ("1.0_pre", "1.0_rc", -1), ("1.0_rc1", "1.0", -1), ("1.0", "1.0_p1", -1), ("1.0_p1", "1.0_p2", -1),
            ("1.0_cvs", "1.0_svn", -1), ("1.0_git", "1.0_hg", -1), ("1.0_hg", "1.0_p", -1),
            ("1.0", "1.0-r1", -1), ("1.0-r0", "1.0-r1", -1), ("1.0-r9", "1.0-r10", -1), ("1.0-r10", "1.0.1-r0", -1),
            ("1.0", "1.0a", -1), ("1.0a", "1.0b", -1), ("1.0a", "1.0.1", -1), ("1.0z", "1.1", -1),
            ("1.01", "1.1", -1), ("1.001", "1.01", -1), ("1.0_rc1-r3", "1.0-r0", -1), ("1.2.4_git20230717-r0", "1.2.4-r0", 1),
            ("3.1.3-r0", "3.1.4-r0", -1), ("1.36.1-r1", "1.36.1-r2", -1), ("1.2.4-r2", "1.2.4_p1-r0", -1),
            ("6.4_p20230506-r0", "6.4_p20230625-r0", -1), ("0.9.8zh-r0", "1.0.0-r0", -1), ("1.1.1w-r1", "1.1.1w-r0", 1),
        ]
        for (lhs, rhs, expected) in cases {
            #expect(sign(PackageVersion.apkCompare(lhs, rhs)) == expected, "\(lhs) vs \(rhs)")
            #expect(sign(PackageVersion.apkCompare(rhs, lhs)) == -expected, "\(rhs) vs \(lhs)")
        }
    }

    @Test("semver precedence: semver.org's own ordering, build metadata ignored")
    func semverOrder() {
        let ascending = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
                         "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1", "v2.1.2", "10.0.0"]
        for (index, lower) in ascending.enumerated() {
            for higher in ascending[(index + 1)...] {
                #expect(VersionScheme.semver.compare(lower, higher) == -1, "\(lower) < \(higher)")
                #expect(VersionScheme.semver.compare(higher, lower) == 1, "\(higher) > \(lower)")
            }
        }
        #expect(VersionScheme.semver.compare("1.0.0+build.1", "1.0.0+build.2") == 0)
        #expect(VersionScheme.semver.compare("1.2", "1.2.0") == 0)
        #expect(VersionScheme.semver.compare("not-a-version", "1.0.0") == nil)
    }

    @Test("OSV ranges: introduced/fixed/last_affected in version order, several ranges, and exact version lists")
    func osvRanges() {
        typealias Event = OSVRecord.Event
        func affected(_ events: [Event], versions: [String]? = nil, type: String = "ECOSYSTEM") -> OSVRecord.Affected {
            OSVRecord.Affected(package: nil, ranges: [OSVRecord.Range(type: type, events: events)], versions: versions)
        }
        let twoRanges = affected([Event(introduced: "0"), Event(fixed: "0.2.4"), Event(introduced: "1.0.0"), Event(fixed: "1.2.6")], type: "SEMVER")
        #expect(twoRanges.affects("0.1.0", scheme: .semver) == (true, "0.2.4"))
        #expect(twoRanges.affects("0.2.4", scheme: .semver).affected == false)
        #expect(twoRanges.affects("0.9.0", scheme: .semver).affected == false)
        #expect(twoRanges.affects("1.2.5", scheme: .semver) == (true, "1.2.6"))
        #expect(twoRanges.affects("1.2.6", scheme: .semver).affected == false)
        let lastAffected = affected([Event(introduced: "1:1.0-1"), Event(last_affected: "1:1.0-3")])
        #expect(lastAffected.affects("1:1.0-3", scheme: .dpkg) == (true, nil))
        #expect(lastAffected.affects("1:1.0-3+b1", scheme: .dpkg).affected == false)
        #expect(lastAffected.affects("1.9-1", scheme: .dpkg).affected == false) // no epoch: before the introduction
        let unfixed = affected([Event(introduced: "0")])
        #expect(unfixed.affects("1.34+dfsg-1.2", scheme: .dpkg) == (true, nil))
        let listed = OSVRecord.Affected(package: nil, ranges: nil, versions: ["2.0.1"])
        #expect(listed.affects("2.0.1", scheme: .semver).affected)
        #expect(!listed.affects("2.0.2", scheme: .semver).affected)
    }

    @Test("CVSS 3.x base scores as the specification computes them, and their ratings")
    func cvssScores() {
        #expect(CVSS.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == 9.8)
        #expect(CVSS.baseScore("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N") == 6.1)
        #expect(CVSS.baseScore("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H") == 7.8)
        #expect(CVSS.baseScore("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H") == 10.0)
        #expect(CVSS.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N") == 0)
        #expect(CVSS.baseScore("AV:N/AC:L/Au:N/C:P/I:P/A:P") == nil) // CVSS 2: not computed
        #expect(CVSS.rating(9.8) == .critical && CVSS.rating(7.8) == .high && CVSS.rating(6.1) == .medium && CVSS.rating(3.1) == .low)
        #expect(CVSS.rating(word: "Important") == .high && CVSS.rating(word: "MODERATE") == .medium && CVSS.rating(word: "n/a") == nil)
    }
}
