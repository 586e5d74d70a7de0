/// Pads to `width` terminal columns, counting East Asian wide characters as two.
func pad(_ text: String, _ width: Int) -> String {
    let columns = displayWidth(text)
    return columns >= width ? text : text + String(repeating: " ", count: width - columns)
}

func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return width + 2
        default:
            return width + 1
        }
    }
}

/// A line whose middle column is `width` terminal columns wide: `cell` is padded to it, or, when longer, wrapped
/// over as many lines as it needs (broken after `/`, `-`, `.`, `:` or a space where it can), so `after` starts in
/// the same column on every line. `indent` is the width of `before`.
func columnLine(_ before: String, indent: Int, _ cell: String, width: Int, _ after: String) -> String {
    let chunks = wrapped(cell, width: width - 1)
    var out = before + pad(chunks[0], width) + after + "\n"
    for chunk in chunks.dropFirst() { out += String(repeating: " ", count: indent) + chunk + "\n" }
    return out
}

/// `text` in pieces at most `width` columns wide.
func wrapped(_ text: String, width: Int) -> [String] {
    var pieces: [String] = []
    var rest = Substring(text)
    while displayWidth(String(rest)) > width {
        var used = 0
        var cut = rest.startIndex
        var lastBreak: String.Index?
        for index in rest.indices {
            let columns = displayWidth(String(rest[index]))
            if used + columns > width { break }
            used += columns
            cut = rest.index(after: index)
            if "/-.:_ ".contains(rest[index]) { lastBreak = cut }
        }
        let end = lastBreak.flatMap { rest.distance(from: rest.startIndex, to: $0) >= width / 2 ? $0 : nil } ?? cut
        pieces.append(String(rest[..<end]).trimmingTrailingSpaces)
        rest = rest[end...].drop { $0 == " " }
    }
    pieces.append(String(rest))
    return pieces
}

private extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

/// ANSI styling, on only when the output is a terminal that wants colour.
struct TerminalStyle {
    var enabled: Bool

    private func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { wrap("1", text) }
    func dim(_ text: String) -> String { wrap("2", text) }
    func red(_ text: String) -> String { wrap("31", text) }
    func green(_ text: String) -> String { wrap("32", text) }
    func yellow(_ text: String) -> String { wrap("33", text) }
    func magenta(_ text: String) -> String { wrap("35", text) }
    func cyan(_ text: String) -> String { wrap("36", text) }
}
