import Foundation
import Ledger
import Records
import TestSupport
import Testing

extension AgentDriver {
    /// An agent whose hooks run before and after each file write (`pre`, `post`: its
    /// fixtures): the write happens in between, as the agent makes it.
    mutating func write(
        _ agent: String, _ path: String, _ content: String, pre: String?, post: String, extra: [String: String] = [:]
    ) async throws {
        toolUse += 1
        let id = "\(agent)-\(session)-\(toolUse)"
        let url = fixture.repository.appendingPathComponent(path)
        let old = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let values = ["OLD": old, "NEW": content].merging(extra) { $1 }
        if let pre { try await capture(agent, try payload(pre, file: path, toolUseID: id, extra: values)) }
        try fixture.sandbox.write(content, to: path, in: fixture.repository)
        try await capture(agent, try payload(post, file: path, toolUseID: id, extra: values))
    }

    /// An agent runs `command` through its shell tool, between its `pre` and `post` hooks.
    mutating func shell(
        _ agent: String, _ command: String, pre: String, post: String, extra: [String: String] = [:]
    ) async throws {
        toolUse += 1
        let id = "\(agent)-\(session)-\(toolUse)"
        try await capture(agent, try payload(pre, toolUseID: id, extra: ["COMMAND": command].merging(extra) { $1 }))
        let ran = try await fixture.sandbox.run("bash", ["-c", command], in: fixture.repository)
        #expect(ran.status == 0, "\(ran)")
        try await capture(agent, try payload(post, toolUseID: id, extra: ["COMMAND": command].merging(extra) { $1 }))
    }

    func prompt(_ agent: String, _ fixtureName: String, _ text: String) async throws {
        try await capture(agent, try payload(fixtureName, extra: ["PROMPT": text]))
    }
}

/// Each newer agent's documented hooks, in one session that uses its file tool, its
/// shell tool and a person's edits, checked line by line against the signed record.
@Suite struct AgentScenarioTests {
    func started() async throws -> (Fixture, AgentDriver) {
        let fixture = try await Fixture.make(commitHooks: true)
        try fixture.sandbox.write(numberedLines(5), to: "a.txt", in: fixture.repository)
        _ = try await fixture.commitRecorded("seed")
        return (fixture, try AgentDriver(fixture, session: "w1"))
    }

