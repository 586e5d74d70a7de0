import ArgumentParser
import DockerBaseline

/// What to judge: a snapshot collected from the engine now, or one `collect -o` saved. Shared by `audit` and `harden`.
struct SnapshotSource: ParsableArguments {
    @OptionGroup var engine: EngineOptions

    @Option(help: "Judge a snapshot saved by `collect -o` instead of asking the engine.")
    var snapshot: String?

    /// The saved snapshot when one is named, else a fresh one (with the layers `imageContents` says, through `cache`);
    /// exit 3 when neither can be read.
    func load(imageContents: ImageContentsScope = .none, cache: ContentCache? = nil, journal: String? = nil) async throws -> Snapshot {
        guard let snapshot else { return try await engine.collect(imageContents: imageContents, cache: cache, journal: journal) }
        do {
            return try SnapshotFile.load(snapshot)
        } catch {
            throw CouldNotAudit(description: String(describing: error))
        }
    }
}
