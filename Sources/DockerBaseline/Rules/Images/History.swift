import Foundation

/// One image history entry's `CreatedBy`, read back into the Dockerfile instruction that made it.
///
/// The classic builder writes `/bin/sh -c #(nop)  ENV A=b` for metadata instructions, `/bin/sh -c apt-get update` for
/// RUN, and prefixes build arguments in effect as `|2 A=1 B=2 /bin/sh -c …`. BuildKit writes `RUN /bin/sh -c … # buildkit`,
/// `ENV A=b`, `COPY x /y # buildkit`.
struct HistoryInstruction: Equatable {
    /// Upper-case keyword: RUN, ENV, ARG, ADD, COPY, …
    var keyword: String
    var arguments: String
    /// Build arguments the classic builder recorded in front of a RUN (`|1 TOKEN=abc /bin/sh -c …`).
    var buildArguments: [String]

    init?(createdBy raw: String) {
        var text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.hasSuffix("# buildkit") { text = String(text.dropLast("# buildkit".count)).trimmingCharacters(in: .whitespaces) }
        var buildArguments: [String] = []
        if text.hasPrefix("|"), let space = text.firstIndex(of: " "), let count = Int(text[text.index(after: text.startIndex)..<space]) {
            // `|N` then N `KEY=VALUE` words, then the command.
            var rest = text[text.index(after: space)...]
            for _ in 0..<count {
                let word = rest.prefix { $0 != " " }
                buildArguments.append(String(word))
                rest = rest.dropFirst(word.count).drop { $0 == " " }
            }
            text = String(rest)
        }
        self.buildArguments = buildArguments
        for shell in ["/bin/sh -c ", "/bin/bash -c ", "cmd /S /C "] where text.hasPrefix(shell) {
            text = String(text.dropFirst(shell.count))
            if text.hasPrefix("#(nop)") {
                text = String(text.dropFirst("#(nop)".count)).trimmingCharacters(in: .whitespaces)
                break
            }
            text = "RUN " + text
            break
        }
        let keyword = text.prefix { !$0.isWhitespace }
        self.keyword = keyword.uppercased()
        var arguments = String(text.dropFirst(keyword.count)).trimmingCharacters(in: .whitespaces)
        // BuildKit writes RUN with its shell: `RUN /bin/sh -c apt-get update`.
        if self.keyword == "RUN" {
            for shell in ["/bin/sh -c ", "/bin/bash -c "] where arguments.hasPrefix(shell) {
                arguments = String(arguments.dropFirst(shell.count))
            }
        }
        self.arguments = arguments
    }

    var description: String { "\(keyword) \(arguments)" }
}

extension ImageRecord {
    /// The history oldest first, parsed; entries with no `CreatedBy` (imported layers) are left out.
    var instructions: [HistoryInstruction] {
        (history ?? []).reversed().compactMap { $0.createdBy.flatMap(HistoryInstruction.init(createdBy:)) }
    }
}
