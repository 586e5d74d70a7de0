import Foundation

/// `536870912` → `512 MiB`.
func formatBytes(_ bytes: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return value == value.rounded() ? "\(Int(value)) \(units[unit])" : String(format: "%.1f %@", value, units[unit])
}

/// Compose's byte sizes: `536870912`, `512m`, `1.5g`, `256MiB`, `64kb` (binary units, as the engine reads them).
public func parseByteSize(_ text: String) -> Int64? {
    let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
    let number = lowered.prefix { $0.isNumber || $0 == "." }
    guard let value = Double(number) else { return nil }
    var unit = String(lowered.dropFirst(number.count)).trimmingCharacters(in: .whitespaces)
    for suffix in ["ib", "b"] where unit.hasSuffix(suffix) {
        unit = String(unit.dropLast(suffix.count))
        break
    }
    let powers: [String: Double] = ["": 1, "k": 1024, "m": 1_048_576, "g": 1_073_741_824, "t": 1_099_511_627_776]
    guard let multiplier = powers[unit] else { return nil }
    return Int64(value * multiplier)
}
