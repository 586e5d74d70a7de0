import Foundation

extension RuntimeSpec {
    /// The spec of a Compose service as `docker compose up` would create it, with where each setting is written.
    /// What the file leaves out stays at the engine's default; what the image decides (USER, HEALTHCHECK) is marked so.
    public init(service: ComposeService) {
        self.init()
        /// Findings about a top-level key point at the key.
        func keyOrigin(_ key: String) -> SourceLocation? {
            guard let entry = service.node.entry(key) else { return nil }
            return SourceLocation(file: entry.value.file, range: entry.keyRange)
        }
        func at(_ node: YAMLNode) -> SourceLocation { SourceLocation(file: node.file, range: node.range) }
        func set(_ field: Field, key: String) { origins[field] = keyOrigin(key) }

        user = service["user"]?.string
        set(.user, key: "user")
        privileged = service["privileged"]?.bool == true
        set(.privileged, key: "privileged")
        let capabilities = service["cap_add"].map { $0.string != nil ? [$0] : $0.items } ?? []
        capAdd = capabilities.compactMap(\.string)
        for item in capabilities { if let name = item.string { capAddOrigins[Capabilities.normalize(name)] = at(item) } }
        capDrop = service["cap_drop"]?.strings ?? []
        securityOptions = (service["security_opt"]?.items ?? []).compactMap { item in
            item.string.map { SecurityOption(text: $0, origin: at(item)) }
        }
        if let profile = securityOption("seccomp")?.value, !["unconfined", "builtin"].contains(profile) {
            seccompProfile = profile.hasPrefix("{") ? .json(profile) : service.seccompProfiles[profile] ?? .unreadable("\(profile) was not read")
        }
        bindMounts = (service["volumes"]?.items ?? []).compactMap { Self.bindMount($0, origin: at) }
        devices = (service["devices"]?.items ?? []).compactMap { item in
            if let text = item.string {
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                return Device(pathOnHost: parts[0], pathInContainer: parts.count > 1 ? parts[1] : parts[0], permissions: parts.count > 2 ? parts[2] : "rwm",
                              origin: at(item))
            }
            guard let source = item["source"]?.string else { return nil }
            return Device(pathOnHost: source, pathInContainer: item["target"]?.string ?? source, permissions: item["permissions"]?.string ?? "rwm",
                          origin: at(item))
        }
        deviceCgroupRules = service["device_cgroup_rules"]?.strings ?? []
        let composeKeys: [Namespace: String] = [
            .network: "network_mode", .pid: "pid", .ipc: "ipc", .uts: "uts", .user: "userns_mode", .cgroup: "cgroup",
        ]
        for (namespace, key) in composeKeys {
            guard let mode = service[key]?.string else { continue }
            namespaces[namespace] = mode
            set(.namespace(namespace), key: key)
        }
        if namespaces[.network] == nil {
            // Compose attaches a service to the networks it names, else to the project's own `default` network.
            let named = service["networks"].map { $0.entries.map(\.key) + $0.items.compactMap(\.string) } ?? []
            networks = named.isEmpty ? ["default"] : named
        }
        ports = (service["ports"]?.items ?? []).compactMap { Self.publishedPort($0, origin: at) }

        let memoryText = service["mem_limit"]?.string ?? service.value(at: "deploy.resources.limits.memory")?.string
        memory = memoryText.flatMap(parseByteSize) ?? 0
        let cpusText = service["cpus"]?.string ?? service.value(at: "deploy.resources.limits.cpus")?.string
        nanoCPUs = cpusText.flatMap(Double.init).map { Int64(($0 * 1e9).rounded()) } ?? 0
        cpuShares = service["cpu_shares"]?.string.flatMap { Int64($0) } ?? 0
        cpuQuota = service["cpu_quota"]?.string.flatMap { Int64($0) } ?? 0
        cpusetCPUs = service["cpuset"]?.string ?? ""
        pidsLimit = (service["pids_limit"] ?? service.value(at: "deploy.resources.limits.pids"))?.string.flatMap { Int64($0) }
        readOnlyRootfs = service["read_only"]?.bool == true
        set(.readOnlyRootfs, key: "read_only")

        if let restart = service["restart"]?.string {
            let parts = restart.split(separator: ":", maxSplits: 1).map(String.init)
            restartPolicy = parts.first ?? ""
            restartRetries = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            set(.restartPolicy, key: "restart")
        } else if let policy = service.value(at: "deploy.restart_policy") {
            // Swarm's `any` and `on-failure` are bounded only by max_attempts: judged as on-failure with that limit.
            let condition = policy["condition"]?.string ?? "any"
            restartPolicy = condition == "none" ? "no" : "on-failure"
            restartRetries = policy["max_attempts"]?.string.flatMap { Int($0) } ?? 0
            origins[.restartPolicy] = at(policy["max_attempts"] ?? policy)
        }

        ulimits = (service["ulimits"]?.entries ?? []).map { entry in
            let single = entry.value.string.flatMap { Int64($0) }
            return Ulimit(name: entry.key, soft: single ?? entry.value["soft"]?.string.flatMap { Int64($0) },
                          hard: single ?? entry.value["hard"]?.string.flatMap { Int64($0) })
        }
        set(.ulimits, key: "ulimits")
        cgroupParent = service["cgroup_parent"]?.string ?? ""
        set(.cgroupParent, key: "cgroup_parent")

        if let check = service["healthcheck"] {
            if let disable = check["disable"], disable.bool == true {
                healthcheck = Healthcheck(test: ["NONE"])
                origins[.healthcheck] = at(disable)
            } else if let test = check["test"] {
                healthcheck = Healthcheck(test: test.string.map { ["CMD-SHELL", $0] } ?? test.strings)
                if test.string?.uppercased() == "NONE" || test.strings.first?.uppercased() == "NONE" { healthcheck = Healthcheck(test: ["NONE"]) }
                origins[.healthcheck] = at(test)
            } else {
                inheritsImageHealthcheck = true
            }
        } else {
            inheritsImageHealthcheck = true
        }
        if let logging = service["logging"] {
            var options: [String: String] = [:]
            for entry in logging["options"]?.entries ?? [] { options[entry.key] = entry.value.string }
            logConfig = LogConfig(type: logging["driver"]?.string, config: options)
            set(.logConfig, key: "logging")
        }
    }

