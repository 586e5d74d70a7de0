/// Reads `iptables-save` / `ip6tables-save` output (either backend: the text is the same) into tables of chains.
public enum IptablesSaveParser {
    /// iptables' own tables and the hooks and priorities of their built-in chains.
    static let builtInChains: [String: [(chain: String, hook: FilterHook, priority: Int)]] = [
        "raw": [("PREROUTING", .prerouting, -300), ("OUTPUT", .output, -300)],
        "mangle": [("PREROUTING", .prerouting, -150), ("INPUT", .input, -150), ("FORWARD", .forward, -150),
                   ("OUTPUT", .output, -150), ("POSTROUTING", .postrouting, -150)],
        "nat": [("PREROUTING", .prerouting, -100), ("INPUT", .input, 100), ("OUTPUT", .output, -100), ("POSTROUTING", .postrouting, 100)],
        "filter": [("INPUT", .input, 0), ("FORWARD", .forward, 0), ("OUTPUT", .output, 0)],
        "security": [("INPUT", .input, 50), ("FORWARD", .forward, 50), ("OUTPUT", .output, 50)],
    ]

    public struct Problem: Error, Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    /// The tables in `text`. `label` names the program (`iptables`, `ip6tables`, `iptables-legacy`), so evidence
    /// says `iptables filter FORWARD`. Lines it cannot read are reported and skipped; the rest is kept.
    public static func parse(_ text: String, family: AddressFamily, label: String) -> (tables: [FilterTable], problems: [Problem]) {
        var tables: [FilterTable] = []
        var problems: [Problem] = []
        var current: FilterTable?
        var declared: Set<String> = []
        var lineNumber = 0
        func finish() {
            guard var table = current else { return }
            let tableName = String(table.name.dropFirst(label.count + 1))
            for builtIn in builtInChains[tableName] ?? [] where table.chains[builtIn.chain] != nil {
                table.baseChains.append(BaseChain(table: table.name, name: builtIn.chain, hook: builtIn.hook, priority: builtIn.priority,
                                                  isNAT: tableName == "nat"))
            }
            tables.append(table)
            current = nil
        }
        // Lines split on bytes: a kube-proxy host's dump has tens of thousands.
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Substring(rawLine).trimmingSuffixWhitespace()
            guard let first = line.first, first != "#" else { continue }
            switch first {
            case "*":
                finish()
                current = FilterTable(name: "\(label) \(line.dropFirst())", family: family)
                declared = []
            case ":":
                let fields = line.dropFirst().split(separator: " ")
                guard let name = fields.first, current != nil else {
                    problems.append(Problem(line: lineNumber, message: "chain declaration outside a table"))
                    continue
                }
                let policy: FilterAction? = fields.count > 1 ? ["ACCEPT": .accept, "DROP": .drop][String(fields[1])] : nil
                current?.chains[String(name)] = FilterChain(name: String(name), policy: policy)
                declared.insert(String(name))
            case "-":
                guard current != nil else {
                    problems.append(Problem(line: lineNumber, message: "rule outside a table"))
                    continue
                }
                let words = tokenize(line)
                guard words.count >= 2, words[0] == "-A" || words[0] == "--append" else {
                    problems.append(Problem(line: lineNumber, message: "not a rule: \(line.prefix(80))"))
                    continue
                }
                let chain = words[1]
                if current?.chains[chain] == nil { current?.chains[chain] = FilterChain(name: chain, policy: nil) }
                current?.chains[chain]?.rules.append(rule(words.dropFirst(2), family: family, chains: declared, text: String(line)))
            default:
                if line == "COMMIT" { finish() } else {
                    problems.append(Problem(line: lineNumber, message: "unrecognised line: \(line.prefix(80))"))
                }
            }
        }
        finish()
        return (tables, problems)
    }

    /// One `-A CHAIN …` rule's options after the chain name.
    static func rule(_ words: ArraySlice<String>, family: AddressFamily, chains: Set<String>, text: String) -> FilterRule {
        var conditions: [FilterCondition] = []
        var action = FilterAction.continues("no target")
        var negate = false
        var index = words.startIndex
        func value() -> String? {
            index += 1
            return index < words.endIndex ? words[index] : nil
        }
        func address(_ text: String?) -> AddressMatch? {
            guard let text else { return nil }
            let sets = text.split(separator: ",").compactMap { AddressSet(cidr: $0, family: family) }
            guard !sets.isEmpty, sets.count == text.split(separator: ",").count else { return nil }
            return .set(sets.dropFirst().reduce(sets[0]) { $0.union($1) })
        }
        while index < words.endIndex {
            let word = words[index]
            let negated = negate
            negate = false
            switch word {
            case "!":
                negate = true
            case "-s", "--source", "--src":
                let text = value()
                conditions.append(address(text).map { .source($0, negated: negated) } ?? .unmodelled("-s \(text ?? "")"))
            case "-d", "--destination", "--dst":
                let text = value()
                conditions.append(address(text).map { .destination($0, negated: negated) } ?? .unmodelled("-d \(text ?? "")"))
            case "--src-range":
                let text = value()
                conditions.append(address(text).map { .source($0, negated: negated) } ?? .unmodelled("--src-range \(text ?? "")"))
            case "--dst-range":
                let text = value()
                conditions.append(address(text).map { .destination($0, negated: negated) } ?? .unmodelled("--dst-range \(text ?? "")"))
            case "-i", "--in-interface":
                conditions.append(.inInterface(value() ?? "", negated: negated))
            case "-o", "--out-interface":
                conditions.append(.outInterface(value() ?? "", negated: negated))
            case "-p", "--protocol":
                conditions.append(.proto((value() ?? "").lowercased(), negated: negated))
            case "--dport", "--destination-port", "--dports", "--destination-ports":
                let text = value() ?? ""
                conditions.append(PortSet(text).map { .destinationPort($0, negated: negated) } ?? .unmodelled("\(word) \(text)"))
            case "--sport", "--source-port", "--sports", "--source-ports":
                let text = value() ?? ""
                conditions.append(PortSet(text).map { .sourcePort($0, negated: negated) } ?? .unmodelled("\(word) \(text)"))
            case "--ctstate", "--state":
                let states = Set((value() ?? "").split(separator: ",").map { String($0).uppercased() })
                conditions.append(.connectionState(states, negated: negated))
            case "--dst-type":
                let type = value() ?? ""
                conditions.append(type == "LOCAL" ? .destinationIsLocal(negated: negated) : .unmodelled("--dst-type \(type)"))
            case "--match-set":
                let name = value() ?? "", direction = value() ?? ""
                switch direction {
                case "src": conditions.append(.source(.named(name), negated: negated))
                case "dst": conditions.append(.destination(.named(name), negated: negated))
                default: conditions.append(.unmodelled("--match-set \(name) \(direction)"))
                }
            case "-m", "--match":
                // The module's own options follow and are read one by one; a module whose options are all
                // ignored (comment) adds nothing, one with none read (limit, recent, string) is unmodelled.
                let module = value() ?? ""
                if !Self.modelledModules.contains(module) { conditions.append(.unmodelled("-m \(module)")) }
            case "--comment":
                _ = value()
            case "-j", "--jump", "-g", "--goto":
                let target = value() ?? ""
                action = Self.action(target, goto: word == "-g" || word == "--goto", chains: chains, options: words[(index + 1)...])
                index = words.endIndex
                continue
            case "-c", "--set-counters":
                _ = value(); _ = value()
            default:
                // A module's option the model does not read: the rule's condition is not understood.
                if word.hasPrefix("-") {
                    var option = word
                    while index + 1 < words.endIndex, !words[index + 1].hasPrefix("-"), words[index + 1] != "!" {
                        index += 1
                        option += " " + words[index]
                    }
                    conditions.append(.unmodelled(negated ? "! " + option : option))
                }
            }
            index += 1
        }
        return FilterRule(conditions: conditions, action: action, text: text)
    }

    /// Modules whose options are read as conditions (or carry none that matter).
    static let modelledModules: Set<String> = ["tcp", "udp", "sctp", "multiport", "conntrack", "state", "addrtype", "set", "comment", "iprange"]

    static func action(_ target: String, goto: Bool, chains: Set<String>, options: ArraySlice<String>) -> FilterAction {
        switch target {
        case "ACCEPT": return .accept
        case "DROP": return .drop
        case "REJECT": return .reject
        case "RETURN": return .returns
        case "DNAT":
            guard let at = options.firstIndex(of: "--to-destination"), at + 1 < options.endIndex else { return .dnat(address: nil, port: nil) }
            return dnatDestination(options[at + 1])
        default:
            if chains.contains(target) { return goto ? .goto(target) : .jump(target) }
            return .continues(target)
        }
    }

    /// `172.17.0.2:80`, `[fd00::2]:80`, `172.17.0.2`, `172.17.0.2:80-90` (the first port).
    static func dnatDestination(_ text: String) -> FilterAction {
        var address = text, port: Int?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            address = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[close...].dropFirst()
            if rest.hasPrefix(":") { port = Int(rest.dropFirst().prefix { $0.isNumber }) }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            address = String(text[..<colon])
            port = Int(text[text.index(after: colon)...].prefix { $0.isNumber })
        }
        address = String(address.prefix { $0 != "-" })
        return .dnat(address: address.isEmpty ? nil : address, port: port)
    }

    /// Splits a saved rule into words: double-quoted words (comments) may hold spaces and `\"`.
    static func tokenize(_ line: Substring) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var inWord = false, quoted = false, escaped = false
        for byte in line.utf8 {
            if quoted {
                if escaped { current.append(byte); escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { quoted = false }
                else { current.append(byte) }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
                inWord = true
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                if inWord { words.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
                inWord = false
            } else {
                current.append(byte)
                inWord = true
            }
        }
        if inWord { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }
}

extension Substring {
    func trimmingSuffixWhitespace() -> Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)].isWhitespace { end = index(before: end) }
        return self[startIndex..<end]
    }
}
