/// A .gitignore-style glob (`*`, `?`, `[a-z]`, `[!x]`, `**`, `**/`, `\x`) matched against a slash-separated path by
/// following every way through the pattern at once (a set of positions), never by backtracking: the time is at most
/// the path's length times the pattern's, however many `*` and `**/` it repeats. A regular expression built from
/// `**/**/**/…` backtracked exponentially.
struct PathGlob {
    enum Token: Equatable {
        case literal(Unicode.Scalar)
        /// `?`: one character other than `/`.
        case one
        /// `[…]`: one character of the set (or, negated, not of it), never `/`.
        case set([ClosedRange<Unicode.Scalar>], negated: Bool)
        /// `*`: any run of characters other than `/`.
        case star
        /// `**` not followed by `/`: anything.
        case anything
        /// `**/`: nothing, or anything that ends with `/`.
        case directories

        var consumesOne: Bool {
            switch self {
            case .literal, .one, .set: true
            case .star, .anything, .directories: false
            }
        }
    }

    let tokens: [Token]
    /// Without a `/` in the pattern it may match the path's end after any `/` (git's rule for bare names).
    let anchored: Bool
    /// Characters every match consumes: a longer pattern cannot match a shorter path.
    let minimumLength: Int

    init(_ glob: String, anchored: Bool) {
        self.anchored = anchored
        tokens = Self.simplified(Self.tokens(of: Array(glob.unicodeScalars)))
        minimumLength = tokens.count { $0.consumesOne }
    }

    static func tokens(of characters: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "*":
                if index + 1 < characters.count, characters[index + 1] == "*" {
                    let slashAfter = index + 2 < characters.count && characters[index + 2] == "/"
                    tokens.append(slashAfter ? .directories : .anything)
                    index += slashAfter ? 3 : 2
                    continue
                }
                tokens.append(.star)
            case "?":
                tokens.append(.one)
            case "[":
                if let close = characters[(index + 1)...].firstIndex(of: "]") {
                    tokens.append(set(characters[(index + 1)..<close]))
                    index = close + 1
                    continue
                }
                tokens.append(.literal("["))
            case "\\":
                if index + 1 < characters.count { tokens.append(.literal(characters[index + 1])); index += 2; continue }
            default:
                tokens.append(.literal(character))
            }
            index += 1
        }
        return tokens
    }

    /// `[a-z_]`, `[!0-9]`, `[^x]`: a leading `!` or `^` negates, `a-z` is a range, a `-` at either end is itself.
    static func set(_ body: ArraySlice<Unicode.Scalar>) -> Token {
        var body = body
        var negated = false
        if let first = body.first, first == "!" || first == "^" { negated = true; body = body.dropFirst() }
        let characters = Array(body)
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var index = 0
        while index < characters.count {
            if index + 2 < characters.count, characters[index + 1] == "-", characters[index] <= characters[index + 2] {
                ranges.append(characters[index]...characters[index + 2])
                index += 3
            } else {
                ranges.append(characters[index]...characters[index])
                index += 1
            }
        }
        return .set(ranges, negated: negated)
    }

    /// Runs of tokens that match nothing or more collapse (`**/**/` is `**/`, `**` swallows its neighbours), so the
    /// pattern is never much longer than the characters it must consume.
    static func simplified(_ tokens: [Token]) -> [Token] {
        var out: [Token] = []
        var run: [Token] = []
        func flush() {
            if run.contains(.anything) {
                out.append(.anything)
            } else {
                for token in run where out.last != token { out.append(token) }
            }
            run = []
        }
        for token in tokens {
            if token.consumesOne { flush(); out.append(token) } else { run.append(token) }
        }
        flush()
        return out
    }

    func matches(_ path: String) -> Bool {
        let characters = Array(path.unicodeScalars)
        guard characters.count >= minimumLength else { return false }
        // active[i]: some way through the pattern has matched the path so far and is at token i (tokens.count: done).
        var active = [Bool](repeating: false, count: tokens.count + 1)
        var next = active
        active[0] = true
        close(&active)
        for character in characters {
            for index in next.indices { next[index] = false }
            for index in tokens.indices where active[index] {
                switch tokens[index] {
                case let .literal(expected):
                    if character == expected { next[index + 1] = true }
                case .one:
                    if character != "/" { next[index + 1] = true }
                case let .set(ranges, negated):
                    if character != "/", ranges.contains(where: { $0.contains(character) }) != negated { next[index + 1] = true }
                case .star:
                    if character != "/" { next[index] = true }
                case .anything:
                    next[index] = true
                case .directories:
                    next[index] = true
                    if character == "/" { next[index + 1] = true }
                }
            }
            // A bare name may start after any `/`.
            if !anchored, character == "/" { next[0] = true }
            swap(&active, &next)
            close(&active)
        }
        return active[tokens.count]
    }

    /// Adds the positions reached by matching nothing: past `*`, `**` and `**/`.
    private func close(_ active: inout [Bool]) {
        for index in tokens.indices where active[index] && !tokens[index].consumesOne {
            active[index + 1] = true
        }
    }
}
