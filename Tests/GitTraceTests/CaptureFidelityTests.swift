import Foundation
import Git
import Ledger
import Records
import TestSupport
import Testing

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
        try await fixture.sandbox.run(
            "git", ["notes", "--ref", "sessiontrace", "show", commit], in: fixture.repository
        ).status == 0
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
        for commit in [first, second, third] {
            #expect(try await hasRecord(fixture, commit), "\(commit) has no record")
        }
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
        let bobs = try await fixture.sandbox.git("rev-parse", "HEAD", in: teammate).trimmingCharacters(
            in: .whitespacesAndNewlines)
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
        // Capture begins after that commit (its reflog entry comes before init's mark).
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

/// The background jobs hold none of git's output streams: a program reading `git
/// commit` through pipes (an editor's panel, lazygit, CI) sees it finish when git does.
@Suite struct BackgroundJobTests {
    @Test func aCommitReadThroughPipesDoesNotWaitForTheJob() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        let release = fixture.sandbox.root.appendingPathComponent("release")
        let waitedOut = fixture.sandbox.root.appendingPathComponent("waited-out")
        // The hook's git-trace, made to wait until the test has seen the commit finish:
        // two minutes at most, well past what a commit takes on a loaded machine (at 20
        // seconds, a full test run beside other work saw a commit that had not waited
        // for the job outlast the wait).
        let wrapper = try fixture.sandbox.write(
            """
            #!/bin/sh
            for i in $(seq 1200); do [ -e '\(release.path)' ] && exec '\(fixture.sandbox.binary)' "$@"; sleep 0.1; done
            touch '\(waitedOut.path)'
            exec '\(fixture.sandbox.binary)' "$@"
            """, to: "slow-git-trace", in: fixture.sandbox.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        let hook = fixture.repository.appendingPathComponent(".git/hooks/post-commit")
        let script = try String(contentsOf: hook, encoding: .utf8)
        try script.replacingOccurrences(of: fixture.sandbox.binary, with: wrapper.path).write(
            to: hook, atomically: false, encoding: .utf8)
        try fixture.sandbox.write("one\n", to: "a.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        // As a program reading git's output does: until every writer has closed the pipe.
        let committed = try await fixture.sandbox.run(
            "bash", ["-c", "git commit -q -m 'through pipes' 2>&1 | cat"], in: fixture.repository)
        #expect(committed.status == 0)
        #expect(
            !FileManager.default.fileExists(atPath: waitedOut.path),
            "git commit returned only once the job gave up waiting")
        try Data().write(to: release)
        let commit = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await fixture.waitForRecord(commit), "the job still records the commit")
    }

    @Test func aBackgroundFailureShowsInStatus() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try FileManager.default.moveItem(atPath: fixture.keyPath, toPath: fixture.keyPath + ".away")
        try fixture.sandbox.write("one\n", to: "a.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        let committed = try await fixture.sandbox.run("git", ["commit", "-q", "-m", "no key"], in: fixture.repository)
        #expect(committed.status == 0 && committed.stderr.isEmpty, "the job's failure is not git's: \(committed)")
        var status = try await fixture.sandbox.trace("status", in: fixture.repository)
        _ = try await eventually {
            status = try await fixture.sandbox.trace("status", in: fixture.repository)
            return status.stdout.contains("hook message")
        }
        #expect(status.stdout.contains("hook message") && status.stdout.contains("not recorded"), "\(status)")
    }
}

/// `git trace record` right after a commit never races the commit's background job:
/// its record is the newest, every time, so reports give the same figures on a rerun.
@Suite struct RecordOrderTests {
    @Test func aRecordRightAfterACommitIsTheOneThatCounts() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        // The job starts late, as on a loaded machine: after the manual record.
        let wrapper = try fixture.sandbox.write(
            "#!/bin/sh\nsleep 1\nexec '\(fixture.sandbox.binary)' \"$@\"\n",
            to: "late-git-trace", in: fixture.sandbox.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        let hook = fixture.repository.appendingPathComponent(".git/hooks/post-commit")
        let script = try String(contentsOf: hook, encoding: .utf8)
        try script.replacingOccurrences(of: fixture.sandbox.binary, with: wrapper.path).write(
            to: hook, atomically: false, encoding: .utf8)
        for round in 0..<3 {
            try fixture.sandbox.write(numberedLines(6 + round), to: "f\(round).txt", in: fixture.repository)
            try await fixture.git("add", "-A")
            try await fixture.git("commit", "-q", "-m", "round \(round)")
            let recorded = try await fixture.trace(
                "record", "HEAD", "--file", "f\(round).txt", "--lines", "1-\(6 + round)",
                "--origin", "ai", "--agent", "claude-code", "--model", "anthropic/claude-sonnet-4-5",
                "--session", "s\(round)")
            #expect(recorded.status == 0, "\(recorded)")
            let commit = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
            // Whatever the job does later, it adds nothing after the manual record.
            try await Task.sleep(nanoseconds: 1_500_000_000)
            let lines = try await fixture.noteLines(commit)
            #expect(lines.count == 2, "the automatic record, then the manual one: \(lines.count)")
            let newest = try await fixture.attribution(commit)
            #expect(newest.totals?.ai == 6 + round, "round \(round): the manual record must be the one that counts")
            // Never a tie with the automatic record (same second or not), so the order of
            // the note's lines, which sync's merge changes, decides nothing.
            let times = try lines.map {
                try #require(try Statement(envelope: try Envelope(line: $0)).attribution).recordedAt
            }
            #expect(times[1] > times[0], "round \(round): \(times)")
            let stats = try await fixture.trace("stats", "HEAD", "--trust", fixture.trustFile.path)
            try await fixture.overwriteNote(commit, lines: lines.reversed())
            let reordered = try await fixture.trace("stats", "HEAD", "--trust", fixture.trustFile.path)
            let allAI = (0...round).reduce(0) { $0 + 6 + $1 }  // every round's manual record counts
            let aiLine = stats.stdout.split(separator: "\n").map { $0.split(separator: " ") }.first { $0.first == "ai" }
            #expect(
                stats.stdout == reordered.stdout && aiLine?.dropFirst().first == "\(allAI)"[...],
                "\(stats) vs \(reordered)")
        }
    }
}

/// Paths as the agents name them, and files capture must never copy (issue: capture
/// fidelity, cases 6 and 10).
@Suite struct CapturePathTests {
    static let claude = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"

