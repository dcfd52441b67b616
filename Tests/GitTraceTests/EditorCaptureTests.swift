import Foundation
import TestSupport
import Testing

/// The editor's events (spec/capture.md §1.1): an accepted inline completion carries the
/// text before and after it, whatever the file on disk holds yet; a save says the text
/// is the person's. The boundary between the two is exact, not inferred at commit.
@Suite struct EditorCaptureTests {
    static let copilot = "ai copilot unknown/unknown s1"

    func started() async throws -> (Fixture, AgentDriver) {
        let fixture = try await Fixture.make(commitHooks: true)
        try fixture.sandbox.write("one\ntwo\n", to: "a.txt", in: fixture.repository)
        _ = try await fixture.commitRecorded("base")
        return (fixture, try AgentDriver(fixture, session: "s1"))
    }

    func accept(_ agent: AgentDriver, _ path: String, before: String, after: String) async throws {
        try await agent.capture(
            "editor", try agent.payload("editor-edit.json", file: path, extra: ["BEFORE": before, "AFTER": after]))
    }

    func save(_ agent: AgentDriver, _ path: String, _ text: String) async throws {
        try agent.fixture.sandbox.write(text, to: path, in: agent.fixture.repository)
        try await agent.capture("editor", try agent.payload("editor-person.json", file: path, extra: ["TEXT": text]))
    }

