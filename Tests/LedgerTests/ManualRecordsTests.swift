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
        return try lines.map { try Statement(envelope: try Envelope(line: $0)) }
    }

    @Test func aRecordIsSignedAppendedAndCountsItsLines() async throws {
        let (sandbox, repository, commits) = try await repository()
        defer { withExtendedLifetime(sandbox) {} }
        let identity = SigningIdentity(key: try SigningKey.generate(), email: "alice@example.com", keyPath: "memory")
        let (digest, lines) = try RecordBuilder(repository: repository).record(
            [
                ClaimRequest(path: "a.txt", lines: [3...3], origin: .ai, agent: "cursor", model: "openai/gpt-5"),
                ClaimRequest(path: "a.txt", lines: [4...4], origin: .human),
            ], on: commits[1], signer: identity, at: 1_790_000_000)
        #expect(digest.hasPrefix("sha256:") && digest.count == 71)
        #expect(lines == [.ai: 1, .human: 1])
        let recorded = try statements(on: commits[1], in: repository)
        #expect(recorded.count == 1)
        // Version 2: every added line claimed, so the larger label (a tie: the first
        // in canonical order, the agent's) is rest and only the person's line is listed.
        #expect(recorded.first?.format == .v2)
        #expect(recorded.first?.attribution?.rest?.contributor.agent == "cursor")
        #expect(recorded.first?.attribution?.files.first?.ranges.map(\.startLine) == [4])
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

/// What the writer puts in a version 2 record (spec/records.md §8, "Writers").
@Suite struct Version2WriterTests {
    static let agent = Contributor(type: .ai, agent: "codex", modelID: "openai/gpt-5-codex")

    func attribution(
        _ claims: [LineClaim], on commit: ObjectID, in repository: Repository
    ) throws -> Attribution {
        let identity = SigningIdentity(key: try SigningKey.generate(), email: "alice@example.com", keyPath: "memory")
        let statement = try RecordBuilder(repository: repository).attribution(
            for: commit, claims: claims, signer: identity, recordedAt: 1_790_000_000)
        #expect(statement.format == .v2)
        // What is written reads back the same.
        let line = try RecordBuilder.sign(statement, with: identity.key).line
        #expect(try Statement(envelope: try Envelope(line: line)) == statement)
        return try #require(statement.attribution)
    }

    /// One commit adds 4 lines to a.txt and 2 to b.txt, and renames c.txt to d.txt with
    /// a change (a new path: all of its 2 lines are added).
    func commit() async throws -> (Sandbox, Repository, ObjectID) {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write("a1\n", to: "a.txt", in: directory)
        try sandbox.write("c1\n", to: "c.txt", in: directory)
        try await sandbox.commitAll("base", in: directory)
        try sandbox.write("a1\na2\na3\na4\na5\n", to: "a.txt", in: directory)
        try sandbox.write("b1\nb2\n", to: "b.txt", in: directory)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("c.txt"))
        try sandbox.write("c1\nd2\n", to: "d.txt", in: directory)
        let commit = ObjectID(hex: try await sandbox.commitAll("change", in: directory))!
        return (sandbox, try Repository(discoveringFrom: directory.path), commit)
    }

    @Test func restIsTheLargestLabelWhenEveryAddedLineIsClaimed() async throws {
        let (sandbox, repository, commit) = try await commit()
        defer { withExtendedLifetime(sandbox) {} }
        let human = Contributor(type: .human)
        let complete = try attribution(
            [
                LineClaim(path: "a.txt", lines: [2...4], contributor: Self.agent),
                LineClaim(path: "a.txt", lines: [5...5], contributor: human),
                LineClaim(path: "b.txt", lines: [1...2], contributor: Self.agent),
                LineClaim(path: "d.txt", lines: [1...2], contributor: human),
            ], on: commit, in: repository)
        #expect(complete.rest == RangeLabel(contributor: Self.agent))
        #expect(complete.files.map(\.path) == ["a.txt", "d.txt"])
        #expect(complete.files.flatMap(\.ranges).allSatisfy { $0.contributor == human })
        // Spelled out again, the record says what the claims said.
        let expanded = try complete.expanded(on: commit, in: repository)
        #expect(expanded.files.flatMap(\.ranges).reduce(0) { $0 + $1.lineCount } == 8)
        // The counts are git's (as version 1 wrote them): c.txt → d.txt is a rename
        // there, adding one line, while a record speaks of d.txt's path, all new.
        #expect(expanded.totals == Totals(added: 7, deleted: 0, ai: 5, human: 3, mixed: 0))

        // d.txt line 2 claimed by nobody: rest would claim it, so there is none.
        let partial = try attribution(
            [
                LineClaim(path: "a.txt", lines: [2...5], contributor: Self.agent),
                LineClaim(path: "b.txt", lines: [1...2], contributor: Self.agent),
                LineClaim(path: "d.txt", lines: [1...1], contributor: human),
            ], on: commit, in: repository)
        #expect(partial.rest == nil)
        #expect(partial.files.map(\.path) == ["a.txt", "b.txt", "d.txt"])
    }

    @Test func aTeamOnAnOlderVersionCanKeepVersion1() async throws {
        let (sandbox, repository, commit) = try await commit()
        let claims = [LineClaim(path: "b.txt", lines: [1...2], contributor: Self.agent)]
        let identity = SigningIdentity(key: try SigningKey.generate(), email: "alice@example.com", keyPath: "memory")
        try await sandbox.git(
            "config", "sessiontrace.recordFormat", "1", in: URL(fileURLWithPath: repository.workingDirectory!))
        let v1 = try RecordBuilder(repository: repository).attribution(
            for: commit, claims: claims, signer: identity, recordedAt: 1_790_000_000)
        #expect(v1.format == .v1 && v1.attribution?.totals != nil && v1.attribution?.rest == nil)
        try await sandbox.git(
            "config", "sessiontrace.recordFormat", "3", in: URL(fileURLWithPath: repository.workingDirectory!))
        #expect {
            try RecordBuilder(repository: repository).attribution(
                for: commit, claims: claims, signer: identity, recordedAt: 1_790_000_000)
        } throws: { error in
            "\(error)".contains("sessiontrace.recordFormat is '3': set it to 1 or 2")
        }
    }
}
