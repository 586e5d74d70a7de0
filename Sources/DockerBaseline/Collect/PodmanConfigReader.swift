import Foundation

/// Reads a Podman engine's configuration the way Podman 4.x (containers-common 0.50, containers/storage 1.43,
/// containers/image 5.23) finds it, through `HostFiles` so `--root` and fake hosts work:
/// - containers.conf: `$CONTAINERS_CONF` alone when set; else /usr/share/containers/containers.conf,
///   /etc/containers/containers.conf, /etc/containers/containers.conf.d/*.conf (by name), then for a rootless engine the
///   user's `$XDG_CONFIG_HOME/containers/containers.conf` (default `~/.config`) and its `.d`; later files win per key.
/// - storage.conf: `$CONTAINERS_STORAGE_CONF`, else the user's (rootless), else /etc/containers/storage.conf, else
///   /usr/share/containers/storage.conf: one file.
/// - registries.conf: `$CONTAINERS_REGISTRIES_CONF`, else `$HOME/.config/containers/registries.conf` when it exists
///   (root's too), else /etc/containers/registries.conf; then /etc/containers/registries.conf.d and the user's `.d`
///   (a user drop-in replaces the system one of the same name).
/// - policy.json: `$HOME/.config/containers/policy.json` when it exists (root's too), else /etc/containers/policy.json.
/// The environment is the engine process's own (`/proc/PID/environ`), so a service started with other files is judged
/// by those.
struct PodmanConfigReader {
    let files: HostFiles
    let rootless: Bool
    let environment: [String: String]

    /// Files beyond this are not read (Podman's are a few KiB).
    static let fileLimit = TOML.sizeLimit

    var home: String { environment["HOME"] ?? (rootless ? "/nonexistent" : "/root") }
    var userConfig: String { environment["XDG_CONFIG_HOME"] ?? "\(home)/.config" }

    func read() -> PodmanFacts {
        var facts = PodmanFacts(rootless: rootless, home: rootless ? home : nil)
        facts.containersConf = merged(containersConfFiles(), into: &facts)
        if let storage = storageConfFile() { facts.storageConf = merged([storage], into: &facts) }
        readRegistries(into: &facts)
        readPolicy(into: &facts)
        return facts
    }

    // MARK: Which files

    func dropIns(_ directory: String) -> [String] {
        (files.list(directory) ?? []).filter { $0.hasSuffix(".conf") }.sorted().map { "\(directory)/\($0)" }
    }

    func containersConfFiles() -> [String] {
        if let path = environment["CONTAINERS_CONF"] { return [path] }
        var paths = ["/usr/share/containers/containers.conf", "/etc/containers/containers.conf"].filter(files.exists)
        paths += dropIns("/etc/containers/containers.conf.d")
        if rootless {
            let user = "\(userConfig)/containers/containers.conf"
            if files.exists(user) { paths.append(user) }
            paths += dropIns(user + ".d")
        }
        return paths
    }

    func storageConfFile() -> String? {
        if let path = environment["CONTAINERS_STORAGE_CONF"] { return path }
        var candidates = ["/etc/containers/storage.conf", "/usr/share/containers/storage.conf"]
        if rootless { candidates.insert("\(userConfig)/containers/storage.conf", at: 0) }
        return candidates.first(where: files.exists)
    }

    // MARK: Reading

    /// The file parsed, or nil with the problem recorded (naming the file and line).
    func parse(_ path: String, into facts: inout PodmanFacts) -> TOMLTable? {
        guard let text = files.read(path) else {
            facts.problems.append("\(path) could not be read")
            return nil
        }
        facts.sources.append(path)
        do { return try TOML.parse(text) } catch let error as TOMLError {
            facts.problems.append("\(path):\(error.line): \(error.message)")
        } catch {
            facts.problems.append("\(path): \(error)")
        }
        return nil
    }

    /// `table.key` settings of each file in order, a later file replacing a key an earlier one set.
    func merged(_ paths: [String], into facts: inout PodmanFacts) -> [DaemonSetting] {
        var settings: [String: DaemonSetting] = [:]
        var order: [String] = []
        for path in paths {
            guard let document = parse(path, into: &facts) else { continue }
            for (key, value, line) in Self.flatten(document) {
                if settings[key] == nil { order.append(key) }
                settings[key] = DaemonSetting(key: key, values: value.texts, source: "\(path):\(line)")
            }
        }
        return order.compactMap { settings[$0] }
    }

    /// Every scalar or array below the root as `table.key`; arrays of tables are not settings.
    static func flatten(_ table: TOMLTable, prefix: String = "") -> [(String, TOMLValue, Int)] {
        table.keys.flatMap { key -> [(String, TOMLValue, Int)] in
            let value = table[key]!, line = table.line(of: key) ?? 0
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value {
            case let .table(child): return flatten(child, prefix: name)
            case let .array(items) where items.contains(where: { if case .table = $0 { true } else { false } }): return []
            default: return [(name, value, line)]
            }
        }
    }

