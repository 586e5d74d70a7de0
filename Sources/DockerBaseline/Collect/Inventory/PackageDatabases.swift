import Foundation
import GRDB
import GRDBSQLite

/// The files in a layer that say what software is installed, and how each is read.
enum InventoryFileKind: Equatable, Sendable {
    case dpkgStatus, apkInstalled, rpmSQLite, osRelease, pythonMetadata, npmPackage
    /// A database in a format that is not read (BerkeleyDB, ndb): found, so the inventory is known to be incomplete.
    case unreadable(String)

    /// How much of the file is kept to parse it; a longer file is a problem named in the inventory.
    var limit: Int {
        switch self {
        case .dpkgStatus, .apkInstalled: return 64 << 20
        case .rpmSQLite: return 256 << 20
        case .osRelease, .pythonMetadata: return 16 << 10 // headers come first; the rest is a description
        case .npmPackage: return 1 << 20
        case .unreadable: return 0
        }
    }

    /// Whether a file cut at `limit` is still read (its start holds all that is needed).
    var readsPrefix: Bool { self == .osRelease || self == .pythonMetadata }

    /// The kind of `path` (relative, no leading slash), nil for files that hold no inventory.
    static func of(path: String, name: String) -> InventoryFileKind? {
        switch path {
        case "var/lib/dpkg/status": return .dpkgStatus
        case "lib/apk/db/installed": return .apkInstalled
        case "var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite": return .rpmSQLite
        case "var/lib/rpm/Packages", "usr/lib/sysimage/rpm/Packages":
            return .unreadable("BerkeleyDB rpm database (RHEL/CentOS 8 and older, Amazon Linux 2): not read; only the sqlite rpmdb of RHEL 9 and later is")
        case "var/lib/rpm/Packages.db", "usr/lib/sysimage/rpm/Packages.db":
            return .unreadable("ndb rpm database (SUSE): not read; only the sqlite rpmdb of RHEL 9 and later is")
        case "etc/os-release", "usr/lib/os-release": return .osRelease
        default: break
        }
        if path.hasPrefix("var/lib/dpkg/status.d/") && !name.contains(".") { return .dpkgStatus } // distroless; skip *.md5sums
        if name == "METADATA" && path.dropLast(name.count + 1).hasSuffix(".dist-info") { return .pythonMetadata }
        if name == "package.json" {
            // node_modules/NAME/package.json or node_modules/@scope/NAME/package.json: an installed package, not a
            // test fixture deeper in it.
            let parts = path.split(separator: "/")
            let count = parts.count
            if count >= 3 && parts[count - 3] == "node_modules" && !parts[count - 2].hasPrefix("@") { return .npmPackage }
            if count >= 4 && parts[count - 4] == "node_modules" && parts[count - 3].hasPrefix("@") { return .npmPackage }
        }
        return nil
    }
}

/// What one inventory file said.
enum InventoryFileContent: Sendable, Equatable {
    case packages([InstalledPackage])
    case operatingSystem(OperatingSystemRelease)
    case unread(String)
}

/// Parsers for the package databases' own formats. Each is given the file's bytes and its absolute path.
enum PackageDatabases {
    static func parse(_ kind: InventoryFileKind, bytes: [UInt8], path: String) -> InventoryFileContent {
        switch kind {
        case .dpkgStatus: return .packages(dpkgStatus(bytes, path: path))
        case .apkInstalled: return .packages(apkInstalled(bytes, path: path))
        case .rpmSQLite:
            do { return .packages(try rpmSQLite(bytes, path: path)) } catch { return .unread("\(path): \(error)") }
        case .osRelease:
            return osRelease(bytes).map(InventoryFileContent.operatingSystem) ?? .unread("\(path): no ID in os-release")
        case .pythonMetadata:
            return .packages(pythonMetadata(bytes, path: path).map { [$0] } ?? [])
        case .npmPackage:
            return .packages(npmPackage(bytes, path: path).map { [$0] } ?? [])
        case let .unreadable(reason):
            return .unread("\(path): \(reason)")
        }
    }

