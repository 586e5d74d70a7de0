import Foundation

/// Reads a Dockerfile the way BuildKit's frontend does, but never gives up on a file: an instruction it cannot
/// understand keeps a `problem` and the rest of the file is still read. Linear in the file's size.
public enum DockerfileParser {
    static let keywords: Set<String> = [
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
        "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    ]
    /// Instructions whose arguments may open heredocs.
    static let heredocKeywords: Set<String> = ["RUN", "COPY", "ADD"]
    /// Instructions whose exec (JSON) form Docker accepts.
    static let execFormKeywords: Set<String> = ["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"]
    static let knownDirectives: Set<String> = ["syntax", "escape", "check"]
    /// Real Dockerfiles have hundreds; each costs far more memory than its text, so a file of millions is refused.
    public static let maximumInstructions = 50_000

    public static func parse(_ data: Data, path: String) -> Dockerfile { parse(Array(data), path: path) }

    public static func parse(_ bytes: [UInt8], path: String) -> Dockerfile {
        var file = Dockerfile(path: path, directives: [:], escape: "\\", instructions: [], stages: [], globalArguments: [:],
                              comments: [:], problems: [])
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let line = firstNULLine(in: body) {
            file.problems.append(FileProblem(message: "binary content (a NUL byte on line \(line)): not a Dockerfile", range: nil))
            return file
        }
        let text: String
        if let valid = String(validating: body, as: UTF8.self) {
            text = valid
        } else {
            file.problems.append(FileProblem(message: "not valid UTF-8: invalid bytes were read as U+FFFD", range: nil))
            text = String(decoding: body, as: UTF8.self)
        }
        var lines = LineCursor(text)
        readInstructions(&lines, into: &file)
        buildStages(&file)
        return file
    }

    // MARK: Directives

    static func directive(in line: Substring) -> (String, String)? {
        var rest = line.drop { $0 == " " || $0 == "\t" }
        guard rest.first == "#" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        guard !name.isEmpty, name.first!.isLetter else { return nil }
        rest = rest.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
        guard rest.first == "=" else { return nil }
        let value = rest.dropFirst().trimmingCharacters(in: .whitespaces)
        return (name.lowercased(), value)
    }

    /// A `# name=value` line of the leading block; the caller stops reading directives at the first line that is not one
    /// (an unknown one is a comment that ends them too).
    static func readDirective(_ line: Substring, number: Int, into file: inout Dockerfile) -> Bool {
        guard let (name, value) = directive(in: line), knownDirectives.contains(name) else { return false }
        if file.directives[name] != nil {
            file.problems.append(FileProblem(message: "parser directive \(name) is given twice", range: .line(number)))
            return true
        }
        file.directives[name] = Directive(value: value, line: number)
        if name == "escape" {
            if value == "\\" || value == "`" {
                file.escape = Character(value)
            } else {
                file.problems.append(FileProblem(message: "escape must be \\ or `, not \(shown(value))", range: .line(number)))
            }
        }
        return true
    }

    /// Only comments that can be inline ignores are kept: the rest are dropped as they are read.
    static func keepComment(_ comment: Substring, line: Int, in file: inout Dockerfile) {
        if comment.contains("docker-baseline") { file.comments[line] = String(comment) }
    }

    // MARK: Instructions

    /// Where a piece of an instruction's joined text came from.
    struct Segment {
        var offset: Int
        var line: Int
        var column: Int
    }

    static func readInstructions(_ lines: inout LineCursor, into file: inout Dockerfile) {
        var readingDirectives = true
        while let line = lines.next() {
            let number = lines.number
            if readingDirectives { readingDirectives = readDirective(line, number: number, into: &file) }
            let content = line.drop { $0 == " " || $0 == "\t" }
            if content.isEmpty || content.first == "#" {
                if content.first == "#" { keepComment(content, line: number, in: &file) }
                continue
            }
            readingDirectives = false
            // Join continuation lines; comment and empty lines inside a continuation are dropped, as BuildKit does.
            var logical = ""
            var segments: [Segment] = []
            var current = content
            var column = line.count - content.count + 1
            var lineNumber = number
            var lastLine = line
            var last = number
            continuation: while true {
                segments.append(Segment(offset: logical.utf8.count, line: lineNumber, column: column))
                guard let joined = strippingContinuation(current, escape: file.escape) else {
                    logical += current
                    break
                }
                logical += joined
                while let candidate = lines.next() {
                    let trimmed = candidate.drop { $0 == " " || $0 == "\t" }
                    last = lines.number
                    lastLine = candidate
                    if trimmed.isEmpty { continue }
                    if trimmed.first == "#" { keepComment(trimmed, line: lines.number, in: &file); continue }
                    current = candidate
                    column = 1
                    lineNumber = lines.number
                    continue continuation
                }
                break
            }
            var instruction = parseInstruction(logical, segments: segments, lastLine: last, lastColumn: lastLine.count + 1,
                                               escape: file.escape)
            if heredocKeywords.contains(instruction.keyword) {
                readHeredocs(&instruction, lines: &lines)
            }
            instruction.commands = commands(of: instruction)
            if instruction.commands?.truncated == true {
                file.problems.append(FileProblem(message: "line \(instruction.range.line): \(instruction.keyword) runs more than \(ShellParser.maximumCommands) commands; only the first \(ShellParser.maximumCommands) are checked", range: nil))
            }
            file.instructions.append(instruction)
            if file.instructions.count > maximumInstructions {
                file.problems.append(FileProblem(message: "more than \(maximumInstructions) instructions (line \(number)): not read as a Dockerfile", range: nil))
                file.instructions = []
                return
            }
        }
    }

    /// The line without its trailing escape character (and the blanks after it), or nil when it does not continue.
    static func strippingContinuation(_ line: Substring, escape: Character) -> Substring? {
        var end = line.endIndex
        while end > line.startIndex, line[line.index(before: end)] == " " || line[line.index(before: end)] == "\t" {
            end = line.index(before: end)
        }
        guard end > line.startIndex, line[line.index(before: end)] == escape else { return nil }
        return line[line.startIndex..<line.index(before: end)]
    }

    static func position(of offset: Int, in text: String, segments: [Segment]) -> (line: Int, column: Int) {
        let segment = segments.last { $0.offset <= offset } ?? segments[0]
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: segment.offset)
        let end = utf8.index(utf8.startIndex, offsetBy: min(offset, utf8.count))
        return (segment.line, segment.column + text[start..<end].count)
    }

