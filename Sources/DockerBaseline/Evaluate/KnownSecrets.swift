/// Secret values the audited object itself declares (`ENV DB_PASSWORD hunter2`, a Compose service's environment, a
/// container's `-e API_TOKEN=…`). Wherever a finding about that object repeats one verbatim, it is masked, even in a
/// shape no pattern knows (`mysql -phunter2`). The evaluator and the linter apply it before `UntrustedText`.
struct KnownSecrets: Sendable {
    private(set) var values: [String] = []
    /// Shorter values (`1`, `yes`) would mask ordinary words.
    static let shortest = 4

    var isEmpty: Bool { values.isEmpty }

    mutating func add(name: String, value: String) {
        let unquoted = value.trimmingCharacters(in: .init(charactersIn: "\"'"))
        guard unquoted.count >= Self.shortest, !unquoted.hasPrefix("<masked"),
              SecretScanner.judgeAssignment(name: name, value: value) != nil, !values.contains(unquoted) else { return }
        values.append(unquoted)
    }

    /// `NAME=VALUE` words (`ENV`, `ARG`, `-e`, a build argument recorded in history) and `ENV NAME VALUE`.
    mutating func add(assignmentsIn text: String) {
        for assignment in SecretScanner.assignments(in: text) { add(name: assignment.name, value: assignment.value) }
    }

    mutating func add(_ other: KnownSecrets) {
        for value in other.values where !values.contains(value) { values.append(value) }
    }

    func masking(_ text: String) -> String {
        // Longest first: a value that contains another is masked whole.
        values.sorted { $0.count > $1.count }.reduce(text) { text, value in
            text.contains(value) ? text.replacingOccurrences(of: value, with: "<masked>") : text
        }
    }

    func masking(_ finding: Finding) -> Finding {
        guard !values.isEmpty else { return finding }
        var finding = finding
        finding.message = LocalizedText(en: masking(finding.message.en), zh: masking(finding.message.zh))
        finding.evidence = finding.evidence.mapValues(masking)
        finding.target.name = masking(finding.target.name)
        return finding
    }
}

extension KnownSecrets {
    /// What a Dockerfile or a Compose file declares.
    init(_ file: BuildFile) {
        switch file {
        case let .dockerfile(dockerfile):
            for instruction in dockerfile.instructions where ["ENV", "ARG", "LABEL"].contains(instruction.keyword) {
                add(assignmentsIn: instruction.arguments)
                // The old form: `ENV NAME VALUE`.
                let words = instruction.arguments.split(separator: " ", maxSplits: 1)
                if words.count == 2, !words[0].contains("=") { add(name: String(words[0]), value: String(words[1])) }
            }
        case let .compose(project):
            for service in project.services {
                for key in ["environment", "build.args", "labels"] {
                    for entry in service.value(at: key).map(ComposeLoader.keyValueEntries) ?? [] {
                        if let raw = entry.value.raw { add(name: entry.key, value: raw) }
                    }
                }
            }
        case .unreadable:
            break
        }
    }

    /// What each container and image declares, by target id; a container's include its image's.
    static func byTarget(_ snapshot: Snapshot) -> [String: KnownSecrets] {
        var known: [String: KnownSecrets] = [:]
        func declared(_ config: ContainerConfig?) -> KnownSecrets {
            var secrets = KnownSecrets()
            for variable in config?.env ?? [] {
                guard let equals = variable.firstIndex(of: "=") else { continue }
                secrets.add(name: String(variable[..<equals]), value: String(variable[variable.index(after: equals)...]))
            }
            for (name, value) in config?.labels ?? [:] { secrets.add(name: name, value: value) }
            return secrets
        }
        for image in snapshot.images {
            var secrets = declared(image.inspect.config)
            for entry in image.history ?? [] {
                if let createdBy = entry.createdBy, createdBy.hasPrefix("|") { secrets.add(assignmentsIn: createdBy) }
            }
            if !secrets.isEmpty { known[image.inspect.id] = secrets }
        }
        for container in snapshot.containers {
            var secrets = declared(container.inspect.config)
            if let image = container.inspect.image, let fromImage = known[image] { secrets.add(fromImage) }
            if !secrets.isEmpty { known[container.inspect.id] = secrets }
        }
        return known
    }
}