    @Test func aWorkspaceOpenedThroughASymlinkedDirectoryIsCaptured() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        let link = fixture.sandbox.root.appendingPathComponent("src-link")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: fixture.sandbox.root.path)
        var agent = try AgentDriver(fixture, session: "s1")
        agent.workspace = link.appendingPathComponent(fixture.repository.lastPathComponent).path
        try await agent.claude("Write", "lib/a.txt", write: numberedLines(3))
        let record = try await fixture.attribution(try await fixture.commitRecorded("through the link"))
        #expect(record.origins("lib/a.txt") == lines((1...3, Self.claude)))
    }

    @Test func linksOutOfTheWorkTreeAreNeverCopiedAndSnapshotsArePrivate() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        let outside = fixture.sandbox.root.appendingPathComponent("private")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let secret = "SECRET-\(UUID().uuidString)\n"
        try fixture.sandbox.write(secret, to: "private.txt", in: outside)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o600], ofItemAtPath: outside.appendingPathComponent("private.txt").path)
        // A file link and a directory link in the work tree, both pointing outside it.
        try FileManager.default.createSymbolicLink(
            atPath: fixture.repository.appendingPathComponent("notes.txt").path,
            withDestinationPath: outside.appendingPathComponent("private.txt").path)
        try FileManager.default.createSymbolicLink(
            atPath: fixture.repository.appendingPathComponent("docs").path, withDestinationPath: outside.path)
        var agent = try AgentDriver(fixture, session: "s1")
        for path in ["notes.txt", "docs/private.txt"] {
            try await agent.capture(
                "claude-code",
                try agent.payload(
                    "claude-code-pre-tool-use.json", file: path, toolUseID: "t-\(path)", extra: ["TOOL": "Edit"]))
            try await agent.capture(
                "claude-code",
                try agent.payload(
                    "claude-code-post-tool-use.json", file: path, toolUseID: "t-\(path)", extra: ["TOOL": "Edit"]))
        }
        // And an ordinary edit, so that there are snapshots whose modes to check.
        try fixture.sandbox.write("mine\n", to: "env.txt", in: fixture.repository)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o644], ofItemAtPath: fixture.repository.appendingPathComponent("env.txt").path)
        try await agent.claude("Edit", "env.txt", write: "mine\nagent\n")
        let state = fixture.repository.appendingPathComponent(".git/sessiontrace")
        let enumerator = try #require(FileManager.default.enumerator(atPath: state.path))
        var files = 0
        while let relative = enumerator.nextObject() as? String {
            let path = state.appendingPathComponent(relative).path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let mode = (attributes[.posixPermissions] as? Int ?? 0) & 0o777
            if attributes[.type] as? FileAttributeType == .typeDirectory {
                #expect(mode == 0o700, "\(relative) is \(String(mode, radix: 8))")
            } else {
                files += 1
                #expect(mode == 0o600, "\(relative) is \(String(mode, radix: 8))")
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(!String(decoding: bytes, as: UTF8.self).contains(secret), "\(relative) holds the private file")
            }
        }
        #expect(files > 0)
        let modeOfState =
            (try FileManager.default.attributesOfItem(atPath: state.path)[.posixPermissions] as? Int ?? 0) & 0o777
        #expect(modeOfState == 0o700)
    }
}

/// Whose edit a line is (issue: capture fidelity, case 4): what changed between the last
/// commit and an agent's before-snapshot was the person's.
@Suite struct PersonBeforeAgentTests {
    static let s1 = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"
    static let s1Mixed = "mixed claude-code anthropic/claude-sonnet-4-5-20250929 s1"
    static let s2 = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s2"

    @Test func aPersonsRewriteOfAnAILineBeforeTheAgentCameBackIsMixed() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "a.txt", write: numberedLines(4))
        _ = try await fixture.commitRecorded("ai lines")
        // The person rewrites s1's line 2 and adds a line of their own; capture sees nothing.
        try fixture.sandbox.write("line 1\nline 2 by hand\nline 3\nline 4\nmine\n", to: "a.txt", in: fixture.repository)
        // Then another session edits elsewhere in the file: its before-snapshot already
        // holds the person's lines.
        var later = try AgentDriver(fixture, session: "s2")
        try await later.claude("Edit", "a.txt", write: "line 1\nline 2 by hand\nline 3\nline 4\nmine\nagent line\n")
        let record = try await fixture.attribution(try await fixture.commitRecorded("both"))
        #expect(record.origins("a.txt") == lines((2...2, Self.s1Mixed), (5...5, "human"), (6...6, Self.s2)))
    }
}

/// CRLF working copies (issue: capture fidelity, case 7): content is compared as git
/// stores it, so an agent's lines in a `text eol=crlf` file are `ai`, not `mixed`.
@Suite struct LineEndingTests {
    static let claude = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"

    func crlf(_ lines: [String]) -> String { lines.map { $0 + "\r\n" }.joined() }

    @Test(arguments: ["attributes", "autocrlf"])
    func anAgentsLinesInACRLFFileAreAI(setting: String) async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        if setting == "attributes" {
            try await fixture.commit("*.txt text eol=crlf\n", to: ".gitattributes")
        } else {
            try await fixture.git("config", "core.autocrlf", "true")
            try await fixture.commit("seed\n", to: "README")
        }
        var agent = try AgentDriver(fixture, session: "s1")
        let first = (1...5).map { "line \($0)" }
        try await agent.claude("Write", "a.txt", write: crlf(first))
        let one = try await fixture.attribution(try await fixture.commitRecorded("five lines"))
        #expect(one.origins("a.txt") == lines((1...5, Self.claude)))
        // One more line by the agent: one ai line, nothing mixed.
        try await agent.claude("Edit", "a.txt", write: crlf(first + ["line 6"]))
        let two = try await fixture.attribution(try await fixture.commitRecorded("one more"))
        #expect(two.origins("a.txt") == lines((6...6, Self.claude)))
        #expect(two.totals?.mixed == 0)
    }
}

/// Cursor reports an edit only afterwards, as replacements (issue: capture fidelity,
/// case 5): it is undone where it was made, not at the first place its text occurs.
@Suite struct CursorPlacementTests {
    static let claude = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"
    static let cursor = "ai cursor openai/gpt-5 conv-9"

    /// Claude writes `path`, then Cursor replaces `old` with `new` in it; the record.
    func cursorAfterClaude(_ path: String, written: String, replace old: String, with new: String) async throws
        -> Attribution
    {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        var claude = try AgentDriver(fixture, session: "s1")
        try await claude.claude("Write", path, write: written)
        var cursor = try AgentDriver(fixture, session: "conv-9")
        try await cursor.cursor(path, replace: old, with: new)
        return try await fixture.attribution(try await fixture.commitRecorded("cursor after claude"))
    }

