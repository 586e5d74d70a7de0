import DockerBaseline
import Foundation
import Hummingbird
import HummingbirdTLS
import NIOCore
import NIOSSL

/// The HTTP side of `serve`: `/metrics`, `/report.json`, `/report.html`, `POST /audit`, behind the bearer token when
/// one is set; `/healthz` and `/readyz` answer without it (they tell nothing about the host).
enum MetricsServer {
    static func router(state: ServeState, token: BearerToken?, language: Language) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequireToken(token: token))
        router.get("/healthz") { _, _ in Response(status: .ok, body: text("ok\n")) }
        router.get("/readyz") { _, _ in
            await state.isReady ? Response(status: .ok, body: text("ready\n"))
                : Response(status: .serviceUnavailable, body: text("no audit has finished yet\n"))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: AuditMetrics.contentType], body: .init(byteBuffer: ByteBuffer(bytes: await state.metrics())))
        }
        router.get("/report.json") { request, _ in
            await report(state, format: .json, contentType: "application/json", request: request, language: language)
        }
        router.get("/report.html") { request, _ in
            await report(state, format: .html, contentType: "text/html; charset=utf-8", request: request, language: language)
        }
        router.post("/audit") { _, _ in
            await state.requestAudit()
            return Response(status: .accepted, body: text("audit requested\n"))
        }
        return router
    }

    static func text(_ text: String) -> ResponseBody { .init(byteBuffer: ByteBuffer(string: text)) }

    /// The last audit's report, streamed as it is rendered (`?lang=zh` for Chinese).
    static func report(_ state: ServeState, format: ReportFormat, contentType: String, request: Request, language: Language) async -> Response {
        guard let report = await state.report else {
            return Response(status: .serviceUnavailable, body: text("no audit has finished yet\n"))
        }
        let language = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) ?? language
        let body = ResponseBody { writer in
            let stream = PieceStream.start { output in try format.write(report, language: language, to: output) }
            do {
                while let piece = try await stream.next() { try await writer.write(ByteBuffer(bytes: piece)) }
                try await writer.finish(nil)
            } catch {
                stream.cancel()
                throw error
            }
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: body)
    }

    /// TLS from a PEM certificate chain and key.
    static func tlsConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
        } catch {
            throw UsageProblem(description: "cannot load the TLS certificate \(certificate) and key \(key): \(error)")
        }
    }
}

/// 401 for any path but the health probes without `Authorization: Bearer <token>` (when a token is set).
struct RequireToken: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: BearerToken?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token, !["/healthz", "/readyz"].contains(request.uri.path) else { return try await next(request, context) }
        guard token.accepts(authorization: request.headers[.authorization]) else {
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"docker-baseline\""],
                            body: MetricsServer.text("a bearer token is required (Authorization: Bearer …)\n"))
        }
        return try await next(request, context)
    }
}
