import Foundation

/// A strict reader for the TOML that Podman's configuration files use (containers.conf, storage.conf,
/// registries.conf): tables, arrays of tables, dotted and quoted keys, basic and literal strings (single- and
/// multi-line), integers, floats, booleans, arrays and inline tables, comments. No package in the mirror reads TOML.
/// Anything else (dates, a key defined twice, a table reopened) is an error naming the line, as Podman refuses it too.
public indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    /// The value as settings show it: strings as they are, arrays as their items.
    public var texts: [String] {
        switch self {
        case let .string(text): [text]
        case let .integer(number): [String(number)]
        case let .float(number): [String(number)]
        case let .bool(flag): [flag ? "true" : "false"]
        case let .array(items): items.flatMap(\.texts)
        case .table: ["{…}"]
        }
    }

    public var string: String? { if case let .string(text) = self { text } else { nil } }
    public var bool: Bool? { if case let .bool(flag) = self { flag } else { nil } }
}

/// A table: its keys in the order written, each with its value and the line that set it.
public struct TOMLTable: Sendable, Equatable {
    public private(set) var keys: [String] = []
    public private(set) var entries: [String: (value: TOMLValue, line: Int)] = [:]
    /// The line of the `[table]` or `[[table]]` header; 0 for the root and inline tables.
    public var line = 0

    public init(line: Int = 0) { self.line = line }

    public subscript(key: String) -> TOMLValue? { entries[key]?.value }
    public func line(of key: String) -> Int? { entries[key]?.line }

    mutating func set(_ key: String, _ value: TOMLValue, line: Int) {
        if entries[key] == nil { keys.append(key) }
        entries[key] = (value, line)
    }

    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        lhs.keys == rhs.keys && lhs.keys.allSatisfy { lhs.entries[$0]!.value == rhs.entries[$0]!.value }
    }
}

public struct TOMLError: Error, CustomStringConvertible, Equatable {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

public enum TOML {
    /// Files larger than this are refused: Podman's own are a few tens of KiB.
    public static let sizeLimit = 1 << 20
    static let depthLimit = 32

    public static func parse(_ text: String) throws -> TOMLTable {
        guard text.utf8.count <= sizeLimit else { throw TOMLError(line: 0, message: "larger than \(sizeLimit >> 10) KiB") }
        var parser = Parser(Array(text.unicodeScalars))
        return try parser.document()
    }

    private struct Parser {
        let text: [Unicode.Scalar]
        var index = 0
        var line = 1
        var root = TOMLTable()
        /// The path of the table keys now go to; `arrayPaths` are `[[…]]` tables (the last element is current).
        var current: [String] = []
        var explicitTables = Set<[String]>()
        var arrayPaths = Set<[String]>()

        init(_ text: [Unicode.Scalar]) { self.text = text }

        var atEnd: Bool { index >= text.count }
        var peek: Unicode.Scalar? { atEnd ? nil : text[index] }

