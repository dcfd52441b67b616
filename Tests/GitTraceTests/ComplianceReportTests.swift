import CanonicalJSON
import Foundation
import Hex
import Ledger
import Records
import Signing
import TestSupport
import Testing

/// `git trace report` on a history whose attribution is known line by line: every
/// figure of the JSON report is asserted, and the other formats are checked to be
/// renderings of the same data.
@Suite struct ComplianceReportTests {
    static let model = "anthropic/claude-sonnet-4-5-20250929"

    struct History {
        let fixture: Fixture
        /// Commits oldest first: seed, ai, bob's edit, ai again, no hooks.
        let commits: [String]
        let bobKey: String
    }

    /// Commits with the given dates (and author), waiting for the record when hooks run.
    func commit(
        _ fixture: Fixture, _ message: String, date: String,
        author: (String, String) = ("Alice Author", "alice@example.com"),
        hooks: Bool = true
    ) async throws -> String {
        try await fixture.git("add", "-A")
        let environment = [
            "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": author.0,
            "GIT_AUTHOR_EMAIL": author.1,
        ]
        let arguments = (hooks ? [] : ["-c", "core.hooksPath=/dev/null"]) + ["commit", "-q", "-m", message]
        let result = try await fixture.sandbox.run("git", arguments, in: fixture.repository, environment: environment)
        try #require(result.status == 0, "\(result)")
        let commit = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        if hooks, try await !fixture.waitForRecord(commit) { Issue.record("no record on \(commit)") }
        return commit
    }

