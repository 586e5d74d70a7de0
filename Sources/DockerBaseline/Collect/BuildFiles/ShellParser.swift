/// Splits POSIX shell text into simple commands: enough of the shell grammar to see what a `RUN` runs (quotes,
/// escapes, `&&`, `||`, `;`, `|`, `&`, newlines, comments, redirections, heredoc markers, `$(…)`, backticks and
/// `<(…)`). One pass over the bytes; substitutions nested deeper than `maximumDepth` are kept as text.
enum ShellParser {
    static let maximumDepth = 16
    /// Commands kept from one script: a real `RUN` has tens; a 10 MB line of `a;a;a…` would have millions.
    static let maximumCommands = 10_000

    static func parse(_ script: String, pipelineBase: Int = 0) -> ShellScript {
        var tokenizer = Tokenizer(bytes: Array(script.utf8), depth: 0, pipeline: pipelineBase)
        tokenizer.run()
        return ShellScript(commands: tokenizer.commands, truncated: tokenizer.truncated)
    }

    /// Words with quotes and escapes removed, split on unquoted blanks (no operators): instruction arguments.
    static func words(_ text: String) -> [String] {
        split(text, keepQuotes: false)
    }

    /// Words as written, quotes kept: for heredoc markers.
    static func rawWords(_ text: String) -> [String] {
        split(text, keepQuotes: true)
    }