        func fail(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

        mutating func advance() {
            if text[index] == "\n" { line += 1 }
            index += 1
        }

        mutating func skipSpaces() {
            while let scalar = peek, scalar == " " || scalar == "\t" { advance() }
        }

        mutating func skipComment() throws {
            guard peek == "#" else { return }
            while let scalar = peek, scalar != "\n" {
                if scalar.value < 0x20 && scalar != "\t" { throw fail("control character in a comment") }
                advance()
            }
        }

        /// Spaces, then a comment, then the end of the line (or of the file).
        mutating func endOfLine() throws {
            skipSpaces()
            try skipComment()
            if peek == "\r" { advance() }
            guard atEnd || peek == "\n" else { throw fail("unexpected \(describe(peek!)) after the value") }
            if !atEnd { advance() }
        }

        /// Blank lines, comments and (inside arrays) new lines.
        mutating func skipBlank() throws {
            while let scalar = peek {
                if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" { advance() } else if scalar == "#" { try skipComment() } else { return }
            }
        }

        mutating func document() throws -> TOMLTable {
            while true {
                try skipBlank()
                guard let scalar = peek else { break }
                if scalar == "[" {
                    try header()
                } else {
                    let keyLine = line
                    let path = try key()
                    skipSpaces()
                    guard peek == "=" else { throw fail("expected = after the key \(path.joined(separator: "."))") }
                    advance()
                    skipSpaces()
                    let value = try self.value(depth: 0)
                    try assign(current, path, value, line: keyLine)
                    try endOfLine()
                }
            }
            return root
        }

        mutating func header() throws {
            let headerLine = line
            advance()
            let isArray = peek == "["
            if isArray { advance() }
            skipSpaces()
            let path = try key()
            skipSpaces()
            guard peek == "]" else { throw fail("expected ] to close the table header") }
            advance()
            if isArray {
                guard peek == "]" else { throw fail("expected ]] to close the array-of-tables header") }
                advance()
            }
            try endOfLine()
            if isArray {
                try appendTable(path, line: headerLine)
            } else {
                guard explicitTables.insert(path).inserted else { throw TOMLError(line: headerLine, message: "table [\(path.joined(separator: "."))] defined twice") }
                try ensureTable(path, line: headerLine)
            }
            current = path
        }

        // MARK: Keys

        mutating func key() throws -> [String] {
            var parts = [try simpleKey()]
            while true {
                skipSpaces()
                guard peek == "." else { return parts }
                advance()
                skipSpaces()
                parts.append(try simpleKey())
            }
        }

        mutating func simpleKey() throws -> String {
            if peek == "\"" { return try basicString() }
            if peek == "'" { return try literalString() }
            var key = ""
            while let scalar = peek, scalar.properties.isASCIIHexDigit || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == "-" {
                key.unicodeScalars.append(scalar)
                advance()
            }
            guard !key.isEmpty else { throw fail(peek.map { "expected a key, found \(describe($0))" } ?? "expected a key, found the end of the file") }
            return key
        }

        // MARK: Values

        mutating func value(depth: Int) throws -> TOMLValue {
            guard depth < depthLimit else { throw fail("values nested more than \(depthLimit) deep") }
            guard let scalar = peek else { throw fail("expected a value, found the end of the file") }
            switch scalar {
            case "\"": return .string(try basicString())
            case "'": return .string(try literalString())
            case "[": return try array(depth: depth)
            case "{": return try inlineTable(depth: depth)
            case "t", "f": return try boolean()
            default: return try number()
            }
        }

        mutating func boolean() throws -> TOMLValue {
            for (word, flag) in [("true", true), ("false", false)] where matches(word) {
                index += word.unicodeScalars.count
                return .bool(flag)
            }
            throw fail("expected true or false")
        }

        func matches(_ word: String) -> Bool {
            let scalars = Array(word.unicodeScalars)
            guard index + scalars.count <= text.count else { return false }
            return Array(text[index..<index + scalars.count]) == scalars
        }

        mutating func number() throws -> TOMLValue {
            var raw = ""
            while let scalar = peek, scalar.properties.isASCIIHexDigit || "+-._xXoObB".unicodeScalars.contains(scalar) || ("g"..."z").contains(scalar) {
                raw.unicodeScalars.append(scalar)
                advance()
            }
            guard !raw.isEmpty else { throw fail("expected a value, found \(describe(peek!))") }
            if raw == "inf" || raw == "+inf" || raw == "-inf" || raw.hasSuffix("nan") { return .float(raw.hasPrefix("-") ? -.infinity : raw.hasSuffix("nan") ? .nan : .infinity) }
            guard !raw.hasPrefix("_"), !raw.hasSuffix("_"), !raw.contains("__") else { throw fail("malformed number \(raw)") }
            let digits = raw.replacingOccurrences(of: "_", with: "")
            for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
                guard let number = Int(digits.dropFirst(2), radix: radix) else { throw fail("malformed number \(raw)") }
                return .integer(number)
            }
            if let number = Int(digits) {
                let unsigned = digits.trimmingCharacters(in: CharacterSet(charactersIn: "+-"))
                guard unsigned == "0" || !unsigned.hasPrefix("0") else { throw fail("leading zero in \(raw)") }
                return .integer(number)
            }
            if digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let number = Double(digits), !digits.hasSuffix("."), !digits.hasPrefix(".") {
                return .float(number)
            }
            throw fail("not a value: \(raw.prefix(40)) (strings need quotes)")
        }

