import Foundation

/// Builds the daemon's effective configuration from every place it can come from, keeping where each setting came
/// from: the running dockerd's arguments, the daemon.json it uses, and, when no dockerd runs, the systemd unit's
/// ExecStart (with drop-ins and the variables it expands, such as DOCKER_OPTS from /etc/default/docker).
struct DaemonConfigReader {
    let files: HostFiles

    enum Kind { case bool, value, list }

    /// dockerd flags and the daemon.json keys they set (`dockerd --help`, moby `cmd/dockerd/config.go`).
    static let flags: [String: (key: String, kind: Kind)] = [
        "--icc": ("icc", .bool), "--iptables": ("iptables", .bool), "--ip6tables": ("ip6tables", .bool),
        "--live-restore": ("live-restore", .bool), "--userland-proxy": ("userland-proxy", .bool),
        "--no-new-privileges": ("no-new-privileges", .bool), "--experimental": ("experimental", .bool),
        "--selinux-enabled": ("selinux-enabled", .bool), "--tls": ("tls", .bool), "--tlsverify": ("tlsverify", .bool),
        "--debug": ("debug", .bool), "-D": ("debug", .bool), "--ip-forward": ("ip-forward", .bool),
        "--host": ("hosts", .list), "-H": ("hosts", .list), "--log-level": ("log-level", .value), "-l": ("log-level", .value),
        "--insecure-registry": ("insecure-registries", .list), "--storage-driver": ("storage-driver", .value),
        "-s": ("storage-driver", .value), "--storage-opt": ("storage-opts", .list), "--tlscacert": ("tlscacert", .value),
        "--tlscert": ("tlscert", .value), "--tlskey": ("tlskey", .value), "--default-ulimit": ("default-ulimits", .list),
        "--userns-remap": ("userns-remap", .value), "--cgroup-parent": ("cgroup-parent", .value),
        "--authorization-plugin": ("authorization-plugins", .list), "--log-driver": ("log-driver", .value),
        "--log-opt": ("log-opts", .list), "--seccomp-profile": ("seccomp-profile", .value),
        "--config-file": ("config-file", .value), "--data-root": ("data-root", .value), "-g": ("data-root", .value),
        "--exec-root": ("exec-root", .value), "--group": ("group", .value), "-G": ("group", .value),
        "--containerd": ("containerd", .value), "--pidfile": ("pidfile", .value), "-p": ("pidfile", .value),
        "--bridge": ("bridge", .value), "-b": ("bridge", .value), "--containerd-namespace": ("containerd-namespace", .value),
        "--containerd-plugins-namespace": ("containerd-plugins-namespace", .value), "--rootless": ("rootless", .bool),
        "--default-runtime": ("default-runtime", .value), "--exec-opt": ("exec-opts", .list),
    ]