    /// Problem messages show what was written only through the secret masker, and only its start.
    static func shown(_ text: some StringProtocol, limit: Int = 60) -> String {
        let head = String(text.prefix(4096))
        let masked = SecretScanner.maskSecrets(in: head)?.masked ?? head
        return masked.count > limit || text.count > head.count ? String(masked.prefix(limit)) + "…" : masked
    }

    /// `wrapping`: whether an ONBUILD here may wrap an instruction. Only the outer instruction may, so `ONBUILD ONBUILD …`
    /// nested a million times deep is read with two calls, not a million (Docker refuses chained ONBUILD too).
    static func parseInstruction(_ text: String, segments: [Segment], lastLine: Int, lastColumn: Int, escape: Character,
                                 wrapping: Bool = true) -> Instruction {
        let keywordText = text.prefix { $0.isLetter }
        let keyword = keywordText.uppercased()
        let start = segments[0]
        var instruction = Instruction(
            keyword: keyword, range: SourceRange(line: start.line, column: start.column, endLine: lastLine, endColumn: lastColumn),
            keywordRange: .line(start.line, column: start.column, length: keywordText.count), flags: [], arguments: "", exec: nil,
            heredocs: [], wrapped: [], commands: nil, problem: nil)
        var rest = text.dropFirst(keywordText.count)
        if keywordText.isEmpty || !(rest.first.map { $0 == " " || $0 == "\t" } ?? true) {
            instruction.keyword = String(text.prefix { $0 != " " && $0 != "\t" }).uppercased()
            instruction.problem = "not an instruction: \(shown(text, limit: 40))"
            return instruction
        }
        guard keywords.contains(keyword) else {
            instruction.problem = "unknown instruction \(shown(keywordText, limit: 40))"
            return instruction
        }
        rest = rest.drop { $0 == " " || $0 == "\t" }
        // Flags (`--mount=…`) come first; ONBUILD's and HEALTHCHECK's wrapped command carries its own.
        if keyword != "ONBUILD" {
            while rest.hasPrefix("--") {
                let word = rest.prefix { $0 != " " && $0 != "\t" }
                let parts = word.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                instruction.flags.append(InstructionFlag(name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : nil))
                rest = rest.dropFirst(word.count).drop { $0 == " " || $0 == "\t" }
            }
        }
        let arguments = String(rest).trimmingCharacters(in: .whitespaces)
        instruction.arguments = arguments
        if execFormKeywords.contains(keyword), arguments.hasPrefix("[") {
            // Invalid JSON is not an error: Docker runs it as a shell command.
            instruction.exec = jsonWords(arguments)
        }
        if arguments.isEmpty {
            instruction.problem = "\(keyword) needs arguments"
        } else if keyword == "ONBUILD" && !wrapping {
            instruction.problem = "ONBUILD cannot wrap ONBUILD"
        } else if keyword == "ONBUILD" {
            let offset = text.utf8.count - arguments.utf8.count
            let (line, column) = position(of: offset, in: text, segments: segments)
            var shifted = segments.map { Segment(offset: max(0, $0.offset - offset), line: $0.line, column: $0.column) }
            shifted[0] = Segment(offset: 0, line: line, column: column)
            var wrapped = parseInstruction(arguments, segments: shifted, lastLine: lastLine, lastColumn: lastColumn, escape: escape,
                                           wrapping: false)
            if ["ONBUILD", "FROM", "MAINTAINER"].contains(wrapped.keyword) {
                wrapped.problem = "ONBUILD cannot wrap \(wrapped.keyword)"
            }
            wrapped.commands = commands(of: wrapped)
            instruction.problem = wrapped.problem
            instruction.wrapped = [wrapped]
        } else {
            instruction.problem = argumentProblem(instruction)
        }
        return instruction
    }

