import CanonicalJSON
import Foundation
import Records
import TestSupport
import Testing

/// What people turned down (spec/capture.md §2): an agent's edit or command announced
/// by its before hook that never ran — no after hook before the session's next prompt —
/// counts as rejected; the record's sessions and the report say offered, accepted and
/// rejected per agent and model.
@Suite struct RejectionTests {
    @Test func aToolCallRefusedPermissionIsRejectedAndOnlyThat() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        var agent = try AgentDriver(fixture, session: "s1")
        let other = try AgentDriver(fixture, session: "s2")
        // s1 asks to write refused.txt; the person says no: no write, no PostToolUse.
        try await agent.capture(
            "claude-code",
            try agent.payload(
                "claude-code-pre-tool-use.json", file: "refused.txt", toolUseID: "toolu_denied",
                extra: ["TOOL": "Write"]))
        // s2 is still working on a call of its own when s1's person sends the next prompt.
        try await other.capture(
            "claude-code",
            try other.payload(
                "claude-code-pre-tool-use.json", file: "slow.txt", toolUseID: "toolu_slow", extra: ["TOOL": "Write"]))
        try await agent.capture(
            "claude-code",
            try agent.payload("claude-code-user-prompt-submit.json", extra: ["PROMPT": "do it another way"]))
        try await agent.claude("Write", "a.txt", write: "one\ntwo\n")
        try await agent.claudeShell("printf 'g\\n' > g.txt")
        // s2's call completes after s1's prompt: accepted, not rejected.
        try fixture.sandbox.write("slow\n", to: "slow.txt", in: fixture.repository)
        try await other.capture(
            "claude-code",
            try other.payload(
                "claude-code-post-tool-use.json", file: "slow.txt", toolUseID: "toolu_slow", extra: ["TOOL": "Write"]))
        let status = try await fixture.trace("status")
        #expect(
            status.stdout.contains(
                "session      claude-code s1: 3 lines written since the last record, 1 of 3 actions turned down"),
            "\(status.stdout)")
        let commit = try await fixture.commitRecorded("work")
        let sessions = try await fixture.attribution(commit).sessions
        let byID = Dictionary(uniqueKeysWithValues: sessions.map { ($0.sessionID, $0) })
        #expect(byID["s1"]?.actionsAccepted == 2 && byID["s1"]?.actionsRejected == 1, "\(sessions)")
        #expect(byID["s2"]?.actionsAccepted == 1 && byID["s2"]?.actionsRejected == 0, "\(sessions)")
        #expect(!FileManager.default.fileExists(atPath: fixture.repository.appendingPathComponent("refused.txt").path))
        #expect(try await fixture.verify().status == 0)
        // The report sums them per agent and model, and per session.
        let report = try await fixture.trace(
            "report", "HEAD~1..HEAD", "--trust", fixture.trustFile.path, "--format", "json", "--no-tree")
        #expect(report.status == 0, "\(report)")
        let acceptance = try JSONValue(parsing: report.stdout)["acceptance"]
        let model = try #require(acceptance?["by_model"]?.arrayValue?.first)
        #expect(model["actions_offered"]?.integerValue == 4, "\(report.stdout)")
        #expect(model["actions_accepted"]?.integerValue == 3 && model["actions_rejected"]?.integerValue == 1)
        let markdown = try await fixture.trace(
            "report", "HEAD~1..HEAD", "--trust", fixture.trustFile.path, "--format", "markdown", "--no-tree")
        #expect(markdown.stdout.contains("actions offered"), "\(markdown.stdout)")
        // The next commit starts counting afresh.
        try await agent.claude("Write", "b.txt", write: "b\n")
        let next = try await fixture.attribution(try await fixture.commitRecorded("more"))
        #expect(next.sessions.map { [$0.actionsAccepted, $0.actionsRejected] } == [[1, 0]], "\(next.sessions)")
    }
}
