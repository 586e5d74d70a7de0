import Foundation
import Yams

/// Reads a Compose file into services as `docker compose config` would see them: YAML anchors and merge keys,
/// `${VAR:-default}` from the project's `.env`, `extends` (same file or another), and override files merged in.
/// Hostile YAML is refused before it can cost much: nesting deeper than `maximumDepth` is refused before
/// parsing, and alias expansion stops at `maximumNodes` nodes or `maximumExpandedBytes` bytes of keys and values
/// ("billion laughs", or one large anchor used many times).
public enum ComposeLoader {
    public static let maximumDepth = 64
    public static let maximumNodes = 200_000
    /// Twice the largest file read: a file without aliases never comes near it.
    public static let maximumExpandedBytes = 2 * BuildFileCollector.sizeLimit

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
        public var range: SourceRange?
    }

    /// How the loader reads `.env` and other files next to the compose file (bounded reads, by the collector).
    public typealias FileReader = @Sendable (String) throws -> Data

    public static func load(path: String, data: Data, overrides: [String] = [], read: @escaping FileReader) -> ComposeProject {
        var project = ComposeProject(path: path, files: [path] + overrides, services: [], comments: [:], problems: [])
        let directory = (path as NSString).deletingLastPathComponent
        let environment = (try? read(directory.isEmpty ? ".env" : directory + "/.env")).map(parseEnvironmentFile) ?? [:]
        var loader = Loader(environment: environment, read: read)
        do {
            var services = try loader.services(of: path, data: data)
            for override in overrides {
                let overrideServices = try loader.services(of: override, data: try read(override))
                for service in overrideServices {
                    if let index = services.firstIndex(where: { $0.name == service.name }) {
                        services[index].node = merge(services[index].node, service.node)
                    } else {
                        services.append(service)
                    }
                }
            }
            for index in services.indices {
                services[index].node = try loader.resolveExtends(services[index].node, file: services[index].file, depth: 0)
                services[index].seccompProfiles = seccompProfiles(of: services[index], read: read)
            }
            project.services = services
        } catch let problem as Problem {
            project.problems.append(FileProblem(message: problem.description, range: problem.range))
        } catch {
            project.problems.append(FileProblem(message: String(describing: error), range: nil))
        }
        project.comments = loader.comments
        project.commentBlockEnds = loader.commentBlockEnds
        return project
    }

    /// The profiles a service's `security_opt` names as files (`seccomp=./profile.json`, relative to the file that says
    /// so), read as Compose reads them, so lint judges what they allow.
    static func seccompProfiles(of service: ComposeService, read: FileReader) -> [String: SeccompProfileText] {
        var profiles: [String: SeccompProfileText] = [:]
        for option in service["security_opt"]?.items ?? [] {
            guard let text = option.string, text.hasPrefix("seccomp=") || text.hasPrefix("seccomp:") else { continue }
            let value = String(text.dropFirst(8))
            guard !["unconfined", "builtin"].contains(value), !value.hasPrefix("{") else { continue }
            let directory = (option.file as NSString).deletingLastPathComponent
            let path = value.hasPrefix("/") || directory.isEmpty ? value : directory + "/" + value
            do {
                profiles[value] = .json(String(decoding: try read(path), as: UTF8.self))
            } catch {
                profiles[value] = .unreadable("\(path): \(error)")
            }
        }
        return profiles
    }

    private struct Loader {
        var environment: [String: String]
        var read: FileReader
        var comments: [String: [Int: String]] = [:]
        var commentBlockEnds: [String: [Int: Int]] = [:]
        var documents: [String: YAMLNode] = [:]
        var nodes = 0
        /// Bytes of keys and values converted so far, aliases counted each time they are used.
        var expandedBytes = 0

        init(environment: [String: String], read: @escaping FileReader) {
            self.environment = environment
            self.read = read
        }

        mutating func document(_ path: String, data: Data) throws -> YAMLNode {
            if let known = documents[path] { return known }
            if let line = firstNULLine(in: data) {
                throw Problem(description: "\(path): binary content (a NUL byte on line \(line)), not YAML", range: .line(line))
            }
            guard let text = String(data: data, encoding: .utf8) else { throw Problem(description: "\(path): not valid UTF-8") }
            if let (depth, line) = ComposeLoader.nestingDepth(text), depth > ComposeLoader.maximumDepth {
                throw Problem(description: "\(path): nested more than \(ComposeLoader.maximumDepth) levels deep (line \(line)); refused",
                              range: .line(line))
            }
            (comments[path], commentBlockEnds[path]) = ComposeLoader.ignoreComments(in: text)
            let root: Node?
            do { root = try Yams.compose(yaml: text) } catch {
                let message = String(describing: error).split(separator: "\n").first.map { String($0.prefix(300)) } ?? "?"
                let line = (error as? YamlError).flatMap(Self.line(of:))
                throw Problem(description: "\(path) is not valid YAML: \(message)", range: line.map { .line($0) })
            }
            guard let root else { throw Problem(description: "\(path) is empty") }
            let converted = try convert(root, file: path, depth: 0)
            documents[path] = converted
            return converted
        }

        static func line(of error: YamlError) -> Int? {
            switch error {
            case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): return mark.line
            default: return nil
            }
        }

        /// The services of one file, with where each is named.
        mutating func services(of path: String, data: Data) throws -> [ComposeService] {
            let root = try document(path, data: data)
            guard case .mapping = root.value else {
                throw Problem(description: "\(path): the top level is not a mapping of Compose keys", range: root.range)
            }
            let servicesNode: YAMLNode
            if let services = root["services"] {
                servicesNode = services
            } else if root.entries.allSatisfy({ $0.value["image"] != nil || $0.value["build"] != nil }), !root.entries.isEmpty {
                servicesNode = root // the version 1 format: services at the top level
            } else {
                throw Problem(description: "\(path) has no services", range: root.range)
            }
            if servicesNode.isNull { return [] }
            guard case .mapping = servicesNode.value else {
                throw Problem(description: "\(path): services is not a mapping", range: servicesNode.range)
            }
            return servicesNode.entries.map { ComposeService(name: $0.key, file: path, range: $0.keyRange, node: $0.value) }
        }

        mutating func convert(_ node: Node, file: String, depth: Int) throws -> YAMLNode {
            nodes += 1
            guard nodes <= ComposeLoader.maximumNodes, depth <= ComposeLoader.maximumDepth * 2 else {
                throw Problem(description: "\(file): the YAML expands to more than \(ComposeLoader.maximumNodes) nodes or \(ComposeLoader.maximumDepth * 2) levels through its aliases (an alias bomb?); refused")
            }
            let range = SourceRange.line(node.mark?.line ?? 1, column: node.mark?.column ?? 1)
            switch node {
            case let .scalar(scalar):
                try count(bytes: scalar.string.utf8.count, file: file)
                if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                    return YAMLNode(value: .null, file: file, range: range)
                }
                let value = VariableExpander.expand(scalar.string, environment, composeEscapes: true)
                return YAMLNode(value: .scalar(value, raw: scalar.string, quoted: scalar.style != .plain), file: file, range: range)
            case let .sequence(sequence):
                return YAMLNode(value: .sequence(try sequence.map { try convert($0, file: file, depth: depth + 1) }), file: file, range: range)
            case let .mapping(mapping):
                var entries: [YAMLNode.Entry] = []
                var merged: [YAMLNode.Entry] = []
                // Keys already present, so merging a mapping of many keys stays linear.
                var mergedKeys: Set<String> = []
                for (key, value) in mapping {
                    let keyText = key.string ?? ""
                    try count(bytes: keyText.utf8.count, file: file)
                    let converted = try convert(value, file: file, depth: depth + 1)
                    if keyText == "<<" {
                        // Merge keys: the mapping's own keys win over merged ones, earlier merged ones over later.
                        for source in converted.items.isEmpty ? [converted] : converted.items {
                            for entry in source.entries where mergedKeys.insert(entry.key).inserted { merged.append(entry) }
                        }
                        continue
                    }
                    entries.append(YAMLNode.Entry(key: keyText, keyRange: .line(key.mark?.line ?? range.line, column: key.mark?.column ?? range.column,
                                                                                 length: keyText.count),
                                                  value: converted))
                }
                let ownKeys = Set(entries.map(\.key))
                entries += merged.filter { !ownKeys.contains($0.key) }
                return YAMLNode(value: .mapping(entries), file: file, range: range)
            case .alias:
                return YAMLNode(value: .null, file: file, range: range)
            }
        }

        /// Counts text as it is converted, before it is interpolated or copied: one 10 MB anchor used by a thousand
        /// services is refused after a few of them, not converted ten gigabytes deep.
        mutating func count(bytes: Int, file: String) throws {
            expandedBytes += bytes
            guard expandedBytes <= ComposeLoader.maximumExpandedBytes else {
                throw Problem(description: "\(file): the YAML expands to more than \(ComposeLoader.maximumExpandedBytes >> 20) MiB of text through its aliases (an alias bomb?); refused")
            }
        }

        /// `extends: base` or `extends: {service: base, file: other.yml}`: the base's keys under the service's own.
        mutating func resolveExtends(_ node: YAMLNode, file: String, depth: Int) throws -> YAMLNode {
            guard let extends = node["extends"] else { return node }
            guard depth < 10 else { throw Problem(description: "\(file): extends goes more than 10 services deep (a cycle?)", range: extends.range) }
            let serviceName = extends.string ?? extends["service"]?.string
            guard let serviceName else { throw Problem(description: "\(file): extends names no service", range: extends.range) }
            var baseFile = file
            if let other = extends["file"]?.string {
                let directory = (file as NSString).deletingLastPathComponent
                baseFile = other.hasPrefix("/") || directory.isEmpty ? other : directory + "/" + other
            }
            let data = try documents[baseFile] == nil ? read(baseFile) : Data()
            let services = try services(of: baseFile, data: data)
            guard let base = services.first(where: { $0.name == serviceName }) else {
                throw Problem(description: "\(file): extends names service \(serviceName), which \(baseFile) does not have", range: extends.range)
            }
            let resolvedBase = try resolveExtends(base.node, file: baseFile, depth: depth + 1)
            var own = node
            own.value = .mapping(node.entries.filter { $0.key != "extends" })
            return merge(resolvedBase, own)
        }
    }

    /// `override` on top of `base`: mappings merge key by key, lists of ports, volumes, capabilities and the like
    /// are joined, `environment` and `labels` merge by name, anything else is replaced.
    static func merge(_ base: YAMLNode, _ override: YAMLNode, key: String = "") -> YAMLNode {
        if ["environment", "labels"].contains(key) {
            return YAMLNode(value: .mapping(mergedEntries(keyValueEntries(base), keyValueEntries(override))), file: override.file,
                            range: override.range)
        }
        switch (base.value, override.value) {
        case let (.mapping(old), .mapping(new)):
            var entries = old
            var indexByKey = Dictionary(old.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
            for entry in new {
                if let index = indexByKey[entry.key] {
                    entries[index] = YAMLNode.Entry(key: entry.key, keyRange: entry.keyRange,
                                                    value: merge(entries[index].value, entry.value, key: entry.key))
                } else {
                    indexByKey[entry.key] = entries.count
                    entries.append(entry)
                }
            }
            return YAMLNode(value: .mapping(entries), file: override.file, range: override.range)
        case let (.sequence(old), .sequence(new)) where !["command", "entrypoint", "test"].contains(key):
            return YAMLNode(value: .sequence(old + new), file: override.file, range: override.range)
        default:
            return override
        }
    }

    private static func mergedEntries(_ old: [YAMLNode.Entry], _ new: [YAMLNode.Entry]) -> [YAMLNode.Entry] {
        let newKeys = Set(new.map(\.key))
        return old.filter { !newKeys.contains($0.key) } + new
    }

    /// `environment` as a mapping or as a list of `NAME=value`: entries by name.
    static func keyValueEntries(_ node: YAMLNode) -> [YAMLNode.Entry] {
        if case .mapping = node.value { return node.entries }
        return node.items.compactMap { item in
            guard let text = item.string, let rawText = item.raw else { return nil }
            let name = String(text.prefix { $0 != "=" })
            let value = text.contains("=") ? String(text.dropFirst(name.count + 1)) : ""
            let rawValue = rawText.contains("=") ? String(rawText.drop { $0 != "=" }.dropFirst()) : ""
            let valueNode = text.contains("=") ? YAMLNode(value: .scalar(value, raw: rawValue, quoted: false), file: item.file, range: item.range)
                                               : YAMLNode(value: .null, file: item.file, range: item.range)
            return YAMLNode.Entry(key: name, keyRange: item.range, value: valueNode)
        }
    }

    /// `KEY=value` lines of a `.env` file (`export`, quotes and comments allowed).
    static func parseEnvironmentFile(_ data: Data) -> [String: String] {
        var values: [String: String] = [:]
        for line in String(decoding: data.prefix(1 << 20), as: UTF8.self).split(whereSeparator: \.isNewline) {
            var text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !text.hasPrefix("#") else { continue }
            if text.hasPrefix("export ") { text = String(text.dropFirst(7)) }
            guard let equals = text.firstIndex(of: "=") else { continue }
            let name = text[..<equals].trimmingCharacters(in: .whitespaces)
            var value = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote {
                value = String(value.dropFirst().dropLast())
            } else if let comment = value.range(of: " #") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            values[name] = value
        }
        return values
    }

    /// The deepest nesting of block indentation, `- ` items and flow brackets, and its line; before parsing,
    /// so that a hostile file cannot exhaust the parser's stack.
    static func nestingDepth(_ text: String) -> (Int, Int)? {
        var deepest = (0, 0)
        var indents: [Int] = [0]
        var flow = 0
        var lines = LineCursor(text)
        while let line = lines.next() {
            let number = lines.number - 1
            let indent = line.prefix { $0 == " " }.count
            let content = line.dropFirst(indent)
            if content.isEmpty || content.first == "#" { continue }
            if flow == 0 {
                while indents.count > 1, indent < indents.last! { indents.removeLast() }
                if indent > indents.last! { indents.append(indent) }
            }
            var dashes = 0
            var rest = content
            while rest.hasPrefix("- ") || rest == "-" { dashes += 1; rest = rest.dropFirst(2).drop { $0 == " " } }
            var quote: Character?
            for character in rest {
                if let open = quote { if character == open { quote = nil }; continue }
                switch character {
                case "\"", "'": quote = character
                case "[", "{": flow += 1
                case "]", "}": flow = max(0, flow - 1)
                case "#": break
                default: continue
                }
                if character == "#" { break }
            }
            let depth = indents.count + dashes + flow
            if depth > deepest.0 { deepest = (depth, number + 1) }
        }
        return deepest
    }

    /// The inline-ignore comments of a file (those that name `docker-baseline`; others are not kept, so a file of
    /// millions of comment lines costs nothing), by line, each with the first line after it that is not a whole-line
    /// comment: the line a comment block stands over.
    static func ignoreComments(in text: String) -> (comments: [Int: String], blockEnds: [Int: Int]) {
        var comments: [Int: String] = [:], blockEnds: [Int: Int] = [:]
        var inBlock: [Int] = []
        var lines = LineCursor(text)
        while let line = lines.next() {
            let number = lines.number
            let wholeLine = line.drop { $0 == " " || $0 == "\t" }.first == "#"
            if !wholeLine {
                for comment in inBlock { blockEnds[comment] = number }
                inBlock = []
            }
            guard line.contains("docker-baseline"), let comment = comment(in: line) else { continue }
            comments[number] = comment
            if wholeLine { inBlock.append(number) } else { blockEnds[number] = number + 1 }
        }
        for comment in inBlock { blockEnds[comment] = lines.number + 1 }
        return (comments, blockEnds)
    }

    /// The `# …` comment of a line (whole-line, or after a value outside quotes), nil when it has none.
    static func comment(in line: Substring) -> String? {
        var quote: Character?
        var previous: Character = " "
        for (offset, character) in line.enumerated() {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#", previous == " " || previous == "\t" {
                return String(line.dropFirst(offset))
            }
            previous = character
        }
        return nil
    }
}
