import Capture
import Foundation
import Ledger
import Testing

@Suite struct AgentAdapterTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/agents")

    func payload(_ name: String, _ values: [String: String] = [:]) throws -> [UInt8] {
        var text = try String(contentsOf: AgentAdapterTests.fixtures.appendingPathComponent(name), encoding: .utf8)
        let defaults = [
            "ROOT": "/repo", "FILE": "src/a.swift", "SESSION": "s1", "TOOL_USE_ID": "t1", "TRANSCRIPT": "/nonexistent",
            "TOOL": "Edit", "COMMAND": "make", "OLD": "a", "NEW": "b",
        ]
        for (key, value) in defaults.merging(values, uniquingKeysWith: { $1 }).sorted(by: {
            $0.key.count > $1.key.count
        }) {
            text = text.replacingOccurrences(of: "$" + key, with: value)
        }
        return Array(text.utf8)
    }

    @Test func claudeCodeEvents() throws {
        let before = try AgentKind.claudeCode.event(from: try payload("claude-code-pre-tool-use.json"))
        #expect(
            before
                == AgentEvent(
                    agent: "claude-code", phase: .before, action: .edit(files: ["/repo/src/a.swift"]), session: "s1",
                    toolUseID: "t1", cwd: "/repo"))
        let shell = try AgentKind.claudeCode.event(from: try payload("claude-code-post-bash.json"))
        #expect(shell.action == .shell && shell.phase == .after)
        let read = try AgentKind.claudeCode.event(from: try payload("claude-code-pre-tool-use.json", ["TOOL": "Read"]))
        #expect(read.action == .ignored)
    }

    @Test func cursorAfterFileEditCarriesItsReplacements() throws {
        let event = try AgentKind.cursor.event(from: try payload("cursor-after-file-edit.json"))
        #expect(event.phase == .after)
        #expect(event.model == "openai/gpt-5")
        #expect(event.replacements == [AgentEvent.Replacement(old: "a", new: "b")])
        #expect(event.cwd == "/repo")
    }

    @Test func codexReadsThePatch() throws {
        let event = try AgentKind.codex.event(from: try payload("codex-pre-tool-use.json"))
        #expect(event.action == .edit(files: ["src/a.swift"]))
        #expect(event.model == "openai/gpt-5-codex")
        #expect(event.toolUseID == "codex:t1:apply_patch")
    }

    @Test func copilotReadsToolArgsGivenAsAJSONString() throws {
        let before = try AgentKind.copilot.event(from: try payload("copilot-pre-tool-use.json"))
        #expect(before.phase == .before && before.action == .edit(files: ["/repo/src/a.swift"]))
        let after = try AgentKind.copilot.event(from: try payload("copilot-post-tool-use.json"))
        #expect(after.phase == .after)
        let declared = try AgentKind.copilot.event(
            from: try payload("copilot-pre-tool-use.json"), declaredPhase: .after)
        #expect(declared.phase == .after)
    }

    @Test func geminiAndGeneric() throws {
        #expect(
            try AgentKind.gemini.event(from: try payload("gemini-after-tool.json")).action
                == .edit(files: ["/repo/src/a.swift"]))
        let generic = try AgentKind.generic.event(from: try payload("generic-before.json"))
        #expect(generic.agent == "aider" && generic.model == "anthropic/claude-opus-4")
    }

    /// Auggie's paths are relative to the workspace root; `remove-files` lists several;
    /// a payload that names its event wins over the script's `--event`.
    @Test func augmentEvents() throws {
        let save = try AgentKind.augment.event(
            from: try payload("augment-post-tool-use.json", ["TOOL": "save-file"]), declaredPhase: .before)
        #expect(
            save
                == AgentEvent(
                    agent: "augment", phase: .after, action: .edit(files: ["src/a.swift"]), session: "s1", cwd: "/repo")
        )
        let removal =
            #"{"conversation_id": "s1", "tool_name": "remove-files", "tool_input": {"file_paths": ["a", "b/c"]}}"#
        let removed = try AgentKind.augment.event(from: Array(removal.utf8), declaredPhase: .before)
        #expect(removed.phase == .before && removed.action == .edit(files: ["a", "b/c"]))
        let shell = try AgentKind.augment.event(
            from: try payload("augment-pre-tool-use.json", ["TOOL": "launch-process"]))
        #expect(shell.action == .shell && shell.phase == .before)
        let view = try AgentKind.augment.event(from: try payload("augment-pre-tool-use.json", ["TOOL": "view"]))
        #expect(view.action == .ignored)
        let prompt = try AgentKind.augment.event(
            from: try payload("augment-prompt-submit.json", ["PROMPT": "fix it"]), declaredPhase: .before)
        #expect(prompt.action == .prompt(text: "fix it") && prompt.session == "s1")
    }

    @Test func malformedPayloadsAreRefusedWithTheirReason() {
        let cases: [(AgentKind, String, String)] = [
            (.claudeCode, "", "no hook payload"),
            (.claudeCode, "[]", "not a JSON object"),
            (.claudeCode, "{\"hook_event_name\":\"Nope\"}", "expected PreToolUse"),
            (.claudeCode, "{\"hook_event_name\":\"PreToolUse\"}", "no tool_name"),
            (.cursor, "{\"hook_event_name\":\"afterFileEdit\"}", "no file_path"),
            (.generic, "{\"event\":\"before\",\"agent\":\"x\"}", "names no files"),
            (.augment, "{\"tool_name\":\"save-file\"}", "no hook_event_name and no --event"),
            (.augment, "{\"hook_event_name\":\"Stop\"}", "expected PreToolUse, PostToolUse or PromptSubmit"),
            // Continue's SessionStart is read too (its model): the message names it.
            (
                .continueCLI, "{\"hook_event_name\":\"Stop\"}",
                "expected PreToolUse, PostToolUse, UserPromptSubmit or SessionStart"
            ),
            (
                .augment,
                "{\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"str-replace-editor\",\"tool_input\":{}}",
                "names no file it edits"
            ),
            (
                .codex, "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"apply_patch\",\"tool_input\":{}}",
                "names no file"
            ),
        ]
        for (agent, text, reason) in cases {
            #expect(performing: { try agent.event(from: Array(text.utf8)) }, throws: { "\($0)".contains(reason) })
        }
    }
}

