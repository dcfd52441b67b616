import Foundation
import Git
import Keys
import Ledger
import Records
import Signing
import TestSupport
import Testing

/// `git trace record` and `git trace review` as use cases, in process.
@Suite struct ManualRecordsTests {
    @Test func aPersonsLinesNameNoAgentModelOrSession() {
        let claim = ClaimRequest(
            path: "a.txt", lines: [1...2], origin: .human, agent: "cursor", model: "gpt-5", session: "s1",
            promptSHA256: String(repeating: "AB", count: 32)
        ).claim
        #expect(claim.contributor == Contributor(type: .human))
        #expect(claim.sessionID == nil)
        #expect(claim.promptDigest == "sha256:" + String(repeating: "ab", count: 32))
        #expect(claim.confidenceBasisPoints == 10_000)
    }

    @Test func anAgentsLinesKeepAQualifiedModelAndTheSession() {
        let claim = ClaimRequest(
            path: "a.txt", lines: [3...4], origin: .mixed, agent: "claude-code", model: "claude-sonnet-4-5",
            session: "s1", confidenceBasisPoints: 9_000
        ).claim
        #expect(
            claim.contributor == Contributor(type: .mixed, agent: "claude-code", modelID: "anthropic/claude-sonnet-4-5")
        )
        #expect(claim.sessionID == "s1")
        #expect(claim.promptDigest == nil)
        #expect(claim.confidenceBasisPoints == 9_000)
    }

    func repository() async throws -> (Sandbox, Repository, [ObjectID]) {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity(email: "Alice@Example.com")
        let directory = try await sandbox.makeRepository()
        var commits = [ObjectID]()
        for index in 1...3 {
            try sandbox.write(numberedLines(index * 2), to: "a.txt", in: directory)
            commits.append(ObjectID(hex: try await sandbox.commitAll("c\(index)", in: directory))!)
        }
        return (sandbox, try Repository(discoveringFrom: directory.path), commits)
    }

    func statements(on commit: ObjectID, in repository: Repository) throws -> [Statement] {
        guard case .lines(let lines, _)? = NotesLedger(repository: repository).note(on: commit) else { return [] }
        return try lines.map { try Statement(payload: try Envelope(line: $0).payload) }
    }

    @Test func aRecordIsSignedAppendedAndCountsItsLines() async throws {
        let (sandbox, repository, commits) = try await repository()
        defer { withExtendedLifetime(sandbox) {} }
        let identity = SigningIdentity(key: try SigningKey.generate(), email: "alice@example.com", keyPath: "memory")
        let (digest, totals) = try RecordBuilder(repository: repository).record(
            [
                ClaimRequest(path: "a.txt", lines: [3...3], origin: .ai, agent: "cursor", model: "openai/gpt-5"),
                ClaimRequest(path: "a.txt", lines: [4...4], origin: .human),
            ], on: commits[1], signer: identity, at: 1_790_000_000)
        #expect(digest.hasPrefix("sha256:") && digest.count == 71)
        #expect((totals.ai, totals.human, totals.mixed, totals.added) == (1, 1, 0, 2))
        let recorded = try statements(on: commits[1], in: repository)
        #expect(recorded.count == 1)
        #expect(recorded.first?.attribution?.files.first?.ranges.map(\.startLine) == [3, 4])
        #expect(try statements(on: commits[0], in: repository).isEmpty)
    }

    @Test func aClaimOfLinesTheCommitDidNotAddIsRefusedAndNothingIsWritten() async throws {
        let (sandbox, repository, commits) = try await repository()
        defer { withExtendedLifetime(sandbox) {} }
        let identity = SigningIdentity(key: try SigningKey.generate(), email: "alice@example.com", keyPath: "memory")
        #expect(throws: ClaimError.self) {
            try RecordBuilder(repository: repository).record(
                [ClaimRequest(path: "a.txt", lines: [1...4], origin: .human)], on: commits[1], signer: identity,
                at: 1_790_000_000)
        }
        #expect(NotesLedger(repository: repository).note(on: commits[1]) == nil)
    }

    /// The author's email in another case is still the author: a self-review.
    @Test func reviewsOfSeveralCommitsSayWhichAreTheSignersOwn() async throws {
        let (sandbox, repository, commits) = try await repository()
        defer { withExtendedLifetime(sandbox) {} }
        let identity = SigningIdentity(key: try SigningKey.generate(), email: "alice@example.com", keyPath: "memory")
        let own = try RecordBuilder(repository: repository).recordReviews(
            of: commits, signer: identity, comment: "checked", at: 1_790_000_000)
        #expect(own == commits)
        for commit in commits {
            let reviews = try statements(on: commit, in: repository).compactMap(\.review)
            #expect(reviews.map(\.comment) == ["checked"] && reviews.allSatisfy(\.selfReview))
        }
        let other = SigningIdentity(key: try SigningKey.generate(), email: "bob@example.com", keyPath: "memory")
        #expect(
            try RecordBuilder(repository: repository).recordReviews(
                of: [commits[0]], signer: other, comment: nil, at: 1_790_000_000
            ).isEmpty)
    }
}