    /// The person's edit, the agent's edit of the same file, its new file, its command's
    /// output, and the person's line added to the agent's file.
    func expectSession(_ fixture: Fixture, agent label: String, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        let commit = try await fixture.commitRecorded("session")
        let record = try await fixture.attribution(commit)
        #expect(
            record.origins("a.txt") == lines((1...1, "human"), (3...3, label)), "\(record.origins("a.txt"))",
            sourceLocation: sourceLocation)
        #expect(
            record.origins("new.txt") == lines((1...2, label), (3...3, "human")), "\(record.origins("new.txt"))",
            sourceLocation: sourceLocation)
        #expect(record.origins("gen.txt") == lines((1...2, label)), sourceLocation: sourceLocation)
        let aiRanges = record.files.flatMap(\.ranges).filter { $0.contributor.type == .ai }
        #expect(
            !aiRanges.isEmpty && aiRanges.allSatisfy { $0.promptDigest?.hasPrefix("hmac-sha256:") == true },
            "the prompt's keyed digest is on the lines it led to", sourceLocation: sourceLocation)
        #expect(try await fixture.verify().status == 0, sourceLocation: sourceLocation)
    }

    /// An agent's hook fixtures, and the extra values each kind of call needs.
    struct Hooks {
        var prompt: String
        var writePre: String, writePost: String, shellPre: String, shellPost: String
        var editValues: [String: String] = [:], writeValues: [String: String] = [:]
        var shellValues: [String: String] = [:]
        /// The event that opens the session, where the agent has one (Continue's names the model).
        var start: String? = nil, startValues: [String: String] = [:]
    }

    /// The session `expectSession` checks: the person edits line 1, the agent line 3
    /// after a prompt, writes new.txt, runs a command writing gen.txt, and the person adds
    /// a line to new.txt.
    func runSession(_ agentName: String, _ hooks: Hooks, label: String) async throws {
        var (fixture, agent) = try await started()
        if let start = hooks.start {
            try await agent.capture(agentName, try agent.payload(start, extra: hooks.startValues))
        }
        var lines = numberedLines(5).split(separator: "\n").map(String.init)
        lines[0] = "mine"
        try fixture.sandbox.write(lines.joined(separator: "\n") + "\n", to: "a.txt", in: fixture.repository)
        try await agent.prompt(agentName, hooks.prompt, "fix line three")
        lines[2] = "line three, by \(agentName)"
        try await agent.write(
            agentName, "a.txt", lines.joined(separator: "\n") + "\n", pre: hooks.writePre, post: hooks.writePost,
            extra: hooks.editValues)
        try await agent.write(
            agentName, "new.txt", "n1\nn2\n", pre: hooks.writePre, post: hooks.writePost, extra: hooks.writeValues)
        try await agent.shell(
            agentName, "printf 'g1\\ng2\\n' > gen.txt", pre: hooks.shellPre, post: hooks.shellPost,
            extra: hooks.shellValues)
        try fixture.sandbox.write("n1\nn2\nmine too\n", to: "new.txt", in: fixture.repository)
        try await expectSession(fixture, agent: label)
    }

    @Test func windsurf() async throws {
        try await runSession(
            "windsurf",
            Hooks(
                prompt: "windsurf-pre-user-prompt.json", writePre: "windsurf-pre-write-code.json",
                writePost: "windsurf-post-write-code.json", shellPre: "windsurf-pre-run-command.json",
                shellPost: "windsurf-post-run-command.json"),
            label: "ai windsurf unknown/unknown w1")
    }

    @Test func cline() async throws {
        try await runSession(
            "cline",
            Hooks(
                prompt: "cline-user-prompt-submit.json", writePre: "cline-pre-tool-use.json",
                writePost: "cline-post-tool-use.json", shellPre: "cline-pre-tool-use.json",
                shellPost: "cline-post-tool-use.json", editValues: ["TOOL": "replace_in_file", "COMMAND": ""],
                writeValues: ["TOOL": "write_to_file", "COMMAND": ""],
                shellValues: ["TOOL": "execute_command", "FILE": "", "NEW": ""]),
            label: "ai cline unknown/unknown w1")
    }

    @Test func droid() async throws {
        try await runSession(
            "droid",
            Hooks(
                prompt: "droid-user-prompt-submit.json", writePre: "droid-pre-tool-use.json",
                writePost: "droid-post-tool-use.json", shellPre: "droid-pre-tool-use.json",
                shellPost: "droid-post-tool-use.json", editValues: ["TOOL": "Edit", "COMMAND": ""],
                writeValues: ["TOOL": "Create", "COMMAND": ""], shellValues: ["TOOL": "Execute", "FILE": ""]),
            label: "ai droid unknown/unknown w1")
    }

    /// Continue CLI (`cn`): Claude Code's hook format with its own tool names; Write names
    /// its file `filepath`, Edit `file_path`. Its payloads name no model.
    @Test func continueCLI() async throws {
        try await runSession("continue", continueHooks(), label: "ai continue unknown/unknown w1")
    }

    /// Continue's SessionStart names the session's model: the session's lines carry it.
    @Test func continueCLIModelFromSessionStart() async throws {
        var hooks = continueHooks()
        hooks.start = "continue-session-start.json"
        hooks.startValues = ["MODEL": "claude-sonnet-4-5"]
        try await runSession("continue", hooks, label: "ai continue anthropic/claude-sonnet-4-5 w1")
    }

    /// Continue CLI also runs the hooks of `.claude/settings.json`, with
    /// `CONTINUE_PROJECT_DIR` set: our Claude Code hook then takes the call as
    /// Continue's, and stands aside once Continue's own hook is installed (Continue runs
    /// both for the same tool call).
    @Test func continueCLIThroughClaudeCodesHooks() async throws {
        let (fixture, agent) = try await started()
        let environment = ["CONTINUE_PROJECT_DIR": fixture.repository.path]
        func call(_ hook: String, _ fixtureName: String, _ file: String, _ id: String, _ tool: String) async throws {
            let payload = try agent.payload(
                fixtureName, file: file, toolUseID: id,
                extra: ["TOOL": tool, "PATH_KEY": tool == "Write" ? "filepath" : "file_path", "COMMAND": ""])
            let output = try await fixture.sandbox.run(
                fixture.sandbox.binary, ["capture", "--agent", hook], in: fixture.repository, input: payload,
                environment: environment)
            #expect(output.status == 0 && output.stderr.isEmpty, "\(output)")
        }
        // Only the Claude Code hook is there: Continue's Write is captured as Continue's.
        try await call("claude-code", "continue-pre-tool-use.json", "new.txt", "t1", "Write")
        try fixture.sandbox.write("n1\nn2\n", to: "new.txt", in: fixture.repository)
        try await call("claude-code", "continue-post-tool-use.json", "new.txt", "t1", "Write")
        var record = try await fixture.attribution(try await fixture.commitRecorded("through claude's hook"))
        #expect(record.origins("new.txt") == lines((1...2, "ai continue unknown/unknown w1")))

        // Both installed: Continue's own hook captures; the Claude Code one does nothing.
        #expect(try await fixture.trace("hooks", "install", "--agent", "continue").status == 0)
        try await call("claude-code", "continue-pre-tool-use.json", "b.txt", "t2", "Write")
        try await call("continue", "continue-pre-tool-use.json", "c.txt", "t3", "Write")
        try fixture.sandbox.write("b1\n", to: "b.txt", in: fixture.repository)
        try fixture.sandbox.write("c1\n", to: "c.txt", in: fixture.repository)
        try await call("claude-code", "continue-post-tool-use.json", "b.txt", "t2", "Write")
        try await call("continue", "continue-post-tool-use.json", "c.txt", "t3", "Write")
        record = try await fixture.attribution(try await fixture.commitRecorded("both hooks"))
        #expect(record.origins("b.txt") == lines((1...1, "human")), "\(record.origins("b.txt"))")
        #expect(record.origins("c.txt") == lines((1...1, "ai continue unknown/unknown w1")))
    }

    /// VS Code's agent runs the hooks of Claude Code's settings files with its own
    /// payloads (and ignores their matchers): our Claude Code hook takes those calls as
    /// Copilot's, never as Claude Code's, and stands aside once Copilot's own hook is
    /// installed (VS Code runs both for the same tool call).
    @Test func vsCodeThroughClaudeCodesHooks() async throws {
        try await runSession(
            "claude-code",
            Hooks(
                prompt: "vscode-user-prompt-submit.json", writePre: "vscode-pre-tool-use.json",
                writePost: "vscode-post-tool-use.json", shellPre: "vscode-pre-tool-use.json",
                shellPost: "vscode-post-tool-use.json",
                editValues: ["TOOL": "replace_string_in_file", "COMMAND": ""],
                writeValues: ["TOOL": "create_file", "COMMAND": ""],
                shellValues: ["TOOL": "run_in_terminal", "FILE": ""]),
            label: "ai copilot unknown/unknown w1")
        try await expectStandsAside(
            installing: "copilot", pre: "vscode-pre-tool-use.json", post: "vscode-post-tool-use.json",
            tool: "create_file", label: "ai copilot unknown/unknown w1")
    }

    /// Cursor, with its third-party hooks on, runs them too, with its own payloads and
    /// its generic tool events: taken as Cursor's, with the model Cursor names.
    @Test func cursorThroughClaudeCodesHooks() async throws {
        try await runSession(
            "claude-code",
            Hooks(
                prompt: "cursor-before-submit-prompt.json", writePre: "cursor-pre-tool-use.json",
                writePost: "cursor-post-tool-use.json", shellPre: "cursor-pre-tool-use.json",
                shellPost: "cursor-post-tool-use.json", editValues: ["TOOL": "Edit", "COMMAND": ""],
                writeValues: ["TOOL": "Write", "COMMAND": ""], shellValues: ["TOOL": "Shell", "FILE": ""]),
            label: "ai cursor openai/gpt-5 w1")
        try await expectStandsAside(
            installing: "cursor", pre: "cursor-pre-tool-use.json", post: "cursor-post-tool-use.json", tool: "Write",
            label: nil)
    }

    /// With the other agent's own hook installed, our Claude Code hook captures nothing
    /// of its calls; `label`: what the other hook, given the same
    /// payloads, makes of the lines (nil: it is not fed them here).
    func expectStandsAside(installing other: String, pre: String, post: String, tool: String, label: String?)
        async throws
    {
        var (fixture, agent) = try await started()
        #expect(try await fixture.trace("hooks", "install", "--agent", other).status == 0)
        try await agent.write(
            "claude-code", "b.txt", "b1\n", pre: pre, post: post, extra: ["TOOL": tool, "COMMAND": ""])
        if let label {
            try await agent.write(other, "c.txt", "c1\n", pre: pre, post: post, extra: ["TOOL": tool, "COMMAND": ""])
            let record = try await fixture.attribution(try await fixture.commitRecorded("both hooks"))
            #expect(record.origins("c.txt") == lines((1...1, label)), "\(record.origins("c.txt"))")
            #expect(record.origins("b.txt") == lines((1...1, "human")), "\(record.origins("b.txt"))")
        } else {
            let record = try await fixture.attribution(try await fixture.commitRecorded("both hooks"))
            #expect(record.origins("b.txt") == lines((1...1, "human")), "\(record.origins("b.txt"))")
        }
    }

    func continueHooks() -> Hooks {
        Hooks(
            prompt: "continue-user-prompt-submit.json", writePre: "continue-pre-tool-use.json",
            writePost: "continue-post-tool-use.json", shellPre: "continue-pre-tool-use.json",
            shellPost: "continue-post-tool-use.json",
            editValues: ["TOOL": "Edit", "PATH_KEY": "file_path", "COMMAND": ""],
            writeValues: ["TOOL": "Write", "PATH_KEY": "filepath", "COMMAND": ""],
            shellValues: ["TOOL": "Bash", "PATH_KEY": "file_path", "FILE": ""])
    }

    /// Kiro CLI names no session and no tool call: its calls pair in the order they come.
    @Test func kiro() async throws {
        try await runSession(
            "kiro",
            Hooks(
                prompt: "kiro-user-prompt-submit.json", writePre: "kiro-pre-tool-use.json",
                writePost: "kiro-post-tool-use.json", shellPre: "kiro-pre-tool-use.json",
                shellPost: "kiro-post-tool-use.json", editValues: ["TOOL": "fs_write", "COMMAND": "str_replace"],
                writeValues: ["TOOL": "fs_write", "COMMAND": "create"],
                shellValues: ["TOOL": "execute_bash", "FILE": "", "NEW": ""]),
            label: "ai kiro unknown/unknown")
    }

    /// Auggie's paths are relative to its workspace root; its payloads name no tool call.
    @Test func augment() async throws {
        try await runSession(
            "augment",
            Hooks(
                prompt: "augment-prompt-submit.json", writePre: "augment-pre-tool-use.json",
                writePost: "augment-post-tool-use.json", shellPre: "augment-pre-tool-use.json",
                shellPost: "augment-post-tool-use.json",
                editValues: ["TOOL": "str-replace-editor", "COMMAND": "str_replace", "NEW": ""],
                writeValues: ["TOOL": "save-file", "COMMAND": ""],
                shellValues: ["TOOL": "launch-process", "FILE": "", "NEW": ""]),
            label: "ai augment unknown/unknown w1")
    }

    /// The scripts and settings `hooks install --agent augment` writes are what Auggie
    /// runs: each script passes its phase (the payload may not name its event), capture
    /// failing never blocks Auggie, and a checkout that moved gets its paths renewed.
    @Test func augmentsInstalledScriptsCaptureAndNeverBlock() async throws {
        let (fixture, agent) = try await started()
        let root = fixture.repository.path
        // Someone's own hook in the settings stays.
        let theirs =
            #"{"hooks": {"PreToolUse": [{"matcher": "launch-process", "hooks": [{"type": "command", "command": "/opt/audit.sh"}]}]}}"#
        try fixture.sandbox.write(theirs, to: ".augment/settings.local.json", in: fixture.repository)
        let installed = try await fixture.trace("hooks", "install", "--agent", "augment")
        #expect(installed.status == 0 && installed.stdout.contains(".augment/settings.local.json"), "\(installed)")
        let hooks = fixture.repository.appendingPathComponent(".augment/hooks")
        let references = HookInstallTests.references.appendingPathComponent("agents/augment")
        for name in ["sessiontrace-pre-tool-use.sh", "sessiontrace-post-tool-use.sh", "sessiontrace-prompt-submit.sh"] {
            let reference = try String(contentsOf: references.appendingPathComponent(name), encoding: .utf8)
            #expect(try String(contentsOf: hooks.appendingPathComponent(name), encoding: .utf8) == reference)
            #expect(FileManager.default.isExecutableFile(atPath: hooks.appendingPathComponent(name).path))
        }
        let settings = try String(
            contentsOf: fixture.repository.appendingPathComponent(".augment/settings.local.json"), encoding: .utf8)
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(settings.utf8)) as? [String: [String: [[String: Any]]]])
        let reference = try #require(
            try JSONSerialization.jsonObject(
                with: Data(
                    try String(contentsOf: references.appendingPathComponent("settings.json"), encoding: .utf8)
                        .replacingOccurrences(of: "/path/to/repository", with: root).utf8))
                as? [String: [String: [[String: Any]]]])
        for event in ["PreToolUse", "PostToolUse", "PromptSubmit"] {
            let ours = try #require(reference["hooks"]?[event]?.first)
            let groups = try #require(parsed["hooks"]?[event])
            #expect(groups.last.map { NSDictionary(dictionary: $0) } == NSDictionary(dictionary: ours), "\(event)")
            #expect(groups.count == (event == "PreToolUse" ? 2 : 1), "\(event): \(groups)")
        }
        // Payloads without hook_event_name: the script's --event says which it is.
        func call(_ script: String, _ fixtureName: String, _ file: String) async throws -> ProcessOutput {
            var payload = try agent.payload(
                fixtureName, file: file, extra: ["TOOL": "save-file", "COMMAND": "", "NEW": "x\n"])
            payload = payload.replacingOccurrences(
                of: #""hook_event_name": "\#(fixtureName.contains("pre") ? "PreToolUse" : "PostToolUse")","#, with: "")
            #expect(!payload.contains("hook_event_name"))
            return try await fixture.sandbox.run(
                hooks.appendingPathComponent(script).path, [], in: fixture.repository, input: payload)
        }
        let pre = try await call("sessiontrace-pre-tool-use.sh", "augment-pre-tool-use.json", "made.txt")
        try fixture.sandbox.write("x\n", to: "made.txt", in: fixture.repository)
        let post = try await call("sessiontrace-post-tool-use.sh", "augment-post-tool-use.json", "made.txt")
        #expect(pre.status == 0 && pre.stdout.isEmpty && pre.stderr.isEmpty, "\(pre)")
        #expect(post.status == 0 && post.stdout.isEmpty && post.stderr.isEmpty, "\(post)")
        #expect(try await fixture.trace("status").stdout.contains("made.txt: 1 AI lines"))
        let broken = try await fixture.sandbox.run(
            hooks.appendingPathComponent("sessiontrace-post-tool-use.sh").path, [], in: fixture.repository,
            input: "not json")
        #expect(broken.status == 0 && broken.stderr.contains("git-trace capture:"), "\(broken)")
        #expect(try await fixture.trace("hooks", "status").stdout.contains("augment      project"))
        #expect(try await fixture.trace("hooks", "install", "--agent", "augment").stdout.contains("already in"))
        // The checkout moved: our old paths are replaced, their hook kept.
        let moved = settings.replacingOccurrences(of: root + "/.augment/hooks/", with: "/old/place/.augment/hooks/")
        try fixture.sandbox.write(moved, to: ".augment/settings.local.json", in: fixture.repository)
        #expect(try await fixture.trace("hooks", "install", "--agent", "augment").stdout.contains("installed"))
        let renewed = try String(
            contentsOf: fixture.repository.appendingPathComponent(".augment/settings.local.json"), encoding: .utf8)
        #expect(!renewed.contains("/old/place") && renewed.contains("/opt/audit.sh"), "\(renewed)")
        #expect(renewed.components(separatedBy: "sessiontrace-pre-tool-use.sh").count == 2, "\(renewed)")
        // A script of the same name that is not ours is never overwritten, nor anything else written.
        try FileManager.default.removeItem(at: hooks)
        try fixture.sandbox.write(
            "#!/bin/sh\necho mine\n", to: ".augment/hooks/sessiontrace-pre-tool-use.sh", in: fixture.repository)
        let again = try await fixture.trace("hooks", "install", "--agent", "augment")
        #expect(again.failedCleanly && again.stderr.contains("is a hook script but not SessionTrace's"), "\(again)")
        #expect(
            !FileManager.default.fileExists(atPath: hooks.appendingPathComponent("sessiontrace-post-tool-use.sh").path))
        // A settings file that is not JSON: refused before any script is written.
        try FileManager.default.removeItem(at: hooks)
        try fixture.sandbox.write("{oops", to: ".augment/settings.local.json", in: fixture.repository)
        let bad = try await fixture.trace("hooks", "install", "--agent", "augment")
        #expect(bad.failedCleanly && bad.stderr.contains("is not a JSON object"), "\(bad)")
        #expect(!FileManager.default.fileExists(atPath: hooks.path))
    }

    /// The scripts `hooks install --agent cline` writes are what Cline runs: each hands
    /// the payload to capture and tells Cline to go on, even when capture fails.
    @Test func clinesInstalledHookScriptsCaptureAndNeverBlock() async throws {
        let (fixture, agent) = try await started()
        let installed = try await fixture.trace("hooks", "install", "--agent", "cline")
        #expect(installed.status == 0, "\(installed)")
        let hooks = fixture.repository.appendingPathComponent(".clinerules/hooks")
        for name in ["PreToolUse", "PostToolUse", "UserPromptSubmit"] {
            let reference = try String(
                contentsOf: HookInstallTests.references.appendingPathComponent("agents/cline/\(name)"), encoding: .utf8)
            #expect(try String(contentsOf: hooks.appendingPathComponent(name), encoding: .utf8) == reference)
            #expect(FileManager.default.isExecutableFile(atPath: hooks.appendingPathComponent(name).path))
        }
        let values = ["TOOL": "write_to_file", "COMMAND": "", "NEW": "x\n"]
        let pre = try await fixture.sandbox.run(
            hooks.appendingPathComponent("PreToolUse").path, [], in: fixture.repository,
            input: try agent.payload("cline-pre-tool-use.json", file: "made.txt", extra: values))
        try fixture.sandbox.write("x\n", to: "made.txt", in: fixture.repository)
        let post = try await fixture.sandbox.run(
            hooks.appendingPathComponent("PostToolUse").path, [], in: fixture.repository,
            input: try agent.payload("cline-post-tool-use.json", file: "made.txt", extra: values))
        let go = #"{"cancel":false,"contextModification":"","errorMessage":""}"# + "\n"
        #expect(pre.status == 0 && pre.stdout == go, "\(pre)")
        #expect(post.status == 0 && post.stdout == go, "\(post)")
        #expect(try await fixture.trace("status").stdout.contains("made.txt: 1 AI lines"))
        let broken = try await fixture.sandbox.run(
            hooks.appendingPathComponent("PostToolUse").path, [], in: fixture.repository, input: "not json")
        #expect(broken.status == 0 && broken.stdout == go && broken.stderr.contains("git-trace capture:"), "\(broken)")
        // Someone's own hook is never overwritten.
        try fixture.sandbox.write("#!/bin/sh\necho mine\n", to: ".clinerules/hooks/PreToolUse", in: fixture.repository)
        let again = try await fixture.trace("hooks", "install", "--agent", "cline")
        #expect(again.failedCleanly && again.stderr.contains("is a hook script but not SessionTrace's"), "\(again)")
    }

    /// Cascade reads files and calls MCP tools: nothing is logged for them, and a
    /// payload Windsurf never sends is refused in one line.
    @Test func windsurfReadsChangeNothingAndUnknownEventsAreRefused() async throws {
        let (fixture, agent) = try await started()
        let read =
            #"{"agent_action_name": "pre_read_code", "trajectory_id": "w1", "tool_info": {"file_path": "a.txt"}}"#
        try await agent.capture("windsurf", read)
        #expect(try await fixture.trace("status").stdout.contains("no uncommitted AI lines"))
        let odd = try await fixture.sandbox.run(
            fixture.sandbox.binary, ["capture", "--agent", "windsurf"], in: fixture.repository,
            input: #"{"agent_action_name": "post_teleport", "tool_info": {}}"#)
        #expect(odd.status == 1 && odd.stderr.contains("agent_action_name 'post_teleport'"), "\(odd)")
        let noPath = try await fixture.sandbox.run(
            fixture.sandbox.binary, ["capture", "--agent", "windsurf"], in: fixture.repository,
            input: #"{"agent_action_name": "post_write_code", "tool_info": {}}"#)
        #expect(noPath.status == 1 && noPath.stderr.contains("no tool_info.file_path"), "\(noPath)")
    }
}