    @Test func aReplacementWhoseTextOccursEarlierIsUndoneWhereItWasMade() async throws {
        let record = try await cursorAfterClaude(
            "f.py", written: "def f(x):\n    return x\n\ndef g(y):\n    pass\n",
            replace: "    pass\n", with: "    return x\n")
        #expect(record.origins("f.py") == lines((1...4, Self.claude), (5...5, Self.cursor)))
    }

    @Test func aReplacementThatCannotBePlacedLeavesItsLinesUnknownNotTheAgents() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        // A person's new file, never seen by capture nor staged; Cursor then turns its
        // second line into a copy of the first: which `return x` is Cursor's?
        try fixture.sandbox.write("return x\nreturn y\n", to: "x.py", in: fixture.repository)
        var cursor = try AgentDriver(fixture, session: "conv-9")
        try await cursor.cursor("x.py", replace: "return y\n", with: "return x\n")
        let record = try await fixture.attribution(try await fixture.commitRecorded("cannot place"))
        #expect(
            record.origins("x.py").isEmpty,
            "neither line may be credited to Cursor or the person: \(record.origins("x.py"))")
        #expect(record.totals?.added == 2)
    }

    @Test func aReplacementIsPlacedAgainstTheStagedVersionWhenCaptureSawNothing() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("return x\nreturn y\n", to: "x.py")
        var cursor = try AgentDriver(fixture, session: "conv-9")
        try await cursor.cursor("x.py", replace: "return y\n", with: "return x\n", last: true)
        let record = try await fixture.attribution(try await fixture.commitRecorded("placed"))
        #expect(record.origins("x.py") == lines((2...2, Self.cursor)))
    }

    @Test func aDeletionIsPlacedFromTheLastSeenText() async throws {
        let record = try await cursorAfterClaude(
            "g.txt", written: "one\ntwo\nthree\nfour\n", replace: "two\n", with: "")
        #expect(record.origins("g.txt") == lines((1...3, Self.claude)))
        #expect(record.totals?.deleted == 0)  // the line never reached a commit
    }
}

/// Odd repositories (issue: capture fidelity, case 12): each commit still gets its
/// record, line by line, or the command says plainly why it cannot.
@Suite struct OddRepositoryTests {
    static let claude = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"
    static let claudeMixed = "mixed claude-code anthropic/claude-sonnet-4-5-20250929 s1"

