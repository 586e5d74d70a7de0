import Foundation

/// The software inventory of an image as a software bill of materials: CycloneDX 1.5 JSON or SPDX 2.3 JSON, each
/// package with its package URL (purl) and the layer that added it.
public enum SBOMFormat: String, Sendable, CaseIterable {
    case cyclonedx, spdx
}

public enum SBOMWriter {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The document for `image`; an error when its inventory was not read.
    public static func document(_ format: SBOMFormat, for image: ImageRecord, now: Date = Date()) throws -> Data {
        guard let contents = image.contents, let inventory = contents.inventory else {
            let why = image.contentsError ?? image.contents?.problems.first?.description ?? "its layers were not read"
            throw Unavailable(description: "no SBOM for \(image.inspect.tags.first ?? image.inspect.id): \(why)")
        }
        let object: [String: Any]
        switch format {
        case .cyclonedx: object = cycloneDX(image, contents: contents, inventory: inventory, now: now)
        case .spdx: object = spdx(image, contents: contents, inventory: inventory, now: now)
        }
        var data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func imageName(_ image: ImageRecord) -> String { image.inspect.tags.first ?? image.inspect.id }

    /// Properties every package carries: where it was found and which layer added it.
    static func provenance(_ package: InstalledPackage, contents: ImageContents) -> [(String, String)] {
        var properties = [("docker-baseline:package:path", package.path), ("docker-baseline:package:layer", contents.describeLayer(package.layer))]
        if let source = package.sourceName { properties.append(("docker-baseline:package:source", source + (package.sourceVersion.map { " " + $0 } ?? ""))) }
        return properties
    }

    static func cycloneDX(_ image: ImageRecord, contents: ImageContents, inventory: SoftwareInventory, now: Date) -> [String: Any] {
        var components: [[String: Any]] = []
        var references: [String] = []
        if let os = inventory.operatingSystem {
            components.append(["type": "operating-system", "bom-ref": "os", "name": os.id, "version": os.versionID, "description": os.name])
            references.append("os")
        }
        for (index, package) in inventory.packages.enumerated() {
            let reference = "package-\(index + 1)"
            references.append(reference)
            var component: [String: Any] = [
                "type": "library", "bom-ref": reference, "name": package.name, "version": package.version,
                "properties": provenance(package, contents: contents).map { ["name": $0.0, "value": $0.1] },
            ]
            if let purl = PackageURL.of(package, os: inventory.operatingSystem) { component["purl"] = purl }
            components.append(component)
        }
        var document: [String: Any] = [
            "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "serialNumber": "urn:uuid:\(UUID().uuidString.lowercased())",
            "metadata": [
                "timestamp": timestamp(now),
                "tools": ["components": [["type": "application", "name": "docker-baseline", "version": ToolInfo.current.version]]],
                "component": ["type": "container", "bom-ref": "image", "name": imageName(image), "version": image.inspect.id],
            ] as [String: Any],
            "components": components,
            "dependencies": [["ref": "image", "dependsOn": references]] + references.map { ["ref": $0] },
        ]
        if let scan = image.vulnerabilities {
            let byName = Dictionary(inventory.packages.enumerated().map { ("\($0.element.kind.rawValue)\u{0}\($0.element.name)\u{0}\($0.element.version)", "package-\($0.offset + 1)") },
                                    uniquingKeysWith: { first, _ in first })
            document["vulnerabilities"] = scan.findings.enumerated().map { index, finding -> [String: Any] in
                var entry: [String: Any] = [
                    "bom-ref": "vulnerability-\(index + 1)", "id": finding.advisory, "source": ["name": "OSV", "url": "https://osv.dev/vulnerability/\(finding.advisory)"],
                    "ratings": [["severity": finding.severity?.rawValue ?? "unknown"].merging(finding.score.map { ["score": $0, "method": "CVSSv31"] } ?? [:]) { a, _ in a }],
                    "affects": [["ref": byName["\(finding.kind.rawValue)\u{0}\(finding.package)\u{0}\(finding.installedVersion)"] ?? "image"]],
                ]
                if !finding.aliases.isEmpty { entry["references"] = finding.aliases.map { ["id": $0, "source": ["name": "OSV"]] } }
                if let fixed = finding.fixedVersion { entry["recommendation"] = "upgrade \(finding.package) to \(fixed)" }
                return entry
            }
        }
        return document
    }

    static func spdx(_ image: ImageRecord, contents: ImageContents, inventory: SoftwareInventory, now: Date) -> [String: Any] {
        var packages: [[String: Any]] = [[
            "name": imageName(image), "SPDXID": "SPDXRef-Image", "versionInfo": image.inspect.id, "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false, "primaryPackagePurpose": "CONTAINER",
        ]]
        var relationships: [[String: Any]] = [["spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-Image"]]
        if let os = inventory.operatingSystem {
            packages.append(["name": os.id, "SPDXID": "SPDXRef-OperatingSystem", "versionInfo": os.versionID, "downloadLocation": "NOASSERTION",
                             "filesAnalyzed": false, "primaryPackagePurpose": "OPERATING_SYSTEM", "description": os.name])
            relationships.append(["spdxElementId": "SPDXRef-Image", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-OperatingSystem"])
        }
        for (index, package) in inventory.packages.enumerated() {
            let id = "SPDXRef-Package-\(index + 1)"
            var entry: [String: Any] = [
                "name": package.name, "SPDXID": id, "versionInfo": package.version, "downloadLocation": "NOASSERTION",
                "filesAnalyzed": false, "licenseConcluded": "NOASSERTION", "licenseDeclared": "NOASSERTION", "copyrightText": "NOASSERTION",
                "primaryPackagePurpose": "LIBRARY",
                "sourceInfo": provenance(package, contents: contents).map { "\($0.0.replacingOccurrences(of: "docker-baseline:package:", with: "")): \($0.1)" }.joined(separator: "; "),
            ]
            if let purl = PackageURL.of(package, os: inventory.operatingSystem) {
                entry["externalRefs"] = [["referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl]]
            }
            packages.append(entry)
            relationships.append(["spdxElementId": "SPDXRef-Image", "relationshipType": "CONTAINS", "relatedSpdxElement": id])
        }
        let identity = image.inspect.id.replacingOccurrences(of: ":", with: "-")
        return [
            "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": imageName(image),
            "documentNamespace": "https://docker-baseline.invalid/spdx/\(identity)/\(UUID().uuidString.lowercased())",
            "creationInfo": ["created": timestamp(now), "creators": ["Tool: docker-baseline-\(ToolInfo.current.version)"]],
            "packages": packages,
            "relationships": relationships,
        ]
    }
}

/// Package URLs (https://github.com/package-url/purl-spec) for installed packages.
enum PackageURL {
    /// Versions and qualifier values keep letters, digits and `.-_~`; everything else is percent-encoded (`+` too).
    private static let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_~")

    static func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }

    static func of(_ package: InstalledPackage, os: OperatingSystemRelease?) -> String? {
        var qualifiers: [(String, String)] = []
        if let arch = package.architecture, !arch.isEmpty { qualifiers.append(("arch", arch)) }
        let type: String
        var namespace: String?
        var version = package.version
        switch package.kind {
        case .deb, .apk, .rpm:
            type = package.kind.rawValue
            namespace = os.map { $0.id == "rhel" ? "redhat" : $0.id } ?? (package.kind == .apk ? "alpine" : nil)
            if package.kind == .rpm {
                let label = PackageVersion.rpmLabel(package.version)
                if let colon = package.version.firstIndex(of: ":"), Int(package.version[..<colon]) != nil {
                    qualifiers.append(("epoch", String(label.epoch)))
                    version = String(package.version[package.version.index(after: colon)...])
                }
            }
            if let os { qualifiers.append(("distro", os.versionID.isEmpty ? os.id : "\(os.id)-\(os.versionID)")) }
            if package.kind != .rpm, let source = package.sourceName, source != package.name { qualifiers.append(("upstream", source)) }
        case .python:
            type = "pypi"
        case .npm:
            type = "npm"
        case .go:
            type = "golang"
            if !version.hasPrefix("v") { version = "v" + version }
        }
        var name = package.name
        if package.kind == .python {
            name = name.lowercased().replacingOccurrences(of: "_", with: "-")
        }
        if package.kind == .npm, name.hasPrefix("@"), let slash = name.firstIndex(of: "/") {
            namespace = String(name[..<slash])
            name = String(name[name.index(after: slash)...])
        }
        // A Go module path is its own namespace and name: its slashes stay.
        let path = package.kind == .go ? name.split(separator: "/").map { encode(String($0)) }.joined(separator: "/")
            : ([namespace].compactMap { $0 } + [name]).map(encode).joined(separator: "/")
        let query = qualifiers.sorted { $0.0 < $1.0 }.map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
        return "pkg:\(type)/\(path)@\(encode(version))" + (query.isEmpty ? "" : "?" + query)
    }
}
