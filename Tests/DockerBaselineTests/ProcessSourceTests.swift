@testable import DockerBaseline
import Foundation
import Testing

extension EngineTests {
    @Suite("Process lists") struct ProcessSources {
        @Test("This host's /proc and the engine's top give the same commands for every running container")
        func sourcesAgree() async throws {
            try TestEnvironment.requireFixtures()
            let fromHost = try await Collector.snapshot(CollectOptions(environment: [:], processSource: .auto))
            let fromEngine = try await Collector.snapshot(CollectOptions(environment: [:], processSource: .engine))
            let commands = { (snapshot: Snapshot) in
                Dictionary(snapshot.containers.filter { $0.inspect.isRunning }.map { ($0.inspect.id, $0.processes?.commands.sorted()) },
                           uniquingKeysWith: { a, _ in a })
            }
            #expect(commands(fromHost) == commands(fromEngine))
            let running = fromHost.containers.filter { $0.inspect.isRunning }
            #expect(running.count >= 5)
            #expect(running.allSatisfy { $0.processesSource == "host /proc" })
            #expect(fromEngine.containers.filter { $0.inspect.isRunning }.allSatisfy { $0.processesSource == "engine top" })
            for snapshot in [fromHost, fromEngine] {
                #expect(Evaluator.evaluate(snapshot).result("container.sshd", "dbt-sshd")?.status == .fail)
            }
        }

        @Test("The scanner answers only for containers whose init process it finds under their own cgroup")
        func scannerVouchesOnlyWhenSure() throws {
            let root = try TestEnvironment.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: root) }
            let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64)
            let processes: [(pid: Int, cgroup: String, cmdline: String)] = [
                (100, "0::/system.slice/docker-\(a).scope\n", "/usr/sbin/sshd\0-D\0"),
                (101, "0::/system.slice/docker-\(a).scope\n", "worker\0"),
                (200, "12:pids:/docker/\(b)\n", "app\0"),
                (300, "0::/user.slice\n", "bash\0"),
            ]
            for process in processes {
                let directory = root.appendingPathComponent("proc/\(process.pid)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try process.cgroup.write(to: directory.appendingPathComponent("cgroup"), atomically: true, encoding: .utf8)
                try process.cmdline.write(to: directory.appendingPathComponent("cmdline"), atomically: true, encoding: .utf8)
            }
            // b's init process is 999, which is not there: the scanner must leave b to the engine.
            let lists = ProcessScanner(root: root.path).processes(of: [a: 100, b: 999])
            #expect(lists[a]?.commands == ["/usr/sbin/sshd -D", "worker"])
            #expect(lists[b] == nil)
            #expect(ProcessScanner(root: root.appendingPathComponent("nowhere").path).processes(of: [a: 100]).isEmpty)
        }
    }
}
