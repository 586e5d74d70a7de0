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

    public static func parse(_ data: Data, path: String) -> Dockerfile { parse(Array(data), path: path) }

    public static func parse(_ bytes: [UInt8], path: String) -> Dockerfile {
        var file = Dockerfile(path: path, directives: [:], escape: "\\", instructions: [], stages: [], globalArguments: [:],
                              comments: [:], problems: [])
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.prefix(8192).contains(0) {
            file.problems.append(FileProblem(message: "binary content (NUL bytes): not a Dockerfile", range: nil))
            return file
        }
        let text: String
        if let valid = String(validating: body, as: UTF8.self) {
            text = valid
        } else {
            file.problems.append(FileProblem(message: "not valid UTF-8: invalid bytes were read as U+FFFD", range: nil))
            text = String(decoding: body, as: UTF8.self)
        }
        // "\r\n" is one Character in Swift: split on both.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        readDirectives(lines, into: &file)
        readInstructions(lines, into: &file)
        buildStages(&file)
        return file
    }

    // MARK: Directives

    /// `# name=value` lines at the very top; the first line that is not one ends them, and an unknown one is a
    /// comment that ends them too.
    static func readDirectives(_ lines: [Substring], into file: inout Dockerfile) {
        for (index, line) in lines.enumerated() {
            guard let (name, value) = directive(in: line), knownDirectives.contains(name) else { return }
            if file.directives[name] != nil {
                file.problems.append(FileProblem(message: "parser directive \(name) is given twice", range: .line(index + 1)))
                continue
            }
            file.directives[name] = Directive(value: value, line: index + 1)
            if name == "escape" {
                if value == "\\" || value == "`" {
                    file.escape = Character(value)
                } else {
                    file.problems.append(FileProblem(message: "escape must be \\ or `, not \(value)", range: .line(index + 1)))
                }
            }
        }
    }

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

    // MARK: Instructions

    /// Where a piece of an instruction's joined text came from.
    struct Segment {
        var offset: Int
        var line: Int
        var column: Int
    }

    static func readInstructions(_ lines: [Substring], into file: inout Dockerfile) {
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let content = line.drop { $0 == " " || $0 == "\t" }
            if content.isEmpty || content.first == "#" {
                if content.first == "#" { file.comments[index + 1] = String(content) }
                index += 1
                continue
            }
            // Join continuation lines; comment and empty lines inside a continuation are dropped, as BuildKit does.
            var logical = ""
            var segments: [Segment] = []
            var current = content
            var column = line.count - content.count + 1
            var lineIndex = index
            var last = index
            while true {
                segments.append(Segment(offset: logical.utf8.count, line: lineIndex + 1, column: column))
                guard let joined = strippingContinuation(current, escape: file.escape) else {
                    logical += current
                    last = lineIndex
                    break
                }
                logical += joined
                var next = lineIndex + 1
                while next < lines.count {
                    let candidate = lines[next].drop { $0 == " " || $0 == "\t" }
                    if candidate.isEmpty { next += 1; continue }
                    if candidate.first == "#" { file.comments[next + 1] = String(candidate); next += 1; continue }
                    break
                }
                last = max(lineIndex, next - 1)
                guard next < lines.count else { break }
                current = lines[next]
                column = 1
                lineIndex = next
            }
            var instruction = parseInstruction(logical, segments: segments, lastLine: last + 1, lastColumn: lines[last].count + 1,
                                               escape: file.escape)
            if heredocKeywords.contains(instruction.keyword) {
                last = readHeredocs(&instruction, lines: lines, after: last)
                instruction.range.endLine = last + 1
                instruction.range.endColumn = lines[last].count + 1
            }
            instruction.commands = commands(of: instruction)
            file.instructions.append(instruction)
            index = last + 1
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

    static func parseInstruction(_ text: String, segments: [Segment], lastLine: Int, lastColumn: Int, escape: Character) -> Instruction {
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
            instruction.problem = "not an instruction: \(String(text.prefix(40)))"
            return instruction
        }
        guard keywords.contains(keyword) else {
            instruction.problem = "unknown instruction \(keywordText)"
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
        } else if keyword == "ONBUILD" {
            let offset = text.utf8.count - arguments.utf8.count
            let (line, column) = position(of: offset, in: text, segments: segments)
            var shifted = segments.map { Segment(offset: max(0, $0.offset - offset), line: $0.line, column: $0.column) }
            shifted[0] = Segment(offset: 0, line: line, column: column)
            var wrapped = parseInstruction(arguments, segments: shifted, lastLine: lastLine, lastColumn: lastColumn, escape: escape)
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
                return "FROM takes an image and optionally `AS name`, not: \(instruction.arguments)"
            }
        case "COPY", "ADD":
            if words.count < 2 { return "\(instruction.keyword) needs a source and a destination" }
        case "HEALTHCHECK":
            let first = words.first?.uppercased()
            if first != "NONE" && first != "CMD" { return "HEALTHCHECK takes NONE or CMD …, not \(words.first ?? "")" }
        case "ENV", "LABEL":
            if !words.contains(where: { $0.contains("=") }) && words.count < 2 && instruction.keyword == "ENV" {
                return "ENV needs NAME=value"
            }
        default:
            break
        }
        return nil
    }

    /// Reads the bodies of the instruction's heredocs from the lines after it; returns the last line used.
    static func readHeredocs(_ instruction: inout Instruction, lines: [Substring], after last: Int) -> Int {
        var last = last
        for marker in heredocMarkers(in: instruction.arguments) {
            let first = last + 1
            var index = first
            var terminated = false
            while index < lines.count {
                let line = marker.stripsTabs ? lines[index].drop { $0 == "\t" } : lines[index]
                if line == marker.name { terminated = true; break }
                index += 1
            }
            let bodyLines = lines[first..<min(index, lines.count)].map { marker.stripsTabs ? String($0.drop { $0 == "\t" }) : String($0) }
            let body = bodyLines.isEmpty ? "" : bodyLines.joined(separator: "\n") + "\n"
            instruction.heredocs.append(Heredoc(marker: marker.name, body: body, quoted: marker.quoted, stripsTabs: marker.stripsTabs,
                                                descriptor: marker.descriptor, bodyLines: first < index ? (first + 1)...index : nil))
            if !terminated {
                instruction.problem = "heredoc <<\(marker.name) is not terminated before the end of the file"
                return lines.count - 1
            }
            last = index
        }
        return last
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
            script.commands += ShellParser.parse(heredoc.body, pipelineBase: (script.commands.last?.pipeline ?? 0) + 1).commands
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
            let parent = file.stages.lastIndex { $0.name == base.lowercased() }
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
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "\\" || (composeEscapes && character == "$"), next < text.endIndex, text[next] == "$" {
                out.append("$")
                index = text.index(after: next)
                continue
            }
            guard character == "$" else { out.append(character); index = next; continue }
            if next < text.endIndex, text[next] == "{", let close = text[next...].firstIndex(of: "}") {
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
