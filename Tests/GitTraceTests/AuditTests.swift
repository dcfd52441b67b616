import CanonicalJSON
import Foundation
import Ledger
import Signing
import TestSupport
import Testing

/// Audit-grade findings beyond the record itself: revocation, reviews and separation of
/// duties, duplicated and truncated notes, an edited repository trust file, SARIF.
@Suite struct AuditTests {
    func recorded(name: String = #function) async throws -> (Fixture, String) { try await Fixture.recorded(name: name) }

    @Test func revokedKeyFailsWhateverTheTrustFileSays() async throws {
        let (fixture, _) = try await recorded()
        let fields = fixture.signerLine.split(separator: " ", maxSplits: 1)
        let revoked = try fixture.sandbox.write(
            "# compromised 2026-11-01\n\(fields[1]) laptop\n", to: "revoked", in: fixture.sandbox.root)
        let result = try await fixture.verify("--revoked", revoked.path)
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                ": revoked-key: signed by \(try fixture.signingKey().publicKey.fingerprint), which is revoked"),
            "\(result)")
        let byFingerprint = try fixture.sandbox.write(
            try fixture.signingKey().publicKey.fingerprint + "\n", to: "revoked2", in: fixture.sandbox.root)
        #expect(try await fixture.verify("--revoked", byFingerprint.path).status == 1)
    }

    @Test func keyRotationTrustsEachKeyInItsOwnWindow() async throws {
        let (fixture, commit) = try await recorded()
        let newKey = fixture.sandbox.root.appendingPathComponent("new.pem").path
        let newLine = try await fixture.trace("keygen", "--output", newKey, "--no-config")
        #expect(
            try await fixture.trace(
                "record", commit, "--file", "a.txt", "--lines", "2", "--origin", "human", "--key", newKey
            ).status == 0)
        let oldKey = fixture.signerLine.split(separator: " ", maxSplits: 1)[1]
        let newPublic = newLine.stdout.split(separator: " ", maxSplits: 1)[1].trimmingCharacters(in: .newlines)
        // The old key was retired in 2020; the new one has been valid since then.
        try Data(
            "alice@example.com valid-before=\"20200101Z\" \(oldKey)\nalice@example.com valid-after=\"20200101Z\" \(newPublic)\n"
                .utf8
        ).write(to: fixture.trustFile)
        let result = try await fixture.verify()
        #expect(result.status == 1)
        #expect(result.stdout.contains("record 1: key-expired"), "\(result)")
        #expect(
            result.stdout.hasSuffix("1 problem: 1 of 2 records on 1 commits verified with \(fixture.trustFile.path)\n"),
            "\(result)")
    }

    @Test func reviewsAreSignedAndSelfReviewIsFlagged() async throws {
        let (fixture, commit) = try await recorded()
        let reviewed = try await fixture.trace("review", "HEAD", "--comment", "looked at every line")
        #expect(reviewed.status == 0, "\(reviewed)")
        #expect(reviewed.stderr.contains("is your own commit: the review is recorded as a self-review"))
        let shown = try await fixture.trace("show", "--trust", fixture.trustFile.path)
        #expect(shown.stdout.contains("https://sessiontrace.dev/review/v1"))
        #expect(shown.stdout.contains("(self-review: the commit's author)"))
        #expect(shown.stdout.contains("comment    looked at every line"))
        let result = try await fixture.verify()
        #expect(result.status == 0, "a self-review is a finding, not a failure: \(result)")
        #expect(
            result.stdout.contains(
                "warning: \(commit.prefix(12)) record 2: self-review: alice@example.com reviewed their own commit"),
            "\(result)")
        // Someone else's review is no finding.
        let bobKey = fixture.sandbox.root.appendingPathComponent("bob.pem").path
        let bobLine = try await fixture.trace("keygen", "--output", bobKey, "--no-config", "--email", "bob@example.com")
        try Data((fixture.signerLine + "\n" + bobLine.stdout).utf8).write(to: fixture.trustFile)
        try await fixture.git("config", "user.email", "bob@example.com")
        #expect(try await fixture.trace("review", "HEAD", "--key", bobKey).status == 0)
        let again = try await fixture.verify()
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.components(separatedBy: "self-review").count == 2)
    }

    @Test func reviewedByTrailersAreShownAsUnsignedEvidence() async throws {
        let fixture = try await Fixture.make()
        try fixture.sandbox.write("x\n", to: "a.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        // Only the message's trailers count, as git reads them (the report reads the same):
        // a line of that shape in the body is prose.
        try await fixture.git(
            "commit", "-q", "-m",
            "fix\n\nReviewed-by: Mallory <mallory@example.com>\nsaid nobody.\n\nReviewed-by: Bob Reviewer <bob@example.com>"
        )
        let shown = try await fixture.trace("show")
        #expect(
            shown.stdout.contains(
                "unsigned   Reviewed-by: Bob Reviewer <bob@example.com> (a commit-message trailer: nobody signed it)"),
            "\(shown)")
        #expect(!shown.stdout.contains("Mallory"), "\(shown)")
        // Trailer aliases configured in a clone change nothing: `rb:` is not
        // `Reviewed-by:`, and a real `Reviewed-by:` is neither renamed away nor taken
        // for a comment.
        try await fixture.git(
            "commit", "-q", "--amend", "-m",
            "fix\n\nrb: Mallory <mallory@example.com>\nReviewed-by: Bob Reviewer <bob@example.com>")
        let recorded = try await fixture.trace(
            "record", "HEAD", "--file", "a.txt", "--lines", "1", "--origin", "ai", "--agent", "claude-code", "--model",
            "claude-sonnet-4-5")
        try #require(recorded.status == 0, "\(recorded)")
        let amendedShown = try await fixture.trace("show")
        let amendedReport = try await fixture.trace("report", "--format", "json", "--no-tree")
        for alias in ["trailer.rb.key=Reviewed-by", "trailer.reviewed-by.key=Acked-by", "core.commentChar=R"] {
            let parts = alias.split(separator: "=").map(String.init)
            try await fixture.git("config", parts[0], parts[1])
            #expect(try await fixture.trace("show").stdout == amendedShown.stdout, "\(alias)")
            let aliased = try await fixture.trace("report", "--format", "json", "--no-tree")
            #expect(
                try JSONValue(parsing: aliased.stdout)["reviews"]
                    == JSONValue(parsing: amendedReport.stdout)["reviews"],
                "\(alias)")
            try await fixture.git("config", "--unset", parts[0])
        }
        #expect(amendedShown.stdout.contains("Bob Reviewer") && !amendedShown.stdout.contains("Mallory"))
        #expect(
            try JSONValue(parsing: amendedReport.stdout)["reviews"]?["unsigned_trailer_only"] == .integer(1),
            "\(amendedReport)")
    }

    @Test func duplicatedRecordIsReported() async throws {
        let (fixture, commit) = try await recorded()
        let line = try #require(try await fixture.noteLines(commit).first)
        try await fixture.overwriteNote(commit, lines: [line, line])
        let result = try await fixture.verify()
        #expect(result.status == 1)
        #expect(result.stdout.contains("record 2: duplicate-record: record 2 repeats record 1"), "\(result)")
    }

    @Test func truncatedNoteIsReported() async throws {
        let (fixture, commit) = try await recorded()
        let line = try #require(try await fixture.noteLines(commit).first)
        try await fixture.overwriteNote(commit, bytes: Array(line.utf8.prefix(line.utf8.count / 2)))
        let result = try await fixture.verify()
        #expect(result.status == 1)
        #expect(
            result.stdout.contains("record 1: truncated-note: the note ends in the middle of record 1"), "\(result)")
    }

    @Test func trustFileEditedInTheRepositoryIsReported() async throws {
        let (fixture, _) = try await recorded()
        let mallory = try SigningKey.generate().publicKey
        try fixture.sandbox.write(
            fixture.signerLine + "\nmallory@example.com \(mallory.openSSH)\n", to: ".sessiontrace/allowed_signers",
            in: fixture.repository)
        let changed = try await fixture.commit("x\n", to: "other.txt")
        let result = try await fixture.verify()
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout.contains(
                "warning: \(changed.prefix(12)): repository-trust-edited: the repository's .sessiontrace/allowed_signers trusts \(mallory.fingerprint) for mallory@example.com, which your trust file does not (last changed in commit \(changed.prefix(12)) by alice@example.com)"
            ), "\(result)")
    }

    @Test func sarifListsEveryFinding() async throws {
        let (fixture, commit) = try await recorded()
        try await fixture.git("notes", "--ref", "sessiontrace", "append", "-m", "garbage", commit)
        let result = try await fixture.verify("--format", "sarif")
        #expect(result.status == 1)
        let document = try JSONValue(parsing: result.stdout.trimmingCharacters(in: .newlines))
        #expect(document["version"] == .string("2.1.0"))
        let results = try #require(document["runs"]?.arrayValue?.first?["results"]?.arrayValue)
        #expect(results.count == 1)
        #expect(results[0]["ruleId"] == .string("not-json"))
        #expect(results[0]["level"] == .string("error"))
    }

    @Test func cacheSkipsVerifiedNotesButNeverHidesATamper() async throws {
        let fixture = try await Fixture.make()
        var commits = [String]()
        for index in 1...6 {
            let commit = try await fixture.commit(numberedLines(index), to: "f\(index).txt")
            #expect(
                try await fixture.trace(
                    "record", commit, "--file", "f\(index).txt", "--lines", "1", "--origin", "human"
                ).status == 0)
            commits.append(commit)
        }
        let cold = try await fixture.verify("--cache")
        #expect(cold.stdout == "ok: 6 of 6 records on 6 commits verified with \(fixture.trustFile.path)\n", "\(cold)")
        let warm = try await fixture.verify("--cache")
        #expect(
            warm.stdout.contains(
                "ok: 6 of 6 records on 6 commits verified with \(fixture.trustFile.path) (6 from the cache)"), "\(warm)"
        )
        let line = try #require(try await fixture.noteLines(commits[2]).first)
        try await fixture.overwriteNote(commits[2], lines: [try tamper(line, signature: { $0[3] ^= 1 })])
        let tampered = try await fixture.verify("--cache")
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("signature-altered"), "\(tampered)")
        #expect(tampered.stdout.contains("(5 from the cache)"), "\(tampered)")
        // A comment does not change what the trust file says, so the cache still applies;
        // another key would key another cache.
        try Data((fixture.signerLine + "\n# audit 2\n").utf8).write(to: fixture.trustFile)
        let retrusted = try await fixture.verify("--cache")
        #expect(retrusted.stdout.contains("(5 from the cache)"), "same entries, same cache: \(retrusted)")
    }

    @Test func parallelVerificationReportsWhatOneThreadDoes() async throws {
        let fixture = try await Fixture.make()
        for index in 1...12 {
            let commit = try await fixture.commit(numberedLines(index), to: "f\(index).txt")
            #expect(
                try await fixture.trace(
                    "record", commit, "--file", "f\(index).txt", "--lines", "1", "--origin", "human"
                ).status == 0)
            if index % 4 == 0 {
                try await fixture.git("notes", "--ref", "sessiontrace", "append", "-m", "junk \(index)", commit)
            }
        }
        let one = try await fixture.verify("--jobs", "1", "--json")
        let many = try await fixture.verify("--jobs", "4", "--json")
        #expect(one.status == 1 && many.status == 1)
        let first = try JSONValue(parsing: one.stdout.trimmingCharacters(in: .newlines))
        let second = try JSONValue(parsing: many.stdout.trimmingCharacters(in: .newlines))
        #expect(first == second)
        #expect(first["problems"]?.arrayValue?.count == 3)
    }
}