    @Test func anAgentsEditOnAnUnbornBranchIsInTheFirstCommit() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "first.txt", write: numberedLines(3))
        let status = try await fixture.sandbox.trace("status", in: fixture.repository)
        #expect(status.status == 0 && status.stdout.contains("first.txt: 3 AI lines"), "\(status)")
        let record = try await fixture.attribution(try await fixture.commitRecorded("root commit"))
        #expect(record.origins("first.txt") == lines((1...3, Self.claude)))
    }

    @Test func detachedHeadAndAnEmptyCommitAreRecorded() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        try await fixture.git("checkout", "-q", "--detach")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "d.txt", write: numberedLines(2))
        let detached = try await fixture.attribution(try await fixture.commitRecorded("detached"))
        #expect(detached.origins("d.txt") == lines((1...2, Self.claude)))
        try await fixture.git("commit", "-q", "--allow-empty", "-m", "empty")
        let empty = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await fixture.waitForRecord(empty), "an empty commit gets a record saying it added nothing")
        #expect(try await fixture.attribution(empty).totals == Totals(added: 0, deleted: 0, ai: 0, human: 0, mixed: 0))
    }

    @Test func pathsWithSpacesAndBinaryFiles() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "my dir/a file.txt", write: numberedLines(3))
        try Data([0, 1, 2, 255, 0, 10]).write(to: fixture.repository.appendingPathComponent("blob.bin"))
        let record = try await fixture.attribution(try await fixture.commitRecorded("spaces"))
        #expect(record.origins("my dir/a file.txt") == lines((1...3, Self.claude)))
        #expect(record.origins("blob.bin").isEmpty)
        #expect(try await fixture.verify().status == 0)
    }

    /// Writes a file whose name is `name`'s bytes (not necessarily UTF-8).
    func writeFile(named name: [UInt8], _ text: String, in directory: URL) throws {
        let full = Array(directory.path.utf8) + [0x2F] + name
        let descriptor = (full.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
            open($0.baseAddress!, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        }
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        _ = Array(text.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    @Test func aFileWhoseNameIsNotUTF8IsRecordedAndReadBack() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        let latin1 = Array("caf".utf8) + [0xE9] + Array(".txt".utf8)
        try writeFile(named: latin1, numberedLines(3), in: fixture.repository)
        try writeFile(named: Array("\"quoted\".txt".utf8), numberedLines(2), in: fixture.repository)
        let commit = try await fixture.commitRecorded("names git quotes")
        let record = try await fixture.attribution(commit)
        // The path as `git diff --name-only` prints it, and back to its bytes.
        #expect(record.origins("\"caf\\351.txt\"") == lines((1...3, "human")), "\(record.files.map(\.path))")
        #expect(record.origins("\"\\\"quoted\\\".txt\"") == lines((1...2, "human")), "\(record.files.map(\.path))")
        let listed = try await fixture.git("-c", "core.quotePath=true", "diff", "--name-only", "HEAD~1", "HEAD")
        #expect(Set(record.files.map(\.path)) == Set(listed.split(separator: "\n").map(String.init)))
        let verified = try await fixture.verify()
        #expect(verified.status == 0, "\(verified)")
        let status = try await fixture.sandbox.trace("status", "--json", in: fixture.repository)
        #expect(try LostRecordTests.withoutRecord(status.stdout) == [])
        let blame = try await fixture.trace("blame", "\"caf\\351.txt\"", "--trust", fixture.trustFile.path)
        #expect(blame.status == 0 && blame.stdout.contains("human"), "\(blame)")
        let report = try await fixture.trace("report", "--trust", fixture.trustFile.path, "--format", "json")
        #expect(report.status == 0, "\(report)")
    }

    @Test func aSparseCheckoutIsCaptured() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try fixture.sandbox.write("kept\n", to: "in/a.txt", in: fixture.repository)
        try fixture.sandbox.write("away\n", to: "out/b.txt", in: fixture.repository)
        _ = try await fixture.commitRecorded("two directories")
        try await fixture.git("sparse-checkout", "set", "in")
        #expect(!FileManager.default.fileExists(atPath: fixture.repository.appendingPathComponent("out/b.txt").path))
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Edit", "in/a.txt", write: "kept\n" + numberedLines(2))
        let record = try await fixture.attribution(try await fixture.commitRecorded("sparse"))
        #expect(record.origins("in/a.txt") == lines((2...3, Self.claude)))
        #expect(record.files.map(\.path) == ["in/a.txt"], "the files outside the checkout were not touched")
    }

    @Test func aShallowCloneIsCaptured() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        for round in 0..<3 { try await fixture.commit(numberedLines(round + 2), to: "a.txt") }
        let shallow = try await fixture.shallowClone(depth: 1, notes: false)
        #expect(try await fixture.sandbox.trace("init", in: shallow).status == 0)
        var agent = try AgentDriver(fixture, session: "s1")
        agent.workspace = shallow.path
        // The person edits a line of the boundary commit's file, the agent adds one.
        try fixture.sandbox.write(
            "line 1 by hand\n" + numberedLines(4).split(separator: "\n").dropFirst().map { $0 + "\n" }.joined(),
            to: "a.txt", in: shallow)
        let payload = { (name: String) in
            try agent.payload(name, file: "b.txt", toolUseID: "t-shallow", extra: ["TOOL": "Write"])
        }
        #expect(
            try await fixture.sandbox.run(
                fixture.sandbox.binary, ["capture", "--agent", "claude-code"], in: shallow,
                input: try payload("claude-code-pre-tool-use.json")
            ).status == 0)
        try fixture.sandbox.write(numberedLines(2), to: "b.txt", in: shallow)
        #expect(
            try await fixture.sandbox.run(
                fixture.sandbox.binary, ["capture", "--agent", "claude-code"], in: shallow,
                input: try payload("claude-code-post-tool-use.json")
            ).status == 0)
        try await fixture.sandbox.git("add", "-A", in: shallow)
        try await fixture.sandbox.git("commit", "-q", "-m", "in a shallow clone", in: shallow)
        let commit = try await fixture.sandbox.git("rev-parse", "HEAD", in: shallow).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(try await fixture.waitForRecord(commit, in: shallow))
        let note = try await fixture.sandbox.git("notes", "--ref", "sessiontrace", "show", commit, in: shallow)
        let record = try #require(
            try Statement(envelope: try Envelope(line: String(note.split(separator: "\n").last!))).attribution
        ).expanded(on: try #require(ObjectID(hex: commit)), in: try Repository(discoveringFrom: shallow.path))
        #expect(record.origins("b.txt") == lines((1...2, Self.claude)))
        #expect(record.origins("a.txt") == lines((1...1, "human")))
    }

    @Test func a200000LineFileAndA50MegabyteFile() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        let long = numberedLines(200_000)
        let large = String(repeating: String(repeating: "x", count: 99) + "\n", count: 500_000)
        try fixture.sandbox.write(long, to: "long.txt", in: fixture.repository)
        try fixture.sandbox.write(large, to: "large.txt", in: fixture.repository)
        _ = try await fixture.commitRecorded("big files")
        var agent = try AgentDriver(fixture, session: "s1")
        // One line in the middle of each, by the agent.
        try await agent.claude(
            "Edit", "long.txt",
            write: long.replacingOccurrences(of: "line 100000\n", with: "line 100000\nagent's line\n"))
        try await agent.claude("Edit", "large.txt", write: "agent's first line\n" + large)
        let record = try await fixture.attribution(try await fixture.commitRecorded("one line each"))
        #expect(record.origins("long.txt") == lines((100_001...100_001, Self.claude)))
        #expect(record.origins("large.txt") == lines((1...1, Self.claude)))
        #expect(try await fixture.verify().status == 0)
    }

    @Test func aMergeWhoseConflictAPersonResolvedByHand() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.diverge(
            base: "one\ntwo\nthree\n", agentOnTopic: "one\nagent's two\nthree\nagent's four\n",
            personOnMain: "one\nmain's two\nthree\n")
        let merged = try await fixture.sandbox.run("git", ["merge", "-q", "topic"], in: fixture.repository)
        #expect(merged.status != 0, "the merge stops on the conflict")
        // The person writes a line of their own in place of both.
        try fixture.sandbox.write(
            "one\nboth twos, merged by hand\nthree\nagent's four\n", to: "a.txt", in: fixture.repository)
        try await fixture.git("add", "a.txt")
        try await fixture.git("commit", "-q", "--no-edit")
        let merge = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await fixture.waitForRecord(merge))
        let record = try await fixture.attribution(merge)
        // Only the resolution is the merge's own line: an edit of the agent's line 2.
        #expect(record.origins("a.txt") == lines((2...2, Self.claudeMixed)))
        #expect(record.totals?.added == 1)
    }

    @Test func editsInsideASubmoduleAreRecordedInTheSubmodule() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        let library = try await fixture.sandbox.makeRepository("library")
        try fixture.sandbox.write("lib\n", to: "lib.txt", in: library)
        try await fixture.sandbox.git("add", "-A", in: library)
        try await fixture.sandbox.git("commit", "-q", "-m", "library", in: library)
        try await fixture.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", library.path, "lib")
        _ = try await fixture.commitRecorded("add the submodule")
        let initialised = try await fixture.trace("init")
        #expect(
            initialised.status == 0 && initialised.stdout.contains("submodule"),
            "init sets the submodule up: \(initialised)")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "lib/feature.txt", write: numberedLines(3))
        try await agent.claude("Write", "top.txt", write: numberedLines(2))
        let submodule = fixture.repository.appendingPathComponent("lib")
        try await fixture.sandbox.git("add", "-A", in: submodule)
        try await fixture.sandbox.git("commit", "-q", "-m", "feature", in: submodule)
        let inner = try await fixture.sandbox.git("rev-parse", "HEAD", in: submodule).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(try await fixture.waitForRecord(inner, in: submodule), "the submodule's commit gets its record")
        let note = try await fixture.sandbox.git("notes", "--ref", "sessiontrace", "show", inner, in: submodule)
        let innerRecord = try #require(
            try Statement(envelope: try Envelope(line: String(note.split(separator: "\n").last!))).attribution
        ).expanded(on: try #require(ObjectID(hex: inner)), in: try Repository(discoveringFrom: submodule.path))
        #expect(innerRecord.origins("feature.txt") == lines((1...3, Self.claude)))
        let outer = try await fixture.attribution(try await fixture.commitRecorded("top and the new submodule commit"))
        #expect(outer.origins("top.txt") == lines((1...2, Self.claude)))
        #expect(!outer.files.contains { $0.path.hasPrefix("lib") }, "the submodule's lines are not the superproject's")
        let status = try await fixture.trace("status")
        #expect(!status.stdout.contains("feature.txt"), "\(status)")
    }

    @Test func eachLinkedWorktreeHasItsOwnWorkingLog() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        let other = fixture.sandbox.root.appendingPathComponent("other-tree")
        try await fixture.git("worktree", "add", "-q", "-b", "side", other.path)
        // An agent writes in the main tree only; a person writes the same path in the other.
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "w.txt", write: numberedLines(2))
        try fixture.sandbox.write(numberedLines(2), to: "w.txt", in: other)
        try await fixture.sandbox.git("add", "-A", in: other)
        try await fixture.sandbox.git("commit", "-q", "-m", "by hand in the other tree", in: other)
        let otherCommit = try await fixture.sandbox.git("rev-parse", "HEAD", in: other).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(try await fixture.waitForRecord(otherCommit, in: other))
        #expect(try await fixture.attribution(otherCommit).origins("w.txt") == lines((1...2, "human")))
        let main = try await fixture.attribution(try await fixture.commitRecorded("the agent's"))
        #expect(main.origins("w.txt") == lines((1...2, Self.claude)))
    }

    @Test func aBareRepositoryReadsButDoesNotCapture() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        _ = try await fixture.trace("record", "HEAD", "--file", "README", "--lines", "1", "--origin", "human")
        let bare = fixture.sandbox.root.appendingPathComponent("bare.git")
        try await fixture.sandbox.git(
            "clone", "-q", "--bare", fixture.repository.path, bare.path, in: fixture.sandbox.root)
        try await fixture.sandbox.git(
            "fetch", "-q", fixture.repository.path, "refs/notes/sessiontrace:refs/notes/sessiontrace", in: bare)
        let verified = try await fixture.sandbox.run(
            fixture.sandbox.binary, ["verify", "--trust", fixture.trustFile.path], in: bare)
        #expect(verified.status == 0, "\(verified)")
        var agent = try AgentDriver(fixture, session: "s1")
        agent.workspace = bare.path
        let payload = try agent.payload(
            "claude-code-pre-tool-use.json", file: "x.txt", toolUseID: "t1", extra: ["TOOL": "Write"])
        let captured = try await fixture.sandbox.run(
            fixture.sandbox.binary, ["capture", "--agent", "claude-code"], in: bare, input: payload)
        #expect(captured.status != 2, "capture never blocks the agent: \(captured)")
        #expect(
            captured.stderr.contains("bare") && captured.stderr.split(separator: "\n").count == 1,
            "one line saying why: \(captured)")
    }
}

