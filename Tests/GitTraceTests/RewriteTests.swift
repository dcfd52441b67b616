import CanonicalJSON
import Foundation
import Ledger
import Records
import TestSupport
import Testing

/// Attribution survives amend, rebase, squash, cherry-pick and squash merges: every
/// surviving line keeps its origin, changed lines become the rewriter's, and the new
/// record verifies and names the records it came from.
@Suite struct RewriteTests {
    static let claude = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"
    static let claudeMixed = "mixed claude-code anthropic/claude-sonnet-4-5-20250929 s1"

    /// Git commands whose hooks record in the foreground, so that tests need not wait.
    func git(_ fixture: Fixture, _ arguments: String..., editor: String? = nil) async throws -> String {
        var environment = ["SESSIONTRACE_FOREGROUND": "1", "GIT_EDITOR": "true"]
        if let editor { environment["GIT_SEQUENCE_EDITOR"] = editor }
        let output = try await fixture.sandbox.run("git", arguments, in: fixture.repository, environment: environment)
        #expect(output.status == 0, "git \(arguments): \(output)")
        #expect(!output.stderr.contains("not recorded"), "\(output)")
        return output.stdout
    }

    func head(_ fixture: Fixture, _ revision: String = "HEAD") async throws -> String {
        try await fixture.git("rev-parse", revision).trimmingCharacters(in: .newlines)
    }

    func started() async throws -> (Fixture, AgentDriver) {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        return (fixture, try AgentDriver(fixture, session: "s1"))
    }

