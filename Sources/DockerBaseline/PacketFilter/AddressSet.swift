import Foundation

/// IPv4 or IPv6: the packet filter keeps one rule set per family, and a set of addresses never mixes them.
public enum AddressFamily: String, Codable, Sendable, CaseIterable {
    case ipv4, ipv6

    var bits: Int { self == .ipv4 ? 32 : 128 }
    var maximum: UInt128 { self == .ipv4 ? UInt128(UInt32.max) : UInt128.max }
}

/// One address of a family, as a number.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public var family: AddressFamily
    public var value: UInt128

    public init(family: AddressFamily, value: UInt128) {
        self.family = family
        self.value = value
    }

    /// `10.0.0.1`, `fe80::1`; nil for anything else (host names are not resolved).
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        if text.utf8.contains(UInt8(ascii: ":")) {
            var bytes = in6_addr()
            guard inet_pton(AF_INET6, text, &bytes) == 1 else { return nil }
            let value = withUnsafeBytes(of: &bytes) { raw in raw.reduce(UInt128(0)) { $0 << 8 | UInt128($1) } }
            self.init(family: .ipv6, value: value)
        } else {
            var bytes = in_addr()
            guard inet_pton(AF_INET, text, &bytes) == 1 else { return nil }
            self.init(family: .ipv4, value: UInt128(UInt32(bigEndian: bytes.s_addr)))
        }
    }

    public var description: String {
        switch family {
        case .ipv4:
            let v = UInt32(truncatingIfNeeded: value)
            return "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        case .ipv6:
            var bytes = in6_addr()
            withUnsafeMutableBytes(of: &bytes) { raw in
                for index in 0..<16 { raw[index] = UInt8(truncatingIfNeeded: value >> UInt128(8 * (15 - index))) }
            }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            return inet_ntop(AF_INET6, &bytes, &buffer, socklen_t(buffer.count)).map { String(cString: $0) } ?? "?"
        }
    }
}

/// A set of addresses of one family, kept as sorted, disjoint, non-adjacent ranges: what "reachable from" is made of.
public struct AddressSet: Equatable, Sendable, CustomStringConvertible {
    public let family: AddressFamily
    /// Sorted, disjoint, and never touching (adjacent ranges are merged).
    public private(set) var ranges: [ClosedRange<UInt128>]

    public init(family: AddressFamily, ranges: [ClosedRange<UInt128>] = []) {
        self.family = family
        self.ranges = Self.normalized(ranges)
    }

    /// Made once per family: walking a long chain starts from it at every rule, and a copy is then only a retain.
    public static func all(_ family: AddressFamily) -> AddressSet { family == .ipv4 ? allIPv4 : allIPv6 }
    private static let allIPv4 = AddressSet(family: .ipv4, ranges: [0...AddressFamily.ipv4.maximum])
    private static let allIPv6 = AddressSet(family: .ipv6, ranges: [0...AddressFamily.ipv6.maximum])
    public static func none(_ family: AddressFamily) -> AddressSet { AddressSet(family: family) }