    /// Settings from a dockerd command line. Go flags: `--flag=value`, `--flag value`, `-Hvalue`; a bool flag
    /// takes a value only after `=`. `place` names where a flag word came from (`dockerd argument`, a unit file).
    static func parseArguments(_ arguments: [String], place: (String) -> String) -> (settings: [DaemonSetting], unknown: [String]) {
        var settings: [DaemonSetting] = []
        var unknown: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-"), argument != "-", argument != "--" else { continue }
            var name = argument
            var value: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            } else if !argument.hasPrefix("--"), argument.count > 2, flags[String(argument.prefix(2))]?.kind != .bool {
                name = String(argument.prefix(2))  // -Htcp://… : shorthand with its value attached
                value = String(argument.dropFirst(2))
            }
            guard let (key, kind) = flags[name] else {
                unknown.append(name)
                continue
            }
            switch kind {
            case .bool:
                settings.append(DaemonSetting(key: key, values: [value ?? "true"], source: "\(place(argument)) \(argument)"))
            case .value, .list:
                var text = argument
                if value == nil, index < arguments.count {
                    value = arguments[index]
                    text += " \(arguments[index])"
                    index += 1
                }
                settings.append(DaemonSetting(key: key, values: [value ?? ""], source: "\(place(argument)) \(text)"))
            }
        }
        return (settings, unknown)
    }

    /// Settings from daemon.json, each with the line its key is on.
    func parseDaemonJSON(_ path: String) -> (settings: [DaemonSetting], problem: String?) {
        guard let text = files.read(path) else { return ([], nil) }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                return ([], "\(path) is not a JSON object; dockerd refuses to start with it")
            }
            object = parsed
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? String(describing: error)
            return ([], "\(path) is not valid JSON\(Self.position(of: detail, in: text)) (\(detail)); dockerd refuses to start with it, and no setting in it was judged")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (object.keys.sorted().map { key in
            let line = lines.firstIndex { $0.contains("\"\(key)\"") }.map { $0 + 1 }
            return DaemonSetting(key: key, values: Self.strings(object[key]!), source: line.map { "\(path):\($0)" } ?? path)
        }, nil)
    }

    /// ` at line 3, column 15` for Foundation's "around character 32", counted in the text's characters.
    static func position(of detail: String, in text: String) -> String {
        guard let range = detail.range(of: "character "), let offset = Int(detail[range.upperBound...].prefix { $0.isNumber }) else { return "" }
        var line = 1, column = 1
        for (index, character) in text.utf8.enumerated() {
            if index >= offset { break }
            if character == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return " at line \(line), column \(column)"
    }

    /// JSON values as the strings the rules compare: `true`, `"info"`, `["a","b"]` → a, b, `{"max-size":"10m"}` → max-size=10m.
    static func strings(_ value: Any) -> [String] {
        switch value {
        case let string as String: return [string]
        // JSONSerialization gives booleans as NSNumbers of type `c`, the only JSON value of that type.
        case let number as NSNumber where String(cString: number.objCType) == "c": return [number.boolValue ? "true" : "false"]
        case let number as NSNumber: return [number.stringValue]
        case let array as [Any]: return array.flatMap(strings)
        case let object as [String: Any]:
            return object.keys.sorted().map { key in "\(key)=\(strings(object[key]!).joined(separator: ","))" }
        default: return []
        }
    }

    /// The effective configuration of the daemon whose process is `pid` with `arguments`, or, with none running,
    /// of the one the docker.service unit would start.
    func read(pid: Int?, arguments: [String]?, unitFile: String?) -> DaemonConfiguration {
        var configuration = DaemonConfiguration(running: arguments != nil, pid: pid)
        var flagSettings: [DaemonSetting] = []
        if let arguments {
            configuration.sources.append("dockerd command line (pid \(pid.map(String.init) ?? "?"))")
            flagSettings = Self.parseArguments(Array(arguments.dropFirst()), place: { _ in "dockerd argument" }).settings
        } else if let unitFile, let command = unitCommand(unitFile) {
            configuration.sources.append(contentsOf: command.sources)
            flagSettings = Self.parseArguments(Array(command.arguments.dropFirst()), place: { command.origin[$0] ?? "\(unitFile) ExecStart" }).settings
            configuration.problems.append("no dockerd is running: judged the configuration files alone")
        } else {
            configuration.problems.append("no dockerd is running and no docker.service unit was found: judged daemon.json alone")
        }
        let explicitConfig = flagSettings.first { $0.key == "config-file" }?.values.last
        configuration.configFile = explicitConfig ?? defaultConfigFile(pid: pid, rootless: flagSettings.contains { $0.key == "rootless" })
        configuration.sources.append(configuration.configFile)
        let (fileSettings, problem) = parseDaemonJSON(configuration.configFile)
        if let problem { configuration.problems.append(problem) }
        if explicitConfig != nil, !files.exists(configuration.configFile) {
            configuration.problems.append("--config-file \(configuration.configFile) does not exist")
        }
        // dockerd refuses to start when a directive is both a flag and in the configuration file.
        for setting in fileSettings {
            if let flag = flagSettings.first(where: { $0.key == setting.key }) {
                configuration.problems.append("\(setting.key) is set both by \(flag.source) and in \(setting.source): dockerd refuses to start with both")
            }
        }
        configuration.settings = flagSettings.filter { $0.key != "config-file" } + fileSettings
        return configuration
    }

    /// The rootless daemon reads ~/.config/docker/daemon.json of the user it runs as.
    private func defaultConfigFile(pid: Int?, rootless: Bool) -> String {
        guard let pid, let status = files.read("/proc/\(pid)/status"),
              let uidLine = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }),
              let uid = uidLine.split(whereSeparator: \.isWhitespace).dropFirst().first, uid != "0" || rootless else {
            return "/etc/docker/daemon.json"
        }
        let environment = (files.read("/proc/\(pid)/environ") ?? "").split(separator: "\0").map(String.init)
        func variable(_ name: String) -> String? { environment.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) } }
        if let xdg = variable("XDG_CONFIG_HOME") { return "\(xdg)/docker/daemon.json" }
        return "\(variable("HOME") ?? "/root")/.config/docker/daemon.json"
    }

    /// The dockerd command a systemd unit runs: its last ExecStart (drop-ins included, an empty one resets), with
    /// `$VAR` / `${VAR}` expanded from Environment= and EnvironmentFile=. `origin` names where each word came from.
    func unitCommand(_ unitFile: String) -> (arguments: [String], origin: [String: String], sources: [String])? {
        var paths = [unitFile]
        let dropInDirectory = unitFile + ".d"
        paths += (files.list(dropInDirectory) ?? []).filter { $0.hasSuffix(".conf") }.sorted().map { "\(dropInDirectory)/\($0)" }
        for directory in ["/etc/systemd/system", "/run/systemd/system"] {
            let name = (unitFile as NSString).lastPathComponent
            let other = "\(directory)/\(name).d"
            guard other != dropInDirectory else { continue }
            paths += (files.list(other) ?? []).filter { $0.hasSuffix(".conf") }.sorted().map { "\(other)/\($0)" }
        }
        var execStart: (line: String, path: String)?
        var environment: [String: (value: String, origin: String)] = [:]
        for path in paths {
            for line in files.meaningfulLines(path) ?? [] {
                if line.hasPrefix("ExecStart=") {
                    let command = String(line.dropFirst("ExecStart=".count))
                    execStart = command.isEmpty ? nil : (command, path)
                } else if line.hasPrefix("Environment=") {
                    for assignment in shellWords(String(line.dropFirst("Environment=".count))) {
                        let parts = assignment.split(separator: "=", maxSplits: 1)
                        if parts.count == 2 { environment[String(parts[0])] = (String(parts[1]), "\(path) Environment") }
                    }
                } else if line.hasPrefix("EnvironmentFile=") {
                    let file = String(line.dropFirst("EnvironmentFile=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
                    for assignment in files.meaningfulLines(file) ?? [] {
                        let parts = assignment.split(separator: "=", maxSplits: 1)
                        if parts.count == 2 {
                            let value = String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                            environment[String(parts[0])] = (value, "\(file) \(parts[0])")
                        }
                    }
                }
            }
        }
        guard let execStart else { return nil }
        var arguments: [String] = []
        var origin: [String: String] = [:]
        // Strip systemd's prefixes (`-`, `@`, `+`, `!`) from the program.
        let words = shellWords(execStart.line.trimmingCharacters(in: CharacterSet(charactersIn: "-@+!")))
        for word in words {
            if word.hasPrefix("$"), let (value, from) = environment[word.trimmingCharacters(in: CharacterSet(charactersIn: "${}"))] {
                for expanded in shellWords(value) {
                    arguments.append(expanded)
                    origin[expanded] = from
                }
            } else if !word.hasPrefix("$") {
                arguments.append(word)
                origin[word] = "\(execStart.path) ExecStart"
            }
        }
        return (arguments, origin, paths.filter { files.exists($0) })
    }
}

/// Splits a command line into words the way a shell would for simple quoting (no expansions).
func shellWords(_ text: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character?
    var inWord = false
    for character in text {
        if let open = quote {
            if character == open { quote = nil } else { current.append(character) }
        } else if character == "\"" || character == "'" {
            quote = character
            inWord = true
        } else if character.isWhitespace {
            if inWord { words.append(current) }
            current = ""
            inWord = false
        } else {
            current.append(character)
            inWord = true
        }
    }
    if inWord { words.append(current) }
    return words
}