    @Test func anAcceptedCompletionInAnUnsavedBufferIsTheAgentsAndTheTypingAroundItThePersons() async throws {
        let (fixture, agent) = try await started()
        // Typed (not saved), then a two-line completion accepted, then more typing, then a save.
        let typed = "one\ntwo\ntyped first\n"
        let completed = typed + "fn ai() {\n}\n"
        try await accept(agent, "a.txt", before: typed, after: completed)
        try await save(agent, "a.txt", completed + "typed after\n")
        let commit = try await fixture.commitRecorded("editor")
        let record = try await fixture.attribution(commit)
        #expect(
            record.origins("a.txt") == lines((3...3, "human"), (4...5, Self.copilot), (6...6, "human")),
            "\(record.origins("a.txt"))")
        #expect(try await fixture.verify().status == 0)
    }

    /// acceptNextLine / acceptNextWord: what the editor reports is the part accepted, so
    /// only that part is the agent's; the person then edits one completed line.
    @Test func aPartialAcceptCountsForThePartAcceptedAndAnEditedLineIsMixed() async throws {
        let (fixture, agent) = try await started()
        let base = "one\ntwo\n"
        try await accept(agent, "a.txt", before: base, after: base + "let first = 1\n")
        try await accept(agent, "a.txt", before: base + "let first = 1\n", after: base + "let first = 1\nlet second\n")
        try await save(agent, "a.txt", base + "let first = 1\nlet second = 2 // by hand\nmine\n")
        let commit = try await fixture.commitRecorded("partial")
        let mixed = "mixed copilot unknown/unknown s1"
        let origins = try await fixture.attribution(commit).origins("a.txt")
        #expect(origins == lines((3...3, Self.copilot), (4...4, mixed), (5...5, "human")), "\(origins)")
    }

    /// The post-commit job runs in the background: a completion accepted into the buffer
    /// before it ran (the file on disk still the committed one) is not settled with the
    /// commit — the buffer's AI lines stay logged for the next one.
    @Test func aCompletionAcceptedBeforeThePostCommitJobRanSurvivesIt() async throws {
        let (fixture, agent) = try await started()
        try fixture.sandbox.write("one\ntwo\nthree\n", to: "a.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        try await fixture.git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "three")
        try await accept(agent, "a.txt", before: "one\ntwo\nthree\n", after: "one\ntwo\nthree\nai four\n")
        let job = try await fixture.sandbox.run(
            fixture.sandbox.binary, ["hook", "post-commit"], in: fixture.repository,
            environment: ["SESSIONTRACE_FOREGROUND": "1"])
        #expect(job.status == 0, "\(job)")
        try await save(agent, "a.txt", "one\ntwo\nthree\nai four\n")
        let commit = try await fixture.commitRecorded("four")
        #expect(try await fixture.attribution(commit).origins("a.txt") == lines((4...4, Self.copilot)))
    }

    /// Cursor reports an edit only afterwards, as replacements; `return x` appears twice,
    /// so without knowing the person's text it could not be placed. The save before it
    /// said exactly what the person's text was.
    @Test func aSaveMakesAnAfterOnlyAgentEditExact() async throws {
        var (fixture, agent) = try await started()
        let mine = "one\ntwo\nreturn x\nmiddle\nreturn x\n"
        try await save(agent, "a.txt", mine)
        try await agent.cursor("a.txt", replace: "return x", with: "return y", last: true)
        let commit = try await fixture.commitRecorded("cursor")
        #expect(
            try await fixture.attribution(commit).origins("a.txt")
                == lines((3...4, "human"), (5...5, "ai cursor openai/gpt-5 s1")))
    }

    @Test func badEditorPayloadsAreRefusedInOneLineAndChangeNothing() async throws {
        // No git hooks: nothing but capture writes the working log here.
        let fixture = try await Fixture.make()
        try await fixture.commit("one\ntwo\n", to: "a.txt")
        let accepted = try await fixture.sandbox.run(
            fixture.sandbox.binary, ["capture", "--agent", "editor"], in: fixture.repository,
            input: #"{"event": "person", "file": "a.txt", "text": "one\ntwo\n"}"#)
        try #require(accepted.status == 0, "\(accepted)")
        func stateBytes(_ fixture: Fixture) throws -> Data? {
            FileManager.default.contents(
                atPath: fixture.repository.appendingPathComponent(".git/sessiontrace/state.json").path)
        }
        let before = try stateBytes(fixture)
        let cases: [(String, String)] = [
            (#"{"event": "edit", "agent": "copilot", "file": "a.txt", "after": "x\n"}"#, "no before text"),
            (#"{"event": "person", "file": "a.txt"}"#, "no text text"),
            (#"{"event": "edit", "agent": "human", "file": "a.txt", "before": "", "after": "x\n"}"#, "agent 'human'"),
            (
                #"{"event": "edit", "agent": "Co Pilot", "file": "a.txt", "before": "", "after": "x\n"}"#,
                "agent 'Co Pilot'"
            ),
            (
                #"{"event": "edit", "agent": "copilot", "model": "/gpt", "file": "a.txt", "before": "", "after": "x\n"}"#,
                "model '/gpt'"
            ),
            (#"{"event": "typed", "file": "a.txt", "text": ""}"#, "expected person or edit"),
            (#"{"event": "person", "text": ""}"#, "no file"),
        ]
        for (payload, expected) in cases {
            let output = try await fixture.sandbox.run(
                fixture.sandbox.binary, ["capture", "--agent", "editor"], in: fixture.repository, input: payload)
            #expect(output.status == 1 && output.failedCleanly, "\(payload): \(output)")
            #expect(output.stderr.contains(expected), "\(payload): \(output.stderr)")
        }
        #expect(try stateBytes(fixture) == before, "a refused payload changed the working log")
        // A file git ignores, and one outside the work tree: nothing captured, no error.
        try await fixture.commit("secret.env\n", to: ".gitignore")
        for file in ["secret.env", "/tmp/elsewhere.txt"] {
            let payload = #"{"event": "edit", "agent": "copilot", "file": "\#(file)", "before": "", "after": "k\n"}"#
            let output = try await fixture.sandbox.run(
                fixture.sandbox.binary, ["capture", "--agent", "editor"], in: fixture.repository, input: payload)
            #expect(output.status == 0 && output.stderr.isEmpty, "\(file): \(output)")
        }
        let status = try await fixture.trace("status", "--json")
        #expect(!status.stdout.contains("secret.env"), "\(status.stdout)")
    }
}
