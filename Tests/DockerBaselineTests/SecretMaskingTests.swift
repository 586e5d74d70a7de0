@testable import DockerBaseline
import Foundation
import Testing

/// Secret values and terminal control characters from the audited object never reach a report, whatever rule
/// or format carries them (issue 21: hostile input).
@Suite("Secrets masked and control characters escaped at the report boundary")
struct SecretMaskingTests {
    @Test("Each credential shape loses its value and keeps the shape of the command", arguments: [
        ("curl -u deploy:Canary1pass https://example.com", "deploy:", "Canary1pass"),
        ("curl --user=deploy:Canary2pass https://example.com", "--user=deploy:", "Canary2pass"),
        ("curl -udeploy:Canary3pass https://example.com", "-udeploy:", "Canary3pass"),
        ("wget --proxy-user me:Canary4pass http://x", "me:", "Canary4pass"),
        (#"curl -H "Authorization: Bearer Canary5token" http://localhost/health"#, "Authorization: Bearer ", "Canary5token"),
        ("curl -H 'X-Api-Key: Canary6key' http://x", "X-Api-Key: ", "Canary6key"),
        ("ADD https://builder:Canary7pass@repo.example.com/app.tgz /app", "https://builder:", "Canary7pass"),
        ("ENV DB_PASSWORD Canary8pass", "ENV DB_PASSWORD ", "Canary8pass"),
        ("-----BEGIN RSA PRIVATE KEY-----\nCanary9key\n-----END RSA PRIVATE KEY-----", "", "Canary9key"),
    ])
    func shapes(_ text: String, _ kept: String, _ secret: String) throws {
        let masked = try #require(SecretScanner.maskSecrets(in: text), "\(text) was not recognised")
        #expect(!masked.masked.contains(secret), "\(masked.masked)")
        #expect((kept.isEmpty || masked.masked.contains(kept)) && masked.masked.contains("<masked"), "\(masked.masked)")
        #expect(!masked.reasons.isEmpty)
        #expect(SecretScanner.masked(masked.masked) == masked.masked, "masking twice changes nothing")
    }

    @Test("A user and group, a variable and an ordinary URL are not secrets", arguments: [
        "docker run -u 1000:1000 app", "curl -u \"$CREDENTIALS\" https://x", "curl -H \"Authorization: Bearer $TOKEN\" http://x",
        "ADD https://example.com/app.tgz /app", "ENV GPG_KEY A5D3",
    ])
    func notSecrets(_ text: String) {
        #expect(SecretScanner.maskSecrets(in: text) == nil, "\(text)")
    }

    @Test("The one-pass pre-check never passes over text that masking would change")
    func preCheckIsNecessary() throws {
        // Every line of the lint corpus (Dockerfiles and Compose files with credentials in every shape), whole and word
        // by word, and the shapes above.
        var texts = ["curl -u deploy:Canary1pass https://example.com", "ENV DB_PASSWORD Canary8pass", "label api_token x",
                     "key AKIAABCDEFGHIJKLMNOP", "<masked: GitHub token>", "https://u:p@host/x"]
        let files = try #require(FileManager.default.enumerator(atPath: LintCorpusTests.corpus.path)).compactMap { $0 as? String }
        for file in files {
            guard let text = try? String(contentsOf: LintCorpusTests.corpus.appendingPathComponent(file), encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                texts.append(String(line))
                texts += line.split(separator: " ").map(String.init)
            }
        }
        var secrets = 0
        for text in texts where SecretScanner.maskSecrets(in: text) != nil {
            secrets += 1
            #expect(SecretScanner.mayHoldSecret(text), "\(text)")
        }
        #expect(secrets >= 15, "the corpus holds credentials in many shapes")
        // And it lets ordinary text through untouched.
        for plain in ["runs as root (user 0)", "passes", "容器以 root 用户运行", "mode 0644", "/var/run/docker.sock"] {
            #expect(!SecretScanner.mayHoldSecret(plain) && UntrustedText.shown(plain) == plain, "\(plain)")
        }
    }

    @Test("The one-pass check finds every control character by its UTF-8 form, as the scalar check does")
    func controlCharactersByBytes() {
        let triggers = Set("=:-_@".unicodeScalars)
        var checked = 0
        for value in UInt32(0)...0x3000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected = !(UntrustedText.isControl(scalar) || triggers.contains(scalar))
            #expect(UntrustedText.needsNothing("x\(Character(scalar))y") == expected, "U+\(String(value, radix: 16))")
            checked += 1
        }
        #expect(checked > 10_000)
    }