        mutating func basicString() throws -> String {
            if matches("\"\"\"") { return try multilineBasicString() }
            advance()
            var result = ""
            while true {
                guard let scalar = peek, scalar != "\n" else { throw fail("unterminated string") }
                advance()
                if scalar == "\"" { return result }
                if scalar == "\\" { result.unicodeScalars.append(contentsOf: try escape()) } else {
                    guard scalar.value >= 0x20 || scalar == "\t", scalar.value != 0x7F else { throw fail("control character in a string") }
                    result.unicodeScalars.append(scalar)
                }
            }
        }

        mutating func multilineBasicString() throws -> String {
            index += 3
            if peek == "\n" { advance() } else if matches("\r\n") { advance(); advance() }
            var result = ""
            while true {
                guard let scalar = peek else { throw fail("unterminated multi-line string") }
                if matches("\"\"\"") {
                    index += 3
                    // Up to two quotes right before the closing ones belong to the string.
                    var extra = 0
                    while peek == "\"" && extra < 2 { result.append("\""); advance(); extra += 1 }
                    return result
                }
                advance()
                if scalar == "\\" {
                    if let next = peek, next == " " || next == "\t" || next == "\n" || next == "\r" {
                        // A line-ending backslash trims the whitespace that follows.
                        while let blank = peek, blank == " " || blank == "\t" || blank == "\n" || blank == "\r" { advance() }
                    } else {
                        result.unicodeScalars.append(contentsOf: try escape())
                    }
                } else {
                    guard scalar.value >= 0x20 || scalar == "\t" || scalar == "\n" || scalar == "\r", scalar.value != 0x7F else { throw fail("control character in a string") }
                    result.unicodeScalars.append(scalar)
                }
            }
        }

        mutating func escape() throws -> [Unicode.Scalar] {
            guard let scalar = peek else { throw fail("unterminated escape") }
            advance()
            switch scalar {
            case "\"": return ["\""]
            case "\\": return ["\\"]
            case "b": return ["\u{08}"]
            case "t": return ["\t"]
            case "n": return ["\n"]
            case "f": return ["\u{0C}"]
            case "r": return ["\r"]
            case "u", "U":
                let count = scalar == "u" ? 4 : 8
                var hex = ""
                for _ in 0..<count {
                    guard let digit = peek, digit.properties.isASCIIHexDigit else { throw fail("\\\(scalar) needs \(count) hex digits") }
                    hex.unicodeScalars.append(digit)
                    advance()
                }
                guard let value = UInt32(hex, radix: 16), let result = Unicode.Scalar(value) else { throw fail("\\\(scalar)\(hex) is not a Unicode scalar") }
                return [result]
            default:
                throw fail("unknown escape \\\(scalar)")
            }
        }

        mutating func literalString() throws -> String {
            if matches("'''") {
                index += 3
                if peek == "\n" { advance() }
                var result = ""
                while true {
                    guard let scalar = peek else { throw fail("unterminated multi-line literal string") }
                    if matches("'''") {
                        index += 3
                        var extra = 0
                        while peek == "'" && extra < 2 { result.append("'"); advance(); extra += 1 }
                        return result
                    }
                    result.unicodeScalars.append(scalar)
                    advance()
                }
            }
            advance()
            var result = ""
            while true {
                guard let scalar = peek, scalar != "\n" else { throw fail("unterminated literal string") }
                advance()
                if scalar == "'" { return result }
                guard scalar.value >= 0x20 || scalar == "\t" else { throw fail("control character in a string") }
                result.unicodeScalars.append(scalar)
            }
        }

        mutating func array(depth: Int) throws -> TOMLValue {
            advance()
            var items: [TOMLValue] = []
            while true {
                try skipBlank()
                if peek == "]" { advance(); return .array(items) }
                items.append(try value(depth: depth + 1))
                try skipBlank()
                if peek == "," { advance(); continue }
                guard peek == "]" else { throw fail(peek.map { "expected , or ] in an array, found \(describe($0))" } ?? "unterminated array") }
            }
        }