    /// `10.0.0.0/8`, `10.1.2.3` (a /32), `fe80::/10`, `0.0.0.0/0`, or an iptables range `10.0.0.1-10.0.0.9`;
    /// nil when it is none of those, or of another family.
    public init?(cidr text: some StringProtocol, family: AddressFamily) {
        let text = String(text)
        if let dash = text.utf8.firstIndex(of: UInt8(ascii: "-")), !text.utf8.contains(UInt8(ascii: "/")) {
            guard let low = IPAddress(text[..<dash]), let high = IPAddress(text[text.utf8.index(after: dash)...]),
                  low.family == family, high.family == family, low.value <= high.value else { return nil }
            self.init(family: family, ranges: [low.value...high.value])
            return
        }
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(first), address.family == family else { return nil }
        var prefix = family.bits
        if parts.count == 2 {
            if let length = Int(parts[1]), (0...family.bits).contains(length) {
                prefix = length
            } else if family == .ipv4, let mask = IPAddress(parts[1]), mask.family == .ipv4 {
                // iptables-save prints non-contiguous masks as dotted quads; a contiguous one is a prefix.
                let ones = UInt32(truncatingIfNeeded: mask.value).nonzeroBitCount
                guard UInt32(truncatingIfNeeded: mask.value) == (ones == 0 ? 0 : UInt32.max << (32 - ones)) else { return nil }
                prefix = ones
            } else {
                return nil
            }
        }
        let hostBits = family.bits - prefix
        let hostMask: UInt128 = hostBits == 0 ? 0 : (hostBits == 128 ? UInt128.max : (UInt128(1) << UInt128(hostBits)) - 1)
        let low = address.value & ~hostMask & family.maximum
        self.init(family: family, ranges: [low...(low | hostMask)])
    }

    public static func single(_ address: IPAddress) -> AddressSet {
        AddressSet(family: address.family, ranges: [address.value...address.value])
    }

    public var isEmpty: Bool { ranges.isEmpty }
    public var isAll: Bool { ranges == [0...family.maximum] }

    public func contains(_ address: IPAddress) -> Bool {
        address.family == family && ranges.contains { $0.contains(address.value) }
    }

    public func union(_ other: AddressSet) -> AddressSet { AddressSet(family: family, ranges: ranges + other.ranges) }

    public func intersection(_ other: AddressSet) -> AddressSet {
        var result: [ClosedRange<UInt128>] = []
        var left = 0, right = 0
        while left < ranges.count, right < other.ranges.count {
            let a = ranges[left], b = other.ranges[right]
            let low = max(a.lowerBound, b.lowerBound), high = min(a.upperBound, b.upperBound)
            if low <= high { result.append(low...high) }
            if a.upperBound < b.upperBound { left += 1 } else { right += 1 }
        }
        return AddressSet(family: family, ranges: result)
    }

    public var complement: AddressSet {
        var result: [ClosedRange<UInt128>] = []
        var next: UInt128 = 0
        var exhausted = false
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            if range.upperBound == family.maximum { exhausted = true; break }
            next = range.upperBound + 1
        }
        if !exhausted { result.append(next...family.maximum) }
        return AddressSet(family: family, ranges: result)
    }

    public func subtracting(_ other: AddressSet) -> AddressSet { intersection(other.complement) }

    /// The fewest CIDRs that cover exactly this set.
    public var cidrs: [String] {
        var result: [String] = []
        for range in ranges {
            var low = range.lowerBound
            while true {
                // The largest aligned block starting at `low` that stays inside the range.
                var size = family.bits
                while size > 0 {
                    let block: UInt128 = size == 128 ? UInt128.max : (UInt128(1) << UInt128(size)) - 1
                    if low & block == 0, low <= range.upperBound, range.upperBound - low >= block { break }
                    size -= 1
                }
                result.append("\(IPAddress(family: family, value: low))/\(family.bits - size)")
                let block: UInt128 = size == 128 ? UInt128.max : (UInt128(1) << UInt128(size)) - 1
                if range.upperBound - low == block { break }
                low += block + 1
            }
        }
        return result
    }

    /// "anywhere", "nowhere", or its CIDRs (the first ten, then how many more).
    public var description: String {
        if isAll { return "anywhere" }
        if isEmpty { return "nowhere" }
        let all = cidrs
        return all.count <= 10 ? all.joined(separator: ", ") : all.prefix(10).joined(separator: ", ") + " and \(all.count - 10) more ranges"
    }

    private static func normalized(_ ranges: [ClosedRange<UInt128>]) -> [ClosedRange<UInt128>] {
        guard ranges.count > 1 else { return ranges }
        var merged: [ClosedRange<UInt128>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, last.upperBound == UInt128.max || range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}