    /// C1 2026-09-10 alice: policy (2 lines), .gitattributes (1), app.txt (3): 6 human.
    /// C2 2026-09-20 alice: the agent (session s1) writes src/pay/charge.go (4 ai) and
    ///    gen/api.pb.go (3 ai, linguist-generated: excluded); alice reviews it herself.
    /// C3 2026-10-05 bob: edits one AI line of charge.go (1 mixed), adds b4 to app.txt
    ///    (1 human); "Reviewed-by: Carol" trailer only.
    /// C4 2026-10-15 alice: the agent (session s2) adds a5, a6 to app.txt (2 ai); bob
    ///    signs a review.
    /// C5 2026-10-20 alice, without hooks: u7, u8 (2 unknown, no record).
    func history() async throws -> History {
        let fixture = try await Fixture.make(commitHooks: true)
        let files = fixture.repository
        try fixture.sandbox.write(
            "version: 1\nsensitive_paths: [src/pay/]\n", to: ".sessiontrace/policy.yml", in: files)
        try fixture.sandbox.write("gen/** linguist-generated\n", to: ".gitattributes", in: files)
        try fixture.sandbox.write("h1\nh2\nh3\n", to: "app.txt", in: files)
        let c1 = try await commit(fixture, "seed", date: "2026-09-10T10:00:00Z")

        var agent = try AgentDriver(fixture, session: "s1")
        try FileManager.default.createDirectory(
            at: files.appendingPathComponent("src/pay"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: files.appendingPathComponent("gen"), withIntermediateDirectories: true)
        try await agent.claude("Write", "src/pay/charge.go", write: "c1\nc2\nc3\nc4\n")
        try await agent.claude("Write", "gen/api.pb.go", write: "g1\ng2\ng3\n")
        let c2 = try await commit(fixture, "charge", date: "2026-09-20T10:00:00Z")
        #expect(try await fixture.trace("review", c2).status == 0)

        try fixture.sandbox.write("c1\nc2 fixed by bob\nc3\nc4\n", to: "src/pay/charge.go", in: files)
        try fixture.sandbox.write("h1\nh2\nh3\nb4\n", to: "app.txt", in: files)
        let c3 = try await commit(
            fixture, "fix\n\nReviewed-by: Carol <carol@example.com>", date: "2026-10-05T10:00:00Z",
            author: ("Bob Builder", "bob@example.com"))

        var second = try AgentDriver(fixture, session: "s2")
        try await second.claude("Write", "app.txt", write: "h1\nh2\nh3\nb4\na5\na6\n")
        let c4 = try await commit(fixture, "more", date: "2026-10-15T10:00:00Z")
        let bobKey = fixture.sandbox.root.appendingPathComponent("bob.pem").path
        let bobLine = try await fixture.trace("keygen", "--output", bobKey, "--no-config", "--email", "bob@example.com")
        try Data((fixture.signerLine + "\n" + bobLine.stdout).utf8).write(to: fixture.trustFile)
        try await fixture.git("config", "user.email", "bob@example.com")
        #expect(try await fixture.trace("review", c4, "--key", bobKey).status == 0)
        try await fixture.git("config", "user.email", "alice@example.com")

        try fixture.sandbox.write("h1\nh2\nh3\nb4\na5\na6\nu7\nu8\n", to: "app.txt", in: files)
        let c5 = try await commit(fixture, "no hooks", date: "2026-10-20T10:00:00Z", hooks: false)
        return History(fixture: fixture, commits: [c1, c2, c3, c4, c5], bobKey: bobKey)
    }

    func report(_ history: History, _ extra: String...) async throws -> JSONValue {
        let output = try await history.fixture.sandbox.traceArgs(
            ["report", "--format", "json", "--trust", history.fixture.trustFile.path] + extra,
            in: history.fixture.repository)
        try #require(output.status == 0, "\(output)")
        return try JSONValue(parsing: output.stdout.trimmingCharacters(in: .newlines))
    }

    func lines(
        _ value: JSONValue?, _ ai: Int, _ mixed: Int, _ human: Int, _ unknown: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let expected = [
            ("ai", ai), ("mixed", mixed), ("human", human), ("unknown", unknown),
            ("total", ai + mixed + human + unknown),
        ]
        for (name, count) in expected {
            #expect(
                value?[name] == .integer(Int64(count)), "\(name) in \(String(describing: value))",
                sourceLocation: sourceLocation)
        }
        let total = ai + mixed + human + unknown
        func share(_ part: Int) -> JSONValue {
            total == 0 ? .null : .integer(Int64((part * 10_000 + total / 2) / total))
        }
        #expect(
            value?["ai_written_bp"] == (total == unknown ? .null : share(ai + mixed)), sourceLocation: sourceLocation)
        #expect(value?["unknown_bp"] == share(unknown), sourceLocation: sourceLocation)
    }

    @Test func everyFigureOfTheJSONReport() async throws {
        let history = try await history()
        let (c1, c2, c3, c4, c5) = (
            history.commits[0], history.commits[1], history.commits[2], history.commits[3], history.commits[4]
        )
        let json = try await report(history, "--framework", "soc2")
        #expect(json["report"] == .string("sessiontrace-report/v1"))
        #expect(json["period"]?["end_commit"] == .string(c5))
        #expect(json["attribution_data"] == .bool(true))
        #expect(json["warnings"] == .array([]))
        #expect(json["commits"] == .integer(5))
        #expect(json["commits_with_records"] == .integer(4))
        // 6 human (seed) + 4 ai (charge.go) + 1 mixed and 1 human (bob) + 2 ai + 2 unknown.
        lines(json["lines_added"], 6, 1, 7, 2)
        #expect(json["lines_added"]?["ai_written_bp"] == .integer(4375))
        // The tree at C5: app.txt h1-h3 b4 a5 a6 u7 u8, charge.go c1 (c2 edited) c3 c4, policy, attributes.
        lines(json["lines_surviving"], 5, 1, 7, 2)
        let survivingAuthors = try #require(json["lines_surviving_by_developer"]?.arrayValue)
        #expect(survivingAuthors.map { $0["email"] } == [.string("alice@example.com"), .string("bob@example.com")])
        lines(survivingAuthors[0]["lines"], 5, 0, 6, 2)
        lines(survivingAuthors[1]["lines"], 0, 1, 1, 0)
        let surviving = try #require(json["lines_surviving_by_directory"]?.arrayValue)
        #expect(surviving.map { $0["directory"] } == [.string("."), .string(".sessiontrace/"), .string("src/")])
        lines(surviving[0]["lines"], 2, 0, 5, 2)
        lines(surviving[1]["lines"], 0, 0, 2, 0)
        lines(surviving[2]["lines"], 3, 1, 0, 0)
        #expect(
            json["lines_surviving_by_model"]
                == .array([
                    .object([
                        "agent": .string("claude-code"), "model_id": .string(Self.model), "ai": .integer(5),
                        "mixed": .integer(1),
                    ])
                ]))
        lines(json["excluded"]?["lines"], 3, 0, 0, 0)
        #expect(
            json["excluded"]?["paths"]
                == .array([.object(["path": .string("gen/api.pb.go"), "reason": .string("linguist-generated")])]))

        let developers = try #require(json["by_developer"]?.arrayValue)
        #expect(developers.map { $0["email"] } == [.string("alice@example.com"), .string("bob@example.com")])
        #expect(developers.map { $0["commits"] } == [.integer(4), .integer(1)])
        lines(developers[0]["lines"], 6, 0, 6, 2)
        lines(developers[1]["lines"], 0, 1, 1, 0)

        let directories = try #require(json["by_directory"]?.arrayValue)
        #expect(directories.map { $0["directory"] } == [.string("."), .string(".sessiontrace/"), .string("src/")])
        lines(directories[0]["lines"], 2, 0, 5, 2)
        lines(directories[1]["lines"], 0, 0, 2, 0)
        lines(directories[2]["lines"], 4, 1, 0, 0)

        let months = try #require(json["by_month"]?.arrayValue)
        #expect(months.map { $0["month"] } == [.string("2026-09"), .string("2026-10")])
        lines(months[0]["lines"], 4, 0, 6, 0)
        lines(months[1]["lines"], 2, 1, 1, 2)

        #expect(
            json["models"]
                == .array([
                    .object([
                        "agent": .string("claude-code"), "model_id": .string(Self.model), "ai": .integer(6),
                        "mixed": .integer(1), "commits": .integer(3),
                        "first_use": .string("2026-09-20T10:00:00Z"), "last_use": .string("2026-10-15T10:00:00Z"),
                    ])
                ]))

        // s1 wrote 7 lines (3 of them in the generated file), all committed in C2; bob's
        // edit of one of them is not counted again. s2 wrote and committed 2.
        let sessions = try #require(json["acceptance"]?["sessions"]?.arrayValue)
        #expect(sessions.map { $0["session_id"] } == [.string("s1"), .string("s2")])
        #expect(sessions.map { $0["lines_written"] } == [.integer(7), .integer(2)])
        #expect(sessions.map { $0["lines_committed_unchanged"] } == [.integer(7), .integer(2)])
        #expect(sessions.map { $0["lines_committed_edited"] } == [.integer(0), .integer(0)])
        #expect(sessions.map { $0["acceptance_bp"] } == [.integer(10_000), .integer(10_000)])
        #expect(json["acceptance"]?["by_model"]?.arrayValue?.first?["lines_written"] == .integer(9))

        #expect(
            json["reviews"]
                == .object([
                    "ai_written_lines": .integer(7), "signed_independent": .integer(2),
                    "signed_independent_bp": .integer(2857),
                    "self_review_only": .integer(4), "unsigned_trailer_only": .integer(1), "unreviewed": .integer(0),
                    "commits_with_ai": .integer(3), "commits_signed_independent": .integer(1),
                ]))

        #expect(json["risk"]?["sensitive_paths"] == .array([.string("src/pay/")]))
        #expect(
            json["risk"]?["unreviewed_ai_lines"]
                == .array([
                    .object([
                        "path": .string("src/pay/charge.go"), "lines": .integer(5),
                        "commits": .array([.string(c3), .string(c2)]), "models": .array([.string(Self.model)]),
                    ])
                ]))

        let integrity = try #require(json["integrity"])
        #expect(integrity["trust_file"] == .string(history.fixture.trustFile.path))
        #expect(integrity["records_used"] == .integer(6))
        #expect(integrity["records_verified"] == .integer(6))
        #expect(integrity["records_unverified"] == .integer(0))
        #expect(integrity["all_verified"] == .bool(true))

        let controls = try #require(json["framework"]?["controls"]?.arrayValue)
        #expect(controls.map { $0["id"] } == [.string("CC8.1"), .string("CC7.2"), .string("CC3.4")])
        #expect(controls.map { $0["status"] } == [.string("gaps"), .string("supported"), .string("gaps")])
        #expect(
            controls[0]["gaps"]?.arrayValue?.contains(
                .string("5 AI-written lines without a signed independent review (4 reviewed only by their author)"))
                == true)
        #expect(controls[0]["gaps"]?.arrayValue?.contains(.string("1 commit without a record")) == true)
        #expect(controls[0]["gaps"]?.arrayValue?.contains(.string("2 lines added with no recorded origin")) == true)

        let evidence = try #require(json["evidence"]?.arrayValue)
        #expect(evidence.map { $0["commit"] } == [c4, c3, c2, c1].map(JSONValue.string))
        #expect(evidence.allSatisfy { $0["verified"] == .bool(true) })
        #expect(evidence[0]["review_records"]?.arrayValue?.count == 1)
        lines(evidence[0]["lines"], 2, 0, 0, 0)
        let notes = try await history.fixture.noteLines(c4)
        #expect(evidence[0]["attribution_record"] == .string(Envelope.recordDigest(ofLine: notes[0])))
        #expect(evidence[0]["review_records"] == .array([.string(Envelope.recordDigest(ofLine: notes[1]))]))
    }

    @Test func periodsAndInclusion() async throws {
        let history = try await history()
        // September only: the tree at the end of the period is C2's.
        let september = try await report(history, "--since", "2026-09-01", "--until", "2026-09-30")
        #expect(september["period"]?["since"] == .string("2026-09-01T00:00:00Z"))
        #expect(september["period"]?["until"] == .string("2026-10-01T00:00:00Z"))
        #expect(september["period"]?["end_commit"] == .string(history.commits[1]))
        #expect(september["commits"] == .integer(2))
        lines(september["lines_added"], 4, 0, 6, 0)
        lines(september["lines_surviving"], 4, 0, 6, 0)
        // October: three commits; the tree is C5's, lines from September survive in it.
        let october = try await report(history, "--since", "2026-10-01")
        #expect(october["commits"] == .integer(3))
        lines(october["lines_added"], 2, 1, 1, 2)
        lines(october["lines_surviving"], 5, 1, 7, 2)
        #expect(october["reviews"]?["self_review_only"] == .integer(0))
        // A range.
        let range = try await report(history, "\(history.commits[2])..HEAD", "--no-tree")
        #expect(range["commits"] == .integer(2))
        #expect(range["lines_surviving"] == .null)
        // Generated files counted when asked.
        let everything = try await report(history, "--include-generated")
        lines(everything["lines_added"], 9, 1, 7, 2)
        lines(everything["excluded"]?["lines"], 0, 0, 0, 0)
        #expect(everything["excluded"]?["included_by_flag"] == .bool(true))
        // Only the end commit's .gitattributes counts: not a staged change, not
        // .git/info/attributes, not the user's file. The report is the same in every clone.
        let files = history.fixture.repository
        try history.fixture.sandbox.write("app.txt linguist-generated\n", to: ".gitattributes", in: files)
        try await history.fixture.git("add", ".gitattributes")
        try history.fixture.sandbox.write("src/** linguist-vendored\n", to: ".git/info/attributes", in: files)
        let userFile = try history.fixture.sandbox.write(
            "*.txt linguist-generated\n", to: "user-attributes", in: history.fixture.sandbox.root)
        try await history.fixture.git("config", "core.attributesFile", userFile.path)
        let local = try await report(history)
        lines(local["lines_added"], 6, 1, 7, 2)
        #expect(local["excluded"]?["paths"]?.arrayValue?.map { $0["path"] } == [.string("gen/api.pb.go")])
        try await history.fixture.git("reset", "-q", "--hard")
        // Directories two levels deep.
        let deep = try await report(history, "--depth", "2", "--no-tree")
        #expect(
            deep["by_directory"]?.arrayValue?.map { $0["directory"] } == [
                .string("."), .string(".sessiontrace/"), .string("src/pay/"),
            ])
    }

    @Test func unverifiableRecordsAreSaidOnTheFirstPage() async throws {
        let history = try await history()
        // Trust only alice: bob's review no longer counts as signed.
        try Data((history.fixture.signerLine + "\n").utf8).write(to: history.fixture.trustFile)
        let json = try await report(history)
        #expect(json["integrity"]?["records_unverified"] == .integer(1))
        #expect(json["integrity"]?["records_used"] == .integer(5))
        #expect(json["integrity"]?["problems"] == .object(["untrusted-key": .integer(1)]))
        #expect(
            json["warnings"]
                == .array([
                    .string(
                        "left out 1 record that does not verify against \(history.fixture.trustFile.path): every figure uses verified records only (see Integrity)"
                    ),
                    .string("verification found 1 problem in this period's records (untrusted-key): see Integrity"),
                ]))
        #expect(json["reviews"]?["signed_independent"] == .integer(0))
        #expect(json["reviews"]?["unreviewed"] == .integer(2))
        let text = try await history.fixture.sandbox.traceArgs(
            ["report", "--trust", history.fixture.trustFile.path, "--no-tree"], in: history.fixture.repository)
        let firstLines = text.stdout.split(separator: "\n").prefix(4).joined(separator: "\n")
        #expect(firstLines.contains("WARNING: left out 1 record that does not verify"), "\(text)")
        // No trust file at all: said too.
        let untrusted = try await history.fixture.sandbox.traceArgs(
            ["report", "--format", "json", "--no-tree"], in: history.fixture.repository)
        let untrustedJSON = try JSONValue(parsing: untrusted.stdout)
        #expect(
            untrustedJSON["warnings"]?.arrayValue?.first
                == .string("records not verified: no trust file (pass --trust FILE, an allowed_signers file you trust)")
        )
        #expect(untrustedJSON["integrity"]?["all_verified"] == .bool(false))
    }

    @Test func tamperedRecordsAreLeftOutAndSaidFirst() async throws {
        let history = try await history()
        let fixture = history.fixture
        // Someone rewrites C4's attribution to claim its AI lines as human.
        let c4 = history.commits[3]
        let noteLines = try await fixture.noteLines(c4)
        let altered = try tamper(
            noteLines[0],
            payload: { payload in
                payload = Array(
                    String(decoding: payload, as: UTF8.self).replacingOccurrences(
                        of: "\"type\":\"ai\"", with: "\"type\":\"human\""
                    ).utf8)
            })
        try await fixture.overwriteNote(c4, lines: [altered, noteLines[1]])
        let json = try await report(history, "--no-tree")
        #expect(
            json["warnings"]?.arrayValue?.contains(
                .string("verification found 1 problem in this period's records (payload-altered): see Integrity"))
                == true,
            "\(String(describing: json["warnings"]))")
        #expect(json["integrity"]?["problems"] == .object(["payload-altered": .integer(1)]))
        // The forged record is not used: C4's two lines are of unknown origin, not human.
        lines(json["lines_added"], 4, 1, 7, 4)
        #expect(json["commits_with_records"] == .integer(3))
    }

    @Test func formatsRenderTheSameData() async throws {
        let history = try await history()
        func run(_ format: String) async throws -> String {
            let output = try await history.fixture.sandbox.traceArgs(
                ["report", "--format", format, "--trust", history.fixture.trustFile.path, "--framework", "pci-dss"],
                in: history.fixture.repository)
            try #require(output.status == 0, "\(output)")
            return output.stdout
        }
        let text = try await run("text")
        #expect(
            text.contains(
                "AI-written (ai + mixed) share of the lines added: 43.75%; of the lines in the tree at the end of the period: 40.00%."
            ), "\(text)")
        #expect(
            text.contains("added in the period                            16   6      1      7        2      43.75%"),
            "\(text)")
        #expect(text.contains("control: 6.2\ntitle:   Bespoke and custom software"), "\(text)")
        let markdown = try await run("markdown")
        #expect(markdown.contains("| added in the period | 16 | 6 | 1 | 7 | 2 | 43.75% |"), "\(markdown)")
        #expect(markdown.contains("## Framework mapping: PCI DSS v4.0.1"))
        let csv = try await run("csv")
        let rows = csv.split(separator: "\r\n").map(String.init)
        #expect(rows.first == "section,table,row,column,value")
        #expect(rows.contains("summary,lines,added in the period,ai,6"))
        #expect(rows.contains("summary,lines,in the tree at the end,AI-written,40.00%"))
        #expect(rows.contains("developers,by_developer,Alice Author <alice@example.com>,unknown,2"))
        #expect(rows.contains("risk,risk,src/pay/charge.go,unreviewed AI lines,5"))
        #expect(rows.contains { $0.hasPrefix("framework,controls,6.2,status,gaps") })
        let html = try await run("html")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(html.contains("<td>added in the period</td><td class=\"n\">16</td><td class=\"n\">6</td>"))
        // Self-contained: nothing to fetch.
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(
            !withoutNamespace.contains("http://") && !withoutNamespace.contains("https://")
                && !withoutNamespace.contains("<script"))
        // --output writes the same bytes.
        let file = history.fixture.sandbox.root.appendingPathComponent("report.md").path
        let written = try await history.fixture.sandbox.traceArgs(
            [
                "report", "--format", "markdown", "--trust", history.fixture.trustFile.path, "--framework", "pci-dss",
                "--output", file,
            ], in: history.fixture.repository)
        #expect(
            written.status == 0 && written.stdout.isEmpty && written.stderr == "report written to \(file)\n",
            "\(written)")
        let saved = try String(contentsOfFile: file, encoding: .utf8)
        #expect(
            saved.replacingOccurrences(of: #"Generated [0-9TZ:-]+"#, with: "", options: .regularExpression)
                == markdown.replacingOccurrences(of: #"Generated [0-9TZ:-]+"#, with: "", options: .regularExpression))
    }

    /// The HTML report in Debian's headless Chromium: it renders, screenshots and
    /// prints to PDF with no console message (make test installs chromium).
    @Test func htmlRendersInHeadlessChromium() async throws {
        let history = try await history()
        let root = history.fixture.sandbox.root
        let page = root.appendingPathComponent("report.html")
        let written = try await history.fixture.sandbox.traceArgs(
            [
                "report", "--format", "html", "--framework", "soc2", "--trust", history.fixture.trustFile.path,
                "--output", page.path,
            ],
            in: history.fixture.repository)
        try #require(written.status == 0, "\(written)")
        let chromium = try #require(
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            },
            "chromium is not installed (make test installs it)")
        // No network at all: any fetch would fail and be logged.
        let common = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=\(root.appendingPathComponent("chromium").path)",
        ]
        let shot = root.appendingPathComponent("report.png")
        let screenshot = try await history.fixture.sandbox.run(
            chromium, common + ["--window-size=1280,2000", "--screenshot=\(shot.path)", page.absoluteString], in: root)
        #expect(screenshot.status == 0, "\(screenshot)")
        let png = try Data(contentsOf: shot)
        #expect(
            png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000,
            "a blank or missing screenshot: \(png.count) bytes")
        let consoleLines = screenshot.stderr.split(separator: "\n").filter {
            $0.contains("CONSOLE") || $0.contains("net::ERR")
        }
        #expect(consoleLines.isEmpty, "\(consoleLines)")
        let pdf = root.appendingPathComponent("report.pdf")
        let printed = try await history.fixture.sandbox.run(
            chromium, common + ["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer", page.absoluteString], in: root)
        #expect(printed.status == 0, "\(printed)")
        #expect(try Data(contentsOf: pdf).starts(with: Array("%PDF".utf8)))
    }

    /// The surviving lines come from an incremental cache keyed by commit: git blame's
    /// runs are reused for files untouched since the cached commit and blamed again for
    /// the others; origins always come from this run's records. The cache is in the git
    /// directory, so it is used only when the user's own cache key authenticates it.
    @Test func survivingLinesCacheIsIncrementalAndVouchesForNothingItself() async throws {
        let history = try await history()
        let fixture = history.fixture
        let first = try await report(history)
        lines(first["lines_surviving"], 5, 1, 7, 2)
        let cacheDirectory = fixture.repository.appendingPathComponent(".git/sessiontrace/provenance")
        let cacheKey = try #require(
            [UInt8](
                hex: try String(
                    contentsOf: fixture.sandbox.home.appendingPathComponent(".config/sessiontrace/cache-key"),
                    encoding: .utf8
                ).trimmingCharacters(in: .whitespacesAndNewlines)))
        /// The cache file of `commit` with policy.yml's blame run cut to one line (of its
        /// two), signed with the user's key or left with the code of the original.
        func doctored(_ commit: String, signed: Bool) throws -> String {
            let cached = try String(contentsOf: cacheDirectory.appendingPathComponent(commit), encoding: .utf8)
            #expect(cached.hasPrefix("sessiontrace-provenance 7\n"))
            #expect(!cached.contains("@"), "the cache holds no authors: reports read them again")
            var lines = cached.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let mac = try #require(lines.lastIndex { $0.hasPrefix("mac ") })
            var inPolicy = false
            for index in lines.indices where index < mac {
                if lines[index].hasPrefix("F\t") { inPolicy = lines[index].hasSuffix("\t.sessiontrace/policy.yml") }
                if inPolicy, lines[index].hasPrefix("R\t") {
                    var fields = lines[index].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                    fields[3] = "1"
                    lines[index] = fields.joined(separator: "\t")
                }
            }
            let body = lines[..<mac].joined(separator: "\n") + "\n"
            guard signed else { return body + lines[mac...].joined(separator: "\n") }
            let code = HMACSHA256.authenticationCode(key: cacheKey, data: Array((commit + "\n" + body).utf8)).hexString
            return body + "mac \(code)\n"
        }
        let cacheFile = cacheDirectory.appendingPathComponent(history.commits[4])
        // Written by someone else (the code no longer matches): ignored, everything blamed again.
        try Data(try doctored(history.commits[4], signed: false).utf8).write(to: cacheFile)
        let forged = try await report(history)
        lines(forged["lines_surviving"], 5, 1, 7, 2)
        // Authenticated by the user's key: reused for policy.yml, which the next commit
        // leaves alone (its doctored run counts: one human line fewer); app.txt is blamed
        // again.
        try Data(try doctored(history.commits[4], signed: true).utf8).write(to: cacheFile)
        try fixture.sandbox.write("h1\nh2\nh3\nb4\na5\na6\nu7\nu8\nu9\n", to: "app.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        try await fixture.git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "one more")
        let second = try await report(history)
        lines(second["lines_surviving"], 5, 1, 6, 3)
        let head = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(FileManager.default.fileExists(atPath: cacheDirectory.appendingPathComponent(head).path))
        // New records change origins without blaming: u7..u9 are now said to be AI.
        try await fixture.git("checkout", "-q", history.commits[4])
        let recorded = try await fixture.trace(
            "record", history.commits[4], "--file", "app.txt", "--lines", "7-8",
            "--agent", "codex", "--model", "openai/gpt-5-codex")
        #expect(recorded.status == 0, "\(recorded)")
        try await fixture.git("checkout", "-q", "-")
        let third = try await report(history)
        lines(third["lines_surviving"], 7, 1, 6, 1)
        #expect(
            third["lines_surviving_by_model"]?.arrayValue?.last
                == .object([
                    "agent": .string("codex"), "model_id": .string("openai/gpt-5-codex"), "ai": .integer(2),
                    "mixed": .integer(0),
                ]))
        // Without the cache: blamed again, policy.yml has both its lines.
        try FileManager.default.removeItem(at: cacheDirectory)
        lines(try await report(history)["lines_surviving"], 7, 1, 7, 1)
    }

    /// `--cache` shares `git trace verify --cache`'s cache: a second report reads the
    /// notes it vouches for without checking them again, and says the same.
    @Test func reportUsesTheVerificationCache() async throws {
        let history = try await history()
        func withoutTime(_ json: JSONValue) -> JSONValue {
            guard case .object(var members) = json else { return json }
            members["generated_at"] = nil
            return .object(members)
        }
        let first = try await report(history, "--cache", "--no-tree")
        let verified = try await history.fixture.verify("--cache")
        // The note with a self-review (a finding) is checked each time; the others were cached by the report.
        #expect(
            verified.stdout.contains("ok: 6 of 6 records on 4 commits")
                && verified.stdout.contains("(4 from the cache)"), "\(verified)")
        let second = try await report(history, "--cache", "--no-tree")
        #expect(withoutTime(second) == withoutTime(first))
        #expect(second["integrity"]?["records_verified"] == .integer(6))
        #expect(withoutTime(try await report(history, "--no-tree")) == withoutTime(first))
    }

    /// Lines added are counted with git's default diff whatever the user configured:
    /// for this change Myers counts 2 added and 6 deleted, patience 3 and 7.
    @Test func linesAreCountedTheSameWhateverTheUsersDiffSettings() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit("\nz\ny\nx\nx\nx\n}\nx\n\n", to: "a.txt")
        try await fixture.commit("\nx\n\n\nz\n", to: "a.txt")
        func unknownLines() async throws -> JSONValue? {
            let output = try await fixture.trace("report", "--format", "json", "HEAD~1..HEAD", "--no-tree")
            try #require(output.status == 0, "\(output)")
            return try JSONValue(parsing: output.stdout)["lines_added"]?["unknown"]
        }
        #expect(try await unknownLines() == .integer(2))
        for setting in [
            "diff.algorithm=patience", "diff.algorithm=histogram", "diff.renameLimit=1", "core.bigFileThreshold=1",
        ] {
            let parts = setting.split(separator: "=").map(String.init)
            try await fixture.git("config", parts[0], parts[1])
            #expect(try await unknownLines() == .integer(2), "\(setting)")
        }
    }

    /// The lines surviving are traced with git's default blame whatever the user
    /// configured, and no report reads a history made up locally (`git replace`, grafts,
    /// a forged commit-graph): a clone with other settings counts the same lines.
    @Test func reportsCountTheSameWhateverBlameSettingsOrReplacementObjects() async throws {
        let fixture = try await Fixture.make()
        let seed = try await fixture.commit("h1\nh2\nh3\nh4\n", to: "a.txt")
        #expect(
            try await fixture.trace("record", seed, "--file", "a.txt", "--lines", "1-4", "--origin", "human").status
                == 0)
        let agent = try await fixture.commit("h1\nai2\nh3\nai4\nai5\n", to: "a.txt")
        let recorded = try await fixture.trace(
            "record", agent, "--file", "a.txt", "--lines", "2,4-5", "--origin", "ai", "--agent", "claude-code",
            "--model", "claude-sonnet-4-5")
        try #require(recorded.status == 0, "\(recorded)")
        func figures() async throws -> [String: JSONValue?] {
            // A cold report each time: no cached blame to start from.
            try? FileManager.default.removeItem(
                at: fixture.repository.appendingPathComponent(".git/sessiontrace/provenance"))
            let output = try await fixture.trace("report", "--format", "json")
            try #require(output.status == 0, "\(output)")
            let json = try JSONValue(parsing: output.stdout)
            return [
                "surviving_ai": json["lines_surviving"]?["ai"], "surviving_human": json["lines_surviving"]?["human"],
                "added_ai": json["lines_added"]?["ai"], "added_human": json["lines_added"]?["human"],
                "commits": json["period"]?["commits"],
            ]
        }
        let expected = try await figures()
        #expect(expected["surviving_ai"] == .integer(3) && expected["surviving_human"] == .integer(2), "\(expected)")

        try fixture.sandbox.write(agent + "\n", to: ".git-blame-ignore-revs", in: fixture.repository)
        try await fixture.git("config", "blame.ignoreRevsFile", ".git-blame-ignore-revs")
        #expect(try await figures() == expected, "ignored revisions")
        try await fixture.git("config", "--unset", "blame.ignoreRevsFile")

        try fixture.sandbox.write("a.txt diff=head\n", to: ".git/info/attributes", in: fixture.repository)
        try await fixture.git("config", "diff.head.textconv", "head -n 1")
        #expect(try await figures() == expected, "a textconv filter")
        // Attributes outside the commits saying the file is binary (git counts no lines).
        try fixture.sandbox.write("a.txt -diff\n", to: ".git/info/attributes", in: fixture.repository)
        #expect(try await figures() == expected, "-diff in info/attributes")
        try fixture.sandbox.write("", to: ".git/info/attributes", in: fixture.repository)
        try fixture.sandbox.write("a.txt binary\n", to: ".gitattributes", in: fixture.repository)
        #expect(try await figures() == expected, "binary in the work tree's .gitattributes")
        try FileManager.default.removeItem(at: fixture.repository.appendingPathComponent(".gitattributes"))
        try fixture.sandbox.write("a.txt -diff\n", to: "attributes", in: fixture.sandbox.home)
        try await fixture.git("config", "--global", "core.attributesFile", fixture.sandbox.home.path + "/attributes")
        #expect(try await figures() == expected, "-diff in core.attributesFile")
        try await fixture.git("config", "--global", "--unset", "core.attributesFile")

        // The agent's commit replaced by one that keeps the person's text.
        let tree = try await fixture.git("rev-parse", "\(seed)^{tree}").trimmingCharacters(in: .newlines)
        let made = try await fixture.git("commit-tree", tree, "-p", seed, "-m", "made up")
            .trimmingCharacters(in: .newlines)
        try await fixture.git("replace", agent, made)
        #expect(try await fixture.git("show", "HEAD:a.txt") == "h1\nh2\nh3\nh4\n", "git reads the replacement")
        #expect(try await figures() == expected, "a replacement object")
        try await fixture.git("replace", "-d", agent)

        // Grafts (deprecated, local, unsigned): the agent's commit made a root.
        try fixture.sandbox.write(agent + "\n", to: ".git/info/grafts", in: fixture.repository)
        #expect(
            try await fixture.git("rev-list", "--count", "HEAD").trimmingCharacters(in: .newlines) == "1",
            "git reads the grafts")
        #expect(try await figures() == expected, "a grafts file")
        try FileManager.default.removeItem(at: fixture.repository.appendingPathComponent(".git/info/grafts"))

        // A commit-graph (a cache anyone with the repository writes) giving the agent's
        // commit the person's tree.
        try await fixture.git("commit-graph", "write", "--reachable")
        try forgeCommitGraph(
            gitDirectory: fixture.repository.appendingPathComponent(".git"), commit: agent, tree: tree)
        #expect(
            try await fixture.git("log", "-1", "--format=%T", agent).trimmingCharacters(in: .newlines) == tree,
            "git reads the graph's tree")
        let forged = try await figures()
        #expect(forged == expected, "a forged commit-graph: \(forged)")
        try await fixture.git("commit-graph", "write", "--reachable")
        try forgeCommitGraph(gitDirectory: fixture.repository.appendingPathComponent(".git"), commit: agent, root: true)
        #expect(
            try await fixture.git("rev-list", "--count", "HEAD").trimmingCharacters(in: .newlines) == "1",
            "git reads the graph's parents")
        #expect(try await figures() == expected, "a commit-graph making the agent's commit a root")
    }

    /// The report (JSON) after `git trace record` says `lines` of `path` in `commit` are
    /// Claude Code's.
    func reportRecordingAI(_ fixture: Fixture, _ commit: String, _ path: String, lines: String) async throws
        -> JSONValue
    {
        let recorded = try await fixture.trace(
            "record", commit, "--file", path, "--lines", lines, "--origin", "ai", "--agent", "claude-code",
            "--model", "claude-sonnet-4-5")
        try #require(recorded.status == 0, "\(recorded)")
        let output = try await fixture.trace("report", "--format", "json")
        try #require(output.status == 0, "\(output)")
        return try JSONValue(parsing: output.stdout)
    }

    /// Binary is decided by content, as capture decides it: a committed `.gitattributes`
    /// calling Python binary (`-diff`) hides none of its added lines from the report
    /// (those no record covers stay `unknown`) or from `check` (4 AI lines of 10 are
    /// within a 50 % limit, not 4 of none), and a file with a NUL byte counts no lines.
    @Test func committedAttributesDoNotHideLinesFromReports() async throws {
        let fixture = try await Fixture.make()
        _ = try await fixture.commit(
            "version: 1\nrules:\n  max_ai_share: {percent: 50, severity: error}\n", to: ".sessiontrace/policy.yml")
        try fixture.sandbox.write("*.py -diff\n", to: ".gitattributes", in: fixture.repository)
        try fixture.sandbox.write("PNG\0\u{1}\nnot\nlines\n", to: "image.png", in: fixture.repository)
        let agent = try await fixture.commit(numberedLines(10), to: "tool.py")
        #expect(
            try await fixture.git("show", "--numstat", "--format=", agent).contains("-\t-\ttool.py"),
            "git calls it binary")
        let added = try await reportRecordingAI(fixture, agent, "tool.py", lines: "1-4")["lines_added"]
        // Unknown: tool.py's other 6 lines, the policy's 3 and the attributes' 1.
        #expect(added?["ai"] == .integer(4) && added?["unknown"] == .integer(10), "\(String(describing: added))")
        let checked = try await fixture.trace("check", "--trust", fixture.trustFile.path, "--format", "json")
        #expect(checked.status == 0, "\(checked)")
        let violations = try JSONValue(parsing: Array(checked.stdout.utf8))["violations"]?.arrayValue
        #expect(violations?.isEmpty == true, "\(checked)")
    }

    /// The other direction: attributes that make git count lines of binary content
    /// (`diff` committed, or a driver the clone configures `binary = false`) add none
    /// of them to the report, whose `unknown` would swell and the AI share shrink; a
    /// language's driver (`diff=cpp`) leaves text counted as it was.
    @Test func attributesDoNotCountLinesOfBinaryContent() async throws {
        let fixture = try await Fixture.make()
        try fixture.sandbox.write(
            "*.png diff\n*.dat diff=data\n*.c diff=cpp\n", to: ".gitattributes", in: fixture.repository)
        try await fixture.git("config", "diff.data.binary", "false")
        try fixture.sandbox.write("PNG\0\u{1}\nnot\nlines\n", to: "image.png", in: fixture.repository)
        try fixture.sandbox.write("x\0y\n" + numberedLines(5), to: "table.dat", in: fixture.repository)
        let commit = try await fixture.commit(numberedLines(2), to: "main.c")
        let numstat = try await fixture.git("show", "--numstat", "--format=", commit)
        #expect(numstat.contains("3\t0\timage.png") && numstat.contains("6\t0\ttable.dat"), "git counts them")
        func unknown() async throws -> JSONValue? {
            let output = try await fixture.trace("report", "--format", "json")
            try #require(output.status == 0, "\(output)")
            return try JSONValue(parsing: output.stdout)["lines_added"]?["unknown"]
        }
        // The attributes' 3 lines and main.c's 2.
        #expect(try await unknown() == .integer(5))
        // Changed again, each against a binary first parent or into one.
        try fixture.sandbox.write("PNG\0\u{2}\nstill\nnot\nlines\n", to: "image.png", in: fixture.repository)
        try fixture.sandbox.write(numberedLines(7), to: "table.dat", in: fixture.repository)
        try await fixture.sandbox.commitAll("change the data", in: fixture.repository)
        #expect(try await unknown() == .integer(5))
    }

    /// Text is text by git's test alone (no NUL among the first 8,000 bytes), as capture
    /// decides: lines of a file holding control characters, which libgit2's own
    /// heuristic calls binary, are counted added and surviving alike.
    @Test func textWithControlCharactersIsCountedAsSurviving() async throws {
        let fixture = try await Fixture.make()
        let text = (1...6).map { "line \($0) \u{1}\u{2}\u{3}\u{4}\u{5}" }.joined(separator: "\n") + "\n"
        let agent = try await fixture.commit(text, to: "terminal.txt")
        #expect(try await fixture.git("show", "--numstat", "--format=", agent).hasPrefix("6\t0\t"), "git: text")
        let json = try await reportRecordingAI(fixture, agent, "terminal.txt", lines: "1-4")
        #expect(json["lines_added"]?["ai"] == .integer(4), "\(String(describing: json["lines_added"]))")
        #expect(json["lines_surviving"]?["ai"] == .integer(4), "\(String(describing: json["lines_surviving"]))")
    }

    /// A file renamed and changed is counted against the version git paired it with,
    /// attributes or not: one changed line of a renamed Python file marked `-diff` adds
    /// one line, as without the attribute.
    @Test func aRenamedFileGitCallsBinaryCountsItsChangedLines() async throws {
        let fixture = try await Fixture.make()
        _ = try await fixture.commit(numberedLines(20), to: "old.py")
        func unknownAdded() async throws -> JSONValue? {
            let output = try await fixture.trace("report", "--format", "json", "HEAD~1..HEAD", "--no-tree")
            try #require(output.status == 0, "\(output)")
            return try JSONValue(parsing: output.stdout)["lines_added"]?["unknown"]
        }
        try FileManager.default.moveItem(
            at: fixture.repository.appendingPathComponent("old.py"),
            to: fixture.repository.appendingPathComponent("new.py"))
        try fixture.sandbox.write(
            numberedLines(20).replacingOccurrences(of: "line 7\n", with: "line seven\n"), to: "new.py",
            in: fixture.repository)
        try await fixture.sandbox.commitAll("rename", in: fixture.repository)
        #expect(try await unknownAdded() == .integer(1))
        try fixture.sandbox.write("*.py -diff\n", to: ".git/info/attributes", in: fixture.repository)
        #expect(try await unknownAdded() == .integer(1), "renamed and called binary")
    }

    /// Surviving lines by developer go through the `.mailmap` the end commit holds, and
    /// through no other: not one being edited in the work tree, not one the user configured.
    @Test func survivingLinesByDeveloperReadTheEndCommitsMailmapOnly() async throws {
        let fixture = try await Fixture.make()
        let files = fixture.repository
        try fixture.sandbox.write("x\ny\n", to: "a.txt", in: files)
        _ = try await commit(
            fixture, "old address", date: "2026-09-10T10:00:00Z", author: ("Old", "old@example.com"), hooks: false)
        try fixture.sandbox.write("New <new@example.com> <old@example.com>\n", to: ".mailmap", in: files)
        _ = try await commit(fixture, "mailmap", date: "2026-09-11T10:00:00Z", hooks: false)
        func developers(cold: Bool = true) async throws -> [String] {
            if cold {
                try? FileManager.default.removeItem(at: files.appendingPathComponent(".git/sessiontrace/provenance"))
            }
            let output = try await fixture.trace("report", "--format", "json")
            try #require(output.status == 0, "\(output)")
            let json = try JSONValue(parsing: output.stdout)
            // Lines added and lines surviving name developers alike.
            let added = (json["by_developer"]?.arrayValue ?? []).compactMap {
                "\($0["name"]?.stringValue ?? "?") <\($0["email"]?.stringValue ?? "?")>".lowercased()
            }
            let surviving = (json["lines_surviving_by_developer"]?.arrayValue ?? []).compactMap {
                $0["email"]?.stringValue
            }
            return added.sorted() + ["|"] + surviving
        }
        let expected = [
            "alice author <alice@example.com>", "new <new@example.com>", "|", "alice@example.com", "new@example.com",
        ]
        let first = try await developers()
        #expect(first == expected, "\(first)")
        _ = try await developers(cold: false)  // cached from here on

        try fixture.sandbox.write("Edited <edited@example.com> <old@example.com>\n", to: ".mailmap", in: files)
        try fixture.sandbox.write("Mine <mine@example.com> <old@example.com>\n", to: "my-mailmap", in: files)
        try await fixture.git("config", "mailmap.file", fixture.repository.appendingPathComponent("my-mailmap").path)
        #expect(try await developers(cold: false) == expected, "from the cache")
        #expect(try await developers() == expected, "blamed again")
        try await fixture.git("config", "--unset", "mailmap.file")
        try await fixture.git("config", "mailmap.blob", "HEAD~1:a.txt")
        #expect(try await developers() == expected, "a configured mailmap blob")
    }

    @Test func noRecordsSaysNoAttributionData() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit("x\ny\n", to: "a.txt")
        let output = try await fixture.trace("report", "--format", "json")
        #expect(output.status == 0, "\(output)")
        let json = try JSONValue(parsing: output.stdout)
        #expect(json["attribution_data"] == .bool(false))
        // Two lines of unknown origin: no share of AI at all, not 0 %.
        #expect(json["lines_added"]?["unknown"] == .integer(2))
        #expect(json["lines_added"]?["unknown_bp"] == .integer(10_000))
        for share in ["ai_bp", "mixed_bp", "human_bp", "ai_written_bp"] {
            #expect(json["lines_added"]?[share] == .null, "\(share)")
        }
        #expect(json["lines_surviving"]?["ai_written_bp"] == .null)
        #expect(
            json["warnings"]?.arrayValue?.first
                == .string(
                    "no attribution data: none of the 1 commits in this period has a SessionTrace record, so no AI share can be given"
                ))
        let text = try await fixture.trace("report")
        #expect(text.stdout.contains("WARNING: no attribution data"), "\(text)")
        let empty = try JSONValue(
            parsing: try await fixture.trace("report", "--since", "2099-01-01", "--format", "json").stdout)
        #expect(empty["warnings"] == .array([.string("no attribution data: there is no commit in this period")]))
        #expect(empty["period"]?["end_commit"] == .null && empty["lines_surviving"] == .null)
        #expect(!text.stdout.contains("AI-written (ai + mixed) share"), "\(text)")
        #expect(!text.stdout.contains("0.00%"), "\(text)")
    }

    @Test func badInputFailsWithOneLine() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit("x\n", to: "a.txt")
        let cases: [([String], String)] = [
            (
                ["--since", "yesterday"],
                "fatal: --since: 'yesterday' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"
            ),
            (
                ["--since", "2026-10-02", "--until", "2026-10-01"],
                "fatal: --since 2026-10-02 is not before --until 2026-10-01"
            ),
            (
                ["--framework", "iso27001"],
                "fatal: The value 'iso27001' is invalid for '--framework <framework>'. Please provide one of 'soc2', 'hipaa' or 'pci-dss'."
            ),
            (
                ["--format", "pdf"],
                "fatal: The value 'pdf' is invalid for '--format <format>'. Please provide one of 'text', 'markdown', 'json', 'csv' or 'html'."
            ),
            (["--trust", "/nonexistent"], "fatal: cannot read trust file /nonexistent"),
            (["--policy", "/nonexistent"], "fatal: cannot read policy file /nonexistent"),
            (["no-such-branch"], "fatal: unknown revision 'no-such-branch'"),
            (["no-such-branch..HEAD"], "fatal: unknown revision 'no-such-branch'"),
            (["HEAD...HEAD"], "fatal: symmetric ranges ('A...B') are not supported: use 'A..B'"),
            (["--output", "/nonexistent/dir/report.txt"], "fatal: cannot write /nonexistent/dir/report.txt"),
        ]
        for (arguments, message) in cases {
            let output = try await fixture.sandbox.traceArgs(["report"] + arguments, in: fixture.repository)
            #expect(output.failedCleanly, "\(arguments): \(output)")
            #expect(output.stderr.hasPrefix(message), "\(arguments): \(output)")
            #expect(output.stdout.isEmpty, "\(arguments): \(output)")
        }
        // A framework's name in any case.
        let upper = try await fixture.trace("report", "--framework", "PCI-DSS", "--no-tree", "--format", "json")
        #expect(upper.status == 0 && upper.stdout.contains("pci-dss"), "\(upper)")
        let policy = try fixture.sandbox.write("sensitive_path: [src/]\n", to: "policy.yml", in: fixture.sandbox.root)
        let misspelt = try await fixture.trace("report", "--policy", policy.path)
        #expect(misspelt.failedCleanly && misspelt.stderr.contains("unknown rule 'sensitive_path'"), "\(misspelt)")
    }
}