    /// A JSON array of strings, strictly (Foundation also accepts a trailing comma, which Docker does not).
    static func jsonWords(_ text: String) -> [String]? {
        guard text.range(of: #",\s*\]\s*$"#, options: .regularExpression) == nil,
              let words = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] else { return nil }
        return words
    }

    static func argumentProblem(_ instruction: Instruction) -> String? {
        let words = instruction.words
        switch instruction.keyword {
        case "FROM":
            if words.count == 2 || words.count > 3 || (words.count == 3 && words[1].uppercased() != "AS") {
                return "FROM takes an image and optionally `AS name`, not: \(shown(instruction.arguments))"
            }
        case "COPY", "ADD":
            if words.count < 2 { return "\(instruction.keyword) needs a source and a destination" }
        case "HEALTHCHECK":
            let first = words.first?.uppercased()
            if first != "NONE" && first != "CMD" { return "HEALTHCHECK takes NONE or CMD …, not \(shown(words.first ?? ""))" }
        case "ENV", "LABEL":
            if !words.contains(where: { $0.contains("=") }) && words.count < 2 && instruction.keyword == "ENV" {
                return "ENV needs NAME=value"
            }
        default:
            break
        }
        return nil
    }

    /// Reads the bodies of the instruction's heredocs from the lines after it, and ends its range at the last line used.
    static func readHeredocs(_ instruction: inout Instruction, lines: inout LineCursor) {
        for marker in heredocMarkers(in: instruction.arguments) {
            var body = ""
            var firstBodyLine: Int?
            var lastBodyLine = instruction.range.endLine
            var lastText: Substring?
            var terminated = false
            while let line = lines.next() {
                let stripped = marker.stripsTabs ? line.drop { $0 == "\t" } : line
                lastText = line
                if stripped == marker.name { terminated = true; break }
                if firstBodyLine == nil { firstBodyLine = lines.number }
                lastBodyLine = lines.number
                body += stripped
                body += "\n"
            }
            instruction.heredocs.append(Heredoc(marker: marker.name, body: body, quoted: marker.quoted, stripsTabs: marker.stripsTabs,
                                                descriptor: marker.descriptor, bodyLines: firstBodyLine.map { $0...lastBodyLine }))
            if let lastText {
                instruction.range.endLine = lines.number
                instruction.range.endColumn = lastText.count + 1
            }
            if !terminated {
                instruction.problem = "heredoc <<\(shown(marker.name, limit: 40)) is not terminated before the end of the file"
                return
            }
        }
    }

