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

    func run() async throws {
        let snapshot = try await engine.collect(imageContents: imageContents, cache: cache.cache)
        try write(try SnapshotFile.encode(snapshot), to: output,
                  note: "\(snapshot.containers.count) containers, \(snapshot.images.count) images, \(snapshot.problems.count) problems")
    }
}