/// A process killed at any point (issue: capture fidelity, case 11): capture's hook and
/// the post-commit job are killed with SIGKILL at random moments; the working log and
/// the notes always parse, no half record is ever written, and the next run records
/// what the killed ones left.
@Suite struct KilledProcessTests {
    /// Starts `arguments` with `input` on stdin and kills it after `delay` microseconds.
    func runKilled(
        _ fixture: Fixture, _ arguments: [String], input: String, afterMicroseconds delay: UInt32,
        environment extra: [String: String] = [:]
    ) throws {
        let process = try ChildProcess(
            fixture.sandbox.binary, arguments: arguments.map { Array($0.utf8) },
            environment: fixture.sandbox.environment.merging(extra) { $1 }, directory: fixture.repository.path,
            input: Array(input.utf8))
        usleep(delay)
        kill(process.identifier, SIGKILL)
        _ = process.wait()
    }

    @Test func killedCaptureAndJobsLeaveNothingHalfWritten() async throws {
        let fixture = try await Fixture.make(commitHooks: false)
        let seed = try await fixture.commit("seed\n", to: "README")
        let agent = try AgentDriver(fixture, session: "s1")
        var generator = SystemRandomNumberGenerator()
        var commits = [String]()
        for round in 0..<12 {
            let path = "k\(round % 3).txt"
            let id = "toolu_kill_\(round)"
            try await agent.capture(
                "claude-code",
                try agent.payload("claude-code-pre-tool-use.json", file: path, toolUseID: id, extra: ["TOOL": "Write"]))
            try fixture.sandbox.write(numberedLines(5 + round), to: path, in: fixture.repository)
            try runKilled(
                fixture, ["capture", "--agent", "claude-code"],
                input: try agent.payload(
                    "claude-code-post-tool-use.json", file: path, toolUseID: id, extra: ["TOOL": "Write"]),
                afterMicroseconds: UInt32.random(in: 0...30_000, using: &generator))
            let status = try await fixture.sandbox.trace("status", "--json", in: fixture.repository)
            #expect(status.status == 0, "round \(round): the working log must parse: \(status)")
            try await fixture.git("add", "-A")
            try await fixture.git("commit", "-q", "-m", "round \(round)")
            commits.append(try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))
            // The commit's job, killed at a random moment.
            try runKilled(
                fixture, ["hook", "post-commit"], input: "",
                afterMicroseconds: UInt32.random(in: 0...60_000, using: &generator))
            let verified = try await fixture.verify()
            #expect(verified.status == 0, "round \(round): every record that exists verifies: \(verified)")
        }
        // One job that runs to the end records whatever the killed ones left, and says so.
        let unrecorded = try await ([seed] + commits).asyncFilter {
            try await fixture.sandbox.run(
                "git", ["notes", "--ref", "sessiontrace", "show", $0], in: fixture.repository
            ).status != 0
        }
        let lockLeft = FileManager.default.fileExists(
            atPath: fixture.repository.appendingPathComponent(".git/refs/notes/sessiontrace.lock").path)
        let finished = try await fixture.sandbox.run(
            fixture.sandbox.binary, ["hook", "post-commit"], in: fixture.repository)
        #expect(finished.status == 0, "\(finished)")
        if lockLeft {
            // It waits for the killed writer's lock to go stale, removes it, and says so.
            #expect(finished.stderr.contains("removed refs/notes/sessiontrace.lock"), "\(finished)")
        }
        let leftBehind = unrecorded.filter { $0 != commits.last }
        if !leftBehind.isEmpty {
            #expect(
                finished.stderr.contains("also recorded \(leftBehind.count) earlier commit"),
                "says what it recovered: \(finished)")
            for commit in leftBehind { #expect(finished.stderr.contains(String(commit.prefix(12)))) }
        }
        for commit in commits {
            let note = try await fixture.sandbox.run(
                "git", ["notes", "--ref", "sessiontrace", "show", commit], in: fixture.repository)
            #expect(note.status == 0, "\(commit) has no record after the recovering run")
        }
        let verified = try await fixture.verify()
        #expect(verified.status == 0, "\(verified)")
    }
}

