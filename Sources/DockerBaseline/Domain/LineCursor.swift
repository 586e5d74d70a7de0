/// The lines of a text one at a time, so a file is never held as an array of lines (16 MiB of short comment lines
/// would cost a gigabyte). Splits at "\n" and "\r\n"; like `split(omittingEmptySubsequences: false)`, the text after
/// the last newline is a line even when empty.
struct LineCursor: Sequence, IteratorProtocol {
    let text: String
    private var start: String.Index?
    /// The 1-based number of the line `next()` returned last.
    private(set) var number = 0

    init(_ text: String) {
        self.text = text
        start = text.startIndex
    }

    mutating func next() -> Substring? {
        guard let lineStart = start else { return nil }
        let utf8 = text.utf8
        number += 1
        guard let newline = utf8[lineStart...].firstIndex(of: 0x0A) else {
            start = nil
            return text[lineStart...]
        }
        start = utf8.index(after: newline)
        var end = newline
        if end > lineStart, utf8[utf8.index(before: end)] == 0x0D { end = utf8.index(before: end) }
        return text[lineStart..<end]
    }
}
