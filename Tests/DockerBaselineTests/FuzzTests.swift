import Foundation
import Testing

/// The fuzz harness (scripts/fuzz/, docs/reliability.md) and what it reports.
private enum Fuzz {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = repository.appendingPathComponent("scripts/fuzz/fuzz.py").path

    struct Failure: Decodable, CustomStringConvertible {
        let index: Int
        let input: String
        let classes: [String]
        let details: [String]
        let saved: String?
        var description: String { "#\(index) \(input): \(details.joined(separator: "; ")) — \(saved ?? "not saved")" }
    }

    struct Summary: Decodable {
        let count: Int
        let inputs_per_kind: [String: Int]
        let exit_statuses: [String: Int]
        let failures_by_class: [String: Int]
        let failed_inputs: Int
        let failures: [Failure]
    }

    /// Runs the harness on `binary`; its summary, decoded.
    static func harness(binary: String, seed: Int, arguments: [String], in directory: URL) throws -> (Summary, CommandResult) {
        let out = directory.appendingPathComponent("fuzz-out")
        let result = try run("/usr/bin/python3", [script, "--seed", String(seed), "--binary", binary, "--out", out.path] + arguments)
        let data = try Data(contentsOf: out.appendingPathComponent("summary.json"))
        return (try JSONDecoder().decode(Summary.self, from: data), result)
    }
}

@Suite("Fuzzing: hostile input never crashes, hangs, blows up memory or prints a planted secret")
struct FuzzTests {
    static let kinds = ["dockerfile", "compose", "archive", "oci", "snapshot", "probe"]

    @Test("A seeded quick run over every input kind and every report format finds no crash, hang, memory blow-up, odd exit code or leaked secret")
    func quickRun() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 240 inputs, 40 of each kind, two at a time, each bounded by 20 s and 512 MiB. The debug build takes 6 s on an
        // idle machine for the slowest (a Compose file of 1,000 aliases to 16 KiB each), over 10 s beside the rest of
        // the suite; a hang still fails. The long run (scripts/fuzz.sh) allows the same 20 s.
        let (summary, result) = try Fuzz.harness(binary: TestEnvironment.binary, seed: 21,
                                             arguments: ["--count", "240", "--quick", "--timeout", "20", "--jobs", "2"], in: directory)
        #expect(summary.count == 240)
        #expect(Set(summary.inputs_per_kind.keys) == Set(Self.kinds))
        // Inputs were judged, not all refused: every kind has runs that ended in a report (exit 0 or 1).
        for kind in Self.kinds {
            let judged = summary.exit_statuses.filter { $0.key == "\(kind) exit 0" || $0.key == "\(kind) exit 1" }.values.reduce(0, +)
            #expect(judged > 0, "no \(kind) input was judged: \(summary.exit_statuses)")
        }
        #expect(summary.failed_inputs == 0, """
            \(summary.failed_inputs) inputs failed (\(summary.failures_by_class)); each is saved with a reproduction line (repro.sh):
            \(summary.failures.map(\.description).joined(separator: "\n"))
            \(result.stderr.suffix(2000))
            """)
    }

    /// A stand-in for docker-baseline that misbehaves in one way, to show the harness sees each class.
    private func fakeBinary(_ body: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("fake-docker-baseline").path
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test("The harness fails an input on each class: a signal, a timeout, memory over 512 MiB, an undocumented exit code, a planted secret in an output", arguments: [
        ("signal", "kill -SEGV $$"),
        ("timeout", "exec sleep 30"),
        ("memory", "exec /usr/bin/python3 -c 'x = b\"m\" * (700 << 20); import time; time.sleep(0.5)'"),
        ("exit-code", "exit 7"),
        ("secret", "for a in \"$@\"; do [ -f \"$a\" ] && cat \"$a\"; done; exit 0"),
    ])
    func harnessSeesEachClass(expected: String, body: String) throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fake = try fakeBinary(body, in: directory)
        // Dockerfiles (index 0, 6, 12): every one carries a planted secret the stand-in can print.
        let (summary, result) = try Fuzz.harness(binary: fake, seed: 21, arguments: ["--index", "0", "--index", "6", "--index", "12",
                                                                               "--quick", "--timeout", "2"], in: directory)
        #expect(result.status == 1)
        #expect((summary.failures_by_class[expected] ?? 0) > 0, "\(summary.failures_by_class)")
        for failure in summary.failures {
            let saved = try #require(failure.saved)
            #expect(FileManager.default.fileExists(atPath: saved + "/repro.sh"))
            #expect(FileManager.default.fileExists(atPath: saved + "/in"))
        }
    }

    @Test("An input is the same for the same seed and index, whatever else the run holds")
    func deterministic() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fake = try fakeBinary("cat \"$4\" | sha256sum; exit 0", in: directory)
        var digests: [String] = []
        for arguments in [["--index", "6"], ["--index", "0", "--index", "6"]] {
            _ = try Fuzz.harness(binary: fake, seed: 5, arguments: arguments + ["--keep"], in: directory)
            let stdout = directory.appendingPathComponent("fuzz-out/work/000006/stdout.txt")
            digests.append(try String(contentsOf: stdout, encoding: .utf8))
        }
        #expect(digests[0] == digests[1] && digests[0].count > 64)
    }
}