    /// A `volumes` entry that mounts a host path: `/src:/dst[:ro,rshared]` or the long syntax with `type: bind`.
    /// Relative sources (`./data`) live in the project's folder and named volumes are no host paths: neither is returned.
    private static func bindMount(_ item: YAMLNode, origin: (YAMLNode) -> SourceLocation) -> BindMount? {
        if case .mapping = item.value {
            guard item["type"]?.string == "bind", let source = item["source"]?.string, source.hasPrefix("/") else { return nil }
            return BindMount(source: source, destination: item["target"]?.string ?? "", readOnly: item["read_only"]?.bool == true,
                             propagation: item.value(at: "bind.propagation")?.string ?? "", origin: origin(item["source"] ?? item))
        }
        guard let text = item.string else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0].hasPrefix("/") else { return nil }
        let options = parts.count > 2 ? parts[2].split(separator: ",").map(String.init) : []
        return BindMount(source: parts[0], destination: parts[1], readOnly: options.contains("ro"),
                         propagation: options.first(where: isPropagation) ?? "", origin: origin(item))
    }

    /// A `ports` entry: `[IP:][HOST:]CONTAINER[/PROTO]` (IPv6 in brackets or bare) or the long syntax.
    private static func publishedPort(_ item: YAMLNode, origin: (YAMLNode) -> SourceLocation) -> PublishedPort? {
        if case .mapping = item.value {
            let proto = item["protocol"]?.string ?? "tcp"
            return PublishedPort(containerPort: "\(item["target"]?.string ?? "")/\(proto)", hostIP: item["host_ip"]?.string ?? "",
                                 hostPort: item["published"]?.string ?? "", origin: origin(item))
        }
        guard let text = item.string else { return nil }
        let proto = text.split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? "tcp"
        var spec = String(text.prefix { $0 != "/" })
        var ip = ""
        if spec.hasPrefix("["), let close = spec.firstIndex(of: "]") {
            ip = String(spec[spec.index(after: spec.startIndex)..<close])
            spec = String(spec[close...].dropFirst(2))
        }
        var parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 3 { // an IPv6 address without brackets
            ip = parts.dropLast(2).joined(separator: ":")
            parts = Array(parts.suffix(2))
        } else if parts.count == 3 {
            ip = parts.removeFirst()
        }
        let host = parts.count == 2 ? parts[0] : ""
        return PublishedPort(containerPort: "\(parts.last ?? "")/\(proto)", hostIP: ip, hostPort: host, origin: origin(item))
    }
}
