import Foundation
@testable import DockerBaseline
import Testing

@Suite("History, secrets and reference parsing")
struct ParsingTests {
    @Test(arguments: [
        ("/bin/sh -c #(nop)  ENV A=b", "ENV", "A=b"),
        ("/bin/sh -c apt-get update", "RUN", "apt-get update"),
        ("RUN /bin/sh -c apk add curl # buildkit", "RUN", "apk add curl"),
        ("|2 TOKEN=abc B=1 /bin/sh -c make", "RUN", "make"),
        ("COPY app /app # buildkit", "COPY", "app /app"),
        ("/bin/sh -c #(nop) ADD file:0123 in / ", "ADD", "file:0123 in /"),
    ])
    func historyInstruction(_ raw: String, _ keyword: String, _ arguments: String) throws {
        let instruction = try #require(HistoryInstruction(createdBy: raw))
        #expect(instruction.keyword == keyword)
        #expect(instruction.arguments == arguments)
    }

    @Test func buildArgumentsAreKept() throws {
        let instruction = try #require(HistoryInstruction(createdBy: "|2 TOKEN=abc B=1 /bin/sh -c make"))
        #expect(instruction.buildArguments == ["TOKEN=abc", "B=1"])
    }

    @Test(arguments: [
        ("DB_PASSWORD", true), ("dbPassword", true), ("API_KEY", true), ("GITHUB_TOKEN", true), ("client-secret", true),
        ("POSTGRES_PASSWORD_FILE", false), ("GPG_KEY", false), ("TOKENIZERS_PARALLELISM", false), ("PATH", false),
        ("BYPASS_CACHE", false), ("KEYCLOAK_URL", false),
    ])
    func secretNames(_ name: String, _ secret: Bool) {
        #expect(SecretScanner.isSecretName(name) == secret, "\(name)")
    }

    @Test("Masking keeps the shape of the command and drops every value")
    func masking() throws {
        let line = "curl -u x https://deploy:Sup3rS3cret@example.com/a --password=hunter2 && export API_TOKEN=abc123 && echo AKIAABCDEFGHIJKLMNOP"
        let masked = try #require(SecretScanner.maskSecrets(in: line))
        for secret in ["Sup3rS3cret", "hunter2", "abc123", "AKIAABCDEFGHIJKLMNOP"] {
            #expect(!masked.masked.contains(secret), "\(secret) leaked: \(masked.masked)")
        }
        #expect(!masked.reasons.isEmpty)
        #expect(SecretScanner.maskSecrets(in: "echo $DB_PASSWORD && make") == nil)
    }

    @Test(arguments: [
        ("busybox", "busybox:latest"), ("docker.io/library/busybox:1", "busybox:1"),
        ("localhost:5000/app", "localhost:5000/app:latest"), ("registry:5000/team/app:2", "registry:5000/team/app:2"),
    ])
    func imageReferences(_ reference: String, _ normalized: String) {
        #expect(normalizedImageReference(reference) == normalized)
    }

    @Test(arguments: [("", true), ("root", true), ("0", true), ("0:0", true), ("root:staff", true), ("1000", false), ("app:0", false)])
    func rootUsers(_ user: String, _ root: Bool) {
        #expect(runsAsRoot(user) == root, "\(user)")
    }

    @Test func languageFromEnvironment() {
        #expect(Language.fromEnvironment(["LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(Language.fromEnvironment(["LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"]) == .en)
        #expect(Language.fromEnvironment([:]) == .en)
    }

    @Test func wideCharactersPadByColumns() {
        #expect(displayWidth("容器") == 4)
        #expect(pad("容器", 6) == "容器  ")
    }
}

@Suite("JSON text")
struct JSONTextTests {
    @Test(arguments: ["plain", "quote \" and backslash \\", "line\nbreak\ttab\r", "\u{01}\u{1F} control", "中文 容器 ✓", ""])
    func stringsRoundTrip(_ value: String) throws {
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(jsonString(value))]".utf8)) as? [String]
        #expect(parsed == [value])
    }
}