    func readRegistries(into facts: inout PodmanFacts) {
        // containers/image looks for the user's files under $HOME/.config whatever XDG_CONFIG_HOME says.
        let userFile = "\(home)/.config/containers/registries.conf"
        let main = environment["CONTAINERS_REGISTRIES_CONF"] ?? (files.exists(userFile) ? userFile : "/etc/containers/registries.conf")
        var paths = files.exists(main) || environment["CONTAINERS_REGISTRIES_CONF"] != nil ? [main] : []
        // A user drop-in with the name of a system one replaces it.
        var dropIns: [String: String] = [:]
        for path in self.dropIns("/etc/containers/registries.conf.d") + self.dropIns("\(home)/.config/containers/registries.conf.d") {
            dropIns[(path as NSString).lastPathComponent] = path
        }
        paths += dropIns.keys.sorted().map { dropIns[$0]! }
        var settings: [String: DaemonSetting] = [:]
        var registries: [String: PodmanRegistry] = [:]
        var registryOrder: [String] = []
        func addRegistry(_ entry: PodmanRegistry) {
            if registries[entry.prefix] == nil { registryOrder.append(entry.prefix) }
            registries[entry.prefix] = entry
        }
        for path in paths {
            guard let document = parse(path, into: &facts) else { continue }
            for key in ["unqualified-search-registries", "short-name-mode", "credential-helpers"] {
                if let value = document[key] {
                    settings[key] = DaemonSetting(key: key, values: value.texts, source: "\(path):\(document.line(of: key) ?? 0)")
                }
            }
            if case let .array(items)? = document["registry"] {
                for case let .table(table) in items {
                    let prefix = table["prefix"]?.string ?? table["location"]?.string ?? ""
                    addRegistry(PodmanRegistry(prefix: prefix, location: table["location"]?.string, insecure: table["insecure"]?.bool ?? false,
                                               blocked: table["blocked"]?.bool ?? false, source: "\(path):\(table.line)"))
                }
            }
            // The version 1 format: [registries.search], [registries.insecure], [registries.block].
            if case let .table(v1)? = document["registries"] {
                if case let .table(search)? = v1["search"], let list = search["registries"] {
                    settings["unqualified-search-registries"] = DaemonSetting(key: "unqualified-search-registries", values: list.texts,
                                                                              source: "\(path):\(search.line(of: "registries") ?? 0)")
                }
                for (kind, insecure) in [("insecure", true), ("block", false)] {
                    if case let .table(section)? = v1[kind] {
                        for name in section["registries"]?.texts ?? [] {
                            addRegistry(PodmanRegistry(prefix: name, location: name, insecure: insecure, blocked: !insecure,
                                                       source: "\(path):\(section.line(of: "registries") ?? 0)"))
                        }
                    }
                }
            }
        }
        facts.registriesConf = ["unqualified-search-registries", "short-name-mode", "credential-helpers"].compactMap { settings[$0] }
        facts.registries = registryOrder.compactMap { registries[$0] }
    }

    func readPolicy(into facts: inout PodmanFacts) {
        let userFile = "\(home)/.config/containers/policy.json"
        let path = files.exists(userFile) ? userFile : "/etc/containers/policy.json"
        facts.policyFile = path
        guard files.exists(path) else {
            facts.problems.append("\(path) does not exist: Podman refuses to pull any image without a signature policy")
            return
        }
        guard let text = files.read(path), text.utf8.count <= Self.fileLimit else {
            facts.problems.append("\(path) could not be read (or is larger than \(Self.fileLimit >> 10) KiB)")
            return
        }
        facts.sources.append(path)
        do {
            facts.policy = try Self.parsePolicy(Data(text.utf8))
        } catch {
            facts.problems.append("\(path): \(error)")
        }
    }

    struct PolicyError: Error, CustomStringConvertible { let description: String }

    /// containers-policy.json(5): `default` (required) and `transports.docker` scopes, as requirement types.
    static func parsePolicy(_ data: Data) throws -> SignaturePolicy {
        struct Requirement: Decodable { let type: String }
        struct Policy: Decodable {
            let `default`: [Requirement]?
            let transports: [String: [String: [Requirement]]]?
        }
        let policy: Policy
        do { policy = try JSONDecoder().decode(Policy.self, from: data) } catch {
            throw PolicyError(description: "not a signature policy: \(describe(decodingError: error))")
        }
        guard let defaults = policy.default, !defaults.isEmpty else {
            throw PolicyError(description: "no \"default\" requirement (Podman refuses such a policy)")
        }
        let docker = policy.transports?["docker"] ?? [:]
        return SignaturePolicy(defaultTypes: defaults.map(\.type), dockerScopes: docker.mapValues { $0.map(\.type) })
    }
}