    /// Stanzas of `Field: value` lines (continuations start with a space), separated by empty lines.
    static func stanzas(_ bytes: [UInt8], separator: Character = ":") -> [[String: String]] {
        var result: [[String: String]] = []
        var current: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.isEmpty {
                if !current.isEmpty { result.append(current) }
                current = [:]
            } else if line.first == " " || line.first == "\t" {
                continue // a continuation: descriptions and file lists, nothing the inventory needs
            } else if let colon = line.firstIndex(of: separator) {
                let key = String(line[..<colon])
                if current[key] == nil {
                    current[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// `/var/lib/dpkg/status` (and distroless `status.d/` files): installed packages only (`Status: … installed`).
    static func dpkgStatus(_ bytes: [UInt8], path: String) -> [InstalledPackage] {
        stanzas(bytes).compactMap { fields in
            guard let name = fields["Package"], let version = fields["Version"], !name.isEmpty, !version.isEmpty else { return nil }
            if let status = fields["Status"], status.split(separator: " ").last != "installed" { return nil }
            var sourceName: String?, sourceVersion: String?
            if let source = fields["Source"] {
                // `Source: openssl` or `Source: openssl (3.0.11-1~deb12u2)` when the versions differ.
                let parts = source.split(separator: " ", maxSplits: 1)
                sourceName = parts.first.map(String.init)
                if parts.count == 2 { sourceVersion = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "() ")) }
            }
            return InstalledPackage(kind: .deb, name: name, version: version, sourceName: sourceName ?? name,
                                    sourceVersion: sourceVersion ?? version, architecture: fields["Architecture"], path: path)
        }
    }

    /// `/lib/apk/db/installed`: `P:` name, `V:` version, `A:` architecture, `o:` origin (the source package).
    static func apkInstalled(_ bytes: [UInt8], path: String) -> [InstalledPackage] {
        stanzas(bytes).compactMap { fields in
            guard let name = fields["P"], let version = fields["V"] else { return nil }
            return InstalledPackage(kind: .apk, name: name, version: version, sourceName: fields["o"] ?? name,
                                    sourceVersion: version, architecture: fields["A"], path: path)
        }
    }

    /// `KEY=value` or `KEY="value"` lines.
    static func osRelease(_ bytes: [UInt8]) -> OperatingSystemRelease? {
        var values: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            values[String(line[..<equals])] = value
        }
        guard let id = values["ID"], !id.isEmpty else { return nil }
        return OperatingSystemRelease(id: id.lowercased(), versionID: values["VERSION_ID"] ?? "",
                                      name: values["PRETTY_NAME"] ?? values["NAME"] ?? id,
                                      like: (values["ID_LIKE"] ?? "").split(separator: " ").map { $0.lowercased() })
    }

    /// A wheel's `*.dist-info/METADATA`: `Name:` and `Version:` headers.
    static func pythonMetadata(_ bytes: [UInt8], path: String) -> InstalledPackage? {
        guard let fields = stanzas(bytes).first, let name = fields["Name"], let version = fields["Version"] else { return nil }
        return InstalledPackage(kind: .python, name: name, version: version, path: path)
    }

    /// `node_modules/…/package.json`: `name` and `version`.
    static func npmPackage(_ bytes: [UInt8], path: String) -> InstalledPackage? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let name = object["name"] as? String, let version = object["version"] as? String,
              !name.isEmpty, !version.isEmpty else { return nil }
        return InstalledPackage(kind: .npm, name: name, version: version, path: path)
    }

    struct DatabaseError: Error, CustomStringConvertible {
        let description: String
    }

