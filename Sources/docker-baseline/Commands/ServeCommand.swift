import ArgumentParser
import DockerBaseline
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Audit on a schedule and serve the results: Prometheus /metrics, /report.json, /report.html, /healthz, /readyz.",
        discussion: """
        Each audit takes the path `audit` takes (collect, evaluate, apply the policy) and is recorded in the history \
        (see `history`, `diff`) unless --no-history. POST /audit asks for one now; with --watch, so does every new \
        failure or fix that `watch` would report (the engine's events are followed in the same process, and execs kept \
        in the journal audits judge 5.23/5.24 from). Listens on 127.0.0.1 by default; \
        any other address needs --token-file and --tls-cert/--tls-key (or --insecure-listen, which serves the \
        host's weaknesses to anyone who can reach the port). Stops on SIGTERM or SIGINT.
        """)

    @OptionGroup var source: SnapshotSource
    @OptionGroup var options: AuditOptions
    @OptionGroup var cache: CacheOptions
    @OptionGroup var vulnerabilities: VulnerabilityOptions
    @OptionGroup var history: HistoryOptions

    @Flag(name: .customLong("no-history"), help: "Do not record audits in the history database.")
    var noHistory = false

    @Option(help: "Time between audits: seconds, or with s, m or h (jittered by ±10%).")
    var interval = Interval(seconds: 15 * 60)

    @Option(help: "Address to listen on, HOST:PORT ([::1]:PORT for IPv6, :PORT for every interface).")
    var listen = ListenAddress.default

    @Option(name: .customLong("tls-cert"), help: "PEM certificate (chain) to serve HTTPS with.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("token-file"), help: "File holding the bearer token every request but /healthz and /readyz must carry (mode 600).")
    var tokenFile: String?

    @Flag(name: .customLong("insecure-listen"), help: "Allow a non-loopback --listen without both a token and TLS.")
    var insecureListen = false

    @Option(name: .customLong("max-target-series"), help: "Most per-target failing-check series in /metrics (the most severe are kept; the rest are counted as dropped).")
    var maxTargetSeries = 500

    @Option(help: "Language of /report.json and /report.html: en or zh (default: from the environment; ?lang= per request).")
    var lang: Language?

    @Flag(help: "Also follow the engine's events as `watch` does: a new failure or fix triggers an audit at once, and every exec is kept in the journal.")
    var watch = false

    @Option(help: "The `watch` journal audits judge 5.23/5.24 (docker exec) from, and --watch writes (default: the watch's default journal).")
    var journal: String?

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        guard maxTargetSeries >= 0 else { throw ValidationError("--max-target-series must be 0 or more") }
        guard interval.seconds >= 1 else { throw ValidationError("--interval must be at least 1 second") }
        if watch, source.snapshot != nil { throw ValidationError("--watch follows an engine; it cannot be used with --snapshot") }
        if !listen.isLoopback, !insecureListen, tokenFile == nil || tlsCert == nil {
            throw ValidationError("""
            --listen \(listen) is reachable from other machines: it needs both --token-file and --tls-cert/--tls-key, \
            or the exporter becomes an unauthenticated port that tells anyone who reaches it where this host is weak \
            (--insecure-listen allows it anyway)
            """)
        }
    }

    func run() async throws {
        let token: BearerToken?
        do { token = try tokenFile.map(BearerToken.load) } catch { throw UsageProblem(description: String(describing: error)) }
        if let tlsKey { warnIfShared(tlsKey) }
        let tls = try tlsCert.map { try MetricsServer.tlsConfiguration(certificate: $0, key: tlsKey!) }
        if !listen.isLoopback, insecureListen, token == nil || tls == nil {
            writeStandardError("docker-baseline: serve: warning: listening on \(listen) without \(token == nil ? "a token" : "TLS") (--insecure-listen)\n")
        }
        var policy = try options.policy()
        vulnerabilities.apply(to: &policy.settings)
        // A database that cannot be read is a usage error at the start; each audit opens it again (a new export copied
        // over is indexed then).
        _ = try vulnerabilities.open(cacheDirectory: cache.cache?.directory.path)
        let publisher = AuditPublisher(state: ServeState(), policy: policy, advisories: try options.advisoryTable(),
                                       history: noHistory ? nil : try history.open(), retention: history.retention, maxTargetSeries: maxTargetSeries)
        let source = self.source, imageContents = options.imageContents, cache = self.cache.cache
        let journalPath = journal ?? ExecJournal.defaultPath()
        let databases = vulnerabilities.databases, databaseCache = cache?.directory.path
        let loop = AuditLoop(publisher: publisher, interval: interval.seconds) {
            var snapshot = try await source.load(imageContents: imageContents, cache: cache, journal: journalPath)
            VulnerabilityMatcher.attach(to: &snapshot, paths: databases, cacheDirectory: databaseCache)
            return snapshot
        }
        let watch = try self.watch ? EventTrigger(settings: watchSettings(policy: publisher.policy, advisories: publisher.advisories),
                                                  journal: journalPath, state: publisher.state) : nil
        var logger = Logger(label: "docker-baseline.serve")
        logger.logLevel = .notice
        let router = MetricsServer.router(state: publisher.state, token: token, language: lang ?? Language.fromEnvironment(ProcessInfo.processInfo.environment))
        let configuration = ApplicationConfiguration(address: .hostname(listen.host, port: listen.port), serverName: "docker-baseline")
        let listen = self.listen
        let onRunning: @Sendable (any Channel) async -> Void = { channel in
            let port = channel.localAddress?.port ?? listen.port
            writeStandardError("docker-baseline: serving \(tls == nil ? "http" : "https")://\(listen.host.contains(":") ? "[\(listen.host)]" : listen.host):\(port)/metrics\n")
        }
        let builder: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1()
        let server = Application(router: router, server: builder, configuration: configuration, onServerRunning: onRunning, logger: logger)
        // The test harness and some service managers start processes with SIGTERM blocked: serve must still stop on it.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.runService() }
                group.addTask { await loop.run() }
                if let watch { group.addTask { await watch.run() } }
                // The server ends on SIGTERM/SIGINT (or fails to bind): the loop and the watch go with it.
                try await group.next()
                watch?.stop()
                group.cancelAll()
            }
        } catch {
            throw CouldNotAudit(description: "serve: \(error)")
        }
    }

    /// What the events are judged by: the audits' policy, no initial audit of its own (serve's loop makes those).
    func watchSettings(policy: AuditPolicy, advisories: AdvisoryTable) -> WatchSettings {
        var settings = WatchSettings(collect: source.engine.collectOptions, policy: policy)
        settings.collect.progress = nil
        settings.advisories = advisories
        settings.initialAudit = false
        return settings
    }

    /// A private key others can read is not private: said, not refused (the operator may have reasons, e.g. a group).
    func warnIfShared(_ path: String) {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            writeStandardError("docker-baseline: serve: warning: the TLS key \(path) can be read by group or others (mode \(String(info.st_mode & 0o777, radix: 8)))\n")
        }
    }
}