    @Test("Control characters are written out, line breaks and ordinary text stay, long values are cut after masking")
    func untrustedText() {
        #expect(UntrustedText.shown("a\u{1B}[2Jb\rc\u{7}") == "a\\x1B[2Jb\\x0Dc\\x07")
        #expect(UntrustedText.shown("evil\u{202E}txt.exe") == "evil\\u{202E}txt.exe")
        #expect(UntrustedText.shown("line one\n\tline two · 中文") == "line one\n\tline two · 中文")
        let long = String(repeating: "x", count: 20000) + " TOKEN=CanaryLong"
        let shown = UntrustedText.shown(long)
        #expect(!shown.contains("CanaryLong") && shown.hasSuffix("more bytes)") && shown.utf8.count < 8300)
    }

    /// A rule written carelessly: it copies raw values from the audited object into its message, evidence and target.
    struct CarelessRule: Rule {
        let metadata = RuleMetadata(id: RuleID(rawValue: "test.careless"), cis: nil, severity: .high,
                                    title: .init(en: "careless", zh: "careless"), rationale: .init(en: "r", zh: "r"),
                                    remediation: .init(en: "f", zh: "f"))
        let examples: [RuleExample] = []
        func evaluate(_ context: AuditContext) -> [Finding] {
            context.snapshot.images.map { image in
                let raw = (image.inspect.config?.env ?? []).joined(separator: " ") + " " + (image.history?.first?.createdBy ?? "")
                return Finding(target: Target(kind: .image, id: image.inspect.id, name: image.inspect.repoTags?.first ?? ""), status: .fail,
                               message: .init(en: "found \(raw)", zh: "发现 \(raw)"), evidence: ["raw": raw, "k\u{1B}": raw],
                               location: SourceLocation(file: "Dockerfile\u{1B}[2K", range: .line(1)))
            }
        }
    }

    @Test("A value the object declares secret is masked wherever a finding repeats it, in any shape")
    func knownValues() throws {
        var known = KnownSecrets()
        known.add(name: "DB_PASSWORD", value: "hunter22")
        known.add(name: "DEBUG", value: "verbose")
        known.add(name: "API_TOKEN", value: "abc")
        #expect(known.values == ["hunter22"])
        #expect(known.masking("mysql -phunter22 --verbose") == "mysql -p<masked> --verbose")
    }

    @Test("A rule that forgets to mask cannot leak: every format shows neither the secrets nor the escape sequences")
    func boundary() throws {
        let config = ContainerConfig(user: nil, image: nil, env: ["DB_PASSWORD=CanaryEnv1", "AWS_KEY=AKIACANARY0123456789"], cmd: nil,
                                     entrypoint: nil, labels: nil, healthcheck: nil, exposedPorts: nil)
        let image = ImageInspect(id: "sha256:" + String(repeating: "a", count: 64), repoTags: ["evil\u{1B}[31m:1"], repoDigests: nil,
                                 created: nil, config: config, os: "linux", architecture: "amd64", size: nil)
        let history = [ImageHistoryEntry(id: nil, created: nil, createdBy: "/bin/sh -c curl -u ci:CanaryHistory https://x && mysql -pCanaryEnv1\r\u{1B}[1A", comment: nil, size: nil)]
        let snapshot = Snapshot(collectedAt: "2026-01-01T00:00:00Z", endpoint: "tcp://admin:CanaryEndpoint@10.0.0.1:2376",
                                engine: EngineVersion(), info: EngineInfo(), containers: [],
                                images: [ImageRecord(inspect: image, history: history)], networks: [], host: nil,
                                environment: AuditEnvironment(dockerContentTrust: nil), problems: [])
        let report = Evaluator.evaluate(snapshot, rules: [CarelessRule()])
        #expect(report.results.count == 1)
        for format in ReportFormat.allCases {
            for language in Language.allCases {
                let text = String(decoding: try format.render(report, language: language), as: UTF8.self)
                for canary in ["CanaryEnv1", "AKIACANARY0123456789", "CanaryHistory", "CanaryEndpoint"] {
                    #expect(!text.contains(canary), "\(format) \(language) shows \(canary)")
                }
                #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\r" }, "\(format) \(language) has a raw control character")
            }
        }
    }

