import Foundation

/// Gathers what the rules need from the engine: version, info, every container in every state (with the process
/// list of the running ones), every image with its history, and the networks.
public struct EngineCollector: Sendable {
    public let client: EngineClient
    /// Requests in flight at once; more does not help on a small host.
    public var concurrency: Int
    /// Reads running containers' processes from this host's /proc; nil asks the engine's `top` for each.
    public var processScanner: ProcessScanner?

    /// Which images' layers are read (through the engine's export endpoint).
    public var imageContents: ImageContentsScope
    /// Contents read earlier, by image id; nil reads every image's layers.
    public var contentCache: ContentCache?
    public var progress: CollectionProgress?

    public init(client: EngineClient, concurrency: Int = 6, processScanner: ProcessScanner? = nil, imageContents: ImageContentsScope = .none,
                contentCache: ContentCache? = nil, progress: CollectionProgress? = nil) {
        self.imageContents = imageContents
        self.contentCache = contentCache
        self.progress = progress
        self.client = client
        self.concurrency = concurrency
        self.processScanner = processScanner
    }

    private struct ContainerSummary: Decodable, Sendable {
        let id: String
        let names: [String]?
        let state: String?
        enum CodingKeys: String, CodingKey { case id = "Id", names = "Names", state = "State" }
    }

    private struct ImageSummary: Decodable, Sendable {
        let id: String
        let repoTags: [String]?
        let repoDigests: [String]?
        enum CodingKeys: String, CodingKey { case id = "Id", repoTags = "RepoTags", repoDigests = "RepoDigests" }
    }

    /// One container's or image's part of the snapshot, or why it is missing.
    enum Gathered: Sendable {
        case container(ContainerRecord)
        case image(ImageRecord)
        case problem(CollectionProblem)
    }

    public func collect(host: HostFacts?, environment: AuditEnvironment, now: Date = Date()) async throws -> Snapshot {
        try client.checkSocket()
        // The host's /proc is read while the engine answers.
        let scanner = processScanner
        async let processTable = offThePool { scanner?.scan() }
        let api = try await client.negotiate()
        let prefix = "/v\(api)"
        async let version = client.get("\(prefix)/version", as: EngineVersion.self)
        async let info = client.get("\(prefix)/info", as: EngineInfo.self)
        async let containerList = client.get("\(prefix)/containers/json?all=1", as: [ContainerSummary].self)
        async let imageList = client.get("\(prefix)/images/json", as: [ImageSummary].self)
        async let networks = client.get("\(prefix)/networks", as: [NetworkSummary].self)

        let containers = try await containerList
        let images = try await imageList
        let jobs: [Job] = containers.map { .container($0) } + images.map { .image($0) }
        let client = self.client
        let progress = self.progress
        let cache = contentCache
        let gathered = try await boundedMap(jobs, limit: concurrency, progress: { progress?(.engineObjects, $0, $1) }) { job in
            switch job {
            case let .container(summary): return try await Self.gatherContainer(summary, prefix: prefix, client: client)
            case let .image(summary): return try await Self.gatherImage(summary, prefix: prefix, client: client, cache: cache)
            }
        }

        var containerRecords: [ContainerRecord] = []
        var imageRecords: [ImageRecord] = []
        var problems: [CollectionProblem] = []
        for item in gathered {
            switch item {
            case let .container(record): containerRecords.append(record)
            case let .image(record): imageRecords.append(record)
            case let .problem(problem): problems.append(problem)
            }
        }
        containerRecords = try await addProcesses(to: containerRecords, from: await processTable, prefix: prefix)
        let engineInfo = try await info
        var snapshot = Snapshot(
            collectedAt: ISO8601DateFormatter().string(from: now), endpoint: client.endpoint.description,
            engine: try await version, info: engineInfo, containers: containerRecords, images: imageRecords,
            networks: try await networks, host: host, environment: environment, problems: problems)
        await Self.addContents(to: &snapshot, scope: imageContents, cache: contentCache, client: client, prefix: prefix, progress: progress)
        if engineInfo.swarm?.localNodeState == "active", engineInfo.swarm?.controlAvailable == true {
            snapshot.swarm = await SwarmCollector(client: client, prefix: prefix).collect()
        }
        return snapshot
    }

    private enum Job: Sendable {
        case container(ContainerSummary)
        case image(ImageSummary)
    }

