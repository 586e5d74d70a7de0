import ArgumentParser
import DockerBaseline

struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Audit images on their own: configuration, history and the files in their layers (§4).",
        discussion: """
        REF is an image in the engine (name, id or digest), a `docker save` tar file, or an OCI image layout \
        directory. Layers are read as a stream, never extracted; secret values are never printed, only the path, \
        the layer and a short SHA-256 fingerprint. Exit codes: 0 no failure at or above --fail-on; 1 failures at or \
        above it, or an image that could not be read while others were; 2 usage error; 3 no image could be read at all.
        """)

    @Argument(help: "Images: engine references, docker save tar files or OCI layout directories.")
    var references: [String]

    @OptionGroup var engine: EngineOptions

    @OptionGroup var cache: CacheOptions

    @OptionGroup var reporting: ReportOptions

    func validate() throws {
        guard !references.isEmpty else { throw ValidationError("name at least one image") }
    }

    func run() async throws {
        let snapshot: Snapshot
        do {
            var options = engine.collectOptions
            options.contentCache = cache.cache
            snapshot = try await ImageAuditCollector.snapshot(references: references, options: options)
        } catch {
            TerminalProgress.shared?.finish()
            throw CouldNotAudit(description: String(describing: error))
        }
        TerminalProgress.shared?.finish()
        let report = Evaluator.evaluate(snapshot, rules: RuleCatalog.all.filter { $0 is any ImageRule })
        let unread = report.unreadInputs.map(\.target.name)
        try reporting.finish(report, couldNotAudit: unreadable(snapshot),
                             failure: unread.isEmpty ? nil : LocalizedText(en: "\(unread.count) image(s) could not be read: \(unread.joined(separator: ", "))",
                                                                             zh: "\(unread.count) 个镜像无法读取：\(unread.joined(separator: "、"))"))
    }

    /// Why no image could be read at all, or nil when at least one was.
    func unreadable(_ snapshot: Snapshot) -> String? {
        guard !snapshot.images.contains(where: { $0.inspect.config != nil || !($0.contents?.layers.isEmpty ?? true) }) else { return nil }
        let problems = snapshot.problems.map(\.message) + snapshot.images.flatMap { ($0.contents?.problems ?? []).map(\.description) }
        return "no image could be read: " + problems.prefix(3).joined(separator: "; ")
    }
}