    @Test("lint in every format: planted credentials and escape sequences in a Dockerfile and a Compose file never show")
    func lintCommand() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let escape = "\u{1B}[2J\u{1B}[1;1H"
        try """
        FROM alpine:3.19
        COPPY --password=CanaryA1 . /app
        RUNN curl -u deploy:CanaryA2 https://example.com
        RUN curl -fsSL -u deploy:CanaryA3 https://example.com/setup.sh -o /tmp/setup.sh
        ADD https://builder:CanaryA4@repo.example.com/app.tgz /app/
        ENV DB_PASSWORD CanaryA5
        RUN mysql -pCanaryA5 -e 'select 1' && curl -fsSL https://example.com/x.sh | sh
        EXPOSEE CanaryA5
        LABEL note="\(escape)all clear\r"
        HEALTHCHECK CMD curl -H "Authorization: Bearer CanaryA6" http://localhost/health
        USER app
        """.write(to: directory.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        try """
        services:
          api:
            image: example/api:1
            environment:
              DB_PASSWORD: CanaryB1
              GITHUB: ghp_CanaryB2abcdefghijklmnopqrstuvwxyz0123
            healthcheck:
              test: ["CMD", "curl", "-H", "Authorization: Bearer CanaryB3", "http://localhost/"]
            command: ["sh", "-c", "curl -u ops:CanaryB4 http://x && mysql -pCanaryB1"]
            user: CanaryB1
            labels:
              note: "\\e[2J\\e[1;1Hall clear\\r"
            privileged: true
        """.write(to: directory.appendingPathComponent("compose.yaml"), atomically: true, encoding: .utf8)
        for format in ReportFormat.allCases {
            let result = try runTool(["lint", directory.path, "--format", format.rawValue, "--verbose", "--remediation"])
            #expect(result.status == 1, "\(format): \(result.stderr)")
            let output = result.stdout + result.stderr
            #expect(output.contains("compose.privileged"), "the Compose file was read")
            for canary in ["CanaryA1", "CanaryA2", "CanaryA3", "CanaryA4", "CanaryA5", "CanaryA6", "CanaryB1", "CanaryB2", "CanaryB3", "CanaryB4"] {
                #expect(!output.contains(canary), "lint --format \(format) shows \(canary)")
            }
            #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\r" }, "lint --format \(format) prints a raw control character")
        }
    }

    @Test("image: the deleted-secrets and secrets findings show history lines masked")
    func imageHistory() throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var base = TarBuilder()
        base.file("root/.aws/credentials", "[default]\naws_secret_access_key = CanaryFileValue\n")
        base.end()
        var top = TarBuilder()
        top.entry("root/.aws/.wh.credentials")
        top.end()
        let createdBy = [
            "/bin/sh -c echo aws_secret_access_key=CanaryC1 > /root/.aws/credentials && curl -u ci:CanaryC2 https://x",
            "/bin/sh -c rm /root/.aws/credentials && curl -H 'Authorization: Bearer CanaryC3' http://x",
        ]
        let config = #"{"architecture":"amd64","os":"linux","config":{"User":"app","Env":["TOKEN=CanaryC4"]},"history":[\#(createdBy.map { #"{"created_by":"\#($0)"}"# }.joined(separator: ","))],"rootfs":{"type":"layers","diff_ids":[]}}"#
        var outer = TarBuilder()
        outer.file("manifest.json", #"[{"Config":"cafe.json","RepoTags":["hand/leaky:1"],"Layers":["a/layer.tar","b/layer.tar"]}]"#)
        outer.entry("a/layer.tar", data: base.bytes)
        outer.entry("b/layer.tar", data: top.bytes)
        outer.file("cafe.json", config)
        outer.end()
        let archive = directory.appendingPathComponent("leaky.tar")
        try Data(outer.bytes).write(to: archive)
        let json = try runTool(["image", archive.path, "--format", "json", "--no-cache"])
        #expect(json.status == 1, "\(json.stderr)")
        #expect(json.stdout.contains("image.deleted-secrets") && json.stdout.contains("/root/.aws/credentials"))
        for format in ReportFormat.allCases {
            let result = try runTool(["image", archive.path, "--format", format.rawValue, "--verbose", "--no-cache"])
            for canary in ["CanaryC1", "CanaryC2", "CanaryC3", "CanaryC4", "CanaryFileValue"] {
                #expect(!(result.stdout + result.stderr).contains(canary), "image --format \(format) shows \(canary)")
            }
        }
    }
}

