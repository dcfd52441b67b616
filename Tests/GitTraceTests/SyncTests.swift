import Foundation
import Git
import Ledger
import Records
import Sync
import TestSupport
import Testing

/// Records travel between clones through a real bare remote on disk, and none is
/// ever lost (issue: rewrites and sync).
@Suite struct SyncTests {
    /// A bare remote with one commit, and a sandbox whose user has a key.
    func team() async throws -> (Sandbox, URL, URL) {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let keygen = try await sandbox.trace("keygen")
        try #require(keygen.status == 0, "\(keygen)")
        let trust = try sandbox.write(keygen.stdout, to: "trust", in: sandbox.root)
        let remote = sandbox.root.appendingPathComponent("remote.git")
        try await sandbox.git("init", "-q", "--bare", remote.path, in: sandbox.root)
        let seed = try await sandbox.makeRepository("seed")
        try sandbox.write("seed\n", to: "README", in: seed)
        try await sandbox.commitAll("seed", in: seed)
        try await sandbox.git("push", "-q", remote.path, "main", in: seed)
        return (sandbox, remote, trust)
    }

    func clone(_ sandbox: Sandbox, _ remote: URL, _ name: String) async throws -> URL {
        let directory = sandbox.root.appendingPathComponent(name)
        try await sandbox.git("clone", "-q", remote.path, directory.path, in: sandbox.root)
        let initialised = try await sandbox.trace("init", in: directory)
        try #require(initialised.status == 0, "\(initialised)")
        return directory
    }

    /// Commits a file and waits for its record.
    func commit(_ sandbox: Sandbox, _ directory: URL, _ path: String, _ text: String) async throws -> String {
        try sandbox.write(text, to: path, in: directory)
        let commit = try await sandbox.commitAll("add \(path)", in: directory)
        if try await !sandbox.waitForNote(on: commit, in: directory) { Issue.record("no record on \(commit)") }
        return commit
    }

    func recordLines(_ sandbox: Sandbox, _ directory: URL) async throws -> [String] {
        let list = try await sandbox.git("notes", "--ref", "sessiontrace", "list", in: directory)
        var lines = [String]()
        for entry in list.split(separator: "\n") {
            let target = String(entry.split(separator: " ")[1])
            lines += try await sandbox.git("notes", "--ref", "sessiontrace", "show", target, in: directory).split(
                separator: "\n"
            ).map(String.init)
        }
        return lines
    }

    /// Two people pushing in turn, each with records the other has not fetched: the
    /// ordinary case, which warns of nothing (only records the remote held and lost do).
    @Test func ordinaryConcurrentPushesWarnOfNothing() async throws {
        let (sandbox, remote, trust) = try await team()
        let alice = try await clone(sandbox, remote, "alice")
        let bob = try await clone(sandbox, remote, "bob")
        for round in 1...3 {
            _ = try await commit(sandbox, alice, "a\(round).txt", "a\n")
            let fromAlice = try await sandbox.run("git", ["push", "-q", "origin", "HEAD:alice"], in: alice)
            #expect(fromAlice.status == 0 && !fromAlice.stderr.contains("lacked"), "\(fromAlice)")
            _ = try await commit(sandbox, bob, "b\(round).txt", "b\n")
            let fromBob = try await sandbox.run("git", ["push", "-q", "origin", "HEAD:bob"], in: bob)
            #expect(fromBob.status == 0 && !fromBob.stderr.contains("lacked"), "\(fromBob)")
            let synced = try await sandbox.trace("sync", in: alice)
            #expect(synced.status == 0 && !synced.stderr.contains("lacks"), "\(synced)")
        }
        let carol = try await clone(sandbox, remote, "carol")
        #expect(try await recordLines(sandbox, carol).count == 6)
        #expect(try await sandbox.trace("verify", "--trust", trust.path, in: carol).status == 0)
    }

