@testable import DockerBaseline
import Foundation
import Testing

/// A host as its distribution ships it: the files under its root that tell its kernel, and what the distribution's
/// tracker says of the table's CVEs for that kernel.
struct DistributionHost: CustomTestStringConvertible, Sendable {
    let name: String
    let release: String
    let procVersion: String
    var signature: String?
    let osRelease: String
    let expect: Status
    /// CVEs the kernel must fail on, and CVEs it must send to the distribution's tracker.
    var affected: [String] = []
    var toCheck: [String] = []
    /// The tracker the links point at.
    var tracker: String?

    var testDescription: String { name }

    var files: [String: String] {
        var files = ["proc/sys/kernel/osrelease": release + "\n", "proc/version": procVersion + "\n", "etc/os-release": osRelease]
        if let signature { files["proc/version_signature"] = signature + "\n" }
        return files
    }

    static let ubuntuOverlay = ["CVE-2023-2640", "CVE-2023-32629"]
    /// Fixed upstream after 5.14, and the table has no RHEL 9 package for them.
    static let rhel9Backported = ["CVE-2022-0185", "CVE-2022-0492", "CVE-2022-0847", "CVE-2023-0386", "CVE-2024-1086"]

    static let all: [DistributionHost] = [
        DistributionHost(
            name: "Ubuntu 20.04, 5.4.0-150 (May 2023): before Flipping Pages and GameOver(lay) were fixed",
            release: "5.4.0-150-generic",
            procVersion: "Linux version 5.4.0-150-generic (buildd@bos03-amd64-012) (gcc version 9.4.0 (Ubuntu 9.4.0-1ubuntu1~20.04.1)) #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023",
            signature: "Ubuntu 5.4.0-150.167-generic 5.4.233",
            osRelease: "NAME=\"Ubuntu\"\nVERSION=\"20.04.6 LTS (Focal Fossa)\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu 20.04.6 LTS\"\nVERSION_ID=\"20.04\"\n",
            expect: .fail, affected: ["CVE-2024-1086", "CVE-2023-32629"], toCheck: ["CVE-2023-2640"], tracker: "https://ubuntu.com/security/CVE-2023-2640"),
        DistributionHost(
            name: "Ubuntu 22.04, 5.15.0-91 on 5.15.131: Dirty Pipe and CVE-2022-0185 fixed, Flipping Pages not yet",
            release: "5.15.0-91-generic",
            procVersion: "Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023",
            signature: "Ubuntu 5.15.0-91.101-generic 5.15.131",
            osRelease: "PRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.3 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n",
            expect: .fail, affected: ["CVE-2024-1086"], toCheck: ubuntuOverlay, tracker: "https://ubuntu.com/security/CVE-2023-32629"),
        DistributionHost(
            name: "Ubuntu 24.04, 6.8.0-31 on 6.8.1: released after every fix",
            release: "6.8.0-31-generic",
            procVersion: "Linux version 6.8.0-31-generic (buildd@lcy02-amd64-080) (x86_64-linux-gnu-gcc-13 (Ubuntu 13.2.0-23ubuntu4) 13.2.0, GNU ld (GNU Binutils for Ubuntu) 2.42) #31-Ubuntu SMP PREEMPT_DYNAMIC Sat Apr 20 00:40:06 UTC 2024",
            signature: "Ubuntu 6.8.0-31.31-generic 6.8.1",
            osRelease: "PRETTY_NAME=\"Ubuntu 24.04 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nVERSION=\"24.04 LTS (Noble Numbat)\"\nID=ubuntu\nID_LIKE=debian\n",
            expect: .pass),
        DistributionHost(
            name: "Debian 11, 5.10.0-28 on Debian 5.10.209-2: every fix in the table",
            release: "5.10.0-28-amd64",
            procVersion: "Linux version 5.10.0-28-amd64 (debian-kernel@lists.debian.org) (gcc-10 (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2) #1 SMP Debian 5.10.209-2 (2024-01-31)",
            osRelease: "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"11\"\nVERSION=\"11 (bullseye)\"\nID=debian\n",
            expect: .pass),
        DistributionHost(
            name: "Debian 12, 6.1.0-13 on Debian 6.1.55-1: before Flipping Pages was fixed",
            release: "6.1.0-13-amd64",
            procVersion: "Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)",
            osRelease: "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n",
            expect: .fail, affected: ["CVE-2024-1086"]),
        DistributionHost(
            name: "Debian 12, 6.1.0-18 on Debian 6.1.76-1",
            release: "6.1.0-18-amd64",
            procVersion: "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
            osRelease: "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n",
            expect: .pass),
        DistributionHost(
            name: "RHEL 8.9, 4.18.0-513.5.1: Red Hat's fixes for Dirty Pipe and CVE-2022-0185 are in, the one for Flipping Pages came later",
            release: "4.18.0-513.5.1.el8_9.x86_64",
            procVersion: "Linux version 4.18.0-513.5.1.el8_9.x86_64 (mockbuild@x86-vm-07.build.eng.bos.redhat.com) (gcc version 8.5.0 20210514 (Red Hat 8.5.0-20) (GCC)) #1 SMP Fri Sep 29 05:21:10 EDT 2023",
            osRelease: "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"8.9 (Ootpa)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"8.9\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 8.9 (Ootpa)\"\n",
            expect: .fail, affected: ["CVE-2024-1086"], toCheck: ["CVE-2021-22555", "CVE-2022-0492", "CVE-2023-0386"],
            tracker: "https://access.redhat.com/security/cve/CVE-2022-0492"),
        DistributionHost(
            name: "RHEL 9.3, 5.14.0-362.8.1: backported, so every CVE newer than 5.14's base goes to Red Hat's tracker",
            release: "5.14.0-362.8.1.el9_3.x86_64",
            procVersion: "Linux version 5.14.0-362.8.1.el9_3.x86_64 (mockbuild@x86-64-02.build.eng.rdu2.redhat.com) (gcc (GCC) 11.4.1 20230605 (Red Hat 11.4.1-2), GNU ld version 2.35.2-42.el9) #1 SMP PREEMPT_DYNAMIC Tue Nov 7 14:54:22 EST 2023",
            osRelease: "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.3 (Plow)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 9.3 (Plow)\"\n",
            expect: .warn, toCheck: rhel9Backported, tracker: "https://access.redhat.com/security/cve/CVE-2022-0847"),
        DistributionHost(
            name: "Rocky Linux 9.3 carries RHEL's kernel and is judged as RHEL",
            release: "5.14.0-362.13.1.el9_3.x86_64",
            procVersion: "Linux version 5.14.0-362.13.1.el9_3.x86_64 (mockbuild@iad1-prod-build001.bld.equ.rockylinux.org) (gcc (GCC) 11.4.1 20230605 (Red Hat 11.4.1-2), GNU ld version 2.35.2-42.el9) #1 SMP PREEMPT_DYNAMIC Wed Dec 13 14:07:45 UTC 2023",
            osRelease: "NAME=\"Rocky Linux\"\nVERSION=\"9.3 (Blue Onyx)\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n",
            expect: .warn, toCheck: rhel9Backported, tracker: "https://access.redhat.com/security/cve/CVE-2024-1086"),
        DistributionHost(
            name: "Amazon Linux 2023, 6.1.61: Flipping Pages is Amazon's to answer",
            release: "6.1.61-85.141.amzn2023.x86_64",
            procVersion: "Linux version 6.1.61-85.141.amzn2023.x86_64 (mockbuild@ip-10-0-48-88) (gcc (GCC) 11.4.1 20230605 (Red Hat 11.4.1-2), GNU ld version 2.39-6.amzn2023.0.9) #1 SMP PREEMPT_DYNAMIC Wed Nov 22 00:04:06 UTC 2023",
            osRelease: "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\nPRETTY_NAME=\"Amazon Linux 2023\"\n",
            expect: .warn, toCheck: ["CVE-2024-1086"], tracker: "https://alas.aws.amazon.com/cve/html/CVE-2024-1086.html"),
        DistributionHost(
            name: "Alpine 3.19, 6.6.14-0-lts: Alpine ships upstream releases, and 6.6.14 predates 6.6.15's fix",
            release: "6.6.14-0-lts",
            procVersion: "Linux version 6.6.14-0-lts (buildozer@build-3-19-x86_64) (gcc (Alpine 13.2.1_git20231014) 13.2.1 20231014, GNU ld (GNU Binutils) 2.41) #1-Alpine SMP PREEMPT_DYNAMIC Fri, 26 Jan 2024 11:08:07 +0000",
            osRelease: "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n",
            expect: .fail, affected: ["CVE-2024-1086"]),
        DistributionHost(
            name: "An upstream-built 6.6.30 on a Debian userland is judged by its number",
            release: "6.6.30",
            procVersion: "Linux version 6.6.30 (root@build) (gcc (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Thu May  2 10:00:00 UTC 2024",
            osRelease: "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\nID=debian\n",
            expect: .pass),
        DistributionHost(
            name: "An upstream-built 5.15.20 has Dirty Pipe, the overlayfs setuid copy-up and Flipping Pages, not CVE-2022-0492 (fixed in 5.15.20)",
            release: "5.15.20",
            procVersion: "Linux version 5.15.20 (root@build) (gcc (GCC) 11.2.0) #1 SMP Fri Feb 4 10:00:00 UTC 2022",
            osRelease: "NAME=\"Arch Linux\"\nID=arch\nPRETTY_NAME=\"Arch Linux\"\n",
            expect: .fail, affected: ["CVE-2022-0847", "CVE-2023-0386", "CVE-2024-1086"]),
    ]
}

