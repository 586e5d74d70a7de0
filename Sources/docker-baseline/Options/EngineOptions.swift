import ArgumentParser
import DockerBaseline

extension ProcessSource: ExpressibleByArgument {}
extension ImageContentsScope: ExpressibleByArgument {}

/// Where the engine is and how to ask it: shared by every command that talks to an engine.
struct EngineOptions: ParsableArguments {
    @Option(name: [.customShort("H"), .long], help: "Engine address: unix:///path/docker.sock or tcp://HOST:PORT (default: --context, $DOCKER_HOST, $DOCKER_CONTEXT, the current context, /var/run/docker.sock).")
    var host: String?

    @Option(name: [.customShort("c"), .long], help: "Docker context to use (~/.docker/contexts), as `docker --context`.")
    var context: String?

    @Flag(help: "Use TLS to a tcp:// engine without verifying it.")
    var tls = false

    @Flag(help: "Use TLS and verify the engine with --tlscacert (also: DOCKER_TLS_VERIFY).")
    var tlsverify = false

    @Option(help: "CA certificate for --tlsverify (default: $DOCKER_CERT_PATH/ca.pem).")
    var tlscacert: String?

    @Option(help: "Client certificate (default: $DOCKER_CERT_PATH/cert.pem).")
    var tlscert: String?

    @Option(help: "Client key (default: $DOCKER_CERT_PATH/key.pem).")
    var tlskey: String?

    @Option(help: "Seconds to wait for each engine answer.")
    var timeout: Int = 30

    @Option(help: "Engine requests in flight at once.")
    var concurrency: Int = 6

    @Option(help: "Where the host's filesystem is mounted, for host facts (e.g. /host when run in a container).")
    var root: String = "/"

    @Option(help: "Where running containers' process lists come from: auto (this host's /proc where it can vouch for a container, else the engine's top) or engine (always the engine's top; slower).")
    var processes: ProcessSource = .auto

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
    }

    var collectOptions: CollectOptions {
        var endpoint = EngineEndpoint.Request()
        endpoint.host = host
        endpoint.context = context
        endpoint.tls = tls
        endpoint.tlsVerify = tlsverify
        endpoint.tlsCACert = tlscacert
        endpoint.tlsCert = tlscert
        endpoint.tlsKey = tlskey
        var options = CollectOptions(endpoint: endpoint, timeoutSeconds: timeout, concurrency: concurrency, root: root, processSource: processes)
        if let progress = TerminalProgress.shared {
            options.progress = { stage, done, total in progress.report(stage, done, total) }
        }
        return options
    }

    /// Everything the rules need, from the engine and this host; an engine that cannot be read is exit 3.
    func collect(imageContents: ImageContentsScope = .none, cache: ContentCache? = nil, journal: String? = nil) async throws -> Snapshot {
        var options = collectOptions
        options.execJournal = journal
        options.imageContents = imageContents
        options.contentCache = cache
        defer { TerminalProgress.shared?.finish() }
        do {
            return try await Collector.snapshot(options)
        } catch {
            throw CouldNotAudit(description: String(describing: error))
        }
    }
}
