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

    func edited(_ line: Int, of count: Int, to text: String) -> String {
        var lines = numberedLines(count).split(separator: "\n").map(String.init)
        lines[line - 1] = text
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func windsurf() async throws {
        var (fixture, agent) = try await started()
        try fixture.sandbox.write(edited(1, of: 5, to: "mine"), to: "a.txt", in: fixture.repository)
        try await agent.prompt("windsurf", "windsurf-pre-user-prompt.json", "fix line three")
        var text = edited(1, of: 5, to: "mine").split(separator: "\n").map(String.init)
        text[2] = "line three, by cascade"
        try await agent.write(
            "windsurf", "a.txt", text.joined(separator: "\n") + "\n", pre: "windsurf-pre-write-code.json",
            post: "windsurf-post-write-code.json")
        try await agent.write(
            "windsurf", "new.txt", "n1\nn2\n", pre: "windsurf-pre-write-code.json",
            post: "windsurf-post-write-code.json")
        try await agent.shell(
            "windsurf", "printf 'g1\\ng2\\n' > gen.txt", pre: "windsurf-pre-run-command.json",
            post: "windsurf-post-run-command.json")
        try fixture.sandbox.write("n1\nn2\nmine too\n", to: "new.txt", in: fixture.repository)
        try await expectSession(fixture, agent: "ai windsurf unknown/unknown w1")
    }

    @Test func cline() async throws {
        var (fixture, agent) = try await started()
        try fixture.sandbox.write(edited(1, of: 5, to: "mine"), to: "a.txt", in: fixture.repository)
        try await agent.prompt("cline", "cline-user-prompt-submit.json", "fix line three")
        var text = edited(1, of: 5, to: "mine").split(separator: "\n").map(String.init)
        text[2] = "line three, by cline"
        let edit = ["TOOL": "replace_in_file", "COMMAND": ""]
        try await agent.write(
            "cline", "a.txt", text.joined(separator: "\n") + "\n", pre: "cline-pre-tool-use.json",
            post: "cline-post-tool-use.json", extra: edit)
        try await agent.write(
            "cline", "new.txt", "n1\nn2\n", pre: "cline-pre-tool-use.json", post: "cline-post-tool-use.json",
            extra: ["TOOL": "write_to_file", "COMMAND": ""])
        try await agent.shell(
            "cline", "printf 'g1\\ng2\\n' > gen.txt", pre: "cline-pre-tool-use.json", post: "cline-post-tool-use.json",
            extra: ["TOOL": "execute_command", "FILE": "", "NEW": ""])
        try fixture.sandbox.write("n1\nn2\nmine too\n", to: "new.txt", in: fixture.repository)
        try await expectSession(fixture, agent: "ai cline unknown/unknown w1")
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
        #expect(again.failedCleanly && again.stderr.contains("is Cline's hook but not SessionTrace's"), "\(again)")
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
