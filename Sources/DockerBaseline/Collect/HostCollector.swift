import Foundation

/// Reads the host facts the rules need, all through `HostFiles` (so `--root` and fake test hosts work the same):
/// the daemon's effective configuration, files and their modes, audit rules, mounts, the docker group, kernel,
/// virtualisation and security modules, and the TCP sockets the daemon listens on.
public struct HostCollector: Sendable {
    public var files: HostFiles
    /// The engine's unix socket, to tell which dockerd is the audited one when several run.
    public var engineSocket: String?
    /// Lets `auditctl -l` report the rules loaded in the kernel (only meaningful when `root` is `/`).
    public var useAuditctl: Bool

    /// Set when the engine's own answers said it is Podman (rootless or not) and the process behind the socket could
    /// not be found: its configuration is read instead of any dockerd's.
    public var podmanHint: EngineKind?

    public init(root: String = "/", engineSocket: String? = nil, useAuditctl: Bool? = nil, podmanHint: EngineKind? = nil) {
        files = HostFiles(root: root)
        self.engineSocket = engineSocket
        self.useAuditctl = useAuditctl ?? (root == "/")
        self.podmanHint = podmanHint
    }

    static let systemdDirectories = ["/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"]

    public func collect() -> HostFacts {
        let owner = socketOwner()
        if owner?.isPodman == true || podmanHint?.isPodman == true {
            return collectPodman(owner, rootless: owner.map { ($0.uid ?? 0) != 0 } ?? (podmanHint == .podmanRootless))
        }
        let daemonProcess = findDaemon(owner: owner)
        let dockerService = unitFile("docker.service")
        let daemon = DaemonConfigReader(files: files).read(pid: daemonProcess?.pid, arguments: daemonProcess?.arguments, unitFile: dockerService)
        let binaries = locateBinaries(daemonPID: daemonProcess?.pid)
        let accounts = files.accounts()
        var facts = HostFacts(
            root: files.root, appArmorEnabled: appArmorEnabled(), seLinuxEnabled: seLinuxEnabled(),
            seccompAvailable: seccompAvailable(), kernelRelease: trimmed("/proc/sys/kernel/osrelease"), procVersion: trimmed("/proc/version"),
            kernelSignature: trimmed("/proc/version_signature"), osRelease: osRelease(),
            virtualization: virtualization(), daemon: daemon, auditRules: readAuditRules(), mountPoints: mountPoints(),
            dockerGroupMembers: dockerGroupMembers(accounts), binaries: binaries,
            listeners: daemonProcess.map { tcpListeners(pid: $0.pid) } ?? [])
        var examined = filesToExamine(daemon: daemon, binaries: binaries, dockerService: dockerService)
        if let owner, owner.command == "dockerd", (owner.uid ?? 0) != 0 {
            // A rootless dockerd: its files are its user's daemon.json and socket (and the programs it runs), not the
            // system dockerd's /etc/docker, units and defaults files.
            examined = examined.filter { [.daemonJSON, .dockerSocket].contains($0.role) || FileRole.binaries.contains($0.role) }
            facts.rootlessKit = rootlessKit(above: owner.pid)
        }
        facts.files = examined.map { files.facts($0.path, role: $0.role, users: accounts.users, groups: accounts.groups) }
        if accounts.group == nil { facts.dockerGroupUnreadable = "\(files.real("/etc/group")) could not be read" }
        facts.daemonSeccompProfile = daemonSeccompProfile(daemon)
        facts.logForwarders = logForwarders()
        facts.engineProcess = owner
        facts.packetFilter = PacketFilterCollector(files: files, live: files.root == "/").collect()
        return facts
    }

