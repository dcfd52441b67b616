import Foundation
import Git
import Hex
import Keys
import Ledger
import Records
import Signing
import TestSupport
import Testing

/// Checkpoints prove that nothing was removed since an audit.
@Suite struct CheckpointTests {
    /// Three commits with a record each, and a checkpoint of that ledger.
    func checkpointed() async throws -> (Fixture, [String], URL) {
        let fixture = try await Fixture.make()
        let commits = try await fixture.commitsWithRecords(3)
        let file = fixture.sandbox.root.appendingPathComponent("audit-2026-11.checkpoint")
        let made = try await fixture.trace("checkpoint", "--output", file.path)
        #expect(made.status == 0, "\(made)")
        #expect(made.stderr.contains("checkpoint of 3 records"))
        return (fixture, commits, file)
    }

    @Test func untouchedLedgerPassesAndNewRecordsAreFine() async throws {
        let (fixture, _, file) = try await checkpointed()
        let later = try await fixture.commit("more\n", to: "later.txt")
        #expect(
            try await fixture.trace("record", later, "--file", "later.txt", "--lines", "1", "--origin", "human").status
                == 0)
        let result = try await fixture.verify("--since-checkpoint", file.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("checkpoint of 3 records"))
        #expect(result.stdout.contains("signed by alice@example.com"))
    }

    @Test func recordDeletedAfterTheCheckpointIsListed() async throws {
        let (fixture, commits, file) = try await checkpointed()
        let removed = try #require(try await fixture.noteLines(commits[1]).first)
        try await fixture.git("notes", "--ref", "sessiontrace", "remove", commits[1])
        let result = try await fixture.verify("--since-checkpoint", file.path)
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "\(commits[1].prefix(12)): record-removed: record \(Envelope.recordDigest(ofLine: removed)), covered by the checkpoint, is no longer on the note of commit \(commits[1].prefix(12)) (removed or altered)"
            ), "\(result)")
    }

    @Test func forceRewrittenNotesHistoryIsDetected() async throws {
        let (fixture, _, file) = try await checkpointed()
        // Rebuild the notes ref from scratch with the same records: history rewritten.
        let tree = try await fixture.git("rev-parse", "refs/notes/sessiontrace^{tree}").trimmingCharacters(
            in: .newlines)
        let orphan = try await fixture.git("commit-tree", tree, "-m", "rewritten").trimmingCharacters(in: .newlines)
        try await fixture.git("update-ref", "refs/notes/sessiontrace", orphan)
        let result = try await fixture.verify("--since-checkpoint", file.path)
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "notes-history-rewritten: refs/notes/sessiontrace no longer descends from notes commit"), "\(result)")
    }

    @Test func alteredCheckpointOrUntrustedSignerIsRefused() async throws {
        let (fixture, _, file) = try await checkpointed()
        let text = try String(contentsOf: file, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\n3\n", with: "\n2\n").utf8).write(to: file)
        let altered = try await fixture.verify("--since-checkpoint", file.path)
        #expect(altered.failedCleanly, "\(altered)")
        #expect(altered.stderr.contains("no valid signature by a key the trust file allows"))
    }

    /// A record signed after the checkpoint with a retired key, claiming a time when
    /// that key was still valid: the checkpoint proves it is not that old.
    @Test func backdatedRecordIsJudgedAtTheCheckpointsTime() async throws {
        let (fixture, _, file) = try await checkpointed()
        let oldKeyPath = fixture.sandbox.root.appendingPathComponent("old.pem").path
        let oldLine = try await fixture.trace("keygen", "--output", oldKeyPath, "--no-config")
        let oldPublic = oldLine.stdout.split(separator: " ", maxSplits: 1)[1].trimmingCharacters(in: .newlines)
        try Data("\(fixture.signerLine)\nalice@example.com valid-before=\"20210101Z\" \(oldPublic)\n".utf8).write(
            to: fixture.trustFile)
        let later = try await fixture.commit("later\n", to: "later.txt")
        let repository = try Repository(discoveringFrom: fixture.repository.path)
        let signer = SigningIdentity(
            key: try SigningKey(contentsOfFile: oldKeyPath), email: "alice@example.com", keyPath: oldKeyPath)
        let statement = try RecordBuilder(repository: repository).attribution(
            for: ObjectID(hex: later)!,
            claims: [LineClaim(path: "later.txt", lines: [1...1], contributor: Contributor(type: .human))],
            signer: signer, recordedAt: 1_591_000_000)  // 2020-06-01, inside the old key's window
        try NotesLedger(repository: repository).append(
            [ObjectID(hex: later)!: [try RecordBuilder.sign(statement, with: signer.key).line]], message: "backdated")

        let without = try await fixture.verify()
        #expect(without.status == 0, "without a checkpoint the claimed time is all there is: \(without)")
        let with = try await fixture.verify("--since-checkpoint", file.path)
        #expect(with.status == 1, "\(with)")
        #expect(with.stdout.contains("\(later.prefix(12)) record 1: key-expired"), "\(with)")
        #expect(with.stdout.contains("(bounded by the checkpoint; the record claims 2020-06-01T"), "\(with)")
    }
}