    private static func split(_ text: String, keepQuotes: Bool) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var inWord = false
        var quote: UInt8?
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil; if keepQuotes { current.append(byte) } } else { current.append(byte) }
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A {
                if inWord { words.append(String(decoding: current, as: UTF8.self)); current = []; inWord = false }
            } else if byte == 0x22 || byte == 0x27 {
                quote = byte
                inWord = true
                if keepQuotes { current.append(byte) }
            } else if byte == 0x5C, index + 1 < bytes.count {
                if keepQuotes { current.append(byte) }
                current.append(bytes[index + 1])
                inWord = true
                index += 1
            } else {
                current.append(byte)
                inWord = true
            }
            index += 1
        }
        if inWord { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    private struct Tokenizer {
        let bytes: [UInt8]
        let depth: Int
        var pipeline: Int
        var index = 0
        var commands: [ShellCommand] = []
        private var nested: [ShellCommand] = []
        private var words: [String] = []
        private var assignments: [String] = []
        private var redirects: [(operator: String, target: String)] = []
        private var processSubstitutions: [String] = []
        private var current: [UInt8] = []
        private var inWord = false
        private var pendingRedirect: String?

        init(bytes: [UInt8], depth: Int, pipeline: Int) {
            self.bytes = bytes
            self.depth = depth
            self.pipeline = pipeline
        }

        private func peek(_ offset: Int = 1) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

        /// Stopped at `maximumCommands` before the end of the text.
        var truncated = false

        mutating func run() {
            while index < bytes.count {
                if commands.count >= ShellParser.maximumCommands {
                    truncated = true
                    return
                }
                let byte = bytes[index]
                switch byte {
                case 0x20, 0x09, 0x0D: endWord()
                case 0x0A: endCommand(pipes: false)
                case 0x5C: // backslash
                    if peek() == 0x0A { index += 1 } else if let next = peek() { current.append(next); inWord = true; index += 1 }
                case 0x27: readSingleQuoted()
                case 0x22: readDoubleQuoted()
                case 0x23 where !inWord: // comment
                    while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                    continue
                case 0x3B: endCommand(pipes: false) // ;
                case 0x26: // &
                    if peek() == 0x3E { operatorWord("&>") } else { if peek() == 0x26 { index += 1 }; endCommand(pipes: false) }
                case 0x7C: // |
                    if peek() == 0x7C { index += 1; endCommand(pipes: false) } else { endCommand(pipes: true) }
                case 0x28, 0x29: endCommand(pipes: false) // ( )
                case 0x3C where peek() == 0x28: // <(
                    let inner = readBalanced(from: index + 2)
                    processSubstitutions.append(inner)
                    current += Array("<(\(inner))".utf8)
                    inWord = true
                    parseNested(inner)
                    continue
                case 0x3C, 0x3E: readRedirect()
                    continue
                case 0x24 where peek() == 0x28: // $(
                    if peek(2) == 0x28 { current.append(byte); inWord = true; break }
                    let inner = readBalanced(from: index + 2)
                    current += Array("$(\(inner))".utf8)
                    inWord = true
                    parseNested(inner)
                    continue
                case 0x60: // `
                    var end = index + 1
                    while end < bytes.count, bytes[end] != 0x60 { end += bytes[end] == 0x5C ? 2 : 1 }
                    let inner = String(decoding: bytes[(index + 1)..<min(end, bytes.count)], as: UTF8.self)
                    current += Array("`\(inner)`".utf8)
                    inWord = true
                    parseNested(inner)
                    index = end + 1
                    continue
                default:
                    current.append(byte)
                    inWord = true
                }
                index += 1
            }
            endCommand(pipes: false)
        }

        private mutating func readSingleQuoted() {
            inWord = true
            index += 1
            while index < bytes.count, bytes[index] != 0x27 { current.append(bytes[index]); index += 1 }
        }

        private mutating func readDoubleQuoted() {
            inWord = true
            index += 1
            while index < bytes.count, bytes[index] != 0x22 {
                let byte = bytes[index]
                if byte == 0x5C, let next = peek() {
                    if [0x24, 0x60, 0x22, 0x5C].contains(next) { current.append(next) } else if next != 0x0A { current += [byte, next] }
                    index += 2
                    continue
                }
                if byte == 0x24, peek() == 0x28, peek(2) != 0x28 {
                    let inner = readBalanced(from: index + 2)
                    current += Array("$(\(inner))".utf8)
                    parseNested(inner)
                    continue
                }
                current.append(byte)
                index += 1
            }
        }

        /// The text up to the matching `)`, leaving `index` after it.
        private mutating func readBalanced(from start: Int) -> String {
            var depth = 1
            var position = start
            var quote: UInt8?
            while position < bytes.count {
                let byte = bytes[position]
                if let open = quote {
                    if byte == open { quote = nil } else if byte == 0x5C, open == 0x22 { position += 1 }
                } else if byte == 0x27 || byte == 0x22 {
                    quote = byte
                } else if byte == 0x5C {
                    position += 1
                } else if byte == 0x28 {
                    depth += 1
                } else if byte == 0x29 {
                    depth -= 1
                    if depth == 0 { break }
                }
                position += 1
            }
            index = min(position + 1, bytes.count)
            return String(decoding: bytes[start..<min(position, bytes.count)], as: UTF8.self)
        }

        private mutating func parseNested(_ text: String) {
            guard depth < ShellParser.maximumDepth else { return }
            // Pipelines inside a substitution are numbered apart from the outer ones.
            var inner = Tokenizer(bytes: Array(text.utf8), depth: depth + 1, pipeline: (depth + 1) << 40 | index << 8)
            inner.run()
            nested += inner.commands.map { command in
                var command = command
                command.substituted = true
                return command
            }
        }

        /// `>`, `>>`, `<`, `>|`, `>&`, `<<`, `<<-`, `<<<`, with an optional file descriptor before it.
        private mutating func readRedirect() {
            var op: [UInt8] = [bytes[index]]
            index += 1
            while index < bytes.count, [0x3C, 0x3E, 0x7C, 0x26, 0x2D].contains(bytes[index]), op.count < 3 {
                if bytes[index] == 0x2D && op != [0x3C, 0x3C] { break }
                op.append(bytes[index])
                index += 1
            }
            // A word of digits right before the operator is its file descriptor, not an argument.
            if inWord, current.allSatisfy({ (0x30...0x39).contains($0) }) { current = []; inWord = false } else { endWord() }
            let text = String(decoding: op, as: UTF8.self)
            if text.hasSuffix("&") {
                // `2>&1`, `>&-`: a descriptor, not a file.
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) || bytes[index] == 0x2D { index += 1 }
                return
            }
            pendingRedirect = text
        }

        private mutating func operatorWord(_ op: String) {
            endWord()
            index += op.utf8.count
            pendingRedirect = ">"
            index -= 1
        }

        private mutating func endWord() {
            guard inWord else { return }
            let word = String(decoding: current, as: UTF8.self)
            current = []
            inWord = false
            if let op = pendingRedirect {
                redirects.append((op, word))
                pendingRedirect = nil
            } else if words.isEmpty, isAssignment(word) {
                assignments.append(word)
            } else if words.isEmpty, ["{", "}", "!", "if", "then", "else", "elif", "fi", "do", "done", "while", "until"].contains(word) {
                return
            } else {
                words.append(word)
            }
        }

        private func isAssignment(_ word: String) -> Bool {
            guard let equals = word.firstIndex(of: "="), equals > word.startIndex else { return false }
            return word[..<equals].allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        }

        private mutating func endCommand(pipes: Bool) {
            endWord()
            if !words.isEmpty || !assignments.isEmpty || !redirects.isEmpty {
                commands.append(ShellCommand(words: words, assignments: assignments, redirects: redirects, pipeline: pipeline,
                                             substituted: false, processSubstitutions: processSubstitutions))
            }
            commands += nested
            nested = []
            words = []
            assignments = []
            redirects = []
            processSubstitutions = []
            pendingRedirect = nil
            if !pipes { pipeline += 1 }
        }
    }
}
