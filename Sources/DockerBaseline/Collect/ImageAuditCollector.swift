import Foundation

/// Which images `audit` reads the layers of.
public enum ImageContentsScope: String, Sendable, CaseIterable {
    /// Images at least one container (in any state) was created from.
    case used
    case all
    case none
}

/// Gathers a snapshot of the images `docker-baseline image REF…` names: engine images (inspect, history and the
/// export stream), `docker save` archives and OCI layouts. Only images: no host, containers or engine facts.
public enum ImageAuditCollector {
    public static func snapshot(references: [String], options: CollectOptions) async throws -> Snapshot {
        var images: [ImageRecord] = []
        var problems: [CollectionProblem] = []
        var engineReferences: [String] = []
        for reference in references {
            switch ImageSource.resolve(reference) {
            case let .archive(path):
                images += ImageContentsReader.readArchive(path).map { record(from: $0, origin: path) }
            case let .layout(path):
                images += ImageContentsReader.readLayout(path).map { record(from: $0, origin: path) }
            case let .engine(name):
                engineReferences.append(name)
            }
        }
        var engine = EngineVersion()
        var endpointText = "image files"
        if !engineReferences.isEmpty {
            var client: EngineClient?
            do {
                let endpoint = try EngineEndpoint.resolve(options.endpoint, environment: options.environment)
                let connected = try await EngineClient.connect(endpoint, timeoutSeconds: options.timeoutSeconds, environment: options.environment)
                client = connected
                let client = connected
                try client.checkSocket()
                let prefix = "/v\(try await client.negotiate())"
                engine = try await client.get("\(prefix)/version", as: EngineVersion.self)
                endpointText = endpoint.description
                for (index, reference) in engineReferences.enumerated() {
                    options.progress?(.imageLayers, index, engineReferences.count)
                    switch try await EngineCollector.gatherImage(reference: reference, prefix: prefix, client: client) {
                    case var .image(record):
                        record.contents = await ImageContentsReader.readEngineImage(record.inspect.id, client: client, prefix: prefix,
                                                                                    cache: options.contentCache)
                        images.append(record)
                    case let .problem(problem):
                        var problem = problem
                        problem.kind = .failed
                        problem.message = "no image \(reference) in the engine, and no such file or directory (\(problem.message))"
                        problems.append(problem)
                    default:
                        break
                    }
                }
            } catch {
                // No engine: the files named beside still get audited; each engine reference is an error result.
                for reference in engineReferences {
                    problems.append(CollectionProblem(kind: .failed, target: Target(kind: .image, id: reference, name: reference),
                                                      endpoint: "GET /images/\(reference)/json",
                                                      message: "not a file or directory, and the engine could not be asked: \(error)"))
                }
            }
            await client?.shutdown()
        }
        return Snapshot(collectedAt: ISO8601DateFormatter().string(from: Date()), endpoint: endpointText, engine: engine,
                        info: EngineInfo(), containers: [], images: images, networks: [], host: nil,
                        environment: AuditEnvironment(dockerContentTrust: options.environment["DOCKER_CONTENT_TRUST"]), problems: problems)
    }

    /// An image record from an archive's configuration: the same fields the engine's inspect and history give.
    static func record(from image: ArchiveImage, origin: String) -> ImageRecord {
        struct ConfigFile: Decodable {
            struct Entry: Decodable {
                let created: String?
                let created_by: String?
                let comment: String?
            }
            let architecture: String?
            let os: String?
            let created: String?
            let config: ContainerConfig?
            let history: [Entry]?
        }
        let parsed = image.config.flatMap { try? JSONDecoder().decode(ConfigFile.self, from: $0) }
        let id = image.id.isEmpty ? origin : image.id
        let inspect = ImageInspect(id: id, repoTags: image.repoTags.isEmpty && image.id.isEmpty ? [origin] : image.repoTags,
                                   repoDigests: nil, created: parsed?.created, config: parsed?.config, os: parsed?.os,
                                   architecture: parsed?.architecture, size: nil)
        var record = ImageRecord(inspect: inspect, contents: image.contents)
        if let parsed {
            record.history = (parsed.history ?? []).reversed().map {
                ImageHistoryEntry(id: nil, created: nil, createdBy: $0.created_by, comment: $0.comment, size: nil)
            }
        } else {
            record.historyError = image.config == nil ? "the image configuration could not be read" : "the image configuration is not valid JSON"
        }
        return record
    }
}

extension EngineCollector {
    /// Reads the layers of the images the scope selects, two exports at a time.
    static func addContents(to snapshot: inout Snapshot, scope: ImageContentsScope, cache: ContentCache?, client: EngineClient, prefix: String,
                            progress: CollectionProgress? = nil) async {
        guard scope != .none else { return }
        let used = Set(snapshot.containers.compactMap { $0.inspect.image })
        let wanted = snapshot.images.indices.filter { scope == .all || used.contains(snapshot.images[$0].inspect.id) }
        let ids = wanted.map { snapshot.images[$0].inspect.id }
        let read = (try? await boundedMap(ids, limit: 2, progress: { progress?(.imageLayers, $0, $1) }) { id in
            await ImageContentsReader.readEngineImage(id, client: client, prefix: prefix, cache: cache)
        }) ?? []
        for (index, contents) in zip(wanted, read) {
            // An export that gave no layer at all is the image not read, not an image without files.
            if contents.layers.isEmpty {
                snapshot.images[index].contentsError = contents.problems.map(\.description).joined(separator: "; ")
            } else {
                snapshot.images[index].contents = contents
            }
        }
    }
}
