import Foundation
import Ledger
import Testing
import TestSupport

/// Capture never loses a record (issue: capture fidelity): every commit made here since
/// `git trace init` gets one, whatever the timing of the background jobs.
@Suite struct LostRecordTests {
    /// A commit whose job never ran (killed, a full disk, a second commit that came
    /// first), simulated by committing with hooks switched off.
    func commitWithoutJob(_ fixture: Fixture, _ text: String, to path: String) async throws -> String {
        try fixture.sandbox.write(text, to: path, in: fixture.repository)
        try await fixture.git("add", "-A")
        try await fixture.git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "no job for \(path)")
        return try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func hasRecord(_ fixture: Fixture, _ commit: String) async throws -> Bool {
        try await fixture.sandbox.run("git", ["notes", "--ref", "sessiontrace", "show", commit], in: fixture.repository).status == 0
    }

    static func withoutRecord(_ statusJSON: String) throws -> [String]? {
        let object = try JSONSerialization.jsonObject(with: Data(statusJSON.utf8)) as? [String: Any]
        return object?["commits_without_record"] as? [String]
    }

    @Test func theNextJobRecordsCommitsWhoseJobNeverRan() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        // Right after init: the very first commits are the ones that were lost.
        let first = try await commitWithoutJob(fixture, "one\n", to: "a.txt")
        let second = try await commitWithoutJob(fixture, "two\n", to: "b.txt")
        let status = try await fixture.sandbox.trace("status", "--json", in: fixture.repository)
        #expect(try Self.withoutRecord(status.stdout) == [second, first], "status must list them: \(status)")
        try fixture.sandbox.write("three\n", to: "c.txt", in: fixture.repository)
        let third = try await fixture.commitRecorded("third")
        for commit in [first, second, third] { #expect(try await hasRecord(fixture, commit), "\(commit) has no record") }
        let after = try await fixture.sandbox.trace("status", "--json", in: fixture.repository)
        #expect(try Self.withoutRecord(after.stdout) == [])
        #expect(try await fixture.verify().status == 0)
    }

    @Test func aTeammatesCommitIsNotOursToRecord() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try fixture.sandbox.write("seed\n", to: "README", in: fixture.repository)
        _ = try await fixture.commitRecorded("seed")
        let teammate = fixture.sandbox.root.appendingPathComponent("teammate")
        try await fixture.sandbox.git("clone", "-q", fixture.repository.path, teammate.path, in: fixture.sandbox.root)
        try fixture.sandbox.write("theirs\n", to: "t.txt", in: teammate)
        try await fixture.sandbox.git("add", "-A", in: teammate)
        try await fixture.sandbox.git("-c", "user.email=bob@example.com", "commit", "-q", "-m", "bob's", in: teammate)
        let bobs = try await fixture.sandbox.git("rev-parse", "HEAD", in: teammate).trimmingCharacters(in: .whitespacesAndNewlines)
        try await fixture.git("pull", "-q", "--ff-only", teammate.path, "main")
        try fixture.sandbox.write("mine\n", to: "m.txt", in: fixture.repository)
        let mine = try await fixture.commitRecorded("mine")
        #expect(try await hasRecord(fixture, mine))
        #expect(try await !hasRecord(fixture, bobs), "a teammate's commit is not ours to record")
    }

    @Test func commitsFromBeforeInitAreNotRecorded() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.git("config", "core.hooksPath", "/dev/null")
        let old = try await fixture.commit("old\n", to: "old.txt")
        // Capture begins later than that commit (a clock second apart, as a reflog says).
        try await Task.sleep(nanoseconds: 1_100_000_000)
        try await fixture.git("config", "--unset", "core.hooksPath")
        let state = fixture.repository.appendingPathComponent(".git/sessiontrace")
        try? FileManager.default.removeItem(at: state)
        #expect(try await fixture.sandbox.trace("init", in: fixture.repository).status == 0)
        try fixture.sandbox.write("new\n", to: "new.txt", in: fixture.repository)
        let new = try await fixture.commitRecorded("new")
        #expect(try await hasRecord(fixture, new))
        #expect(try await !hasRecord(fixture, old), "history from before capture is unknown, never recorded as human")
    }
}