    /// The host as a Podman engine sees it: the same host facts, Podman's configuration and files instead of any
    /// dockerd's (a dockerd running beside it is not the audited engine).
    func collectPodman(_ process: EngineProcess?, rootless: Bool) -> HostFacts {
        let environment = process.map { self.environment(pid: $0.pid) } ?? [:]
        let accounts = files.accounts()
        var binaries: [String: String] = [:]
        if let executable = process?.executable { binaries["podman"] = executable.replacingOccurrences(of: " (deleted)", with: "") }
        for name in ["podman", "conmon", "crun", "runc", "netavark", "aardvark-dns"] where binaries[name] == nil {
            binaries[name] = files.which(name) ?? files.which(name, in: ["/usr/libexec/podman", "/usr/lib/podman"])
        }
        var facts = HostFacts(
            root: files.root, appArmorEnabled: appArmorEnabled(), seLinuxEnabled: seLinuxEnabled(),
            seccompAvailable: seccompAvailable(), kernelRelease: trimmed("/proc/sys/kernel/osrelease"), procVersion: trimmed("/proc/version"),
            kernelSignature: trimmed("/proc/version_signature"), osRelease: osRelease(), virtualization: virtualization(),
            daemon: DaemonConfiguration(running: false, configFile: "", problems: ["not read: the engine is Podman, which has no daemon.json"]),
            auditRules: readAuditRules(), mountPoints: mountPoints(), dockerGroupMembers: nil, binaries: binaries,
            listeners: process.map { tcpListeners(pid: $0.pid) } ?? [])
        var podmanEnvironment = environment
        if rootless, podmanEnvironment["HOME"] == nil, let uid = process?.uid,
           let home = accounts.passwd?.first(where: { $0.count > 5 && $0[2] == Substring(String(uid)) })?[5] {
            podmanEnvironment["HOME"] = String(home)
        }
        let podman = PodmanConfigReader(files: files, rootless: rootless, environment: podmanEnvironment).read()
        facts.podman = podman
        facts.engineProcess = process
        var paths: [(String, FileRole)] = podman.sources.map { path in
            let name = (path as NSString).lastPathComponent
            let role: FileRole = name == "policy.json" ? .policyJSON : name.hasPrefix("storage") ? .storageConf
                : path.contains("registries") ? .registriesConf : .containersConf
            return (path, role)
        }
        if let socket = engineSocket { paths.append((socket, .podmanSocket)) }
        facts.files = paths.map { files.facts($0.0, role: $0.1, users: accounts.users, groups: accounts.groups) }
        facts.seccompAvailable = seccompAvailable()
        facts.logForwarders = logForwarders()
        facts.packetFilter = PacketFilterCollector(files: files, live: files.root == "/").collect()
        return facts
    }

    /// The rootlesskit process among `pid`'s ancestors (dockerd-rootless.sh runs rootlesskit → exe → dockerd).
    func rootlessKit(above pid: Int) -> RootlessKitFacts? {
        var current = pid
        for _ in 0..<8 {
            guard let parent = files.read("/proc/\(current)/status")?.split(separator: "\n").first(where: { $0.hasPrefix("PPid:") })?
                .split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap({ Int($0) }), parent > 1 else { return nil }
            if trimmed("/proc/\(parent)/comm") == "rootlesskit" {
                let arguments = files.read("/proc/\(parent)/cmdline").map { $0.split(separator: "\0").map(String.init) } ?? []
                return RootlessKitFacts(pid: parent, arguments: arguments)
            }
            current = parent
        }
        return nil
    }