/// `collect` writes snapshots to be shared: secret values masked unless `--keep-secrets`, and the masked snapshot
/// still fails the secret rules where the original did.
@Suite("collect masks secrets", .serialized)
struct CollectMaskingTests {
    @Test("A snapshot of an image and a container with planted secrets: masked by default, kept on request")
    func collectMasks() throws {
        try TestEnvironment.requireFixtures()
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = "dbt-masking:1", container = "dbt-masking"
        let created = try run("/usr/bin/docker", ["image", "tag", "dbt/base:1", "dbt-masking-base:1"])
        #expect(created.status == 0, "\(created.stderr)")
        defer {
            _ = try? run("/usr/bin/docker", ["rm", "-f", container])
            _ = try? run("/usr/bin/docker", ["rmi", "-f", image, "dbt-masking-base:1"])
        }
        // An image whose ENV and LABEL hold secrets, committed from a container created with them.
        let seed = try run("/usr/bin/docker", ["create", "--name", container, "-e", "DB_PASSWORD=CanaryD1", "-e", "AWS_ID=AKIACANARYD234567890",
                                              "--label", "api_token=CanaryD3", "dbt-masking-base:1", "sh", "-c", "app --password=CanaryD4"])
        #expect(seed.status == 0, "\(seed.stderr)")
        let commit = try run("/usr/bin/docker", ["commit", "--change", "ENV API_TOKEN=CanaryD5", container, image])
        #expect(commit.status == 0, "\(commit.stderr)")
        let canaries = ["CanaryD1", "AKIACANARYD234567890", "CanaryD3", "CanaryD4", "CanaryD5"]

        let masked = directory.appendingPathComponent("masked.json").path
        let collect = try runTool(["collect", "-o", masked, "--image-contents", "none"])
        #expect(collect.status == 0, "\(collect.stderr)")
        let maskedText = try String(contentsOfFile: masked, encoding: .utf8)
        for canary in canaries { #expect(!maskedText.contains(canary), "the snapshot holds \(canary)") }
        #expect(maskedText.contains("DB_PASSWORD=<masked>"))

        // Judged later, the masked snapshot still finds the secrets in the image.
        let audit = try runTool(["audit", "--snapshot", masked, "--format", "json", "--include", "image.secrets"])
        let results = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])["results"] as? [[String: Any]]
        let verdict = try #require(results?.first { ($0["target"] as? [String: Any])?["name"] as? String == image })
        #expect(verdict["status"] as? String == "fail")
        let evidence = (verdict["evidence"] as? [String: String])?["secrets"] ?? ""
        #expect(evidence.contains("API_TOKEN") && evidence.contains("AWS_ID holds a AWS access key id"), "\(evidence)")

        let kept = directory.appendingPathComponent("kept.json").path
        let keep = try runTool(["collect", "-o", kept, "--image-contents", "none", "--keep-secrets"])
        #expect(keep.status == 0 && keep.stderr.contains("secret values kept"), "\(keep.stderr)")
        let keptText = try String(contentsOfFile: kept, encoding: .utf8)
        for canary in canaries { #expect(keptText.contains(canary), "--keep-secrets lost \(canary)") }
    }
}