    @Test func gitPushCarriesTheRecordsAndAFreshCloneGetsThem() async throws {
        let (sandbox, remote, trust) = try await team()
        let alice = try await clone(sandbox, remote, "alice")
        let commit = try await commit(sandbox, alice, "a.txt", numberedLines(3))
        let pushed = try await sandbox.run("git", ["push", "-q", "origin", "main"], in: alice)
        #expect(pushed.status == 0, "\(pushed)")
        let remoteNote = try await sandbox.run("git", ["notes", "--ref", "sessiontrace", "show", commit], in: remote)
        #expect(remoteNote.status == 0, "the push did not carry the record: \(remoteNote)")

        let bob = try await clone(sandbox, remote, "bob")
        #expect(try await recordLines(sandbox, bob) == (try await recordLines(sandbox, alice)))
        let verified = try await sandbox.trace("verify", "--trust", trust.path, in: bob)
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func unionEqualsGitNotesMergeCatSortUniq() async throws {
        let (sandbox, remote, _) = try await team()
        let alice = try await clone(sandbox, remote, "alice")
        let bob = try await clone(sandbox, remote, "bob")
        let shared = try await sandbox.git("rev-parse", "HEAD", in: alice).trimmingCharacters(in: .newlines)
        // Both record on the same commit (a conflict for git) and on their own.
        for (directory, lines) in [(alice, "1-1"), (bob, "1")] {
            let output = try await sandbox.trace(
                "record", shared, "--file", "README", "--lines", lines, "--origin", "human", "--confidence",
                directory == alice ? "9000" : "8000", in: directory)
            #expect(output.status == 0, "\(output)")
        }
        _ = try await commit(sandbox, alice, "alice.txt", "a\n")
        #expect(try await sandbox.trace("sync", in: alice).status == 0)
        // What plain git would make of the same two ledgers:
        let twin = sandbox.root.appendingPathComponent("twin")
        try await sandbox.git("clone", "-q", "--no-local", bob.path, twin.path, in: sandbox.root)
        try await sandbox.git("fetch", "-q", bob.path, "refs/notes/sessiontrace:refs/notes/sessiontrace", in: twin)
        try await sandbox.git(
            "fetch", "-q", remote.path, "refs/notes/sessiontrace:refs/notes/theirs", "main:alice-main", in: twin)
        try await sandbox.git(
            "notes", "--ref", "sessiontrace", "merge", "-q", "-s", "cat_sort_uniq", "refs/notes/theirs", in: twin)

        let synced = try await sandbox.trace("sync", in: bob)
        #expect(synced.status == 0, "\(synced)")
        #expect(synced.stdout.contains("records from origin merged"))
        for commit in [
            shared, try await sandbox.git("rev-parse", "alice-main", in: twin).trimmingCharacters(in: .newlines),
        ] {
            let ours = try await sandbox.git("notes", "--ref", "sessiontrace", "show", commit, in: bob)
            let gits = try await sandbox.git("notes", "--ref", "sessiontrace", "show", commit, in: twin)
            #expect(ours == gits, "\(commit)")
        }
    }

    @Test func forceRewrittenRemoteNotesNeverDropLocalRecords() async throws {
        let (sandbox, remote, trust) = try await team()
        let alice = try await clone(sandbox, remote, "alice")
        _ = try await commit(sandbox, alice, "a.txt", "a\n")
        _ = try await commit(sandbox, alice, "b.txt", "b\n")
        #expect(try await sandbox.run("git", ["push", "-q", "origin", "main"], in: alice).status == 0)
        let before = try await recordLines(sandbox, alice).sorted()
        #expect(before.count == 2)
        // Someone rewrites the remote's notes history, leaving one record out.
        let mallory = try await clone(sandbox, remote, "mallory")
        let keep = try await sandbox.git("log", "--format=%H", "-1", "refs/notes/sessiontrace~1", in: mallory)
            .trimmingCharacters(in: .newlines)
        let rewritten = try await sandbox.git(
            "commit-tree",
            try await sandbox.git("rev-parse", "\(keep)^{tree}", in: mallory).trimmingCharacters(in: .newlines), "-m",
            "rewritten", in: mallory)
        try await sandbox.git(
            "push", "-q", "-f", "origin", "\(rewritten.trimmingCharacters(in: .newlines)):refs/notes/sessiontrace",
            in: mallory)

        let synced = try await sandbox.trace("sync", in: alice)
        #expect(synced.status == 0, "\(synced)")
        #expect(
            synced.stderr.contains(
                "warning: origin lacks 1 record(s) this repository has (were its notes rewritten?); they are kept and pushed back"
            ), "\(synced)")
        #expect(try await recordLines(sandbox, alice).sorted() == before)
        let carol = try await clone(sandbox, remote, "carol")
        #expect(try await recordLines(sandbox, carol).sorted() == before)
        #expect(try await sandbox.trace("verify", "--trust", trust.path, in: carol).status == 0)
    }

