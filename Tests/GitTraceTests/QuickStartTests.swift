import CanonicalJSON
import Foundation
import Ledger
import Records
import Signing
import TestSupport
import Testing

/// The README's quick start, run as a user runs it: through `git trace`.
@Suite struct QuickStartTests {
    @Test func keygenInitCommitRecordShowVerify() async throws {
        let fixture = try await Fixture.make()
        let commit = try await fixture.commit(numberedLines(50), to: "src/app.swift")
        let recorded = try await fixture.sandbox.run(
            "git",
            [
                "trace", "record", "HEAD", "--file", "src/app.swift", "--lines", "3-20,40-41", "--origin", "ai",
                "--agent", "claude-code", "--model", "claude-sonnet-4-5", "--session", "s-1",
            ],
            in: fixture.repository)
        #expect(recorded.status == 0, "\(recorded)")
        #expect(recorded.stdout.contains("ai 20, mixed 0, human 0 lines"))

        let shown = try await fixture.sandbox.run(
            "git", ["trace", "show", "--trust", fixture.trustFile.path], in: fixture.repository)
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout.contains("commit \(commit)"))
        #expect(shown.stdout.contains("signer     alice@example.com"))
        #expect(shown.stdout.contains("verified (trusted by \(fixture.trustFile.path) line 1)"))
        #expect(shown.stdout.contains("  src/app.swift\n"))
        #expect(shown.stdout.contains("       3-20  ai      claude-code  anthropic/claude-sonnet-4-5  session s-1"))
        #expect(shown.stdout.contains("      40-41  ai "))
        // Version 2 states no totals: show counts them from the ranges and the diff.
        #expect(shown.stdout.contains("totals     +50 -0  ai 20  mixed 0  human 0"), "\(shown)")

