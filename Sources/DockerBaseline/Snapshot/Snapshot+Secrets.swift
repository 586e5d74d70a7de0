/// Snapshots are meant to be shared (saved by `collect`, judged elsewhere): this is the copy without secret values.
/// A masked value keeps its name and the kind of secret it was (`DB_PASSWORD=<masked>`, `<masked: GitHub token>`),
/// so the rules that find secrets still find them in the shared copy; only the values are gone.
extension Snapshot {
    public var maskingSecrets: Snapshot {
        var snapshot = self
        for index in snapshot.containers.indices {
            snapshot.containers[index].maskSecrets()
        }
        for index in snapshot.images.indices {
            snapshot.images[index].inspect.config?.maskSecrets()
            snapshot.images[index].history = snapshot.images[index].history?.map(\.maskingSecrets)
        }
        snapshot.endpoint = SecretScanner.masked(snapshot.endpoint)
        if let settings = snapshot.host?.daemon.settings {
            snapshot.host?.daemon.settings = settings.map { setting in
                var setting = setting
                setting.values = setting.values.map { Self.maskedValue(name: setting.key, $0) }
                return setting
            }
        }
        if var podman = snapshot.host?.podman {
            // containers.conf's `env`, `annotations` and the like may hold credentials.
            func masked(_ settings: [DaemonSetting]) -> [DaemonSetting] {
                settings.map { setting in
                    var setting = setting
                    setting.values = setting.values.map { Self.maskedValue(name: setting.key, $0) }
                    return setting
                }
            }
            podman.containersConf = masked(podman.containersConf)
            podman.storageConf = masked(podman.storageConf)
            podman.registriesConf = masked(podman.registriesConf)
            snapshot.host?.podman = podman
        }
        return snapshot
    }

    /// A named value as it may be shared: masked whole when its name or shape says it is a secret.
    static func maskedValue(name: String, _ value: String) -> String {
        if SecretScanner.judgeAssignment(name: name, value: value) != nil {
            return SecretScanner.secretKind(ofValue: value).map { "<masked: \($0)>" } ?? "<masked>"
        }
        return SecretScanner.masked(value)
    }
}

extension ContainerRecord {
    mutating func maskSecrets() {
        inspect.config?.maskSecrets()
        inspect.path = inspect.path.map(SecretScanner.masked)
        inspect.args = inspect.args?.map(SecretScanner.masked)
        if let rows = processes?.processes {
            processes?.processes = rows.map { $0.map(SecretScanner.masked) }
        }
    }
}

extension ContainerConfig {
    mutating func maskSecrets() {
        env = env?.map { variable in
            guard let equals = variable.firstIndex(of: "=") else { return variable }
            let name = String(variable[..<equals])
            return name + "=" + Snapshot.maskedValue(name: name, String(variable[variable.index(after: equals)...]))
        }
        if let labels {
            self.labels = Dictionary(uniqueKeysWithValues: labels.map { ($0.key, Snapshot.maskedValue(name: $0.key, $0.value)) })
        }
        cmd = cmd?.map(SecretScanner.masked)
        entrypoint = entrypoint?.map(SecretScanner.masked)
        if let test = healthcheck?.test { healthcheck?.test = test.map(SecretScanner.masked) }
    }
}

extension ImageHistoryEntry {
    var maskingSecrets: ImageHistoryEntry {
        var entry = self
        entry.createdBy = createdBy.map(SecretScanner.masked)
        entry.comment = comment.map(SecretScanner.masked)
        return entry
    }
}
