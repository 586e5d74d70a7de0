extension RuntimeSpec {
    /// The spec of a created container, from its inspect answer (and its image's, for the image's USER).
    public init(container: ContainerInspect, image: ImageInspect? = nil) {
        self.init()
        if container.config == nil { unreported.insert(.config) }
        missingHostConfigFields = container.hostConfig?.missingEngineFields ?? []
        if container.hostConfig == nil || !missingHostConfigFields.isEmpty {
            // What the engine would have said is unknown: a check that needs it gives an error result, never a pass.
            unreported.insert(.hostConfig)
            unreported.insert(.ports)
            if container.mounts == nil { unreported.insert(.mounts) }
            if container.networkSettings?.networks == nil { unreported.insert(.networks) }
        }
        if container.hostConfig?.logConfig?.type == nil { unreported.insert(.logConfig) }
        imageUser = image?.config?.user

        if let config = container.config {
            // The engine copies the image's USER and HEALTHCHECK into the container's Config unless the run overrode them.
            user = config.user ?? ""
            healthcheck = config.healthcheck
        }
        if let host = container.hostConfig {
            privileged = host.privileged == true
            capAdd = host.capAdd ?? []
            capDrop = host.capDrop ?? []
            securityOptions = (host.securityOpt ?? []).map { SecurityOption(text: $0, origin: nil) }
            // The engine keeps the profile a container was created with inline, as JSON.
            if let profile = securityOption("seccomp")?.value, !["unconfined", "builtin"].contains(profile) {
                seccompProfile = profile.hasPrefix("{") ? .json(profile) : .unreadable("the engine reports \(profile), not a profile")
            }
            devices = (host.devices ?? []).map {
                Device(pathOnHost: $0.pathOnHost ?? "?", pathInContainer: $0.pathInContainer ?? "?", permissions: $0.cgroupPermissions ?? "rwm",
                       origin: nil)
            }
            deviceCgroupRules = host.deviceCgroupRules ?? []
            let modes: [Namespace: String?] = [.network: host.networkMode, .pid: host.pidMode, .ipc: host.ipcMode, .uts: host.utsMode,
                                               .user: host.usernsMode, .cgroup: host.cgroupnsMode]
            namespaces = modes.compactMapValues { $0 }
            publishAllPorts = host.publishAllPorts == true
            memory = host.memory ?? 0
            cpuShares = host.cpuShares ?? 0
            nanoCPUs = host.nanoCpus ?? 0
            cpuQuota = host.cpuQuota ?? 0
            cpusetCPUs = host.cpusetCpus ?? ""
            pidsLimit = host.pidsLimit
            readOnlyRootfs = host.readonlyRootfs == true
            restartPolicy = host.restartPolicy?.name ?? ""
            restartRetries = host.restartPolicy?.maximumRetryCount ?? 0
            ulimits = host.ulimits ?? []
            maskedPaths = host.maskedPaths
            readonlyPaths = host.readonlyPaths
            cgroupParent = host.cgroupParent ?? ""
            logConfig = host.logConfig
        }
        bindMounts = Self.bindMounts(of: container)
        networks = (container.networkSettings?.networks ?? [:]).keys.sorted()
        ports = Self.publishedPorts(of: container)
        observed = Observed(running: container.isRunning, status: container.status, appArmorProfile: container.appArmorProfile ?? "",
                            processLabel: container.processLabel ?? "", health: container.state?.health?.status)
    }

    /// The engine's `Mounts`, or `HostConfig.Binds` when `Mounts` is absent.
    private static func bindMounts(of container: ContainerInspect) -> [BindMount] {
        if let mounts = container.mounts {
            return mounts.filter { ($0.type ?? "bind") == "bind" }.compactMap { mount in
                guard let source = mount.source else { return nil }
                return BindMount(source: source, destination: mount.destination ?? "", readOnly: mount.rw == false,
                                 propagation: mount.propagation ?? "", origin: nil)
            }
        }
        // `Binds` entries: SOURCE:DEST[:OPTIONS]; a SOURCE that is not a path is a named volume.
        return (container.hostConfig?.binds ?? []).compactMap { bind in
            let parts = bind.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, parts[0].hasPrefix("/") else { return nil }
            let options = parts.count > 2 ? parts[2].split(separator: ",").map(String.init) : []
            return BindMount(source: parts[0], destination: parts[1], readOnly: options.contains("ro"),
                             propagation: options.first(where: isPropagation) ?? "", origin: nil)
        }
    }

    /// The ports the engine bound while the container runs (`NetworkSettings.Ports`, with the ports it chose for `-P`
    /// or a random host port), else what the container asked for (`HostConfig.PortBindings`, known in every state).
    private static func publishedPorts(of container: ContainerInspect) -> [PublishedPort] {
        func flatten(_ map: [String: [PortBinding]?]?) -> [PublishedPort] {
            (map ?? [:]).sorted { $0.key < $1.key }.flatMap { containerPort, bindings in
                (bindings ?? []).map { PublishedPort(containerPort: containerPort, hostIP: $0.hostIP ?? "", hostPort: $0.hostPort ?? "", origin: nil) }
            }
        }
        let bound = flatten(container.networkSettings?.ports)
        return bound.isEmpty ? flatten(container.hostConfig?.portBindings) : bound
    }

    /// A bind option that sets mount propagation.
    static func isPropagation(_ option: String) -> Bool {
        ["shared", "rshared", "slave", "rslave", "private", "rprivate"].contains(option)
    }
}