    /// `/proc/PID/environ` as a dictionary.
    func environment(pid: Int) -> [String: String] {
        var result: [String: String] = [:]
        for entry in (files.read("/proc/\(pid)/environ") ?? "").split(separator: "\0") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    // MARK: The process behind the socket

    /// The process serving `engineSocket`: the peer a connection reaches (SO_PEERCRED), or, when that is systemd
    /// (socket activation) or fails, the process other than systemd holding the listening socket (/proc/net/unix inode
    /// → /proc/PID/fd). Nil when neither finds one (a remote engine, a socket in another network namespace).
    func socketOwner() -> EngineProcess? {
        guard let socket = engineSocket else { return nil }
        // The peer is systemd itself (pid 1) or a user's `systemd --user` when the socket is activated by it.
        if let pid = peerProcess(files.real(socket)), pid > 1, let process = process(pid), process.command != "systemd" { return process }
        guard let inode = unixSocketInode(socket) else { return nil }
        let holders = (files.list("/proc") ?? []).compactMap(Int.init).filter { $0 > 1 }.sorted()
            .filter { socketInodes(pid: $0).contains(inode) }.compactMap(process)
        let engines = ["dockerd", "podman", "rootlesskit"]
        return holders.first { engines.contains($0.command) } ?? holders.first { $0.command != "systemd" }
    }

    func process(_ pid: Int) -> EngineProcess? {
        guard let command = trimmed("/proc/\(pid)/comm") else { return nil }
        let uid = files.read("/proc/\(pid)/status")?.split(separator: "\n").first { $0.hasPrefix("Uid:") }?
            .split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) }
        return EngineProcess(pid: pid, command: command, uid: uid, executable: files.readLink("/proc/\(pid)/exe"))
    }

    /// The pid of the process that listens on the unix socket at `path` (the kernel's SO_PEERCRED of a connection).
    func peerProcess(_ path: String) -> Int? {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return nil }
        // struct ucred: pid, uid, gid (Glibc's module does not export the type).
        var credentials: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0, credentials.0 > 0 else { return nil }
        return Int(credentials.0)
    }

    // MARK: The daemon process

    /// The dockerd behind `engineSocket` (the process holding that socket open), else the only dockerd running.
    func findDaemon(owner: EngineProcess? = nil) -> (pid: Int, arguments: [String])? {
        let daemons = (files.list("/proc") ?? []).compactMap(Int.init).filter { pid in
            files.read("/proc/\(pid)/comm")?.trimmingCharacters(in: .whitespacesAndNewlines) == "dockerd"
        }.sorted()
        func arguments(_ pid: Int) -> [String]? {
            files.read("/proc/\(pid)/cmdline").map { $0.split(separator: "\0").map(String.init) }
        }
        if let owner, owner.command == "dockerd", let arguments = arguments(owner.pid) { return (owner.pid, arguments) }
        if daemons.count > 1, let socket = engineSocket, let inode = unixSocketInode(socket) {
            for pid in daemons where socketInodes(pid: pid).contains(inode) {
                if let arguments = arguments(pid) { return (pid, arguments) }
            }
        }
        guard let pid = daemons.first, let arguments = arguments(pid) else { return nil }
        return (pid, arguments)
    }

    /// The inode of the listening unix socket bound to `path`, from /proc/net/unix.
    func unixSocketInode(_ path: String) -> String? {
        let candidates = Set([path, path.replacingOccurrences(of: "/var/run/", with: "/run/"), path.replacingOccurrences(of: "/run/", with: "/var/run/")])
        for line in (files.read("/proc/net/unix") ?? "").split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: \.isWhitespace)
            if fields.count >= 8, candidates.contains(String(fields[7])) { return String(fields[6]) }
        }
        return nil
    }

    /// Inodes of the sockets a process has open (`socket:[123]` links in /proc/PID/fd).
    func socketInodes(pid: Int) -> Set<String> {
        Set((files.list("/proc/\(pid)/fd") ?? []).compactMap { fd in
            guard let target = files.readLink("/proc/\(pid)/fd/\(fd)"), target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst(8).dropLast())
        })
    }

    /// TCP sockets in LISTEN state that the daemon holds, from its own network namespace's /proc/PID/net/tcp{,6}.
    func tcpListeners(pid: Int) -> [Listener] {
        let inodes = socketInodes(pid: pid)
        var listeners: [Listener] = []
        for (table, v6) in [("tcp", false), ("tcp6", true)] {
            for line in (files.read("/proc/\(pid)/net/\(table)") ?? "").split(separator: "\n").dropFirst() {
                let fields = line.split(whereSeparator: \.isWhitespace)
                guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])) else { continue }
                let local = fields[1].split(separator: ":")
                guard local.count == 2, let port = Int(local[1], radix: 16), let address = decodeProcAddress(String(local[0]), v6: v6) else { continue }
                listeners.append(Listener(address: address, port: port, probe: "not probed"))
            }
        }
        return listeners
    }

    // MARK: Files

    func unitFile(_ name: String) -> String? {
        Self.systemdDirectories.map { "\($0)/\(name)" }.first { files.exists($0) }
    }

    /// Where dockerd, containerd, the shims and runc are: the running process's executable, else the usual PATH.
    func locateBinaries(daemonPID: Int?) -> [String: String] {
        var found: [String: String] = [:]
        if let pid = daemonPID, let executable = files.readLink("/proc/\(pid)/exe") {
            found["dockerd"] = executable.replacingOccurrences(of: " (deleted)", with: "")
        }
        for name in ["dockerd", "containerd", "containerd-shim", "containerd-shim-runc-v1", "containerd-shim-runc-v2", "runc", "docker-proxy"]
        where found[name] == nil {
            found[name] = files.which(name)
        }
        return found
    }

    /// Every path a §1 audit rule or §3 file rule names, with the role it plays.
    func filesToExamine(daemon: DaemonConfiguration, binaries: [String: String], dockerService: String?) -> [(path: String, role: FileRole)] {
        var paths: [(String, FileRole)] = [
            (dockerService ?? "/lib/systemd/system/docker.service", .dockerService),
            (unitFile("docker.socket") ?? "/lib/systemd/system/docker.socket", .dockerSocketUnit),
            ("/etc/docker", .etcDocker), (daemon.configFile, .daemonJSON),
            ("/etc/default/docker", .etcDefaultDocker), ("/etc/sysconfig/docker", .etcSysconfigDocker),
            ("/run/containerd", .runContainerd), ("/var/lib/docker", .varLibDocker),
            ("/etc/containerd/config.toml", .containerdConfig),
        ]
        // The containerd dockerd uses: --containerd, the system one, or the one dockerd starts itself.
        for socket in [daemon.string("containerd"), "/run/containerd/containerd.sock", "/run/docker/containerd/containerd.sock"].compactMap({ $0 }) {
            paths.append((socket, .containerdSocket))
        }
        for socket in engineSockets(daemon) { paths.append((socket, .dockerSocket)) }
        for (key, role) in [("tlscacert", FileRole.tlsCACertificate), ("tlscert", .tlsServerCertificate), ("tlskey", .tlsServerKey)] {
            if let path = daemon.string(key) { paths.append((path, role)) }
        }
        for certificate in registryCertificates() { paths.append((certificate, .registryCertificate)) }
        for role in FileRole.binaries {
            paths.append((binaries[role.rawValue] ?? "/usr/bin/\(role.rawValue)", role))
        }
        return paths
    }

    /// The unix sockets the daemon serves: `unix://` entries of `hosts`, else the default.
    func engineSockets(_ daemon: DaemonConfiguration) -> [String] {
        let unix = (daemon.setting("hosts")?.values ?? []).filter { $0.hasPrefix("unix://") }.map { String($0.dropFirst(7)) }
        if !unix.isEmpty { return unix }
        if let engineSocket { return [engineSocket] }
        return ["/var/run/docker.sock"]
    }

    /// Every .crt, .cert and .key below /etc/docker/certs.d.
    func registryCertificates() -> [String] {
        var found: [String] = []
        for registry in (files.list("/etc/docker/certs.d") ?? []).sorted() {
            for file in (files.list("/etc/docker/certs.d/\(registry)") ?? []).sorted()
            where file.hasSuffix(".crt") || file.hasSuffix(".cert") || file.hasSuffix(".key") {
                found.append("/etc/docker/certs.d/\(registry)/\(file)")
            }
        }
        return found
    }

    // MARK: Audit rules

    /// The rules loaded in the kernel (`auditctl -l`) where that works, else the configured rules files.
    func readAuditRules() -> AuditRules {
        var problems: [String] = []
        if useAuditctl {
            switch runAuditctl() {
            case let .success(text): return AuditRules(source: "auditctl -l", watchedPaths: Self.watchedPaths(in: text))
            case let .failure(failure): problems.append(failure.reason)
            }
        }
        var text = ""
        var sources: [String] = []
        for file in (files.list("/etc/audit/rules.d") ?? []).filter({ $0.hasSuffix(".rules") }).sorted() {
            if let content = files.read("/etc/audit/rules.d/\(file)") {
                text += content + "\n"
                sources.append("/etc/audit/rules.d/\(file)")
            }
        }
        if let content = files.read("/etc/audit/audit.rules") {
            text += content
            sources.append("/etc/audit/audit.rules")
        }
        guard !sources.isEmpty else {
            problems.append("no audit rules file (/etc/audit/rules.d/*.rules, /etc/audit/audit.rules)")
            return AuditRules(source: nil, problems: problems)
        }
        return AuditRules(source: sources.joined(separator: ", "), watchedPaths: Self.watchedPaths(in: text), problems: problems)
    }

    private func runAuditctl() -> Swift.Result<String, ProgramFailure> {
        guard let auditctl = ["/sbin/auditctl", "/usr/sbin/auditctl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return .failure(ProgramFailure(reason: "auditctl is not installed"))
        }
        return runProgram(auditctl, ["-l"])
    }

    /// Paths of `-w PATH` rules and of `-F path=PATH` / `-F dir=PATH` syscall rules.
    static func watchedPaths(in text: String) -> [String] {
        var paths: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let words = shellWords(String(line))
            guard let first = words.first, !first.hasPrefix("#") else { continue }
            for (index, word) in words.enumerated() {
                if word == "-w", index + 1 < words.count { paths.append(words[index + 1]) }
                if word == "-F", index + 1 < words.count {
                    let field = words[index + 1]
                    for prefix in ["path=", "dir="] where field.hasPrefix(prefix) { paths.append(String(field.dropFirst(prefix.count))) }
                }
            }
        }
        return paths.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    // MARK: Host

    private func trimmed(_ path: String) -> String? {
        files.read(path)?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// /etc/os-release (else /usr/lib/os-release) as `KEY=value` pairs, values unquoted as a shell would.
    func osRelease() -> [String: String]? {
        guard let lines = files.meaningfulLines("/etc/os-release") ?? files.meaningfulLines("/usr/lib/os-release") else { return nil }
        var fields: [String: String] = [:]
        for line in lines {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = shellWords(String(line[line.index(after: equals)...])).joined(separator: " ")
        }
        return fields
    }

    func mountPoints() -> [String]? {
        guard let text = files.read("/proc/1/mountinfo") ?? files.read("/proc/self/mountinfo") else { return nil }
        // Field 5 is the mount point, with spaces and other bytes escaped as \040-style octal.
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            return fields.count > 4 ? unescapeOctal(String(fields[4])) : nil
        }
    }

    /// Members of the docker group, by /etc/group and by primary group in /etc/passwd; nil when there is no such group.
    func dockerGroupMembers(_ accounts: HostFiles.Accounts) -> [String]? {
        guard let group = accounts.group?.first(where: { $0.first == "docker" }) else { return nil }
        guard group.count >= 4 else { return [] }
        var members = group[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for user in accounts.passwd ?? [] where user.count > 3 && user[3] == group[2] && !members.contains(String(user[0])) {
            members.append(String(user[0]))
        }
        return members
    }

    func appArmorEnabled() -> Bool? {
        if let enabled = files.read("/sys/module/apparmor/parameters/enabled") {
            return enabled.trimmingCharacters(in: .whitespacesAndNewlines) == "Y"
        }
        if let lsm = files.read("/sys/kernel/security/lsm") { return lsm.split(separator: ",").contains("apparmor") }
        return files.exists("/sys/kernel") ? false : nil
    }

    func seLinuxEnabled() -> Bool? {
        if files.exists("/sys/fs/selinux/enforce") { return true }
        if let lsm = files.read("/sys/kernel/security/lsm") { return lsm.split(separator: ",").contains("selinux") }
        return files.exists("/sys/fs") ? false : nil
    }

    func seccompAvailable() -> Bool? {
        if files.exists("/proc/sys/kernel/seccomp/actions_avail") { return true }
        if let status = files.read("/proc/1/status") { return status.contains("Seccomp:") }
        return nil
    }

    /// The hypervisor from DMI and the CPU flags; `none` when neither shows one.
    func virtualization() -> String? {
        let vendor = [files.read("/sys/class/dmi/id/sys_vendor"), files.read("/sys/class/dmi/id/product_name")]
            .compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: " ")
        let known = [("QEMU", "kvm"), ("KVM", "kvm"), ("VMware", "vmware"), ("VirtualBox", "virtualbox"), ("Xen", "xen"),
                     ("Microsoft Corporation", "hyper-v"), ("Amazon EC2", "kvm"), ("Google", "kvm"), ("Firecracker", "firecracker")]
        if let match = known.first(where: { vendor.contains($0.0) }) { return match.1 }
        if let type = files.read("/sys/hypervisor/type")?.trimmingCharacters(in: .whitespacesAndNewlines), !type.isEmpty { return type }
        guard let cpuinfo = files.read("/proc/cpuinfo") else { return nil }
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        return flags.split(separator: " ").contains("hypervisor") ? "unknown hypervisor" : "none"
    }
}

