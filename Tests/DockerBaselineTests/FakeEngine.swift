import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP server on a unix socket that stands in front of the real engine. By default it forwards every request to
/// /var/run/docker.sock; a test's `respond` closure can instead answer, hang up, or stop the server, to reproduce
/// what a real engine does when it dies, returns garbage, or loses a container mid-audit.
final class FakeEngine: @unchecked Sendable {
    enum Answer: Sendable {
        case forward
        case reply(status: Int, body: String)
        /// Close the connection without an answer.
        case hangUp
        /// Close this connection and stop listening, as an engine that exits does.
        case die
    }

    let socketPath: String
    private let channel: Channel
    private let upstream: HTTPClient

    init(respond: @escaping @Sendable (_ path: String, _ engine: FakeEngine) async -> Answer) async throws {
        socketPath = FileManager.default.temporaryDirectory.appendingPathComponent("dbt-fake-\(UUID().uuidString.prefix(8)).sock").path
        upstream = HTTPClient(eventLoopGroupProvider: .singleton)
        let holder = Holder()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(respond: respond, holder: holder))
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true)
            .get()
        holder.engine = self
    }

    var host: String { "unix://\(socketPath)" }

    func stop() async {
        try? await channel.close()
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    func shutdown() async {
        await stop()
        try? await upstream.shutdown()
    }

    /// Sends `method path` to the real engine and returns its status and body.
    func realEngine(_ method: HTTPMethod = .GET, _ path: String) async -> (Int, Data) {
        var request = HTTPClientRequest(url: "http+unix://%2Fvar%2Frun%2Fdocker.sock" + path)
        request.method = method
        request.headers.add(name: "Host", value: "docker")
        do {
            let response = try await upstream.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 64 << 20)
            return (Int(response.status.code), Data(body.readableBytesView))
        } catch {
            return (502, Data("{\"message\":\"fake engine could not reach the real one: \(error)\"}".utf8))
        }
    }

    private final class Holder: @unchecked Sendable {
        weak var engine: FakeEngine?
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let respond: @Sendable (String, FakeEngine) async -> Answer
        let holder: Holder
        var path = ""

        init(respond: @escaping @Sendable (String, FakeEngine) async -> Answer, holder: Holder) {
            self.respond = respond
            self.holder = holder
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case let .head(head): path = head.uri
            case .body: break
            case .end:
                let channel = context.channel
                let path = self.path
                guard let engine = holder.engine else { channel.close(promise: nil); return }
                // Not on the cooperative pool: tests beside this one block its threads while they wait for commands,
                // and a command waiting for this answer would then wait forever.
                Task(executorPreference: DispatchTaskExecutor.shared) {
                    switch await self.respond(path, engine) {
                    case .forward:
                        let (status, body) = await engine.realEngine(.GET, path)
                        Self.write(status: status, body: body, to: channel)
                    case let .reply(status, text):
                        Self.write(status: status, body: Data(text.utf8), to: channel)
                    case .hangUp:
                        try? await channel.close()
                    case .die:
                        try? await channel.close()
                        await engine.stop()
                    }
                }
            }
        }

        static func write(status: Int, body: Data, to channel: Channel) {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.count))
            let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
            channel.eventLoop.execute {
                channel.write(HTTPServerResponsePart.head(head), promise: nil)
                channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
                channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
            }
        }
    }
}

/// Runs tasks on Dispatch's global queue, which grows past the cooperative pool's two threads when they are blocked.
final class DispatchTaskExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = DispatchTaskExecutor()

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        DispatchQueue.global().async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
