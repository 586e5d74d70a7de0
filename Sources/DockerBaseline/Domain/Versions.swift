/// Dotted numbers: benchmark ids and API versions.
enum DottedNumbers {
    /// Numeric order: `5.2` before `5.10`, `1.41` before `1.47`; a part that is not a number sorts last.
    static func ascending(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.split(separator: ".").map { Int($0) ?? Int.max }
        let right = rhs.split(separator: ".").map { Int($0) ?? Int.max }
        return left.lexicographicallyPrecedes(right)
    }
}

/// A dotted version read leniently: `20.10.24+dfsg1`, `1.0.0-rc93`, `6.1.0-13-amd64`, `1.6.20~ds1`.
public struct SoftwareVersion: Comparable, Sendable, CustomStringConvertible {
    public var numbers: [Int]
    /// `rc93` in `1.0.0-rc93`: sorts before the release.
    public var preRelease: (tag: String, number: Int)?
    /// A distribution's packaging suffix (`+dfsg1`, `~ds1`, `-1ubuntu`, `+deb12u1`): fixes may be backported
    /// without the upstream version changing.
    public var distributionBuild: Bool
    public let description: String

    public init?(_ text: String) {
        description = text
        var rest = Substring(text.hasPrefix("v") ? String(text.dropFirst()) : text)
        var numbers: [Int] = []
        while let digits = Int(rest.prefix { $0.isNumber }), rest.first?.isNumber == true {
            numbers.append(digits)
            rest = rest.drop { $0.isNumber }
            guard rest.first == ".", rest.dropFirst().first?.isNumber == true else { break }
            rest = rest.dropFirst()
        }
        guard !numbers.isEmpty else { return nil }
        self.numbers = numbers
        let suffix = rest.lowercased()
        preRelease = nil
        for tag in ["rc", "beta", "alpha"] {
            if let range = suffix.range(of: "-\(tag)") ?? suffix.range(of: tag), range.lowerBound == suffix.startIndex || suffix[suffix.startIndex] == "-" {
                let number = Int(suffix[range.upperBound...].prefix { $0.isNumber }) ?? 0
                preRelease = (tag, number)
                break
            }
        }
        distributionBuild = ["+dfsg", "~ds", "+ds", "ubuntu", "+deb", "debian", ".el", "-el", ".fc", "amzn"].contains { suffix.contains($0) }
    }

    /// Major and minor: the release line.
    public var line: [Int] { Array(numbers.prefix(2)) + Array(repeating: 0, count: max(0, 2 - numbers.count)) }

    public static func < (lhs: SoftwareVersion, rhs: SoftwareVersion) -> Bool {
        let count = max(lhs.numbers.count, rhs.numbers.count)
        for index in 0..<count {
            let left = index < lhs.numbers.count ? lhs.numbers[index] : 0
            let right = index < rhs.numbers.count ? rhs.numbers[index] : 0
            if left != right { return left < right }
        }
        switch (lhs.preRelease, rhs.preRelease) {
        case (nil, nil), (nil, _?): return false
        case (_?, nil): return true
        case let (left?, right?): return (left.tag, left.number) < (right.tag, right.number)
        }
    }

    public static func == (lhs: SoftwareVersion, rhs: SoftwareVersion) -> Bool { !(lhs < rhs) && !(rhs < lhs) }
}

/// A distribution's package version (`4.18.0-513.5.1.el8_9`, `5.15.0-91.101`, `6.1.61-85.141.amzn2023`), compared by
/// its runs of digits in order, as rpm and dpkg compare the numeric parts that matter for kernels.
public enum PackageVersion {
    static func numbers(_ text: String) -> [Int] {
        text.split { !$0.isNumber }.compactMap { Int($0) }
    }

    public static func ascending(_ lhs: String, _ rhs: String) -> Bool {
        numbers(lhs).lexicographicallyPrecedes(numbers(rhs))
    }
}