    /// The `Packages` table of an sqlite rpmdb, each row an rpm header blob; read from memory (the file's bytes are
    /// handed to SQLite as a read-only in-memory database, never written to disk).
    static func rpmSQLite(_ bytes: [UInt8], path: String) throws -> [InstalledPackage] {
        guard bytes.starts(with: Array("SQLite format 3\u{0}".utf8)) else {
            throw DatabaseError(description: "not an SQLite database")
        }
        let queue = try DatabaseQueue()
        var copy = bytes
        // A WAL-mode database (header bytes 18 and 19 are 2) is read as a rollback-journal one: there is no -wal file
        // in memory, and a checkpointed rpmdb holds everything in the main file.
        if copy.count > 19 && copy[18] == 2 { copy[18] = 1; copy[19] = 1 }
        return try copy.withUnsafeMutableBytes { buffer -> [InstalledPackage] in
            try queue.writeWithoutTransaction { db in
                let code = sqlite3_deserialize(db.sqliteConnection, "main", buffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                               Int64(buffer.count), Int64(buffer.count), UInt32(SQLITE_DESERIALIZE_READONLY))
                guard code == SQLITE_OK else { throw DatabaseError(description: "SQLite could not open it (code \(code))") }
                var packages: [InstalledPackage] = []
                let rows = try Row.fetchCursor(db, sql: "SELECT blob FROM Packages")
                while let row = try rows.next() {
                    let blob: Data = row[0]
                    guard let header = RPMHeader(Array(blob)), let name = header.string(.name), name != "gpg-pubkey",
                          let version = header.string(.version) else { continue }
                    let release = header.string(.release) ?? ""
                    let epoch = header.int(.epoch)
                    let label = (epoch.map { "\($0):" } ?? "") + version + (release.isEmpty ? "" : "-\(release)")
                    let source = header.string(.sourceRPM).map(RPMHeader.sourceName)
                    // The source rpm's file name has no epoch; its binary packages carry the source's epoch.
                    let sourceVersion = source.map { (epoch.map { "\($0):" } ?? "") + $0.version }
                    packages.append(InstalledPackage(kind: .rpm, name: name, version: label, sourceName: source?.name,
                                                     sourceVersion: sourceVersion, architecture: header.string(.arch), path: path))
                }
                return packages
            }
        }
    }
}

/// An rpm header as stored in the rpmdb (no lead, no magic): index count, data length, the index entries
/// (tag, type, offset, count; big-endian), then the data store.
struct RPMHeader {
    enum Tag: UInt32 { case name = 1000, version = 1001, release = 1002, epoch = 1003, arch = 1022, sourceRPM = 1044 }
    private let bytes: [UInt8]
    private var entries: [UInt32: (type: UInt32, offset: Int, count: Int)] = [:]
    private let store: Int

    init?(_ bytes: [UInt8]) {
        func u32(_ at: Int) -> UInt32? {
            guard at >= 0, at + 4 <= bytes.count else { return nil }
            return bytes[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        guard let indexCount = u32(0), let dataLength = u32(4), indexCount < 100_000 else { return nil }
        store = 8 + Int(indexCount) * 16
        guard store + Int(dataLength) <= bytes.count else { return nil }
        self.bytes = bytes
        for entry in 0..<Int(indexCount) {
            let at = 8 + entry * 16
            guard let tag = u32(at), let type = u32(at + 4), let offset = u32(at + 8), let count = u32(at + 12) else { return nil }
            entries[tag] = (type, Int(offset), Int(count))
        }
    }

    /// A STRING (6) or the first of an I18NSTRING (9) / STRING_ARRAY (8).
    func string(_ tag: Tag) -> String? {
        guard let entry = entries[tag.rawValue], [6, 8, 9].contains(entry.type) else { return nil }
        let start = store + entry.offset
        guard start < bytes.count, let end = bytes[start...].firstIndex(of: 0) else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// An INT32 (4).
    func int(_ tag: Tag) -> Int? {
        guard let entry = entries[tag.rawValue], entry.type == 4, entry.count >= 1 else { return nil }
        let start = store + entry.offset
        guard start + 4 <= bytes.count else { return nil }
        return Int(bytes[start..<(start + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }

    /// `openssl-3.0.7-25.el9_3.src.rpm` → (`openssl`, `3.0.7-25.el9_3`).
    static func sourceName(_ file: String) -> (name: String, version: String) {
        var base = Substring(file)
        for suffix in [".src.rpm", ".nosrc.rpm"] where base.hasSuffix(suffix) { base = base.dropLast(suffix.count) }
        let parts = base.split(separator: "-")
        guard parts.count >= 3 else { return (String(base), "") }
        return (parts.dropLast(2).joined(separator: "-"), parts.suffix(2).joined(separator: "-"))
    }
}