/// `0100007F` → `127.0.0.1`; IPv6 as four little-endian 32-bit words.
func decodeProcAddress(_ hex: String, v6: Bool) -> String? {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
        guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
        bytes.append(byte)
        index = next
    }
    // The kernel prints each 32-bit word in host (little-endian) order.
    var ordered: [UInt8] = []
    for word in stride(from: 0, to: bytes.count, by: 4) { ordered += bytes[word..<min(word + 4, bytes.count)].reversed() }
    if !v6 {
        guard ordered.count == 4 else { return nil }
        return ordered.map(String.init).joined(separator: ".")
    }
    guard ordered.count == 16 else { return nil }
    if ordered[0..<10].allSatisfy({ $0 == 0 }) && ordered[10] == 0xFF && ordered[11] == 0xFF {
        return ordered[12...].map(String.init).joined(separator: ".")  // IPv4-mapped
    }
    let groups = stride(from: 0, to: 16, by: 2).map { String(Int(ordered[$0]) << 8 | Int(ordered[$0 + 1]), radix: 16) }
    let text = groups.joined(separator: ":")
    if groups.allSatisfy({ $0 == "0" }) { return "::" }
    if groups.dropLast().allSatisfy({ $0 == "0" }) && groups.last == "1" { return "::1" }
    return text
}

/// `\040` → space, as /proc's mountinfo escapes.
func unescapeOctal(_ text: String) -> String {
    guard text.contains("\\") else { return text }
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
        if bytes[index] == UInt8(ascii: "\\"), index + 3 < bytes.count,
           let code = UInt8(String(decoding: bytes[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
            out.append(code)
            index += 4
        } else {
            out.append(bytes[index])
            index += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}
