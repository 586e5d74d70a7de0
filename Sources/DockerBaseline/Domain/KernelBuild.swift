/// The host's kernel as its distribution ships it: who built it, the upstream release it is based on where the
/// distribution states one, and the distribution's own package version.
///
/// `5.15.0-91-generic` (Ubuntu) and `5.10.0-28-amd64` (Debian) are ABI names, not upstream releases: Ubuntu states the
/// base in /proc/version_signature (`Ubuntu 5.15.0-91.101-generic 5.15.131`), Debian in /proc/version
/// (`… SMP Debian 5.10.209-2 (2024-01-31)`). The RHEL family, Amazon Linux and SUSE backport fixes without changing
/// the upstream number, so only their own package versions and trackers can tell.
public struct KernelBuild: Sendable, Equatable {
    public enum Vendor: String, Sendable {
        case ubuntu, debian, redHat = "rhel", amazon = "amzn", suse, alpine
        /// Built from kernel.org's sources (or a distribution that follows them, such as Fedora and Arch).
        case upstream
    }

    /// `uname -r`.
    public var release: String
    public var vendor: Vendor
    /// The distribution release the advisory table keys fixes by: `ubuntu:22.04`, `debian:11`, `rhel:8`, `amzn:2023`.
    public var distribution: String?
    /// What the distribution calls itself (/etc/os-release's PRETTY_NAME), for evidence.
    public var distributionName: String?
    /// The upstream release whose fixes the kernel carries, when its number means that; nil when it does not.
    public var upstream: SoftwareVersion?
    /// Where `upstream` was read: `/proc/version_signature`, `/proc/version`, `uname -r`.
    public var upstreamSource: String?
    /// The distribution's package version (`5.15.0-91.101`, `4.18.0-513.5.1.el8_9`); nil for upstream-built kernels.
    public var package: String?
    /// Oracle Linux: its own tracker, also for its Unbreakable Enterprise Kernel (`5.15.0-200.131.27.el8uek`).
    var oracle = false

    /// - Parameters:
    ///   - procVersion: /proc/version's text.
    ///   - signature: /proc/version_signature's text (Ubuntu only).
    ///   - osRelease: /etc/os-release's fields.
    public init(release: String, procVersion: String? = nil, signature: String? = nil, osRelease: [String: String]? = nil) {
        self.release = release
        distributionName = osRelease?["PRETTY_NAME"]
        let ids = Set(((osRelease?["ID"] ?? "") + " " + (osRelease?["ID_LIKE"] ?? "")).split(separator: " ").map(String.init))
        let versionID = osRelease?["VERSION_ID"]
        let banner = procVersion.flatMap(Self.debianBanner)
        let signatureFields = signature?.split(whereSeparator: \.isWhitespace).map(String.init) ?? []
        // Ubuntu and Debian kernels are named x.y.0-ABI-flavour; anything else on those systems was built elsewhere.
        let abiName = release.range(of: #"^\d+\.\d+\.0-\d+-[a-z]"#, options: .regularExpression) != nil
        let vendor: Vendor
        if signatureFields.first == "Ubuntu" || (ids.contains("ubuntu") && abiName) {
            vendor = .ubuntu
        } else if banner != nil || (ids.contains("debian") && abiName) {
            vendor = .debian
        } else if release.range(of: #"\.el\d"#, options: .regularExpression) != nil {
            vendor = .redHat
        } else if release.contains("amzn") {
            vendor = .amazon
        } else if !ids.isDisjoint(with: ["sles", "sled", "suse", "opensuse"]) && release.contains("-") {
            vendor = .suse
        } else if ids.contains("alpine") {
            vendor = .alpine
        } else if osRelease == nil && abiName {
            // No os-release (a remote engine's KernelVersion): the flavour tells Ubuntu from Debian.
            vendor = release.range(of: #"-(amd64|arm64|armmp|686|686-pae|cloud-amd64|cloud-arm64|rt-amd64)$"#, options: .regularExpression) != nil ? .debian : .ubuntu
        } else {
            vendor = .upstream
        }
        self.vendor = vendor
        oracle = ids.contains("ol")
        distribution = versionID.map { version in
            switch vendor {
            case .redHat, .suse: "\(vendor.rawValue):\(version.split(separator: ".").first ?? "")"
            default: "\(vendor.rawValue):\(version)"
            }
        }
        switch vendor {
        case .ubuntu where signatureFields.count >= 3:
            upstream = SoftwareVersion(signatureFields[2])
            upstreamSource = "/proc/version_signature"
            package = signatureFields[1].replacingOccurrences(of: #"-[a-z][a-z0-9-]*$"#, with: "", options: .regularExpression)
        case .debian where banner != nil:
            upstream = banner.flatMap { SoftwareVersion(String($0.prefix { $0.isNumber || $0 == "." })) }  // 5.10.209 of 5.10.209-2
            upstreamSource = "/proc/version"
            package = banner
        case .ubuntu, .debian:
            package = nil  // an ABI name only: neither the base nor the package is known
        case .redHat, .amazon, .suse:
            package = release.replacingOccurrences(of: #"\.(x86_64|aarch64|ppc64le|s390x)$|-(default|azure|rt|64kb)$"#, with: "", options: .regularExpression)
        case .alpine, .upstream:
            upstream = SoftwareVersion(release)
            upstreamSource = "uname -r"
        }
    }

    /// `Debian 5.10.209-2` in `… #1 SMP Debian 5.10.209-2 (2024-01-31)`: the package version after the build number
    /// (the compiler's `(Debian 10.2.1-6)` comes before it).
    static func debianBanner(_ text: String) -> String? {
        guard let build = text.range(of: "#", options: .backwards) else { return nil }
        let words = text[build.upperBound...].split(whereSeparator: \.isWhitespace)
        guard let index = words.firstIndex(of: "Debian"), index + 1 < words.count, words[index + 1].first?.isNumber == true else { return nil }
        return String(words[index + 1])
    }

    /// The distribution's page for `cve`, where only the distribution can say whether its kernel carries the fix.
    public func tracker(_ cve: String) -> String? {
        switch vendor {
        case .ubuntu: "https://ubuntu.com/security/\(cve)"
        case .debian: "https://security-tracker.debian.org/tracker/\(cve)"
        case .redHat: oracle ? "https://linux.oracle.com/cve/\(cve).html" : "https://access.redhat.com/security/cve/\(cve)"
        case .amazon: "https://alas.aws.amazon.com/cve/html/\(cve).html"
        case .suse: "https://www.suse.com/security/cve/\(cve).html"
        case .alpine, .upstream: nil
        }
    }
}
