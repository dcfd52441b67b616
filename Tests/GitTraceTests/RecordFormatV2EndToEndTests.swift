import CanonicalJSON
import Foundation
import Git
import Keys
import Ledger
import Records
import Signing
import TestSupport
import Testing

/// A ledger holding version 1 and version 2 records (a teammate's newer git-trace
/// wrote the second kind): every command reads both, the binary end to end.
@Suite struct RecordFormatV2EndToEndTests {
    /// c1 adds a.txt with a version 1 record (3 AI lines); c2 adds 3 lines to it and
    /// b.txt, with a version 2 record listing a.txt line 4 as AI and leaving the rest
    /// (a.txt 5-6, b.txt 1-2) to a person.
    func mixedLedger() async throws -> (Fixture, c1: String, c2: String) {
        let fixture = try await Fixture.make()
        let c1 = try await fixture.commit(numberedLines(3), to: "a.txt")
        let recorded = try await fixture.trace(
            "record", c1, "--file", "a.txt", "--lines", "1-3", "--origin", "ai", "--agent", "cursor", "--model",
            "openai/gpt-5")
        try #require(recorded.status == 0, "\(recorded)")
        try fixture.sandbox.write(numberedLines(6), to: "a.txt", in: fixture.repository)
        let c2 = try await fixture.commit("b1\nb2\n", to: "b.txt")
        let repository = try Repository(discoveringFrom: fixture.repository.path)
        let identity = SigningIdentity(key: try fixture.signingKey(), email: "alice@example.com", keyPath: "memory")
        let commit = try #require(ObjectID(hex: c2))
        var statement = try RecordBuilder(repository: repository).attribution(
            for: commit,
            claims: [
                LineClaim(
                    path: "a.txt", lines: [4...4],
                    contributor: Contributor(type: .ai, agent: "claude-code", modelID: "anthropic/claude-sonnet-4-5"),
                    sessionID: "s-2")
            ], signer: identity, recordedAt: 1_790_000_000)
        if case .attribution(var attribution) = statement.predicate {
            attribution.rest = RangeLabel(contributor: Contributor(type: .human))
            statement.predicate = .attribution(attribution)
        }
        let line = try RecordBuilder.sign(statement.inVersion2, with: identity.key).line
        try NotesLedger(repository: repository).append([commit: [line]], message: "a version 2 record")
        return (fixture, c1, c2)
    }

    @Test func verifyShowAndLogReadBothVersions() async throws {
        let (fixture, _, c2) = try await mixedLedger()
        let verified = try await fixture.verify()
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout.contains("2 of 2 records"), "\(verified)")

        let shown = try await fixture.trace("show", c2, "--trust", fixture.trustFile.path)
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout.contains("verified (trusted by"), "\(shown)")
        #expect(shown.stdout.contains("every other line the commit added"), "\(shown)")
        #expect(shown.stdout.contains("rest  human"), "\(shown)")
        let unverified = try await fixture.trace("show", c2)
        #expect(unverified.stdout.contains("not checked: the record names its key only by id"), "\(unverified)")

        let json = try JSONValue(parsing: try await fixture.trace("show", c2, "--json").stdout)
        #expect(json.arrayValue?.first?["signature_matches_embedded_key"] == .null)

        let log = try await fixture.trace("log", "--trust", fixture.trustFile.path, "-n", "1")
        #expect(log.stdout.contains("ai 20 % · mixed 0 % · human 80 % of 5 lines added"), "\(log)")
    }

    @Test func blameStatsAndReportCountRestLines() async throws {
        let (fixture, _, _) = try await mixedLedger()
        let trust = fixture.trustFile.path
        let blame = try await fixture.trace("blame", "a.txt", "--trust", trust, "--json")
        let origins = try #require(try JSONValue(parsing: blame.stdout).arrayValue).map { $0["origin"]?.stringValue }
        #expect(origins == ["ai", "ai", "ai", "ai", "human", "human"], "\(blame)")
        let b = try #require(
            try JSONValue(parsing: try await fixture.trace("blame", "b.txt", "--trust", trust, "--json").stdout)
                .arrayValue)
        #expect(b.map { $0["origin"]?.stringValue } == ["human", "human"])

        let stats = try JSONValue(parsing: try await fixture.trace("stats", "--trust", trust, "--json").stdout)
        #expect(stats["ai"] == .integer(4) && stats["human"] == .integer(4), "\(stats)")

        let report = try await fixture.trace("report", "--trust", trust, "--format", "json")
        let document = try JSONValue(parsing: report.stdout)
        #expect(document["lines_added"]?["ai"] == .integer(4), "\(document["lines_added"] ?? .null)")
        #expect(document["lines_added"]?["human"] == .integer(4), "\(document["lines_added"] ?? .null)")
        #expect(document["lines_added"]?["unknown"] == .integer(0), "\(document["lines_added"] ?? .null)")
    }
}