    /// Inspects one container and, if it runs, lists its processes. A container removed meanwhile becomes a problem;
    /// an engine that stops answering ends the whole collection.
    private static func gatherContainer(_ summary: ContainerSummary, prefix: String, client: EngineClient) async throws -> Gathered {
        let name = summary.names?.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } ?? String(summary.id.prefix(12))
        let target = Target(kind: .container, id: summary.id, name: name, state: summary.state)
        let inspectPath = "\(prefix)/containers/\(summary.id)/json"
        let inspect: ContainerInspect
        do {
            inspect = try await client.get(inspectPath, as: ContainerInspect.self)
        } catch let error as EngineError {
            guard let problem = objectProblem(error, target: target, endpoint: "GET \(inspectPath)") else { throw error }
            return .problem(problem)
        }
        return .container(ContainerRecord(inspect: inspect))
    }

    /// One container as `collect` gathers it, with its processes when it runs: `watch` judges just the container an
    /// event names.
    func container(id: String, prefix: String) async throws -> Gathered {
        let gathered = try await Self.gatherContainer(ContainerSummary(id: id, names: nil, state: nil), prefix: prefix, client: client)
        guard case let .container(record) = gathered else { return gathered }
        return .container(try await addProcesses(to: [record], from: processScanner?.scan(), prefix: prefix)[0])
    }

    /// Process lists for the running containers: from this host's /proc in one pass where it can vouch for them,
    /// from the engine's `top` for the rest.
    func addProcesses(to records: [ContainerRecord], from table: ProcessTable?, prefix: String) async throws -> [ContainerRecord] {
        let running = records.filter { $0.inspect.isRunning }
        let pids = Dictionary(running.compactMap { record in record.inspect.state?.pid.map { (record.inspect.id, $0) } },
                              uniquingKeysWith: { first, _ in first })
        let fromHost = table?.lists(for: pids) ?? [:]
        let client = self.client
        let askEngine = running.map(\.inspect).filter { fromHost[$0.id] == nil }
        let fromEngine = try await boundedMap(askEngine, limit: concurrency) { inspect in
            (inspect.id, try await Self.top(of: inspect, prefix: prefix, client: client))
        }
        let engineLists = Dictionary(fromEngine, uniquingKeysWith: { first, _ in first })
        return records.map { record in
            var record = record
            if let list = fromHost[record.inspect.id] {
                record.processes = list
                record.processesSource = "host /proc"
            } else if let answer = engineLists[record.inspect.id] {
                switch answer {
                case let .success(list):
                    record.processes = list
                    record.processesSource = "engine top"
                case let .failure(error):
                    record.processesError = error.description
                }
            }
            return record
        }
    }

    /// `GET /containers/{id}/top`; a container that stopped or vanished meanwhile is a failure for it alone.
    private static func top(of container: ContainerInspect, prefix: String, client: EngineClient) async throws -> Swift.Result<ProcessList, EngineError> {
        let path = "\(prefix)/containers/\(container.id)/top"
        do {
            return .success(try await client.get(path, as: ProcessList.self))
        } catch let error as EngineError {
            guard objectProblem(error, target: .container(container), endpoint: "GET \(path)") != nil else { throw error }
            return .failure(error)
        }
    }

    /// An image from the engine's list: its configuration and history from the cache when an earlier run stored them
    /// (they are fixed by the id), its tags and digests always from the list.
    private static func gatherImage(_ summary: ImageSummary, prefix: String, client: EngineClient, cache: ContentCache?) async throws -> Gathered {
        if let metadata = cache?.metadata(of: summary.id) {
            var inspect = metadata.inspect
            inspect.repoTags = summary.repoTags
            inspect.repoDigests = summary.repoDigests
            return .image(ImageRecord(inspect: inspect, history: metadata.history))
        }
        let name = summary.repoTags?.first { $0 != "<none>:<none>" } ?? shortImageID(summary.id)
        let gathered = try await gatherImage(reference: summary.id, name: name, prefix: prefix, client: client)
        if case let .image(record) = gathered, let history = record.history {
            cache?.store(ContentCache.ImageMetadata(inspect: record.inspect, history: history), imageID: summary.id)
        }
        return gathered
    }

    /// Inspect and history of one image, by id or name.
    static func gatherImage(reference: String, name: String? = nil, prefix: String, client: EngineClient) async throws -> Gathered {
        let target = Target(kind: .image, id: reference, name: name ?? reference)
        let escaped = reference.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:@"))) ?? reference
        let inspectPath = "\(prefix)/images/\(escaped)/json"
        let inspect: ImageInspect
        do {
            inspect = try await client.get(inspectPath, as: ImageInspect.self)
        } catch let error as EngineError {
            guard let problem = objectProblem(error, target: target, endpoint: "GET \(inspectPath)") else { throw error }
            return .problem(problem)
        }
        var record = ImageRecord(inspect: inspect)
        let historyPath = "\(prefix)/images/\(inspect.id)/history"
        do {
            record.history = try await client.get(historyPath, as: [ImageHistoryEntry].self)
        } catch let error as EngineError {
            guard objectProblem(error, target: target, endpoint: "GET \(historyPath)") != nil else { throw error }
            record.historyError = error.description
        }
        return .image(record)
    }

    /// Errors about one object (gone, refused, malformed) become a problem for that object; errors about the engine
    /// itself (not answering, timed out) return nil and end the collection.
    private static func objectProblem(_ error: EngineError, target: Target, endpoint: String) -> CollectionProblem? {
        switch error {
        case .httpStatus(_, 404, let message):
            return CollectionProblem(kind: .vanished, target: target, endpoint: endpoint, message: message)
        case .httpStatus, .unexpectedAnswer, .answerTooLarge:
            return CollectionProblem(kind: .failed, target: target, endpoint: endpoint, message: error.description)
        default:
            return nil
        }
    }
}