        mutating func inlineTable(depth: Int) throws -> TOMLValue {
            advance()
            var table = TOMLTable()
            skipSpaces()
            if peek == "}" { advance(); return .table(table) }
            while true {
                skipSpaces()
                let keyLine = line
                let path = try key()
                skipSpaces()
                guard peek == "=" else { throw fail("expected = in an inline table") }
                advance()
                skipSpaces()
                let item = try value(depth: depth + 1)
                try Self.insert(&table, path, item, line: keyLine)
                skipSpaces()
                if peek == "," { advance(); continue }
                guard peek == "}" else { throw fail("expected , or } in an inline table") }
                advance()
                return .table(table)
            }
        }

        // MARK: Building the document

        /// Sets `path` (relative to `table`) in `table`, creating implicit tables on the way.
        static func insert(_ table: inout TOMLTable, _ path: [String], _ value: TOMLValue, line: Int) throws {
            let head = path[0]
            if path.count == 1 {
                guard table[head] == nil else { throw TOMLError(line: line, message: "key \(head) defined twice") }
                table.set(head, value, line: line)
                return
            }
            var child: TOMLTable
            switch table[head] {
            case nil: child = TOMLTable(line: line)
            case let .table(existing)?: child = existing
            default: throw TOMLError(line: line, message: "key \(head) is not a table")
            }
            try insert(&child, Array(path.dropFirst()), value, line: line)
            table.set(head, .table(child), line: table.line(of: head) ?? line)
        }

        /// Applies `change` to the table at `path` (the last element of an array of tables).
        static func modify(_ table: inout TOMLTable, _ path: ArraySlice<String>, line: Int, create: Bool, _ change: (inout TOMLTable) throws -> Void) throws {
            guard let head = path.first else { return try change(&table) }
            switch table[head] {
            case nil:
                guard create else { throw TOMLError(line: line, message: "no table \(head)") }
                var child = TOMLTable(line: line)
                try modify(&child, path.dropFirst(), line: line, create: create, change)
                table.set(head, .table(child), line: line)
            case var .table(child)?:
                try modify(&child, path.dropFirst(), line: line, create: create, change)
                table.set(head, .table(child), line: table.line(of: head) ?? line)
            case var .array(items)? where items.last.map({ if case .table = $0 { true } else { false } }) == true:
                guard case var .table(last) = items.removeLast() else { return }
                try modify(&last, path.dropFirst(), line: line, create: create, change)
                items.append(.table(last))
                table.set(head, .array(items), line: table.line(of: head) ?? line)
            default:
                throw TOMLError(line: line, message: "key \(head) is not a table")
            }
        }

        mutating func ensureTable(_ path: [String], line: Int) throws {
            try Self.modify(&root, path[...], line: line, create: true) { _ in }
        }

        mutating func appendTable(_ path: [String], line: Int) throws {
            let parent = path.dropLast()
            let name = path.last!
            let isNew = arrayPaths.insert(path).inserted
            try Self.modify(&root, parent, line: line, create: true) { table in
                switch table[name] {
                case nil:
                    table.set(name, .array([.table(TOMLTable(line: line))]), line: line)
                case var .array(items)? where !isNew:
                    items.append(.table(TOMLTable(line: line)))
                    table.set(name, .array(items), line: table.line(of: name) ?? line)
                default:
                    throw TOMLError(line: line, message: "[[\(path.joined(separator: "."))]] reuses a key that is not an array of tables")
                }
            }
        }

        mutating func assign(_ tablePath: [String], _ path: [String], _ value: TOMLValue, line: Int) throws {
            try Self.modify(&root, tablePath[...], line: line, create: true) { table in
                try Self.insert(&table, path, value, line: line)
            }
        }

        func describe(_ scalar: Unicode.Scalar) -> String {
            scalar.value < 0x20 || scalar.value == 0x7F ? String(format: "byte 0x%02X", scalar.value) : "\"\(Character(scalar))\""
        }
    }
}