    struct HeredocMarker {
        var name: String
        var quoted: Bool
        var stripsTabs: Bool
        var descriptor: Int?
    }

    /// `<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<'EOF'` words, in order.
    static func heredocMarkers(in arguments: String) -> [HeredocMarker] {
        guard arguments.contains("<<") else { return [] }
        return ShellParser.rawWords(arguments).compactMap { word -> HeredocMarker? in
            let digits = word.prefix { $0.isNumber }
            var rest = word.dropFirst(digits.count)
            guard rest.hasPrefix("<<"), !rest.hasPrefix("<<<") else { return nil }
            rest = rest.dropFirst(2)
            let stripsTabs = rest.first == "-"
            if stripsTabs { rest = rest.dropFirst() }
            var quoted = false
            if let quote = rest.first, quote == "\"" || quote == "'" {
                guard rest.count >= 3, rest.last == quote else { return nil }
                rest = rest.dropFirst().dropLast()
                quoted = true
            }
            let name = rest.prefix { !"<>|&;()".contains($0) }
            guard !name.isEmpty else { return nil }
            return HeredocMarker(name: String(name), quoted: quoted, stripsTabs: stripsTabs, descriptor: Int(digits))
        }
    }

    // MARK: Commands

    static let shells: Set<String> = ["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"]

    /// The shell commands an instruction runs: its shell form, the payload of `["sh", "-c", …]`, or heredoc bodies
    /// that a shell reads.
    static func commands(of instruction: Instruction) -> ShellScript? {
        var source: String
        switch instruction.keyword {
        case "RUN", "CMD", "ENTRYPOINT":
            source = instruction.arguments
        case "HEALTHCHECK":
            let words = instruction.arguments.split(separator: " ", maxSplits: 1)
            guard words.first?.uppercased() == "CMD", words.count == 2 else { return nil }
            source = String(words[1])
        default:
            return nil
        }
        if instruction.keyword == "HEALTHCHECK", source.hasPrefix("["), let words = jsonWords(source) {
            return script(exec: words)
        }
        if let exec = instruction.exec { return script(exec: exec) }
        var script = ShellParser.parse(source)
        for heredoc in instruction.heredocs {
            let reader = script.commands.first { command in command.redirects.contains { $0.operator.hasPrefix("<<") && $0.target == heredoc.marker } }
            // `RUN <<EOF` runs the body itself; `RUN bash <<EOF` and `RUN <<EOF bash` feed it to a shell.
            let isScript = reader == nil || reader!.effective.isEmpty || shells.contains(reader!.name)
            guard isScript, heredoc.descriptor == nil else { continue }
            let body = ShellParser.parse(heredoc.body, pipelineBase: (script.commands.last?.pipeline ?? 0) + 1)
            let room = max(0, ShellParser.maximumCommands - script.commands.count)
            script.commands += body.commands.prefix(room)
            script.truncated = script.truncated || body.truncated || body.commands.count > room
        }
        return script
    }

    /// `["sh", "-c", "…"]` runs the string as a script; any other exec form runs its words as one command.
    static func script(exec words: [String]) -> ShellScript {
        if let first = words.first, shells.contains(first.baseName), let flag = words.firstIndex(where: { $0.hasPrefix("-") && $0.contains("c") }),
           flag + 1 < words.count {
            return ShellParser.parse(words[flag + 1])
        }
        return ShellScript(commands: [ShellCommand(words: words, assignments: [], redirects: [], pipeline: 0, substituted: false,
                                                   processSubstitutions: [])])
    }

    // MARK: Stages

