@testable import DockerBaseline
import Foundation
import Testing

/// What happens when the engine misbehaves mid-audit, reproduced with a proxy in front of the real engine.
extension EngineTests {
    @Suite("Engine failures") struct Failures {
        private static func docker(_ arguments: [String]) throws -> CommandResult {
            try run("/usr/bin/env", ["docker"] + arguments)
        }

        @Test("A container removed between list and inspect is reported as skipped and the rest is judged")
        func containerVanishes() async throws {
            try TestEnvironment.requireFixtures()
            let name = "dbt-vanishing"
            _ = try Self.docker(["rm", "-f", name])
            let created = try Self.docker(["create", "--name", name, "--label", "io.docker-baseline.fixture=1", "dbt/base:1", "true"])
            #expect(created.status == 0, "\(created.stderr)")
            let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let engine = try await FakeEngine { path, engine in
                if path.contains("/containers/\(id)/json") {
                    // The container goes away after the list named it; the real engine then answers 404.
                    _ = await engine.realEngine(.DELETE, "/containers/\(id)?force=1")
                }
                return .forward
            }
            defer { Task { await engine.shutdown() } }
            let snapshot = try await Collector.snapshot(CollectOptions(host: engine.host, environment: [:]))
            #expect(!snapshot.containers.contains { $0.inspect.id == id })
            let problem = try #require(snapshot.problems.first { $0.target.id == id })
            #expect(problem.kind == .vanished)
            #expect(problem.target.name == name)
            let report = Evaluator.evaluate(snapshot)
            let result = try #require(report.results.first { $0.target.id == id })
            #expect(result.status == .skipped)
            #expect(report.result("container.privileged", "dbt-privileged")?.status == .fail)
        }

        @Test("The engine stopping mid-run is a could-not-audit error, not a partial report")
        func engineStops() async throws {
            try TestEnvironment.requireFixtures()
            let engine = try await FakeEngine { path, _ in
                path.contains("/containers/") && path.hasSuffix("/json") ? .die : .forward
            }
            defer { Task { await engine.shutdown() } }
            await #expect(throws: EngineError.self) {
                _ = try await Collector.snapshot(CollectOptions(host: engine.host, environment: [:]))
            }

            let again = try await FakeEngine { path, _ in
                path.contains("/containers/") && path.hasSuffix("/json") ? .die : .forward
            }
            defer { Task { await again.shutdown() } }
            let result = try await runToolAsync(["audit", "--host", again.host, "--format", "json"])
            #expect(result.status == 3)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(again.socketPath), "\(result.stderr)")
        }

        @Test("An answer that is not the JSON expected names the endpoint")
        func notJSON() async throws {
            try TestEnvironment.requireFixtures()
            let engine = try await FakeEngine { path, _ in
                path.hasSuffix("/info") ? .reply(status: 200, body: "<html>proxy login</html>") : .forward
            }
            defer { Task { await engine.shutdown() } }
            let result = try await runToolAsync(["audit", "--host", engine.host])
            #expect(result.status == 3)
            #expect(result.stderr.contains("unexpected answer from Docker engine GET /v1.41/info"), "\(result.stderr)")
        }

        @Test("A broken inspect answer for one image is an error result for that image; the audit goes on")
        func oneBadObject() async throws {
            try TestEnvironment.requireFixtures()
            let engine = try await FakeEngine { path, _ in
                path.contains("/images/") && path.hasSuffix("/json") && !path.hasSuffix("/images/json")
                    ? .reply(status: 200, body: #"{"Id": 42}"#) : .forward
            }
            defer { Task { await engine.shutdown() } }
            let snapshot = try await Collector.snapshot(CollectOptions(host: engine.host, environment: [:]))
            #expect(snapshot.images.isEmpty)
            #expect(!snapshot.problems.isEmpty && snapshot.problems.allSatisfy { $0.kind == .failed && $0.target.kind == .image })
            #expect(snapshot.problems.first?.message.contains("Id") == true)
            let report = Evaluator.evaluate(snapshot)
            #expect(report.results.contains { $0.rule.id == "collect" && $0.status == .error })
            #expect(report.result("container.privileged", "dbt-privileged")?.status == .fail)
        }

        @Test("An engine that never answers times out with --timeout")
        func silentEngine() async throws {
            let engine = try await FakeEngine { _, _ in
                try? await Task.sleep(for: .seconds(4))
                return .hangUp
            }
            defer { Task { await engine.shutdown() } }
            let started = Date()
            let result = try await runToolAsync(["audit", "--host", engine.host, "--timeout", "1"])
            #expect(result.status == 3)
            #expect(result.stderr.contains("did not answer GET /_ping within 1s"), "\(result.stderr)")
            #expect(Date().timeIntervalSince(started) < 4)
        }
    }
}
