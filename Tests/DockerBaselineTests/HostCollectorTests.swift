@testable import DockerBaseline
import Foundation
import Testing

@Suite("Host facts from a host filesystem root")
struct HostCollectorTests {
    private func makeHost(_ files: [String: String]) throws -> URL {
        let root = try TestEnvironment.temporaryDirectory()
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test("daemon.json's no-new-privileges is the daemon default, with its file as the source")
    func daemonJSON() throws {
        let root = try makeHost(["etc/docker/daemon.json": #"{"no-new-privileges": true, "icc": false}"#, "sys/kernel/.keep": ""])
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = HostCollector(root: root.path, useAuditctl: false).collect()
        #expect(facts.daemon.setting("no-new-privileges") == DaemonSetting(key: "no-new-privileges", values: ["true"], source: "/etc/docker/daemon.json:1"))
        #expect(facts.daemon.bool("icc") == false)
        #expect(facts.appArmorEnabled == false)
    }

    @Test("dockerd's own arguments are read, --config-file moves daemon.json, and a flag repeated in the file is a conflict")
    func commandLine() throws {
        let root = try makeHost([
            "proc/4242/comm": "dockerd\n",
            "proc/4242/cmdline": "/usr/bin/dockerd\0--config-file\0/srv/docker.json\0--no-new-privileges=false\0",
            "srv/docker.json": #"{"no-new-privileges": true}"#,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = HostCollector(root: root.path, useAuditctl: false).collect()
        #expect(facts.daemon.bool("no-new-privileges") == false)
        #expect(facts.daemon.setting("no-new-privileges")?.source.contains("dockerd argument --no-new-privileges=false") == true)
        #expect(facts.daemon.configFile == "/srv/docker.json")
        // Set both as a flag and in the file: dockerd would refuse to start, and the report says so.
        #expect(facts.daemon.problems.contains { $0.contains("no-new-privileges is set both by dockerd argument") })
    }

    @Test("AppArmor and SELinux status come from the kernel's interfaces")
    func securityModules() throws {
        let enabled = try makeHost(["sys/kernel/security/lsm": "lockdown,capability,apparmor", "sys/fs/selinux/enforce": "0"])
        defer { try? FileManager.default.removeItem(at: enabled) }
        #expect(HostCollector(root: enabled.path).appArmorEnabled() == true)
        #expect(HostCollector(root: enabled.path).seLinuxEnabled() == true)
        let unknown = try makeHost([:])
        defer { try? FileManager.default.removeItem(at: unknown) }
        #expect(HostCollector(root: unknown.path).appArmorEnabled() == nil)
    }
}

@Suite("Writing output files")
struct OutputFileTests {
    @Test("Writing to a device (like -o /dev/null) leaves it a device; a symlink keeps pointing at its file, which gets the content")
    func specialTargets() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A null device of the test's own (major 1, minor 3), so a regression cannot break the machine's /dev/null.
        let device = directory.appendingPathComponent("null").path
        try #require(mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0, "mknod needs root")
        try SnapshotFile.writeAtomically(Data("report".utf8), to: device)
        var info = stat()
        #expect(stat(device, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)

        let file = directory.appendingPathComponent("real.json"), link = directory.appendingPathComponent("link.json")
        try "old".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        try SnapshotFile.writeAtomically(Data("new".utf8), to: link.path)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == file.path)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new")
    }
}
