/// A place in a file: 1-based line and column (columns count characters); `endColumn` is one past the last character.
public struct SourceRange: Sendable, Hashable, Codable {
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int

    public init(line: Int, column: Int, endLine: Int, endColumn: Int) {
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
    }

    /// A whole line from `column`.
    public static func line(_ line: Int, column: Int = 1, length: Int = 0) -> SourceRange {
        SourceRange(line: line, column: column, endLine: line, endColumn: column + length)
    }
}

/// A place in a file: where a lint finding, or a setting of a Compose service, is written.
public struct SourceLocation: Sendable, Equatable {
    public var file: String
    public var range: SourceRange

    public init(file: String, range: SourceRange) {
        self.file = file
        self.range = range
    }

    /// `path:line:column`.
    public var description: String { "\(file):\(range.line):\(range.column)" }
}

/// A Dockerfile as the parser understood it. Parsing never stops at a bad instruction: the instruction keeps its
/// `problem` and everything else is still read.
public struct Dockerfile: Sendable {
    public var path: String
    /// Parser directives (`syntax`, `escape`, `check`) by lower-cased name, from the leading comment block.
    public var directives: [String: Directive]
    public var escape: Character
    public var instructions: [Instruction]
    /// Build stages in order; the last is the one that runs.
    public var stages: [Stage]
    /// `ARG`s before the first `FROM`, with their defaults.
    public var globalArguments: [String: String]
    /// Comment lines that can be inline ignores (they name docker-baseline), by line number; other comments are not kept.
    public var comments: [Int: String]
    /// Problems of the file as a whole (not UTF-8, a duplicated directive, …); instruction problems live on them.
    public var problems: [FileProblem]

    public var finalStage: Stage? { stages.last }

    /// The stage and the stages it builds on, final first: what `FROM <stage>` inherits.
    public func lineage(of stage: Stage) -> [Stage] {
        var chain = [stage]
        var seen: Set<Int> = [stage.index]
        while let parent = chain.last?.parent, !seen.contains(parent) {
            seen.insert(parent)
            chain.append(stages[parent])
        }
        return chain
    }

    public func instructions(of stage: Stage) -> ArraySlice<Instruction> { instructions[stage.instructions] }
}

public struct Directive: Sendable {
    public var value: String
    public var line: Int
}

public struct FileProblem: Sendable {
    public var message: String
    public var range: SourceRange?
}

public struct Instruction: Sendable {
    /// Upper-cased: `RUN`, `COPY`, …
    public var keyword: String
    /// From the keyword to the end of the last line the instruction uses (heredoc bodies included).
    public var range: SourceRange
    public var keywordRange: SourceRange
    public var flags: [InstructionFlag]
    /// What follows the keyword and flags, continuation lines joined (comment lines inside them dropped).
    public var arguments: String
    /// The exec (JSON) form's words; nil for the shell form, including invalid JSON, which Docker runs as shell.
    public var exec: [String]?
    public var heredocs: [Heredoc]
    /// `ONBUILD`'s instruction.
    public var wrapped: [Instruction]
    /// The shell commands a `RUN` (or shell-form `CMD`/`ENTRYPOINT`/`HEALTHCHECK`) runs.
    public var commands: ShellScript?
    /// Why the instruction could not be understood; rules still see what could be read.
    public var problem: String?

    public func flag(_ name: String) -> InstructionFlag? { flags.last { $0.name == name } }

    /// The instruction's arguments as words (shell form), quotes removed.
    public var words: [String] { exec ?? ShellParser.words(arguments) }
}

public struct InstructionFlag: Sendable {
    public var name: String
    public var value: String?
}

public struct Heredoc: Sendable {
    public var marker: String
    public var body: String
    /// `<<"EOF"` / `<<'EOF'`: variables in the body are not expanded.
    public var quoted: Bool
    /// `<<-EOF`: leading tabs are removed.
    public var stripsTabs: Bool
    /// The file descriptor it feeds (`3<<EOF`), nil for standard input.
    public var descriptor: Int?
    /// Lines of the body (first and last), for findings inside it.
    public var bodyLines: ClosedRange<Int>?
}

public struct Stage: Sendable {
    public var index: Int
    /// `AS name`, lower-cased (stage names are case-insensitive).
    public var name: String?
    public var fromIndex: Int
    /// The base as written and with build arguments substituted.
    public var baseWritten: String
    public var base: String
    /// Instructions after the `FROM` up to the next one.
    public var instructions: Range<Int>
    /// The earlier stage this one is built `FROM`, if any.
    public var parent: Int?
}

/// Shell commands split at `&&`, `||`, `;`, `|`, `&` and newlines; command and process substitutions are
/// parsed too and listed after the command that holds them.
public struct ShellScript: Sendable {
    public var commands: [ShellCommand]
    /// More commands than `ShellParser.maximumCommands`: the rest were not kept, and are not checked.
    public var truncated = false

    public init(commands: [ShellCommand], truncated: Bool = false) {
        self.commands = commands
        self.truncated = truncated
    }
}

public struct ShellCommand: Sendable {
    /// Words with quotes removed, assignments and redirections left out.
    public var words: [String]
    /// `NAME=value` words before the command.
    public var assignments: [String]
    /// Redirection targets (`> /etc/sudoers`, `>> file`), with the operator.
    public var redirects: [(operator: String, target: String)]
    /// Commands joined by `|` share a pipeline number.
    public var pipeline: Int
    /// Found inside `$(…)`, backticks or `<(…)` of another command.
    public var substituted: Bool
    /// Words of this command that were process substitutions `<(…)`.
    public var processSubstitutions: [String]

    /// The command with `sudo`, `env`, `exec`, `nohup`, `time`, `command` and their options removed.
    public var effective: [String] {
        var rest = words[...]
        while let first = rest.first {
            let name = first.baseName
            if ["sudo", "doas"].contains(name) {
                rest = rest.dropFirst()
                while let option = rest.first, option.hasPrefix("-") {
                    rest = rest.dropFirst()
                    if ["-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t"].contains(option) { rest = rest.dropFirst() }
                }
            } else if ["env", "exec", "nohup", "time", "command", "builtin", "nice", "stdbuf"].contains(name) {
                rest = rest.dropFirst()
                while let option = rest.first, option.hasPrefix("-") || option.contains("=") { rest = rest.dropFirst() }
            } else {
                break
            }
        }
        return Array(rest)
    }

    /// The program's base name (`/usr/bin/curl` → `curl`), after wrappers.
    public var name: String { effective.first.map(\.baseName) ?? "" }
    public var arguments: ArraySlice<String> { effective.dropFirst() }
}

extension String {
    /// `/usr/bin/curl` → `curl`.
    var baseName: String {
        guard let slash = lastIndex(of: "/") else { return self }
        return String(self[index(after: slash)...])
    }
}