    @Test func eightClonesPushingAtOnceLoseAndDuplicateNothing() async throws {
        let (sandbox, remote, trust) = try await team()
        var clones = [URL]()
        for index in 0..<8 {
            let directory = try await clone(sandbox, remote, "clone\(index)")
            for change in 0..<2 {
                _ = try await commit(sandbox, directory, "c\(index)-\(change).txt", "clone \(index) change \(change)\n")
            }
            clones.append(directory)
        }
        // All push their branch at the same moment; each pre-push hook syncs the records.
        let results = try await withThrowingTaskGroup(of: ProcessOutput.self) { group in
            for (index, directory) in clones.enumerated() {
                group.addTask {
                    try await sandbox.run(
                        "git", ["push", "-q", "origin", "HEAD:refs/heads/clone\(index)"], in: directory)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(result.status == 0, "\(result)") }
        for directory in clones {
            try await sandbox.git("fetch", "-q", "origin", in: directory)
            let synced = try await sandbox.trace("sync", in: directory)
            #expect(synced.status == 0, "\(synced)")
        }
        var expected: [String]?
        for directory in clones {
            let lines = try await recordLines(sandbox, directory)
            #expect(lines.count == 16, "\(directory.lastPathComponent) has \(lines.count) records")
            #expect(Set(lines).count == lines.count, "duplicates in \(directory.lastPathComponent)")
            if let expected { #expect(lines.sorted() == expected) } else { expected = lines.sorted() }
            let verified = try await sandbox.trace("verify", "--trust", trust.path, in: directory)
            #expect(verified.status == 0, "\(verified)")
            #expect(verified.stdout.hasPrefix("ok: 16 of 16 records"))
        }
    }

    @Test func pullRebaseKeepsTheLocalCommitsAttribution() async throws {
        let (sandbox, remote, trust) = try await team()
        let alice = try await clone(sandbox, remote, "alice")
        let bob = try await clone(sandbox, remote, "bob")
        _ = try await commit(sandbox, alice, "alice.txt", "from alice\n")
        #expect(try await sandbox.run("git", ["push", "-q", "origin", "main"], in: alice).status == 0)
        let local = try await commit(sandbox, bob, "bob.txt", "bob 1\nbob 2\n")
        let pulled = try await sandbox.run(
            "git", ["pull", "-q", "--rebase", "origin", "main"], in: bob, environment: ["SESSIONTRACE_FOREGROUND": "1"])
        #expect(pulled.status == 0, "\(pulled)")
        let rebased = try await sandbox.git("rev-parse", "HEAD", in: bob).trimmingCharacters(in: .newlines)
        #expect(rebased != local)
        let line = try #require(
            try await sandbox.git("notes", "--ref", "sessiontrace", "show", rebased, in: bob).split(separator: "\n")
                .last)
        let record = try #require(try Statement(envelope: try Envelope(line: line)).attribution).expanded(
            on: try #require(ObjectID(hex: rebased)), in: try Repository(discoveringFrom: bob.path))
        #expect(record.rewrite == .rebase)
        #expect(record.derivedFrom.map(\.commit) == [local])
        #expect(record.files.map(\.path) == ["bob.txt"])
        #expect(try await sandbox.trace("sync", in: bob).status == 0)
        let verified = try await sandbox.trace("verify", "--trust", trust.path, in: bob)
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func pulledCommitsAreNeverRecordedAsOurs() async throws {
        let (sandbox, remote, _) = try await team()
        let bob = try await clone(sandbox, remote, "bob")
        _ = try await commit(sandbox, bob, "mine.txt", "mine\n")
        try await sandbox.git("push", "-q", "origin", "main", in: bob)
        // Carol, without SessionTrace, pushes two commits.
        let carol = sandbox.root.appendingPathComponent("carol")
        try await sandbox.git("clone", "-q", remote.path, carol.path, in: sandbox.root)
        try await sandbox.git("config", "user.email", "carol@example.com", in: carol)
        for index in 0..<2 {
            try sandbox.write("carol \(index)\n", to: "carol\(index).txt", in: carol)
            try await sandbox.commitAll("carol \(index)", in: carol)
        }
        try await sandbox.git("push", "-q", "origin", "main", in: carol)
        try await sandbox.git("pull", "-q", "--no-rebase", "--ff-only", "origin", "main", in: bob)
        let local = try await commit(sandbox, bob, "after.txt", "after\n")
        let annotated = try await sandbox.git("notes", "--ref", "sessiontrace", "list", in: bob)
            .split(separator: "\n").map { String($0.split(separator: " ")[1]) }
        let carols = try await sandbox.git("log", "--format=%H", "--author=carol@example.com", in: bob).split(
            separator: "\n"
        ).map(String.init)
        #expect(carols.count == 2)
        #expect(Set(annotated).isDisjoint(with: carols))
        #expect(annotated.contains(local))
    }

    /// Progress for sync (issue 14, goal 7): git's own lines for the fetch and a meter
    /// for the merge, on stderr, only when asked for (a terminal or `--progress`), never
    /// with `--quiet`, and never from the pre-push hook; the first `init` of a clone
    /// shows its fetch the same way.
    @Test func syncShowsProgressOnlyWhenAskedFor() async throws {
        let (sandbox, remote, _) = try await team()
        let alice = try await clone(sandbox, remote, "alice")
        let bob = try await clone(sandbox, remote, "bob")
        // Each round, both sides hold records the other lacks: sync fetches and merges.
        func round(_ number: Int) async throws {
            _ = try await commit(sandbox, alice, "a\(number).txt", "a\n")
            let pushed = try await sandbox.run("git", ["push", "origin", "HEAD:alice"], in: alice)
            #expect(pushed.status == 0, "\(pushed)")
            #expect(!pushed.stderr.contains("Merging records") && !pushed.stderr.contains("%"), "\(pushed)")
            _ = try await commit(sandbox, bob, "b\(number).txt", "b\n")
        }
        try await round(1)
        let quiet = try await sandbox.trace("sync", "--no-push", "--progress", "--quiet", in: bob)
        #expect(quiet.status == 0 && quiet.stdout.contains("records from origin merged"), "\(quiet)")
        #expect(quiet.stderr.isEmpty, "\(quiet)")
        try await round(2)
        let piped = try await sandbox.trace("sync", "--no-push", in: bob)  // stderr is a pipe, not a terminal
        #expect(piped.status == 0 && piped.stdout.contains("records from origin merged"), "\(piped)")
        #expect(piped.stderr.isEmpty, "\(piped)")
        try await round(3)
        let shown = try await sandbox.trace("sync", "--progress", in: bob)
        #expect(shown.status == 0 && shown.stdout.contains("records from origin merged"), "\(shown)")
        #expect(shown.stderr.contains("Merging records: 100% ("), "\(shown)")
        #expect(shown.stderr.contains("objects: 100%"), "git's fetch progress: \(shown)")
        #expect(shown.stdout.contains("records pushed to origin"), "\(shown)")

        let carol = sandbox.root.appendingPathComponent("carol")
        // Not a local clone, which shares the remote's objects: the notes' must travel.
        try await sandbox.git("clone", "-q", "--no-local", remote.path, carol.path, in: sandbox.root)
        let initialised = try await sandbox.trace("init", "--progress", in: carol)
        #expect(initialised.status == 0 && initialised.stdout.contains("fast-forwarded"), "\(initialised)")
        #expect(initialised.stderr.contains("objects: 100%"), "\(initialised)")
    }
}
