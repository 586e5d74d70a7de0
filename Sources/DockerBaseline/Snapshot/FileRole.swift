/// The part a host file plays for the engine: the collector records it, the §1 audit-watch and §3 file rules judge the
/// files that play their role. Raw values are what snapshots store.
public enum FileRole: String, Codable, Sendable, CaseIterable {
    case dockerd, containerd, runc
    case containerdShim = "containerd-shim", containerdShimRuncV1 = "containerd-shim-runc-v1", containerdShimRuncV2 = "containerd-shim-runc-v2"
    case dockerService = "docker.service", dockerSocketUnit = "docker.socket"
    case etcDocker = "/etc/docker", daemonJSON = "daemon.json"
    case etcDefaultDocker = "/etc/default/docker", etcSysconfigDocker = "/etc/sysconfig/docker"
    case runContainerd = "/run/containerd", varLibDocker = "/var/lib/docker", containerdConfig = "containerd config"
    case containerdSocket = "containerd.sock", dockerSocket = "docker.sock"
    case tlsCACertificate = "TLS CA certificate", tlsServerCertificate = "TLS server certificate", tlsServerKey = "TLS server key"
    case registryCertificate = "registry certificate"
    // Podman's: its API socket and the configuration files it reads.
    case podmanSocket = "podman socket", containersConf = "containers.conf", storageConf = "storage.conf"
    case registriesConf = "registries.conf", policyJSON = "policy.json"

    /// The engine's programs, found on PATH.
    public static let binaries: [FileRole] = [.dockerd, .containerd, .containerdShim, .containerdShimRuncV1, .containerdShimRuncV2, .runc]
}
