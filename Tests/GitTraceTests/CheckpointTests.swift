import Foundation
import Ledger
import Testing
import TestSupport

/// Checkpoints prove that nothing was removed since an audit.
@Suite struct CheckpointTests {
    /// Three commits with a record each, and a checkpoint of that ledger.
    func checkpointed() async throws -> (Fixture, [String], URL) {
        let fixture = try await Fixture.make()
        var commits = [String]()
        for index in 1...3 {
            let commit = try await fixture.commit(numberedLines(index + 1), to: "f\(index).txt")
            #expect(try await fixture.trace("record", commit, "--file", "f\(index).txt", "--lines", "1", "--origin", "human").status == 0)
            commits.append(commit)
        }
        let file = fixture.sandbox.root.appendingPathComponent("audit-2026-11.checkpoint")
        let made = try await fixture.trace("checkpoint", "--output", file.path)
        #expect(made.status == 0, "\(made)")
        #expect(made.stderr.contains("checkpoint of 3 records"))
        return (fixture, commits, file)
    }

    @Test func untouchedLedgerPassesAndNewRecordsAreFine() async throws {
        let (fixture, _, file) = try await checkpointed()
        let later = try await fixture.commit("more\n", to: "later.txt")
        #expect(try await fixture.trace("record", later, "--file", "later.txt", "--lines", "1", "--origin", "human").status == 0)
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
        #expect(result.stdout.contains("\(commits[1].prefix(12)): record-removed: record \(Envelope.recordDigest(ofLine: removed)), covered by the checkpoint, is no longer in the ledger"), "\(result)")
    }

    @Test func forceRewrittenNotesHistoryIsDetected() async throws {
        let (fixture, _, file) = try await checkpointed()
        // Rebuild the notes ref from scratch with the same records: history rewritten.
        let tree = try await fixture.git("rev-parse", "refs/notes/sessiontrace^{tree}").trimmingCharacters(in: .newlines)
        let orphan = try await fixture.git("commit-tree", tree, "-m", "rewritten").trimmingCharacters(in: .newlines)
        try await fixture.git("update-ref", "refs/notes/sessiontrace", orphan)
        let result = try await fixture.verify("--since-checkpoint", file.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("notes-history-rewritten: refs/notes/sessiontrace no longer descends from notes commit"), "\(result)")
    }

    @Test func alteredCheckpointOrUntrustedSignerIsRefused() async throws {
        let (fixture, _, file) = try await checkpointed()
        let text = try String(contentsOf: file, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\n3\n", with: "\n2\n").utf8).write(to: file)
        let altered = try await fixture.verify("--since-checkpoint", file.path)
        #expect(altered.failedCleanly, "\(altered)")
        #expect(altered.stderr.contains("no valid signature by a key the trust file allows"))
    }
}
