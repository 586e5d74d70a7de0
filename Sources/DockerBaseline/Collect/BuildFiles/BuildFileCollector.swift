import Foundation

/// Finds Dockerfiles and Compose files under the paths given (honouring .gitignore and --exclude-path), reads each
/// with a size limit and parses it. A file that cannot be read becomes `.unreadable` with why; the rest go on.
public enum BuildFileCollector {
    /// No build file is read past this size.
    public static let sizeLimit = 16 << 20

    public struct Candidate: Sendable, Equatable {
        public var path: String
        public var kind: BuildFileKind?
        /// Override files Compose merges into this one (`docker-compose.override.yml` next to `docker-compose.yml`).
        public var overrides: [String] = []
        /// Why the walk could not search this directory (too deep, unreadable, a loop): reported as an input error.
        public var problem: String?
    }

    /// Directories are searched this deep; a deeper one is reported, not searched.
    public static let maximumDepth = 64

    static let overrideNames: Set<String> = ["docker-compose.override.yml", "docker-compose.override.yaml", "compose.override.yml", "compose.override.yaml"]

    /// What kind of build file a name says it is, nil for neither.
    public static func kind(ofName name: String) -> BuildFileKind? {
        if name.hasSuffix(".dockerignore") { return nil }
        if name == "Dockerfile" || name.hasPrefix("Dockerfile.") || name.hasSuffix(".Dockerfile") || name.hasSuffix(".dockerfile")
            || name == "Containerfile" || name.hasPrefix("Containerfile.") || name.hasSuffix(".Containerfile") {
            return .dockerfile
        }
        let yaml = name.hasSuffix(".yml") || name.hasSuffix(".yaml")
        if yaml, ["compose.yml", "compose.yaml"].contains(name) || name.hasPrefix("docker-compose") || overrideNames.contains(name) {
            return .compose
        }
        return nil
    }

    /// The files to lint: named files as they are, directories searched recursively.
    public static func find(_ paths: [String], exclude: [String] = [], kind forced: BuildFileKind? = nil) -> [Candidate] {
        var found: [Candidate] = []
        for path in paths {
            var info = stat()
            guard lstat(path, &info) == 0 else {
                found.append(Candidate(path: path, kind: forced))
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let excludes = IgnoreRules(patterns: exclude, base: "")
                var walked: [Candidate] = []
                var visited: Set<DirectoryID> = [DirectoryID(info)]
                walk(directory: path, relative: "", ignores: [excludes], into: &walked, visited: &visited, depth: 0)
                found += attachOverrides(walked)
            } else {
                var candidate = Candidate(path: path, kind: forced ?? kind(ofName: path.baseName))
                if candidate.kind == .compose, !overrideNames.contains(path.baseName) {
                    candidate.overrides = existingOverrides(besides: path)
                }
                found.append(candidate)
            }
        }
        return found
    }

    private static func existingOverrides(besides path: String) -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        let stem = path.baseName.hasPrefix("docker-compose") ? "docker-compose.override" : "compose.override"
        return ["yml", "yaml"].map { (directory.isEmpty ? "" : directory + "/") + "\(stem).\($0)" }.filter {
            var info = stat()
            return stat($0, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }.prefix(1).map { $0 }
    }

    /// Overrides found in a walk go with their base file instead of being linted alone.
    private static func attachOverrides(_ candidates: [Candidate]) -> [Candidate] {
        var result: [Candidate] = []
        for candidate in candidates {
            let directory = (candidate.path as NSString).deletingLastPathComponent
            if overrideNames.contains(candidate.path.baseName) {
                let hasBase = candidates.contains { other in
                    other.kind == .compose && !overrideNames.contains(other.path.baseName) && (other.path as NSString).deletingLastPathComponent == directory
                        && other.path.baseName.hasPrefix("docker-compose") == candidate.path.baseName.hasPrefix("docker-compose")
                }
                if hasBase { continue }
                result.append(candidate)
            } else if candidate.kind == .compose {
                var base = candidate
                base.overrides = existingOverrides(besides: candidate.path)
                result.append(base)
            } else {
                result.append(candidate)
            }
        }
        return result
    }

