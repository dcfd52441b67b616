import Foundation
import Git
import Keys
import Ledger
import Policy
import Records
import Reports
import Signing
import TestSupport
import Testing
import Verification

/// The compliance report's figures, built in process from a real repository whose
/// truth is known line by line: an agent's commit, a person's, a commit nobody
/// recorded, and a record by a key nobody trusts that claims the person's lines.
@Suite struct ReportFiguresTests {
    @Test func figuresCountEachLineOnceByItsVerifiedOrigin() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write("one\ntwo\nthree\n", to: "src/ai.swift", in: directory)
        let aiCommit = ObjectID(hex: try await sandbox.commitAll("ai", in: directory))!
        try sandbox.write("four\nfive\n", to: "src/human.swift", in: directory)
        let humanCommit = ObjectID(hex: try await sandbox.commitAll("human", in: directory))!
        try sandbox.write("six\n", to: "docs/unrecorded.md", in: directory)
        _ = try await sandbox.commitAll("unrecorded", in: directory)

        let repository = try Repository(discoveringFrom: directory.path)
        let trusted = try SigningKey.generate(), stranger = try SigningKey.generate()
        func record(
            _ commit: ObjectID, _ path: String, _ lines: ClosedRange<Int>, _ contributor: Contributor,
            key: SigningKey, at time: Int64
        ) throws -> String {
            let statement = try RecordBuilder(repository: repository).attribution(
                for: commit,
                claims: [
                    LineClaim(
                        path: path, lines: [lines], contributor: contributor,
                        sessionID: contributor.type == .human ? nil : "s1")
                ],
                signer: SigningIdentity(key: key, email: "alice@example.com", keyPath: "memory"), recordedAt: time)
            return try RecordBuilder.sign(statement, with: key).line
        }
        let claude = Contributor(type: .ai, agent: "claude-code", modelID: "anthropic/claude-sonnet-4-5")
        try NotesLedger(repository: repository).append(
            [
                aiCommit: [try record(aiCommit, "src/ai.swift", 1...3, claude, key: trusted, at: 1_790_000_000)],
                humanCommit: [
                    try record(
                        humanCommit, "src/human.swift", 1...2, Contributor(type: .human), key: trusted,
                        at: 1_790_000_000),
                    // Later, but untrusted: must not replace the trusted record.
                    try record(humanCommit, "src/human.swift", 1...2, claude, key: stranger, at: 1_790_000_100),
                ],
            ], message: "records")
        let trust = try AllowedSigners(
            text: "alice@example.com \(trusted.publicKey.openSSH)\n", source: "allowed_signers")
        let policy = try Policy(yaml: "sensitive_paths: [src/]\n", source: "policy.yml")
        let report = try ReportBuilder.build(
            repository: repository, options: ReportOptions(), trust: trust, trustFromRepository: false, policy: policy)

        #expect(report.commits == 3 && report.commitsWithRecords == 2)
        #expect(report.added == LineCounts(ai: 3, mixed: 0, human: 2, unknown: 1), "\(report.added)")
        #expect(
            report.surviving == LineCounts(ai: 3, mixed: 0, human: 2, unknown: 1),
            "\(String(describing: report.surviving))")
        #expect(
            report.models.map { "\($0.agent) \($0.model) \($0.ai)" } == ["claude-code anthropic/claude-sonnet-4-5 3"])
        #expect(
            report.survivingByModel.map { "\($0.agent) \($0.model) \($0.ai)" } == [
                "claude-code anthropic/claude-sonnet-4-5 3"
            ])
        // The agent's lines are in a sensitive path and nobody reviewed them.
        #expect(report.reviews.unreviewed == 3 && report.reviews.commitsWithAI == 1)
        #expect(report.risk.map(\.path) == ["src/ai.swift"] && report.risk.first?.lines == 3)
        // The stranger's record is counted as a problem, not used.
        #expect(report.integrity.recordsVerified == 2, "\(report.integrity)")
        #expect(!report.integrity.verifiedAll)
        #expect(report.integrity.problems["untrusted-key"] == 1, "\(report.integrity.problems)")
        let byDirectory = Dictionary(uniqueKeysWithValues: report.byDirectory.map { ($0.directory, $0.lines) })
        #expect(byDirectory["src/"] == LineCounts(ai: 3, mixed: 0, human: 2, unknown: 0))
        #expect(byDirectory["docs/"] == LineCounts(ai: 0, mixed: 0, human: 0, unknown: 1))

        // Without a trust file nothing is verified, and the report says so first.
        let unverified = try ReportBuilder.build(
            repository: repository, options: ReportOptions(), trust: nil, trustFromRepository: false, policy: policy)
        #expect(unverified.integrity.trustSource == nil && !unverified.integrity.verifiedAll)
        #expect(!unverified.headlineWarnings.isEmpty)
    }
}