extension Fixture {
    /// `a.txt` committed as `base` on main; branch `topic` where session s1 edits it to
    /// `agentOnTopic`; main again, where a person edits it to `personOnMain`. Ends on main.
    func diverge(base: String, agentOnTopic: String, personOnMain: String) async throws {
        try await commit(base, to: "a.txt")
        try await git("checkout", "-q", "-b", "topic")
        var agent = try AgentDriver(self, session: "s1")
        try await agent.claude("Edit", "a.txt", write: agentOnTopic)
        _ = try await commitRecorded("agent on topic")
        try await git("checkout", "-q", "main")
        try sandbox.write(personOnMain, to: "a.txt", in: repository)
        _ = try await commitRecorded("person on main")
    }
}

extension Array {
    func asyncFilter(_ keep: (Element) async throws -> Bool) async rethrows -> [Element] {
        var kept = [Element]()
        for element in self where try await keep(element) { kept.append(element) }
        return kept
    }
}

extension KilledProcessTests {
    /// `git trace sync` killed at random moments, between commits whose jobs are killed
    /// too: local and remote notes always parse and verify, and once the leftover locks
    /// are old (as by the next push), one full sync brings every record to the remote.
    @Test func killedSyncsLoseNoRecordAndTheNextOneRecovers() async throws {
        let fixture = try await Fixture.make(commitHooks: false)
        try await fixture.commit("seed\n", to: "README")
        let remote = fixture.sandbox.root.appendingPathComponent("remote.git")
        try await fixture.sandbox.git("init", "-q", "--bare", remote.path, in: fixture.sandbox.root)
        try await fixture.git("remote", "add", "origin", remote.path)
        try await fixture.git("push", "-q", "origin", "main")
        #expect(try await fixture.trace("init").status == 0)
        for hook in ["post-checkout", "post-commit", "post-merge", "post-rewrite", "pre-push"] {
            try? FileManager.default.removeItem(at: fixture.repository.appendingPathComponent(".git/hooks/\(hook)"))
        }
        var generator = SystemRandomNumberGenerator()
        var commits = [String]()
        for round in 0..<10 {
            try fixture.sandbox.write(numberedLines(round + 1), to: "s\(round % 2).txt", in: fixture.repository)
            try await fixture.git("add", "-A")
            try await fixture.git("commit", "-q", "-m", "round \(round)")
            commits.append(try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))
            try runKilled(
                fixture, ["hook", "post-commit"], input: "",
                afterMicroseconds: UInt32.random(in: 0...60_000, using: &generator))
            try runKilled(
                fixture, ["sync"], input: "", afterMicroseconds: UInt32.random(in: 0...150_000, using: &generator))
            #expect(try await fixture.verify().status == 0, "round \(round): local records verify")
            let tracking = try await fixture.sandbox.run(
                "git", ["rev-parse", "--verify", "-q", "refs/notes/remotes/origin/sessiontrace"], in: fixture.repository
            )
            if tracking.status == 0 {
                let parsed = try await fixture.sandbox.run(
                    "git",
                    ["cat-file", "-e", tracking.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "^{commit}"],
                    in: fixture.repository)
                #expect(parsed.status == 0, "round \(round): the tracking ref names a whole commit")
            }
        }
        // Later (as by the next push): locks the killed processes left are old by now.
        var locks = [String]()
        for directory in [
            fixture.repository.appendingPathComponent(".git/refs"), remote.appendingPathComponent("refs"),
        ] {
            let enumerator = FileManager.default.enumerator(atPath: directory.path)
            while let relative = enumerator?.nextObject() as? String {
                guard relative.hasSuffix(".lock") else { continue }
                let path = directory.appendingPathComponent(relative).path
                locks.append(path)
                try FileManager.default.setAttributes(
                    [.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: path)
            }
        }
        let recorded = try await fixture.sandbox.run(
            fixture.sandbox.binary, ["hook", "post-commit"], in: fixture.repository)
        #expect(recorded.status == 0, "\(recorded)")
        let synced = try await fixture.trace("sync")
        #expect(synced.status == 0, "the next sync recovers: \(synced), locks left: \(locks)")
        if locks.contains(where: { $0.hasSuffix("remotes/origin/sessiontrace.lock") }) {
            #expect(
                synced.stderr.contains("removed refs/notes/remotes/origin/sessiontrace.lock"),
                "says what it recovered: \(synced)")
        }
        // A fresh clone of the remote holds every commit's record, and they verify.
        let clone = fixture.sandbox.root.appendingPathComponent("fresh-clone")
        let cloned = try await fixture.sandbox.run(
            "git", ["clone", "-q", remote.path, clone.path], in: fixture.sandbox.root)
        try #require(cloned.status == 0, "\(cloned)")
        try await fixture.sandbox.git(
            "fetch", "-q", "origin", "refs/notes/sessiontrace:refs/notes/sessiontrace", in: clone)
        for commit in commits {
            let note = try await fixture.sandbox.run(
                "git", ["notes", "--ref", "sessiontrace", "show", commit], in: clone)
            #expect(note.status == 0, "\(commit) has no record on the remote")
        }
        let verified = try await fixture.sandbox.run(
            fixture.sandbox.binary, ["verify", "--trust", fixture.trustFile.path], in: clone)
        #expect(verified.status == 0, "\(verified)")
    }

    /// A writer killed while holding the notes ref's lock leaves `sessiontrace.lock`;
    /// every later record would fail. A lock that old is removed and the record made.
    @Test func aStaleNotesLockLeftByAKilledWriterDoesNotStopRecords() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        let lock = fixture.repository.appendingPathComponent(".git/refs/notes/sessiontrace.lock")
        try FileManager.default.createDirectory(at: lock.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("0000000000000000000000000000000000000000\n".utf8).write(to: lock)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: lock.path)
        try fixture.sandbox.write("after the kill\n", to: "b.txt", in: fixture.repository)
        let commit = try await fixture.commitRecorded("after a killed writer")
        #expect(try await fixture.noteLines(commit).count == 1)
        #expect(!FileManager.default.fileExists(atPath: lock.path))
        #expect(try await fixture.verify().status == 0)
    }
}