        let verified = try await fixture.sandbox.run(
            "git", ["trace", "verify", "--trust", fixture.trustFile.path], in: fixture.repository)
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout == "ok: 1 of 1 records on 1 commits verified with \(fixture.trustFile.path)\n")
    }

    @Test func showJSONCarriesTheDecodedStatement() async throws {
        let fixture = try await Fixture.make()
        let commit = try await fixture.commit(numberedLines(10), to: "a.txt")
        try await fixture.commit(numberedLines(10) + "extra\n", to: "a.txt")
        let recorded = try await fixture.trace(
            "record", commit, "--file", "a.txt", "--lines", "1-5", "--file", "a.txt", "--lines", "7",
            "--origin", "mixed", "--origin", "human", "--agent", "cursor", "--model", "openai/gpt-5",
            "--prompt-sha256", String(repeating: "ab", count: 32), "--confidence", "9000")
        #expect(recorded.status == 0, "\(recorded)")
        let shown = try await fixture.trace("show", String(commit.prefix(10)), "--json")
        #expect(shown.status == 0, "\(shown)")
        let records = try #require(try JSONValue(parsing: shown.stdout.trimmingCharacters(in: .newlines)).arrayValue)
        #expect(records.count == 1)
        // Version 2 names its key only by id: nothing to check it with, without a trust file.
        #expect(records[0]["signature_matches_embedded_key"] == .null)
        #expect(records[0]["trust"] == .string("not-checked"))
        #expect(records[0]["format"] == .integer(2))
        let statement = try Statement(
            payload: try #require(records[0]["statement"]).canonicalBytes, format: .v2)
        #expect(statement.commit == commit)
        let file = try #require(statement.attribution?.files.first)
        #expect(file.path == "a.txt")
        #expect(file.ranges.map { $0.startLine...$0.endLine } == [1...5, 7...7])
        #expect(file.ranges[0].contributor == Contributor(type: .mixed, agent: "cursor", modelID: "openai/gpt-5"))
        #expect(file.ranges[0].promptDigest == "sha256:" + String(repeating: "ab", count: 32))
        #expect(file.ranges[0].confidenceBasisPoints == 9000)
        #expect(file.ranges[1].contributor == Contributor(type: .human))
        // Not every added line is claimed (6, 8-10 are nobody's), so there is no rest.
        #expect(statement.attribution?.rest == nil)
        #expect(statement.attribution?.totals == nil && file.ranges[0].contentHash == nil)
    }

    @Test func recordsAppendAndTraceLogShowsTheNewest() async throws {
        let fixture = try await Fixture.make()
        let commit = try await fixture.commit(numberedLines(4), to: "a.txt")
        for origin in ["ai", "human"] {
            let output = try await fixture.trace(
                "record", "HEAD", "--file", "a.txt", "--lines", "1-2", "--origin", origin, "--agent", "codex",
                "--model", "gpt-5-codex")
            #expect(output.status == 0, "\(output)")
        }
        #expect(try await fixture.noteLines(commit).count == 2)
        // git log stays readable; git trace log sums up the newest record (human).
        #expect(!(try await fixture.git("log", "-1")).contains("Notes (sessiontrace):"))
        let log = try await fixture.trace("log", "-1", "--trust", fixture.trustFile.path)
        #expect(
            log.stdout.contains("ai 0 % · mixed 0 % · human 50 % of 4 lines added (2 unknown) · verified"), "\(log)")
        let verified = try await fixture.verify()
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout.hasPrefix("ok: 2 of 2 records on 1 commits"))
    }

    @Test func verifyUsesTheRepositoryTrustFileAndWarnsAboutIt() async throws {
        let fixture = try await Fixture.make()
        try fixture.sandbox.write(
            fixture.signerLine + "\n", to: ".sessiontrace/allowed_signers", in: fixture.repository)
        try await fixture.commit(numberedLines(3), to: "a.txt")
        #expect(
            try await fixture.trace(
                "record", "HEAD", "--file", "a.txt", "--lines", "1-3", "--agent", "claude-code", "--model",
                "claude-opus-4"
            ).status == 0)
        let verified = try await fixture.trace("verify")
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stderr.contains("warning: trusting .sessiontrace/allowed_signers from HEAD"))
        #expect(verified.stderr.contains("pass --trust FILE"))
        let shown = try await fixture.trace("show")
        #expect(shown.stdout.contains("verified (trusted by .sessiontrace/allowed_signers@"))
    }

    @Test func verifyRangeChecksOnlyThoseCommits() async throws {
        let fixture = try await Fixture.make()
        let first = try await fixture.commit(numberedLines(3), to: "a.txt")
        #expect(
            try await fixture.trace("record", first, "--file", "a.txt", "--lines", "1-3", "--origin", "human").status
                == 0)
        let second = try await fixture.commit(numberedLines(4), to: "a.txt")
        #expect(
            try await fixture.trace("record", second, "--file", "a.txt", "--lines", "4", "--origin", "human").status
                == 0)
        try await fixture.overwriteNote(first, lines: ["garbage"])
        let onlySecond = try await fixture.verify("\(first)..\(second)")
        #expect(onlySecond.status == 0, "\(onlySecond)")
        #expect(onlySecond.stdout.contains("1 of 1 records on 1 commits"))
        let all = try await fixture.verify()
        #expect(all.status == 1)
        let json = try await fixture.verify("--json")
        let result = try JSONValue(parsing: json.stdout.trimmingCharacters(in: .newlines))
        #expect(result["records"] == .integer(2))
        #expect(result["verified"] == .integer(1))
        #expect(result["problems"]?.arrayValue?.first?["code"] == .string("not-json"))
        #expect(result["problems"]?.arrayValue?.first?["commit"] == .string(first))
    }
}

func sha256Hex(_ text: String) -> String {
    SHA256.hexDigest(text)
}

/// The README's quick start, pasted into a shell as a new user would.
@Suite struct ReadmeTests {
    @Test func quickStartCommandsWorkAsWritten() async throws {
        let readme = try String(
            contentsOf: InteropTests.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let block = try #require(
            readme.components(separatedBy: "<!-- quick-start -->").dropFirst().first?.components(
                separatedBy: "<!-- /quick-start -->"
            ).first)
        let commands = block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        #expect(commands.count == 5)
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let repository = try await sandbox.makeRepository()
        try sandbox.write(numberedLines(12), to: "README.md", in: repository)
        try await sandbox.commitAll("readme", in: repository)
        var last: ProcessOutput?
        for command in commands {
            let output = try await sandbox.run("bash", ["-c", command], in: repository)
            #expect(output.status == 0, "\(command): \(output)")
            last = output
        }
        #expect(last?.stdout.hasPrefix("ok: 1 of 1 records on 1 commits verified") == true)
    }
}
