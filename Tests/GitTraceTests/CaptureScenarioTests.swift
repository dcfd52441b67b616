import Foundation
import Ledger
import Records
import TestSupport
import Testing

/// Scripted sessions whose truth is known, checked line by line against the record
/// the post-commit hook signs (issue: session capture).
@Suite struct CaptureScenarioTests {
    static let claude = "ai claude-code anthropic/claude-sonnet-4-5-20250929 s1"
    static let claudeMixed = "mixed claude-code anthropic/claude-sonnet-4-5-20250929 s1"

    func started() async throws -> (Fixture, AgentDriver) {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        return (fixture, try AgentDriver(fixture, session: "s1"))
    }

    @Test func aiWritesANewFile() async throws {
        var (fixture, agent) = try await started()
        try await agent.claude("Write", "src/greet.swift", write: numberedLines(5))
        let commit = try await fixture.commitRecorded("greet")
        let record = try await fixture.attribution(commit)
        #expect(record.origins("src/greet.swift") == lines((1...5, Self.claude)))
        #expect(record.totals == Totals(added: 5, deleted: 0, ai: 5, human: 0, mixed: 0))
        #expect(
            record.sessions == [
                SessionAcceptance(
                    agent: "claude-code", sessionID: "s1", modelID: "anthropic/claude-sonnet-4-5-20250929",
                    linesWritten: 5, linesCommittedUnchanged: 5, linesCommittedEdited: 0, actionsAccepted: 1)
            ])
        let verified = try await fixture.verify()
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func personEditsThreeAILinesBeforeCommitting() async throws {
        var (fixture, agent) = try await started()
        try await agent.claude("Write", "a.txt", write: numberedLines(8))
        var text = numberedLines(8).split(separator: "\n").map(String.init)
        for index in [1, 4, 5] { text[index] += " // reviewed" }
        try fixture.sandbox.write(text.joined(separator: "\n") + "\n", to: "a.txt", in: fixture.repository)
        let record = try await fixture.attribution(try await fixture.commitRecorded("edited"))
        #expect(
            record.origins("a.txt")
                == lines(
                    (1...1, Self.claude), (2...2, Self.claudeMixed), (3...4, Self.claude), (5...6, Self.claudeMixed),
                    (7...8, Self.claude)))
        #expect(record.sessions.first?.linesCommittedUnchanged == 5)
        #expect(record.sessions.first?.linesCommittedEdited == 3)
    }

    @Test func personEditingAnAILineOfAnEarlierCommitMakesItMixed() async throws {
        var (fixture, agent) = try await started()
        try await agent.claude("Write", "a.txt", write: numberedLines(4))
        _ = try await fixture.commitRecorded("ai lines")
        // Later, by hand (capture never sees the file again): one AI line edited, one line added.
        try fixture.sandbox.write(
            "line 1\nline 2 adjusted\nline 3\nline 4\nmine\n", to: "a.txt", in: fixture.repository)
        let record = try await fixture.attribution(try await fixture.commitRecorded("by hand"))
        #expect(record.origins("a.txt") == lines((2...2, Self.claudeMixed), (5...5, "human")))
    }

    @Test func personEditingAnOlderAILineAfterTheAgentCameBackMakesItMixed() async throws {
        var (fixture, agent) = try await started()
        try await agent.claude("Write", "a.txt", write: numberedLines(4))
        _ = try await fixture.commitRecorded("ai lines")
        // A later session appends a line: capture first sees the file then, lines 1-4 as
        // they were (written by s1, committed already).
        var later = try AgentDriver(fixture, session: "s2")
        try await later.claude("Edit", "a.txt", write: numberedLines(5))
        // The person then edits line 2, which s1 wrote.
        try fixture.sandbox.write(
            "line 1\nline 2 adjusted\nline 3\nline 4\nline 5\n", to: "a.txt", in: fixture.repository)
        let record = try await fixture.attribution(try await fixture.commitRecorded("both"))
        #expect(
            record.origins("a.txt")
                == lines((2...2, Self.claudeMixed), (5...5, "ai claude-code anthropic/claude-sonnet-4-5-20250929 s2")))
        // s1's line was counted when it was first committed; s2 wrote and committed one.
        #expect(record.sessions.map(\.sessionID) == ["s2"])
        #expect(record.sessions.first?.linesCommittedUnchanged == 1)
    }

    @Test func personTypesBetweenTwoAIEdits() async throws {
        var (fixture, agent) = try await started()
        try await agent.claude("Write", "a.txt", write: "ai 1\nai 2\n")
        try fixture.sandbox.write("ai 1\nai 2\nmine 3\nmine 4\n", to: "a.txt", in: fixture.repository)
        try await agent.claude("Edit", "a.txt", write: "ai 1\nai 2\nmine 3\nmine 4\nai 5\n")
        let record = try await fixture.attribution(try await fixture.commitRecorded("both"))
        #expect(record.origins("a.txt") == lines((1...2, Self.claude), (3...4, "human"), (5...5, Self.claude)))
    }

    @Test func partiallyStagedAIEditIsAttributedAcrossTwoCommits() async throws {
        var (fixture, agent) = try await started()
        try await agent.claude("Write", "a.txt", write: numberedLines(6))
        // Stage only the first three lines, as 'git add -p' would.
        let partial = try await fixture.sandbox.git(
            "hash-object", "-w", "--stdin", in: fixture.repository, input: numberedLines(3))
        try await fixture.git(
            "update-index", "--add", "--cacheinfo", "100644,\(partial.trimmingCharacters(in: .newlines)),a.txt")
        let first = try await fixture.commitRecorded("first half", all: false)
        #expect(try await fixture.attribution(first).origins("a.txt") == lines((1...3, Self.claude)))
        let pending = try await fixture.trace("status")
        #expect(pending.stdout.contains("uncommitted  a.txt: 6 AI lines"), "\(pending)")
        let second = try await fixture.commitRecorded("second half")
        let record = try await fixture.attribution(second)
        #expect(record.origins("a.txt") == lines((4...6, Self.claude)))
        #expect(record.totals?.added == 3)
        #expect(try await fixture.trace("status").stdout.contains("no uncommitted AI lines"))
    }

    @Test func aiEditRevertedByThePersonLeavesNoAILines() async throws {
        var (fixture, agent) = try await started()
        try await agent.claude("Write", "README", write: "seed\nai line\n")
        try fixture.sandbox.write("seed\n", to: "README", in: fixture.repository)
        try fixture.sandbox.write("my notes\n", to: "notes.txt", in: fixture.repository)
        let record = try await fixture.attribution(try await fixture.commitRecorded("mine"))
        #expect(record.files.map(\.path) == ["notes.txt"])
        #expect(record.origins("notes.txt") == lines((1...1, "human")))
        #expect(record.totals?.ai == 0 && record.totals?.mixed == 0)
        #expect(record.sessions.first?.linesWritten == 1)
        #expect(record.sessions.first?.linesCommittedUnchanged == 0)
    }

    @Test func aiDeletesLinesWhichAreCountedWithoutRanges() async throws {
        var (fixture, agent) = try await started()
        try await fixture.commit(numberedLines(10), to: "a.txt")
        var kept = numberedLines(10).split(separator: "\n").map(String.init)
        kept.removeSubrange(3...5)
        try await agent.claude("Edit", "a.txt", write: kept.joined(separator: "\n") + "\n")
        let record = try await fixture.attribution(try await fixture.commitRecorded("trim"))
        #expect(record.files.isEmpty)
        #expect(record.totals == Totals(added: 0, deleted: 3, ai: 0, human: 0, mixed: 0))
    }

    @Test func renameAfterAIEditKeepsAttribution() async throws {
        var (fixture, agent) = try await started()
        try await agent.claude("Write", "draft.txt", write: numberedLines(4))
        try FileManager.default.moveItem(
            at: fixture.repository.appendingPathComponent("draft.txt"),
            to: fixture.repository.appendingPathComponent("final.txt"))
        let record = try await fixture.attribution(try await fixture.commitRecorded("renamed"))
        #expect(record.origins("final.txt") == lines((1...4, Self.claude)))
    }

    @Test func renameOfACommittedFileAfterAIEdit() async throws {
        var (fixture, agent) = try await started()
        try await fixture.commit(numberedLines(20), to: "old.txt")
        try await agent.claude("Edit", "old.txt", write: numberedLines(20) + "ai 21\n")
        try await fixture.git("mv", "old.txt", "new.txt")
        let record = try await fixture.attribution(try await fixture.commitRecorded("moved"))
        #expect(record.origins("new.txt") == lines((21...21, Self.claude)))
    }

    /// Renames are found as git finds them by default whatever the clone configures
    /// (`diff.renames` off or `copies`, a tiny `diff.renameLimit`): a moved file's
    /// lines are not all claimed as added, nor fewer of them when another file is a copy.
    @Test func renamesAreFoundWhateverTheClonesDiffSettings() async throws {
        for setting in [("diff.renames", "false"), ("diff.renames", "copies"), ("diff.renameLimit", "1")] {
            var (fixture, agent) = try await started()
            try await fixture.git("config", setting.0, setting.1)
            try await fixture.commit(numberedLines(20), to: "old.txt")
            try await fixture.commit("other\n", to: "other.txt")
            try await agent.claude("Edit", "old.txt", write: numberedLines(20) + "ai 21\n")
            try await fixture.git("mv", "old.txt", "new.txt")
            try fixture.sandbox.write("other\nextra\n", to: "other.txt", in: fixture.repository)
            let record = try await fixture.attribution(try await fixture.commitRecorded("moved"))
            #expect(record.origins("new.txt") == lines((21...21, Self.claude)), "\(setting)")
            #expect(
                record.totals?.added == 2 && record.totals?.deleted == 0,
                "\(setting): \(String(describing: record.totals))")
        }
    }

    @Test func twoAgentsInOneCommit() async throws {
        var (fixture, agent) = try await started()
        try await fixture.commit("let a = 1\nlet b = 2\n", to: "b.swift")
        try await agent.claude("Write", "a.swift", write: "claude 1\nclaude 2\n")
        var cursor = try AgentDriver(fixture, session: "conv-9")
        try await cursor.cursor("b.swift", replace: "let b = 2\n", with: "let b = 3\nlet c = 4\n")
        let record = try await fixture.attribution(try await fixture.commitRecorded("two agents"))
        #expect(record.origins("a.swift") == lines((1...2, Self.claude)))
        #expect(record.origins("b.swift") == lines((2...3, "ai cursor openai/gpt-5 conv-9")))
        #expect(record.sessions.map(\.agent) == ["claude-code", "cursor"])
    }

    @Test func commitWithNoAIIsRecordedAsKnownHuman() async throws {
        let (fixture, _) = try await started()
        try fixture.sandbox.write(numberedLines(3), to: "plain.txt", in: fixture.repository)
        let commit = try await fixture.commitRecorded("by hand")
        let record = try await fixture.attribution(commit)
        #expect(record.origins("plain.txt") == lines((1...3, "human")))
        #expect(record.totals == Totals(added: 3, deleted: 0, ai: 0, human: 3, mixed: 0))
        #expect(record.sessions.isEmpty)
    }

    @Test func garbagePayloadFailsTheHookButNotTheCommit() async throws {
        let (fixture, agent) = try await started()
        for garbage in ["", "not json", "[1,2]", "{\"hook_event_name\": \"PreToolUse\"}"] {
            let output = try await fixture.sandbox.run(
                fixture.sandbox.binary, ["capture", "--agent", "claude-code"], in: fixture.repository, input: garbage)
            #expect(output.status == 1, "\(garbage): \(output)")
            #expect(output.stderrLines.count == 1 && output.stderr.hasPrefix("git-trace capture: "), "\(output)")
        }
        _ = agent
        try fixture.sandbox.write("after garbage\n", to: "x.txt", in: fixture.repository)
        let record = try await fixture.attribution(try await fixture.commitRecorded("still works"))
        #expect(record.origins("x.txt") == lines((1...1, "human")))
    }

    @Test func shellCommandChangesAreTheAgents() async throws {
        var (fixture, agent) = try await started()
        try await fixture.commit(numberedLines(3), to: "config.txt")
        try fixture.sandbox.write("human draft\n", to: "draft.txt", in: fixture.repository)
        try await agent.claudeShell(
            "sed -i 's/line 2/line two/' config.txt && printf 'gen 1\\ngen 2\\n' > generated.txt")
        let record = try await fixture.attribution(try await fixture.commitRecorded("generated"))
        #expect(record.origins("config.txt") == lines((2...2, Self.claude)))
        #expect(record.origins("generated.txt") == lines((1...2, Self.claude)))
        #expect(record.origins("draft.txt") == lines((1...1, "human")))
    }
}

/// Each agent's real payloads, end to end.
@Suite struct AgentPayloadTests {
    func attributed(_ agentName: String, session: String) async throws -> Attribution {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        var agent = try AgentDriver(fixture, session: session)
        try await agent.edit(agentName, "gen.txt", write: "one\ntwo\n")
        return try await fixture.attribution(try await fixture.commitRecorded(agentName))
    }

    @Test func gemini() async throws {
        #expect(
            try await attributed("gemini", session: "g1").origins("gen.txt")
                == lines((1...2, "ai gemini google/unknown g1")))
    }

    @Test func codex() async throws {
        #expect(
            try await attributed("codex", session: "c1").origins("gen.txt")
                == lines((1...2, "ai codex openai/gpt-5-codex c1")))
    }

    @Test func copilot() async throws {
        #expect(
            try await attributed("copilot", session: "p1").origins("gen.txt")
                == lines((1...2, "ai copilot unknown/unknown p1")))
    }

    @Test func generic() async throws {
        #expect(
            try await attributed("generic", session: "x1").origins("gen.txt")
                == lines((1...2, "ai aider anthropic/claude-opus-4 x1")))
    }
}