    func expectDerived(
        _ fixture: Fixture, _ commit: String, _ kind: RewriteKind, from sources: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let record = try await fixture.attribution(commit)
        #expect(record.rewrite == kind, sourceLocation: sourceLocation)
        #expect(record.derivedFrom.map(\.commit) == sources, sourceLocation: sourceLocation)
        for reference in record.derivedFrom {
            let lines = try await fixture.noteLines(reference.commit)
            #expect(
                lines.contains { Envelope.recordDigest(ofLine: $0) == reference.record }, "source record missing",
                sourceLocation: sourceLocation)
        }
        let verified = try await fixture.verify()
        #expect(verified.status == 0, "\(verified)", sourceLocation: sourceLocation)
    }

    @Test func amendKeepsAttributionOfUnchangedLines() async throws {
        var (fixture, agent) = try await started()
        try await agent.claude("Write", "a.txt", write: numberedLines(5))
        let original = try await fixture.commitRecorded("ai file")
        var text = numberedLines(5).split(separator: "\n").map(String.init)
        text[2] = "line 3 fixed by hand"
        try fixture.sandbox.write(text.joined(separator: "\n") + "\n", to: "a.txt", in: fixture.repository)
        _ = try await git(fixture, "commit", "-q", "-a", "--amend", "--no-edit")
        let amended = try await head(fixture)
        let record = try await fixture.attribution(amended)
        // An AI line a person edited is `mixed`, amended or committed anew (spec/capture.md §6).
        #expect(record.origins("a.txt") == lines((1...2, Self.claude), (3...3, Self.claudeMixed), (4...5, Self.claude)))
        #expect(try await fixture.noteLines(amended).count == 1)
        try await expectDerived(fixture, amended, .amend, from: [original])
    }

    @Test func interactiveRebaseReorderEditSquashAndFixup() async throws {
        var (fixture, agent) = try await started()
        try await agent.claude("Write", "a.txt", write: numberedLines(3))
        let a = try await fixture.commitRecorded("A")
        try await agent.claude("Write", "b.txt", write: "b1\nb2\nb3\n")
        let b = try await fixture.commitRecorded("B")
        try fixture.sandbox.write("mine\n", to: "c.txt", in: fixture.repository)
        let c = try await fixture.commitRecorded("C")
        try await agent.claude("Edit", "a.txt", write: numberedLines(3) + "ai 4\n")
        let d = try await fixture.commitRecorded("D")
        // Todo: A, fixup D into it, C before B, and stop to edit B.
        let todo = try fixture.sandbox.write(
            """
            #!/bin/sh
            printf 'pick \(a.prefix(12))\\nfixup \(d.prefix(12))\\npick \(c.prefix(12))\\nedit \(b.prefix(12))\\n' > "$1"

            """, to: "todo.sh", in: fixture.sandbox.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: todo.path)
        let seed = try await head(fixture, "HEAD~4")
        _ = try await git(fixture, "rebase", "-q", "-i", seed, editor: todo.path)
        try fixture.sandbox.write("b1\nb2 by hand\nb3\n", to: "b.txt", in: fixture.repository)
        _ = try await git(fixture, "commit", "-q", "-a", "--amend", "--no-edit")
        _ = try await git(fixture, "rebase", "--continue")

        let newB = try await head(fixture), newC = try await head(fixture, "HEAD~1"),
            newA = try await head(fixture, "HEAD~2")
        let recordA = try await fixture.attribution(newA)
        #expect(recordA.origins("a.txt") == lines((1...4, Self.claude)))
        try await expectDerived(fixture, newA, .squash, from: [a, d])
        #expect(try await fixture.attribution(newC).origins("c.txt") == lines((1...1, "human")))
        try await expectDerived(fixture, newC, .rebase, from: [c])
        #expect(
            try await fixture.attribution(newB).origins("b.txt")
                == lines((1...1, Self.claude), (2...2, Self.claudeMixed), (3...3, Self.claude)))
        try await expectDerived(fixture, newB, .rebase, from: [b])
        #expect(try await fixture.noteLines(newB).count == 1)
    }

    @Test func rebaseOntoAnotherBase() async throws {
        var (fixture, agent) = try await started()
        _ = try await git(fixture, "checkout", "-q", "-b", "topic")
        try await agent.claude("Write", "t.txt", write: "t1\nt2\n")
        let topic = try await fixture.commitRecorded("topic work")
        _ = try await git(fixture, "checkout", "-q", "main")
        try fixture.sandbox.write("upstream\n", to: "u.txt", in: fixture.repository)
        _ = try await fixture.commitRecorded("upstream work")
        _ = try await git(fixture, "rebase", "-q", "--onto", "main", "main@{1}", "topic")
        let rebased = try await head(fixture)
        #expect(rebased != topic)
        #expect(try await fixture.attribution(rebased).origins("t.txt") == lines((1...2, Self.claude)))
        try await expectDerived(fixture, rebased, .rebase, from: [topic])
    }

    @Test func cherryPickWithAndWithoutX() async throws {
        var (fixture, agent) = try await started()
        _ = try await git(fixture, "checkout", "-q", "-b", "topic")
        try await agent.claude("Write", "p.txt", write: "p1\np2\n")
        let picked = try await fixture.commitRecorded("to pick")
        try await agent.claude("Write", "q.txt", write: "q1\n")
        let pickedWithX = try await fixture.commitRecorded("to pick with -x")
        _ = try await git(fixture, "checkout", "-q", "main")
        // main moves on, so that a pick is a new commit (picking onto the same parent
        // in the same second would recreate the very same commit).
        try fixture.sandbox.write("main moved\n", to: "m.txt", in: fixture.repository)
        _ = try await fixture.commitRecorded("main moves")
        _ = try await git(fixture, "cherry-pick", picked)
        let copy = try await head(fixture)
        #expect(try await fixture.attribution(copy).origins("p.txt") == lines((1...2, Self.claude)))
        try await expectDerived(fixture, copy, .cherryPick, from: [picked])
        _ = try await git(fixture, "cherry-pick", "-x", pickedWithX)
        let copyX = try await head(fixture)
        #expect(try await fixture.attribution(copyX).origins("q.txt") == lines((1...1, Self.claude)))
        try await expectDerived(fixture, copyX, .cherryPick, from: [pickedWithX])
    }

    /// A topic branch of an agent's commit (s.txt) and a person's (h.txt, recorded or
    /// made with the hooks off), squash-merged into main.
    func squashMergedTopic(secondRecorded: Bool) async throws -> (
        fixture: Fixture, agent: AgentDriver, first: String, second: String, squashed: String
    ) {
        var (fixture, agent) = try await started()
        _ = try await git(fixture, "checkout", "-q", "-b", "topic")
        try await agent.claude("Write", "s.txt", write: "s1\ns2\n")
        let first = try await fixture.commitRecorded("first")
        try fixture.sandbox.write("by hand\n", to: "h.txt", in: fixture.repository)
        let second =
            secondRecorded ? try await fixture.commitRecorded("second") : try await commitUnrecorded(fixture, "second")
        _ = try await git(fixture, "checkout", "-q", "main")
        _ = try await git(fixture, "merge", "-q", "--squash", "topic")
        _ = try await git(fixture, "commit", "-q", "--no-edit")
        return (fixture, agent, first, second, try await head(fixture))
    }

    @Test func mergeSquashCombinesTheSourcesAttribution() async throws {
        let (fixture, _, first, second, squashed) = try await squashMergedTopic(secondRecorded: true)
        let record = try await fixture.attribution(squashed)
        #expect(record.origins("s.txt") == lines((1...2, Self.claude)))
        #expect(record.origins("h.txt") == lines((1...1, "human")))
        try await expectDerived(fixture, squashed, .squashMerge, from: [first, second])
    }

    /// A commit made with the hooks off: nobody recorded it.
    func commitUnrecorded(_ fixture: Fixture, _ message: String) async throws -> String {
        _ = try await git(fixture, "add", "-A")
        _ = try await git(fixture, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", message)
        let commit = try await head(fixture)
        let note = try await fixture.sandbox.run(
            "git", ["notes", "--ref", "sessiontrace", "show", commit], in: fixture.repository)
        #expect(note.status != 0, "\(commit) has a note")
        return commit
    }

    /// Lines a rewrite takes from a commit nobody recorded are `unknown`, never the
    /// rewriter's (spec/capture.md §6), in a squash merge, an interactive squash, an
    /// amend and a carry alike; lines the rewrite itself adds are the rewriter's.
    @Test func linesFromAnUnrecordedSourceAreNobodys() async throws {
        var (fixture, agent, first, second, squashed) = try await squashMergedTopic(secondRecorded: false)
        let record = try await fixture.attribution(squashed)
        #expect(record.origins("s.txt") == lines((1...2, Self.claude)))
        #expect(record.origins("h.txt") == [:], "\(record.origins("h.txt"))")
        try await expectDerived(fixture, squashed, .squashMerge, from: [first])
        let blame = try JSONValue(parsing: try await fixture.trace("blame", "h.txt", "--json").stdout)
        #expect(blame.arrayValue?.map { $0["origin"] } == [.string("unknown")], "\(blame)")

        // Interactive squash of the two topic commits.
        _ = try await git(fixture, "checkout", "-q", "topic")
        let todo = try fixture.sandbox.write(
            """
            #!/bin/sh
            printf 'pick \(first.prefix(12))\\nsquash \(second.prefix(12))\\n' > "$1"

            """, to: "todo.sh", in: fixture.sandbox.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: todo.path)
        _ = try await git(fixture, "rebase", "-q", "-i", "main~1", editor: todo.path)
        let folded = try await head(fixture)
        let foldedRecord = try await fixture.attribution(folded)
        #expect(foldedRecord.origins("s.txt") == lines((1...2, Self.claude)))
        #expect(foldedRecord.origins("h.txt") == [:], "\(foldedRecord.origins("h.txt"))")
        try await expectDerived(fixture, folded, .squash, from: [first])

        // An amend of a commit nobody recorded: its lines stay nobody's, the line the
        // amend adds is the person's, and what the working log still holds of an
        // agent's edit (nobody settled it) stays the agent's.
        try fixture.sandbox.write("old 1\nold 2\nold 3\n", to: "o.txt", in: fixture.repository)
        try await agent.claude("Write", "g.txt", write: "g1\ng2\n")
        _ = try await commitUnrecorded(fixture, "unrecorded")
        try fixture.sandbox.write("old 1\nold 2\nold 3\nadded in the amend\n", to: "o.txt", in: fixture.repository)
        _ = try await git(fixture, "commit", "-q", "-a", "--amend", "--no-edit")
        let amended = try await head(fixture)
        #expect(try await fixture.waitForRecord(amended))
        let amendedRecord = try await fixture.attribution(amended)
        #expect(amendedRecord.origins("o.txt") == lines((4...4, "human")), "\(amendedRecord.origins("o.txt"))")
        #expect(amendedRecord.origins("g.txt") == lines((1...2, Self.claude)), "\(amendedRecord.origins("g.txt"))")

        // A server's squash carried from the recorded and the unrecorded commit.
        let tree = try await fixture.git("rev-parse", "\(second)^{tree}").trimmingCharacters(in: .newlines)
        let base = try await head(fixture, "main~1")
        let server = try await fixture.git("commit-tree", tree, "-p", base, "-m", "Squash (#7)")
            .trimmingCharacters(in: .newlines)
        let carried = try await fixture.trace("carry", server, "--from", "\(base)..\(second)")
        #expect(carried.status == 0, "\(carried)")
        let carriedRecord = try await fixture.attribution(server)
        #expect(carriedRecord.origins("s.txt") == lines((1...2, Self.claude)))
        #expect(carriedRecord.origins("h.txt") == [:], "\(carriedRecord.origins("h.txt"))")
        let verified = try await fixture.verify()
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func carryDerivesAServerSideSquash() async throws {
        var (fixture, agent) = try await started()
        let base = try await head(fixture)
        _ = try await git(fixture, "checkout", "-q", "-b", "topic")
        try await agent.claude("Write", "k.txt", write: "k1\nk2\nk3\n")
        let work = try await fixture.commitRecorded("work")
        // A server squashes without hooks: make the commit with plumbing.
        let tree = try await fixture.git("rev-parse", "topic^{tree}").trimmingCharacters(in: .newlines)
        let squash = try await fixture.git("commit-tree", tree, "-p", base, "-m", "Squash merge of topic (#12)")
            .trimmingCharacters(in: .newlines)
        let carried = try await fixture.trace("carry", squash, "--from", "\(base)..topic")
        #expect(carried.status == 0, "\(carried)")
        #expect(try await fixture.attribution(squash).origins("k.txt") == lines((1...3, Self.claude)))
        try await expectDerived(fixture, squash, .carry, from: [work])
        let unrecorded = try await fixture.git("commit-tree", tree, "-m", "made without hooks").trimmingCharacters(
            in: .newlines)
        let nothing = try await fixture.trace("carry", squash, "--from", unrecorded)
        #expect(nothing.failedCleanly)
        #expect(nothing.stderr.contains("has a record to carry"))
    }
}