@Suite struct LineOriginTests {
    let agent = Provenance(kind: .ai, agent: "a", model: "p/m", session: "s")

    @Test func personsEditPairsReplacedLinesAndKeepsTheRest() throws {
        let old = Array("a\nb\nc\n".utf8), new = Array("a\nB\nB2\nc\nd\n".utf8)
        let labels = try LineOrigins.afterPersonEdit([agent, agent, .base], old: old, new: new)
        #expect(labels.map(\.kind) == [.ai, .mixed, .human, .base, .human])
        #expect(labels[1].session == "s")
    }

    @Test func agentsEditOwnsEveryNewOrReplacedLine() throws {
        let labels = try LineOrigins.afterAgentEdit(
            [.human, .human], old: Array("x\ny\n".utf8), new: Array("x\nz\nw\n".utf8), agent: agent)
        #expect(labels == [.human, agent, agent])
    }

    @Test func addedLinesAreTheInsertedAndReplacedOnes() throws {
        #expect(try LineOrigins.addedLines(old: Array("1\n2\n3\n".utf8), new: Array("1\nx\n3\n4\n".utf8)) == [2, 4])
    }
}

@Suite struct TrailerTests {
    @Test func trailersGoAfterTheMessageAndBeforeComments() {
        let message = "Fix it\n\nBecause.\n# Please enter the commit message\n# lines starting with #\n"
        let result = Trailers.apply(["AI-Assisted: cursor gpt-5 2/3 lines"], to: message)
        #expect(
            result
                == "Fix it\n\nBecause.\n\nAI-Assisted: cursor gpt-5 2/3 lines\n\n# Please enter the commit message\n# lines starting with #\n"
        )
    }

    @Test func existingTrailersAreJoinedAndOldAIAssistedReplaced() {
        let message = "Fix it\n\nSigned-off-by: A <a@b>\nAI-Assisted: old 1/1 lines\n"
        #expect(
            Trailers.apply(["AI-Assisted: codex gpt-5 1/2 lines"], to: message)
                == "Fix it\n\nSigned-off-by: A <a@b>\nAI-Assisted: codex gpt-5 1/2 lines\n")
    }

    @Test func noTrailerLeavesTheMessageAlone() {
        #expect(Trailers.apply([], to: "Fix it\n") == "Fix it\n")
    }
}