@Suite("Kernel advisories on distribution kernels")
struct KernelAdvisoryTests {
    private func kernelFinding(_ host: HostFacts, engineKernel: String? = nil) throws -> Finding {
        var snapshot = try RuleExample(expect: .pass).makeSnapshot()
        snapshot.host = host
        snapshot.engine.kernelVersion = engineKernel
        return try #require(KernelAdvisoryRule().evaluate(AuditContext(snapshot)).first)
    }

    @Test("Each distribution's kernel gets the verdict its tracker gives", arguments: DistributionHost.all)
    func distribution(_ host: DistributionHost) throws {
        let root = try makeFakeHost(host.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = HostCollector(root: root.path, useAuditctl: false).collect()
        let finding = try kernelFinding(facts)
        #expect(finding.status == host.expect, "\(finding.message.en) \(finding.evidence)")
        let affected = finding.evidence["affected by"] ?? ""
        let toCheck = finding.evidence["check with the distribution"] ?? ""
        for cve in host.affected { #expect(affected.contains(cve), "\(cve) should fail: \(affected)") }
        for cve in host.toCheck { #expect(toCheck.contains(cve) && !affected.contains(cve), "\(cve) should be checked: \(toCheck)") }
        // What the tracker says is fixed is never reported either way.
        let named = Set(host.affected + host.toCheck)
        for advisory in AdvisoryTable.embedded.advisories where advisory.component == "kernel" && !named.contains(advisory.id) {
            #expect(!affected.contains(advisory.id) && !toCheck.contains(advisory.id), "\(advisory.id) should not be named: \(finding.evidence)")
        }
        if let tracker = host.tracker { #expect(toCheck.contains(tracker), "\(toCheck)") }
    }

    @Test("The collector reads the kernel's banner, Ubuntu's signature and os-release; the upstream base and package follow")
    func kernelBuild() throws {
        let ubuntu = try #require(DistributionHost.all.first { $0.release == "5.15.0-91-generic" })
        let root = try makeFakeHost(ubuntu.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = HostCollector(root: root.path, useAuditctl: false).collect()
        #expect(facts.kernelSignature == "Ubuntu 5.15.0-91.101-generic 5.15.131")
        #expect(facts.osRelease?["PRETTY_NAME"] == "Ubuntu 22.04.3 LTS")
        let build = try #require(facts.kernelBuild)
        #expect(build.vendor == .ubuntu && build.distribution == "ubuntu:22.04" && build.package == "5.15.0-91.101")
        #expect(build.upstream?.description == "5.15.131" && build.upstreamSource == "/proc/version_signature")

        let debian = try #require(DistributionHost.all.first { $0.release == "5.10.0-28-amd64" })
        let debianBuild = KernelBuild(release: debian.release, procVersion: debian.procVersion, osRelease: ["ID": "debian", "VERSION_ID": "11"])
        #expect(debianBuild.vendor == .debian && debianBuild.upstream?.description == "5.10.209" && debianBuild.package == "5.10.209-2")
        let rhel = KernelBuild(release: "4.18.0-513.5.1.el8_9.x86_64", osRelease: ["ID": "rhel", "VERSION_ID": "8.9"])
        #expect(rhel.vendor == .redHat && rhel.distribution == "rhel:8" && rhel.package == "4.18.0-513.5.1.el8_9" && rhel.upstream == nil)
        let sles = KernelBuild(release: "5.14.21-150500.55.39-default", osRelease: ["ID": "sles", "ID_LIKE": "suse", "VERSION_ID": "15.5"])
        #expect(sles.vendor == .suse && sles.distribution == "suse:15" && sles.package == "5.14.21-150500.55.39")
        #expect(sles.tracker("CVE-2024-1086") == "https://www.suse.com/security/cve/CVE-2024-1086.html")
        let uek = KernelBuild(release: "5.15.0-200.131.27.el8uek.x86_64", osRelease: ["ID": "ol", "ID_LIKE": "fedora", "VERSION_ID": "8.9"])
        #expect(uek.vendor == .redHat && uek.tracker("CVE-2024-1086") == "https://linux.oracle.com/cve/CVE-2024-1086.html")
        // Oracle's own kernel is not on RHEL 8's 4.18 line, so RHEL's fixed package says nothing about it.
        let flippingPages = try #require(AdvisoryTable.embedded.advisories.first { $0.id == "CVE-2024-1086" })
        #expect(KernelAdvisoryRule.exposure(flippingPages, uek) == .check("https://linux.oracle.com/cve/CVE-2024-1086.html"))
    }

    @Test("The host's kernel facts win over the engine's KernelVersion; without them the engine's is read by its name alone")
    func engineKernelVersion() throws {
        let debian = try #require(DistributionHost.all.first { $0.release == "6.1.0-18-amd64" })
        let root = try makeFakeHost(debian.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = HostCollector(root: root.path, useAuditctl: false).collect()
        #expect(try kernelFinding(facts, engineKernel: "5.10.50").status == .pass)
        var bare = facts
        bare.kernelRelease = nil
        // An ABI name without its banner: 6.1.0 does not show whether Flipping Pages is fixed.
        let fromEngine = try kernelFinding(bare, engineKernel: "6.1.0-13-amd64")
        #expect(fromEngine.status == .warn)
        #expect(fromEngine.evidence["check with the distribution"]?.contains("https://security-tracker.debian.org/tracker/CVE-2024-1086") == true)
        #expect(try kernelFinding(bare, engineKernel: "5.10.50").status == .fail)
    }

    @Test("Snapshots saved before the kernel facts existed still load")
    func olderSnapshots() throws {
        let snapshot = try RuleExample(snapshot: #"{"host": {"procVersion": null, "kernelSignature": null, "osRelease": null}}"#, expect: .pass).makeSnapshot()
        #expect(snapshot.host?.procVersion == nil && snapshot.host?.osRelease == nil)
        #expect(snapshot.host?.kernelBuild?.release == "6.1.0-18-amd64")
    }
}
