// What several Dockerfile rules need to know about a file: instructions with ONBUILD unwrapped, the commands
// they run, packages they install, variables in scope and base image references.

extension Dockerfile {
    /// Every instruction, with the instruction an ONBUILD wraps in its place (it runs in images built from this one).
    var effectiveInstructions: [Instruction] {
        instructions.map { $0.keyword == "ONBUILD" ? ($0.wrapped.first ?? $0) : $0 }
    }

    /// The final stage's instructions and those of the stages it is built `FROM`, oldest first, with their indexes.
    var finalLineage: [(index: Int, instruction: Instruction)] {
        guard let final = finalStage else { return [] }
        return lineage(of: final).reversed().flatMap { stage in
            stage.instructions.map { ($0, instructions[$0]) }
        }
    }

    /// `ARG` and `ENV` values in effect just before the instruction at `index` of the final stage's lineage:
    /// defaults only, since build arguments given at build time are unknown here.
    func variables(before index: Int) -> [String: String] {
        var values: [String: String] = [:]
        for (position, instruction) in finalLineage where position < index {
            guard instruction.keyword == "ARG" || instruction.keyword == "ENV" else { continue }
            for (name, value) in instruction.declarations() {
                if let value {
                    values[name] = VariableExpander.expand(value, values)
                } else if instruction.keyword == "ARG", let global = globalArguments[name] ?? nil {
                    values[name] = global
                }
            }
        }
        return values
    }

    /// Whether a `FROM` names an earlier stage (or `scratch`) rather than an image.
    func isInternalBase(_ stage: Stage) -> Bool {
        stage.parent != nil || stage.base.lowercased() == "scratch"
    }
}

/// An image reference split as the engine splits it: `registry/path:tag@digest`.
struct ImageReference: Equatable {
    var registry: String
    var path: String
    var tag: String?
    var digest: String?

    init(_ text: String) {
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        let components = rest.split(separator: "/", omittingEmptySubsequences: false)
        if components.count > 1, let first = components.first, first.contains(".") || first.contains(":") || first == "localhost" {
            registry = String(first)
            rest = rest.dropFirst(first.count + 1)
        } else {
            registry = "docker.io"
        }
        // A tag is a colon in the last path component (`localhost:5000/img` has none).
        let lastSlash = rest.lastIndex(of: "/") ?? rest.startIndex
        if let colon = rest[lastSlash...].lastIndex(of: ":") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        path = String(rest)
    }
}

/// Package managers' install commands: the packages a command installs, nil when it installs nothing.
enum PackageCommands {
    static let installVerbs: [String: Set<String>] = [
        "apt-get": ["install"], "apt": ["install"], "aptitude": ["install"], "apk": ["add"], "yum": ["install"],
        "dnf": ["install"], "microdnf": ["install"], "tdnf": ["install"], "zypper": ["install", "in"], "pacman": ["-S", "-Sy", "-Syu"],
    ]
    static let updateVerbs: [String: Set<String>] = [
        "apt-get": ["update"], "apt": ["update"], "aptitude": ["update"], "apk": ["update"], "yum": ["makecache"],
        "dnf": ["makecache"], "zypper": ["refresh", "ref"],
    ]
    /// Options of these tools that take a value as the next word.
    static let optionsWithValues: Set<String> = ["-o", "-t", "-c", "--option", "--target-release", "--repository", "-X", "--root", "-p"]

    static func installedPackages(_ command: ShellCommand) -> [String]? {
        guard let verbs = installVerbs[command.name] else { return nil }
        let arguments = Array(command.arguments)
        guard let verbIndex = arguments.firstIndex(where: verbs.contains) else { return nil }
        var packages: [String] = []
        var skipNext = false
        for word in arguments[(verbIndex + 1)...] {
            if skipNext { skipNext = false; continue }
            if word.hasPrefix("-") { skipNext = optionsWithValues.contains(word); continue }
            // `openssh-server=1:8.4p1-5`, `sudo~1.9`, `curl>=7`: the name only.
            packages.append(String(word.prefix { !"=~<>".contains($0) }))
        }
        return packages
    }

    static func updatesIndex(_ command: ShellCommand) -> Bool {
        guard let verbs = updateVerbs[command.name] else { return false }
        return command.arguments.contains(where: verbs.contains)
    }
}

extension Instruction {
    /// `COPY`/`ADD` sources and destination (exec or shell form; heredoc sources are their markers).
    var copySourcesAndDestination: (sources: [String], destination: String)? {
        let words = self.words
        guard words.count >= 2 else { return nil }
        return (Array(words.dropLast()), words.last!)
    }
}

/// Whether a `chmod`-style mode sets the setuid or setgid bit: `u+s`, `g+s`, `+s`, `a=rwxs`, `4755`, `02755`.
func modeSetsSetID(_ mode: String) -> Bool {
    if mode.allSatisfy(\.isNumber) {
        guard mode.count >= 4, let value = Int(mode, radix: 8) else { return false }
        return value & 0o6000 != 0
    }
    return mode.split(separator: ",").contains { clause in
        guard let operatorIndex = clause.firstIndex(where: { $0 == "+" || $0 == "=" }) else { return false }
        let who = clause[..<operatorIndex]
        let permissions = clause[clause.index(after: operatorIndex)...]
        return permissions.contains("s") && who.allSatisfy { "ugao".contains($0) } && (who.isEmpty || who.contains { "uga".contains($0) })
    }
}