/// Undo and redo (issue: capture fidelity, case 2): lines whose origin is known from a
/// commit that left the branch keep it; with nothing known they are `unknown`, never
/// `human`.
@Suite struct UndoRedoTests {
    static let s1 = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"
    static let s1Mixed = "mixed claude-code anthropic/claude-sonnet-4-5-20250929 s1"

    /// Commits what is staged and waits for its record.
    func commitStaged(_ fixture: Fixture, _ message: String) async throws -> Attribution {
        try await fixture.attribution(try await fixture.commitRecorded(message, all: false))
    }

    @Test func aCommitUndoneWithResetSoftAndMadeAgainKeepsItsAILines() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "a.txt", write: numberedLines(4))
        _ = try await fixture.commitRecorded("first try")
        try await fixture.git("reset", "-q", "--soft", "HEAD~1")
        let again = try await commitStaged(fixture, "second try")
        #expect(again.origins("a.txt") == lines((1...4, Self.s1)))
        #expect(again.totals?.human == 0)
    }

    @Test func withoutAReflogOrigHeadNamesTheUndoneCommit() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        try await fixture.git("config", "core.logAllRefUpdates", "false")
        try FileManager.default.removeItem(at: fixture.repository.appendingPathComponent(".git/logs"))
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "a.txt", write: numberedLines(3))
        _ = try await fixture.commitRecorded("first try")
        try await fixture.git("reset", "-q", "--soft", "HEAD~1")
        let again = try await commitStaged(fixture, "second try")
        #expect(again.origins("a.txt") == lines((1...3, Self.s1)))
    }

    @Test func aSquashByResetSoftKeepsEveryCommitsOrigins() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "a.txt", write: numberedLines(3))
        _ = try await fixture.commitRecorded("one")
        try fixture.sandbox.write("mine\n", to: "b.txt", in: fixture.repository)
        try await agent.claude("Edit", "a.txt", write: numberedLines(4))
        _ = try await fixture.commitRecorded("two")
        try await fixture.git("reset", "-q", "--soft", "HEAD~2")
        let squashed = try await commitStaged(fixture, "squashed")
        #expect(squashed.origins("a.txt") == lines((1...4, Self.s1)))
        #expect(squashed.origins("b.txt") == lines((1...1, "human")))
    }

    @Test func workSplitAfterAMixedResetKeepsItsOriginsAndAPersonsEditIsMixed() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "a.txt", write: numberedLines(3))
        try await agent.claude("Write", "b.txt", write: numberedLines(3, prefix: "other"))
        _ = try await fixture.commitRecorded("everything at once")
        try await fixture.git("reset", "-q", "HEAD~1")
        // The person touches one AI line while splitting the work.
        try fixture.sandbox.write("other 1\nother 2, edited by hand\nother 3\n", to: "b.txt", in: fixture.repository)
        try await fixture.git("add", "a.txt")
        let first = try await commitStaged(fixture, "part one")
        #expect(first.origins("a.txt") == lines((1...3, Self.s1)))
        try await fixture.git("add", "b.txt")
        let second = try await commitStaged(fixture, "part two")
        #expect(second.origins("b.txt") == lines((1...1, Self.s1), (2...2, Self.s1Mixed), (3...3, Self.s1)))
    }

    @Test func linesOfAnUnrecordedCommitThatWasUndoneAreUnknownNotHuman() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        // Made where no hook ran: nobody knows who wrote these lines.
        try fixture.sandbox.write(numberedLines(3), to: "a.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        try await fixture.git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "unrecorded")
        let unrecorded = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try await fixture.overwriteNote(unrecorded, lines: [])
        try await fixture.git("notes", "--ref", "sessiontrace", "remove", unrecorded)
        try await fixture.git("reset", "-q", "--soft", "HEAD~1")
        try fixture.sandbox.write(numberedLines(3) + "typed now\n", to: "a.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        let again = try await commitStaged(fixture, "again")
        #expect(again.origins("a.txt") == lines((4...4, "human")), "the undone commit's lines have no known origin")
        #expect(again.totals?.added == 4 && again.totals?.human == 1 && again.totals?.ai == 0)
        let stats = try await fixture.trace("stats", "HEAD", "--trust", fixture.trustFile.path)
        #expect(stats.stdout.contains("unknown"), "\(stats)")
    }
}

/// Moved and copied lines keep their origin (issue: capture fidelity, case 9), and an
/// AI line a person edited is `mixed` whether the edit is committed anew or amended.
@Suite struct MovedLinesTests {
    static let s1 = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"
    static let s1Mixed = "mixed claude-code anthropic/claude-sonnet-4-5-20250929 s1"
    static let s2 = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s2"

    static let function = "func total(of values: [Int]) -> Int {\n    values.reduce(0, +)\n}\n"
    /// Longer than the function, so that git's diff keeps the header in place and
    /// shows the function as removed here and inserted there.
    static let header = (1...5).map { "let setting\($0) = \($0 * 10)  // by hand\n" }.joined()