    static func buildStages(_ file: inout Dockerfile) {
        // The last stage of each name, so `FROM <stage>` is found at once however many stages there are.
        var stagesByName: [String: Int] = [:]
        for (index, instruction) in file.instructions.enumerated() {
            if instruction.keyword == "ARG", file.stages.isEmpty {
                for (name, value) in instruction.declarations() { file.globalArguments[name] = value ?? file.globalArguments[name] }
                continue
            }
            guard instruction.keyword == "FROM" else { continue }
            if let previous = file.stages.indices.last { file.stages[previous].instructions = file.stages[previous].instructions.lowerBound..<index }
            let words = instruction.words
            let written = words.first ?? ""
            let base = VariableExpander.expand(written, file.globalArguments.compactMapValues { $0 })
            let name = words.count >= 3 && words[1].uppercased() == "AS" ? words[2].lowercased() : nil
            let parent = stagesByName[base.lowercased()]
            if let name { stagesByName[name] = file.stages.count }
            file.stages.append(Stage(index: file.stages.count, name: name, fromIndex: index, baseWritten: written, base: base,
                                     instructions: (index + 1)..<file.instructions.count, parent: parent))
        }
    }
}

extension Instruction {
    /// `ARG A=1 B` / `ENV A=1 B="x y"` / legacy `ENV A value`: names with their values (nil: declared only).
    public func declarations() -> [(name: String, value: String?)] {
        let words = self.words
        if keyword == "ENV", let first = words.first, !first.contains("=") {
            let value = arguments.dropFirst(arguments.prefix { $0 != " " && $0 != "\t" }.count).trimmingCharacters(in: .whitespaces)
            return [(first, value)]
        }
        return words.map { word in
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : nil)
        }
    }
}

/// `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}`, `${NAME+alt}` as the Dockerfile
/// frontend substitutes them; unknown names become empty. Compose also writes `$$` for a literal `$` and has
/// `${NAME:?error}`.
enum VariableExpander {
    static func expand(_ text: String, _ values: [String: String], composeEscapes: Bool = false) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var index = text.startIndex
        // Once no `}` is left, every later `${` is unterminated: remembering it keeps `${${${…` linear, not quadratic.
        var noCloseFrom: String.Index?
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "\\" || (composeEscapes && character == "$"), next < text.endIndex, text[next] == "$" {
                out.append("$")
                index = text.index(after: next)
                continue
            }
            guard character == "$" else { out.append(character); index = next; continue }
            if next < text.endIndex, text[next] == "{", noCloseFrom.map({ next < $0 }) ?? true, let close = closingBrace(in: text, from: next, noneFrom: &noCloseFrom) {
                out += substitute(String(text[text.index(after: next)..<close]), values, composeEscapes: composeEscapes)
                index = text.index(after: close)
            } else {
                let name = text[next...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if name.isEmpty { out.append("$") } else { out += values[String(name)] ?? "" }
                index = text.index(next, offsetBy: name.count)
            }
        }
        return out
    }

    private static func closingBrace(in text: String, from start: String.Index, noneFrom: inout String.Index?) -> String.Index? {
        if let close = text[start...].firstIndex(of: "}") { return close }
        noneFrom = start
        return nil
    }

    private static func substitute(_ expression: String, _ values: [String: String], composeEscapes: Bool) -> String {
        let name = expression.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        let rest = expression.dropFirst(name.count)
        let value = values[String(name)]
        for (operation, useWhenEmpty) in [(":-", true), ("-", false), (":?", true), ("?", false)] where rest.hasPrefix(operation) {
            if let value, !(useWhenEmpty && value.isEmpty) { return value }
            return operation.hasSuffix("?") ? "" : expand(String(rest.dropFirst(operation.count)), values, composeEscapes: composeEscapes)
        }
        for (operation, requireNonEmpty) in [(":+", true), ("+", false)] where rest.hasPrefix(operation) {
            if let value, !(requireNonEmpty && value.isEmpty) { return expand(String(rest.dropFirst(operation.count)), values, composeEscapes: composeEscapes) }
            return ""
        }
        return value ?? ""
    }
}
