/// The software an image's final filesystem holds, read from the package databases in its layers: what an SBOM lists
/// and what vulnerabilities are matched against.
public struct SoftwareInventory: Codable, Sendable, Equatable {
    /// From `/etc/os-release` (or `/usr/lib/os-release`); nil when the image has none (a scratch or distroless image).
    public var operatingSystem: OperatingSystemRelease?
    public var packages: [InstalledPackage]
    /// Package databases found but not read, each with why (`/var/lib/rpm/Packages: BerkeleyDB rpm database …`):
    /// the list above is then incomplete.
    public var unread: [String]

    public init(operatingSystem: OperatingSystemRelease? = nil, packages: [InstalledPackage] = [], unread: [String] = []) {
        self.operatingSystem = operatingSystem
        self.packages = packages
        self.unread = unread
    }
}

public struct OperatingSystemRelease: Codable, Sendable, Equatable {
    /// `ID`: `debian`, `alpine`, `rhel`, `rocky`, …
    public var id: String
    /// `VERSION_ID`: `12`, `3.19.1`, `9.3`; empty for rolling releases.
    public var versionID: String
    /// `PRETTY_NAME`, else `NAME`.
    public var name: String
    /// `ID_LIKE`: `rhel centos fedora`.
    public var like: [String]
    public init(id: String, versionID: String, name: String, like: [String] = []) {
        self.id = id
        self.versionID = versionID
        self.name = name
        self.like = like
    }
}

/// Which package database (or language manifest) listed a package.
public enum PackageKind: String, Codable, Sendable, CaseIterable {
    case deb, apk, rpm, python, npm
    /// Modules (and the standard library) in a Go binary's build information.
    case go
}

public struct InstalledPackage: Codable, Sendable, Equatable {
    public var kind: PackageKind
    public var name: String
    /// As the database writes it: `1:2.38.1-5+deb12u1`, `3.1.4-r5`, `2.34-83.el9_3.7` (rpm: `[epoch:]version-release`).
    public var version: String
    /// The source package (dpkg `Source:`, apk `o:`, rpm `SOURCERPM` without `.src.rpm`), when it differs or is known.
    public var sourceName: String?
    public var sourceVersion: String?
    public var architecture: String?
    /// The database file that lists it.
    public var path: String
    /// Index into `ImageContents.layers` of the layer that added it (or last changed its version).
    public var layer: Int

    public init(kind: PackageKind, name: String, version: String, sourceName: String? = nil, sourceVersion: String? = nil,
                architecture: String? = nil, path: String, layer: Int = 0) {
        self.kind = kind
        self.name = name
        self.version = version
        self.sourceName = sourceName
        self.sourceVersion = sourceVersion
        self.architecture = architecture
        self.path = path
        self.layer = layer
    }

    /// Same package in the same state: a later layer rewriting the database leaves it where it was added.
    func isSame(as other: InstalledPackage) -> Bool {
        kind == other.kind && name == other.name && version == other.version && architecture == other.architecture
    }
}

/// An image's packages matched against an offline advisory database (`--vuln-db`).
public struct VulnerabilityScan: Codable, Sendable, Equatable {
    public var database: VulnerabilityDatabaseInfo
    /// The OSV ecosystems the image's packages were looked up in (`Debian:12`, `PyPI`).
    public var ecosystems: [String]
    /// Packages that could not be looked up, with why (an rpm distribution OSV has no ecosystem for).
    public var notMatched: [String]
    /// Packages looked up in an ecosystem the database holds no record of (`12 npm package(s): the database has no
    /// npm records`): not checked, though nothing was missing from the image. Nil in snapshots before it was kept.
    public var uncovered: [String]?
    public var findings: [VulnerabilityFinding]
    public init(database: VulnerabilityDatabaseInfo, ecosystems: [String] = [], notMatched: [String] = [], findings: [VulnerabilityFinding] = []) {
        self.database = database
        self.ecosystems = ecosystems
        self.notMatched = notMatched
        self.findings = findings
    }
}

public struct VulnerabilityDatabaseInfo: Codable, Sendable, Equatable {
    /// The files and directories given to `--vuln-db`.
    public var sources: [String]
    public var records: Int
    /// The newest `modified` time among the records (ISO 8601): how current the database is.
    public var newestModified: String?
    /// Records that could not be read, named by file (the first few).
    public var problems: [String]
    public init(sources: [String], records: Int, newestModified: String?, problems: [String] = []) {
        self.sources = sources
        self.records = records
        self.newestModified = newestModified
        self.problems = problems
    }
}

public struct VulnerabilityFinding: Codable, Sendable, Equatable {
    public var package: String
    public var kind: PackageKind
    public var installedVersion: String
    /// The first version without it; nil: no fix yet.
    public var fixedVersion: String?
    /// The OSV record's id (`DSA-5532-1`, `DEBIAN-CVE-2023-4911`, `GHSA-…`) and its aliases (`CVE-…`).
    public var advisory: String
    public var aliases: [String]
    /// From the record's CVSS vector or severity word; nil when it gives none.
    public var severity: Severity?
    public var score: Double?
    public var summary: String?
    /// The layer that added the package (index into `ImageContents.layers`).
    public var layer: Int
    public init(package: String, kind: PackageKind, installedVersion: String, fixedVersion: String?, advisory: String, aliases: [String],
                severity: Severity?, score: Double?, summary: String?, layer: Int) {
        self.package = package
        self.kind = kind
        self.installedVersion = installedVersion
        self.fixedVersion = fixedVersion
        self.advisory = advisory
        self.aliases = aliases
        self.severity = severity
        self.score = score
        self.summary = summary
        self.layer = layer
    }
}