    @Test func aFunctionAPersonMovedWithinTheFileStaysAI() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit(Self.header, to: "a.swift")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Edit", "a.swift", write: Self.function + Self.header)
        _ = try await fixture.commitRecorded("agent's function first")
        // The person moves the function below the header; capture sees nothing.
        try fixture.sandbox.write(Self.header + "\n" + Self.function, to: "a.swift", in: fixture.repository)
        let moved = try await fixture.attribution(try await fixture.commitRecorded("moved"))
        #expect(moved.origins("a.swift") == lines((6...6, "human"), (7...9, Self.s1)))
    }

    @Test func aMoveCaptureSawAsAPersonsEditStaysAI() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit(Self.header, to: "a.swift")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Edit", "a.swift", write: Self.function + Self.header)
        // Before any commit: the person moves it, then another session edits the file,
        // whose before event takes in the person's edit.
        try fixture.sandbox.write(Self.header + Self.function, to: "a.swift", in: fixture.repository)
        var later = try AgentDriver(fixture, session: "s2")
        try await later.claude("Edit", "a.swift", write: Self.header + Self.function + "// agent's note\n")
        let record = try await fixture.attribution(try await fixture.commitRecorded("moved then edited"))
        #expect(record.origins("a.swift") == lines((6...8, Self.s1), (9...9, Self.s2)))
    }

    @Test func aFileCheckedOutFromAnotherBranchKeepsItsOrigins() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        try await fixture.git("checkout", "-q", "-b", "feature")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "f.swift", write: Self.function)
        _ = try await fixture.commitRecorded("on the feature branch")
        try await fixture.git("checkout", "-q", "main")
        try await fixture.git("checkout", "feature", "--", "f.swift")
        let copied = try await fixture.attribution(try await fixture.commitRecorded("taken from feature"))
        #expect(copied.origins("f.swift") == lines((1...3, Self.s1)))
    }

    @Test func anAmendedEditOfAnAILineIsMixedAsANewCommitsIs() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "a.txt", write: numberedLines(3))
        try await agent.claude("Write", "b.txt", write: numberedLines(3))
        _ = try await fixture.commitRecorded("ai lines")
        try fixture.sandbox.write("line 1\nline 2 by hand\nline 3\n", to: "a.txt", in: fixture.repository)
        try await fixture.git("commit", "-q", "--amend", "-a", "--no-edit")
        let amended = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await fixture.waitForRecord(amended))
        let record = try await fixture.attribution(amended)
        #expect(record.origins("a.txt") == lines((1...1, Self.s1), (2...2, Self.s1Mixed), (3...3, Self.s1)))
        // The same edit as a new commit says the same.
        try fixture.sandbox.write("line 1\nline 2 by hand\nline 3\n", to: "b.txt", in: fixture.repository)
        let next = try await fixture.attribution(try await fixture.commitRecorded("edit"))
        #expect(next.origins("b.txt") == lines((2...2, Self.s1Mixed)))
    }

    @Test func anAILineEditedToResolveARebaseConflictIsMixed() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.diverge(
            base: "base 1\nbase 2\nbase 3\n", agentOnTopic: "base 1\nagent 2\nbase 3\n",
            personOnMain: "base 1\nmain 2\nbase 3\n")
        try await fixture.git("checkout", "-q", "topic")
        let conflicted = try await fixture.sandbox.run("git", ["rebase", "main"], in: fixture.repository)
        #expect(conflicted.status != 0, "the rebase stops on the conflict: \(conflicted)")
        try fixture.sandbox.write("base 1\nagent 2, merged with main 2\nbase 3\n", to: "a.txt", in: fixture.repository)
        try await fixture.git("add", "a.txt")
        try await fixture.git("-c", "core.editor=true", "rebase", "--continue")
        let rebased = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await fixture.waitForRecord(rebased))
        #expect(try await fixture.attribution(rebased).origins("a.txt") == lines((2...2, Self.s1Mixed)))
    }

    @Test func aLoneBraceOrBlankLineIsNeverTakenForAMove() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "a.txt", write: "}\n\na = 1\nb = 2\nc = 3\n")
        _ = try await fixture.commitRecorded("agent")
        // The diff keeps the three assignments and shows `}` and the blank line as
        // removed above and typed again below: too little to be a move.
        try fixture.sandbox.write("a = 1\nb = 2\nc = 3\n}\n\n", to: "a.txt", in: fixture.repository)
        let record = try await fixture.attribution(try await fixture.commitRecorded("person"))
        #expect(record.origins("a.txt") == lines((4...5, "human")))
    }
}

/// What a shell command is credited with (issue: capture fidelity, case 8): files
/// another capture reported while the command ran keep that edit's origin.
@Suite struct ShellAttributionTests {
    static let s1 = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"
    static let s2 = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s2"

    @Test func anotherAgentsEditDuringACommandKeepsItsOrigin() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        let shell = try AgentDriver(fixture, session: "s1")
        var other = try AgentDriver(fixture, session: "s2")
        let command = "printf 'generated 1\\ngenerated 2\\n' > gen.txt && printf 'tail by the command\\n' >> shared.txt"
        try await shell.capture(
            "claude-code",
            try shell.payload("claude-code-pre-bash.json", toolUseID: "bash-1", extra: ["COMMAND": command]))
        // While the command runs, another session writes two files, one of which the
        // command then appends to.
        try await other.claude("Write", "other.txt", write: numberedLines(2, prefix: "other"))
        try await other.claude("Write", "shared.txt", write: numberedLines(2, prefix: "shared"))
        let ran = try await fixture.sandbox.run("bash", ["-c", command], in: fixture.repository)
        #expect(ran.status == 0, "\(ran)")
        try await shell.capture(
            "claude-code",
            try shell.payload("claude-code-post-bash.json", toolUseID: "bash-1", extra: ["COMMAND": command]))
        let record = try await fixture.attribution(try await fixture.commitRecorded("both"))
        #expect(record.origins("gen.txt") == lines((1...2, Self.s1)))
        #expect(
            record.origins("other.txt") == lines((1...2, Self.s2)), "not the command's: another session reported it")
        #expect(record.origins("shared.txt") == lines((1...2, Self.s2), (3...3, Self.s1)))
    }
}

/// Ignored files are not copied (issue: capture fidelity, case 10): a git-ignored
/// `.env` an agent edits leaves no snapshot, unless the user asks.
@Suite struct IgnoredFileCaptureTests {
    static let claude = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"

    func snapshotsHold(_ fixture: Fixture, _ text: String) throws -> Bool {
        let state = fixture.repository.appendingPathComponent(".git/sessiontrace")
        let enumerator = try #require(FileManager.default.enumerator(atPath: state.path))
        while let relative = enumerator.nextObject() as? String {
            let data = (try? Data(contentsOf: state.appendingPathComponent(relative))) ?? Data()
            if String(decoding: data, as: UTF8.self).contains(text) { return true }
        }
        return false
    }

    @Test(arguments: [false, true])
    func anIgnoredFileIsNotSnapshottedUnlessAsked(asked: Bool) async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit(".env\n/build/\n*.lo[gG]\n", to: ".gitignore")
        if asked { try await fixture.git("config", "sessiontrace.captureIgnored", "true") }
        let secret = "API_KEY=\(UUID().uuidString)\n"
        try fixture.sandbox.write(secret, to: ".env", in: fixture.repository)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o600], ofItemAtPath: fixture.repository.appendingPathComponent(".env").path)
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Edit", ".env", write: secret + "DEBUG=1\n")
        try await agent.claude("Write", "build/out.txt", write: "built \(secret)")
        try await agent.claude("Write", "trace.loG", write: "log \(secret)")
        // Files no pattern ignores are captured as ever, also under an ignored name's look-alike.
        try await agent.claude("Write", "src/env.txt", write: numberedLines(2))
        #expect(
            try snapshotsHold(fixture, secret) == asked, asked ? "asked for: captured" : "an ignored file was copied")
        let record = try await fixture.attribution(try await fixture.commitRecorded("source"))
        #expect(record.origins("src/env.txt") == lines((1...2, Self.claude)))
    }
}
