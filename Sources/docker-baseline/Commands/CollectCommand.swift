import ArgumentParser
import DockerBaseline
import Foundation

struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Gather everything the rules need into a snapshot file, to audit later with `audit --snapshot`.")

    @OptionGroup var engine: EngineOptions

    @Option(name: [.short, .long], help: "Snapshot file to write (written atomically); - for standard output.")
    var output: String

    @Option(name: .customLong("image-contents"), help: "Whose layers to read: used, all, none.")
    var imageContents: ImageContentsScope = .used

    @OptionGroup var cache: CacheOptions

    @Flag(help: """
        Keep secret values (environment variables, labels, build history, command lines) as the engine gave them. \
        By default they are masked: a snapshot is meant to be shared, and the rules still see where each secret was.
        """)
    var keepSecrets = false

    func run() async throws {
        var contentCache = cache.cache
        contentCache?.holdsImageMetadata = !keepSecrets
        let collected = try await engine.collect(imageContents: imageContents, cache: contentCache)
        let snapshot = keepSecrets ? collected : collected.maskingSecrets
        try write(try SnapshotFile.encode(snapshot), to: output,
                  note: "\(snapshot.containers.count) containers, \(snapshot.images.count) images, \(snapshot.problems.count) problems"
                      + (keepSecrets ? ", secret values kept" : ""))
    }
}