    /// A directory as the kernel knows it: two paths to the same one (a bind mount of a parent) are one loop.
    struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    private static func walk(directory: String, relative: String, ignores: [IgnoreRules], into found: inout [Candidate],
                             visited: inout Set<DirectoryID>, depth: Int) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { String(describing: $0) } ?? error.localizedDescription
            found.append(Candidate(path: directory, kind: nil, problem: "cannot search directory \(directory): \(reason)"))
            return
        }
        var ignores = ignores
        if names.contains(".gitignore"), let data = try? readInputFile(directory + "/.gitignore", what: ".gitignore", limit: 1 << 20) {
            ignores.append(IgnoreRules(text: String(decoding: data, as: UTF8.self), base: relative))
        }
        for name in names.sorted() where name != ".git" {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            // Symbolic links are not followed: a link loop or a link out of the tree is never walked.
            guard lstat(path, &info) == 0 else { continue }
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            guard (info.st_mode & S_IFMT) == S_IFREG || isDirectory else { continue }
            if IgnoreRules.ignored(relativePath, isDirectory: isDirectory, by: ignores) { continue }
            if isDirectory {
                guard depth + 1 < maximumDepth else {
                    found.append(Candidate(path: path, kind: nil, problem: "directory \(path) is nested more than \(maximumDepth) levels deep: "
                                           + "not searched (lint it on its own)"))
                    continue
                }
                // A directory seen before (through a bind mount) would be walked again and again.
                guard visited.insert(DirectoryID(info)).inserted else {
                    found.append(Candidate(path: path, kind: nil, problem: "directory \(path) was already searched under another path (a loop): not searched again"))
                    continue
                }
                walk(directory: path, relative: relativePath, ignores: ignores, into: &found, visited: &visited, depth: depth + 1)
            } else if let kind = kind(ofName: name) {
                found.append(Candidate(path: path, kind: kind))
            }
        }
    }

    /// Reads and parses every candidate, several at once.
    public static func load(_ candidates: [Candidate], standardInput: Data? = nil) -> [BuildFile] {
        let slots = ConcurrentSlots([BuildFile?](repeating: nil, count: candidates.count))
        DispatchQueue.concurrentPerform(iterations: candidates.count) { index in
            slots.set(index, load(candidates[index], standardInput: standardInput))
        }
        return slots.values.compactMap { $0 }
    }

    static func load(_ candidate: Candidate, standardInput: Data?) -> BuildFile {
        if let problem = candidate.problem { return .unreadable(path: candidate.path, kind: nil, message: problem) }
        let data: Data
        do {
            if candidate.path == "-" {
                data = standardInput ?? Data()
                if data.count > sizeLimit {
                    return .unreadable(path: "<stdin>", kind: candidate.kind, message: "standard input is over the limit of \(sizeLimit >> 20) MiB")
                }
            } else {
                data = try readInputFile(candidate.path, what: candidate.kind?.rawValue ?? "file", limit: sizeLimit)
            }
        } catch {
            return .unreadable(path: candidate.path, kind: candidate.kind, message: String(describing: error))
        }
        let path = candidate.path == "-" ? "<stdin>" : candidate.path
        // A NUL byte anywhere makes it a binary file, not text to parse (a NUL after the first few KiB passed before).
        if let line = firstNULLine(in: data) {
            return .unreadable(path: path, kind: candidate.kind,
                               message: "\(path) is binary (a NUL byte on line \(line)): not a Dockerfile or Compose file")
        }
        switch candidate.kind ?? sniff(data) {
        case .dockerfile:
            return .dockerfile(DockerfileParser.parse(data, path: path))
        case .compose:
            return .compose(ComposeLoader.load(path: path, data: data, overrides: candidate.overrides) { file in
                try readInputFile(file, what: "compose file", limit: sizeLimit)
            })
        case nil:
            return .unreadable(path: path, kind: nil, message: "cannot tell whether \(path) is a Dockerfile or a Compose file: give --kind dockerfile or --kind compose")
        }
    }

    /// A Dockerfile starts with a comment, ARG or FROM; a Compose file has `services:` (or is YAML of services).
    static func sniff(_ data: Data) -> BuildFileKind? {
        let text = String(decoding: data.prefix(64 << 10), as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let word = trimmed.prefix { !$0.isWhitespace }.uppercased()
            if ["FROM", "ARG"].contains(word) { return .dockerfile }
            break
        }
        return text.range(of: #"(?m)^services\s*:"#, options: .regularExpression) != nil ? .compose : nil
    }
}

/// .gitignore rules (and --exclude-path patterns, which use the same syntax), relative to the directory they are in.
struct IgnoreRules {
    struct Pattern {
        var glob: PathGlob
        var negated: Bool
        var directoryOnly: Bool
    }

    var base: String
    var patterns: [Pattern] = []

    init(text: String, base: String) {
        self.init(patterns: text.split(whereSeparator: \.isNewline).map(String.init), base: base)
    }

    init(patterns lines: [String], base: String) {
        self.base = base
        for line in lines {
            var pattern = line
            while pattern.hasSuffix(" ") && !pattern.hasSuffix("\\ ") { pattern.removeLast() }
            guard !pattern.isEmpty, !pattern.hasPrefix("#") else { continue }
            var negated = false
            if pattern.hasPrefix("!") { negated = true; pattern.removeFirst() }
            if pattern.hasPrefix("\\") { pattern.removeFirst() }
            var directoryOnly = false
            if pattern.hasSuffix("/") { directoryOnly = true; pattern.removeLast() }
            let anchored = pattern.contains("/")
            if pattern.hasPrefix("/") { pattern.removeFirst() }
            patterns.append(Pattern(glob: PathGlob(pattern, anchored: anchored), negated: negated, directoryOnly: directoryOnly))
        }
    }

    /// Git's rule: the last matching pattern decides, and files in an ignored directory are never visited.
    static func ignored(_ path: String, isDirectory: Bool, by rules: [IgnoreRules]) -> Bool {
        var ignored = false
        for rules in rules {
            let relative: String
            if rules.base.isEmpty {
                relative = path
            } else if path.hasPrefix(rules.base + "/") {
                relative = String(path.dropFirst(rules.base.count + 1))
            } else {
                continue
            }
            for pattern in rules.patterns where !pattern.directoryOnly || isDirectory {
                if pattern.glob.matches(relative) { ignored = !pattern.negated }
            }
        }
        return ignored
    }
}
