import CanonicalJSON
import Foundation
import Git
import Ledger
import Records
import TestSupport
import Testing

/// Drives `git trace capture` with the agents' real payloads (Tests/Fixtures/agents/),
/// doing the edit in between as the agent would.
struct AgentDriver {
    let fixture: Fixture
    let session: String
    var toolUse = 0
    /// The work tree as the agent names it (a path through a symlinked directory, say).
    var workspace: String?

    static let fixtures = InteropTests.packageRoot.appendingPathComponent("Tests/Fixtures/agents")

    init(_ fixture: Fixture, session: String) throws {
        self.fixture = fixture
        self.session = session
        // Claude Code names its model only in the session transcript.
        let transcript = try String(
            contentsOf: AgentDriver.fixtures.appendingPathComponent("claude-code-transcript.jsonl"), encoding: .utf8)
        try fixture.sandbox.write(
            transcript.replacingOccurrences(of: "$SESSION", with: session), to: "transcript-\(session).jsonl",
            in: fixture.sandbox.root)
    }

    var root: String { workspace ?? fixture.repository.path }

    func payload(_ name: String, file: String = "", toolUseID: String = "", extra: [String: String] = [:]) throws
        -> String
    {
        var text = try String(contentsOf: AgentDriver.fixtures.appendingPathComponent(name), encoding: .utf8)
        let values = [
            "ROOT": root, "FILE": file, "SESSION": session, "TOOL_USE_ID": toolUseID,
            "TRANSCRIPT": fixture.sandbox.root.appendingPathComponent("transcript-\(session).jsonl").path,
        ].merging(extra) { $1 }
        // Longest names first, so that $FILE does not eat part of $FILES.
        for (key, value) in values.sorted(by: { $0.key.count > $1.key.count }) {
            text = text.replacingOccurrences(of: "$" + key, with: jsonEscaped(value))
        }
        return text
    }

    @discardableResult
    func capture(
        _ agent: String, _ payload: String, event: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessOutput {
        var arguments = ["capture", "--agent", agent]
        if let event { arguments += ["--event", event] }
        let output = try await fixture.sandbox.run(
            fixture.sandbox.binary, arguments, in: fixture.repository, input: payload)
        #expect(output.status == 0, "\(output)", sourceLocation: sourceLocation)
        return output
    }

    /// Claude Code writes or edits `path` (PreToolUse, the edit, PostToolUse).
    mutating func claude(_ tool: String = "Write", _ path: String, write content: String) async throws {
        toolUse += 1
        let id = "toolu_\(session)_\(toolUse)"
        try await capture(
            "claude-code",
            try payload("claude-code-pre-tool-use.json", file: path, toolUseID: id, extra: ["TOOL": tool]))
        try fixture.sandbox.write(content, to: path, in: fixture.repository)
        try await capture(
            "claude-code",
            try payload("claude-code-post-tool-use.json", file: path, toolUseID: id, extra: ["TOOL": tool]))
    }

    /// Claude Code runs a shell command through its Bash tool.
    mutating func claudeShell(_ command: String) async throws {
        toolUse += 1
        let id = "toolu_\(session)_\(toolUse)"
        try await capture(
            "claude-code", try payload("claude-code-pre-bash.json", toolUseID: id, extra: ["COMMAND": command]))
        let ran = try await fixture.sandbox.run("bash", ["-c", command], in: fixture.repository)
        #expect(ran.status == 0, "\(ran)")
        try await capture(
            "claude-code", try payload("claude-code-post-bash.json", toolUseID: id, extra: ["COMMAND": command]))
    }

    /// Cursor's agent replaces `old` with `new` in `path` and reports it afterwards only.
    /// `last`: the last occurrence of `old` rather than the first.
    mutating func cursor(_ path: String, replace old: String, with new: String, last: Bool = false) async throws {
        toolUse += 1
        let url = fixture.repository.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        let range = try #require(last ? text.range(of: old, options: .backwards) : text.range(of: old))
        try Data(text.replacingCharacters(in: range, with: new).utf8).write(to: url)
        try await capture(
            "cursor",
            try payload(
                "cursor-after-file-edit.json", file: path, toolUseID: "gen-\(toolUse)", extra: ["OLD": old, "NEW": new])
        )
    }

    /// An agent with before and after events (gemini, codex, copilot, generic) writes `path`.
    mutating func edit(_ agent: String, _ path: String, write content: String) async throws {
        toolUse += 1
        let id = "turn-\(session)-\(toolUse)"
        let (before, after, events): (String, String, (String?, String?)) =
            switch agent {
            case "gemini": ("gemini-before-tool.json", "gemini-after-tool.json", (nil, nil))
            case "codex": ("codex-pre-tool-use.json", "codex-post-tool-use.json", (nil, nil))
            case "copilot": ("copilot-pre-tool-use.json", "copilot-post-tool-use.json", ("before", "after"))
            default: ("generic-before.json", "generic-after.json", (nil, nil))
            }
        try await capture(agent, try payload(before, file: path, toolUseID: id), event: events.0)
        try fixture.sandbox.write(content, to: path, in: fixture.repository)
        try await capture(agent, try payload(after, file: path, toolUseID: id), event: events.1)
    }
}

func jsonEscaped(_ text: String) -> String {
    let encoded = JSONValue.string(text).canonicalString
    return String(encoded.dropFirst().dropLast())
}

extension Fixture {
    /// Installs the git hooks and makes the commit, then waits for the post-commit hook
    /// (which records in the background) to leave the record.
    func commitRecorded(_ message: String, all: Bool = true) async throws -> String {
        if all { try await git("add", "-A") }
        try await git("commit", "-q", "-m", message)
        let commit = try await git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        if try await !waitForRecord(commit) { Issue.record("no record appeared on \(commit)") }
        return commit
    }

    /// Whether a record appears on `commit` (the hooks record in the background) within
    /// a minute; `directory`: where to look (another worktree), else the repository.
    func waitForRecord(_ commit: String, in directory: URL? = nil) async throws -> Bool {
        try await sandbox.waitForNote(on: commit, in: directory ?? repository)
    }

    /// The record on `commit`, decoded (the last one when there are several), with a
    /// version 2 `rest` spread over the lines it covers and the totals counted.
    func attribution(_ commit: String) async throws -> Attribution {
        let line = try #require(try await noteLines(commit).last)
        let statement = try Statement(envelope: try Envelope(line: line))
        return try #require(statement.attribution).expanded(
            on: try #require(ObjectID(hex: commit)), in: try Repository(discoveringFrom: repository.path))
    }
}

extension Attribution {
    /// Per line of `path`: "ai claude-code anthropic/… s1", "mixed …", "human", or nil.
    func origins(_ path: String) -> [Int: String] {
        var result = [Int: String]()
        for range in files.first(where: { $0.path == path })?.ranges ?? [] {
            let contributor = range.contributor
            let text = [contributor.type.rawValue, contributor.agent, contributor.modelID, range.sessionID].compactMap {
                $0
            }.joined(separator: " ")
            for line in range.startLine...range.endLine { result[line] = text }
        }
        return result
    }
}

/// Expected origins: `[(1...5, "ai claude-code …"), (6...6, "human")]` → per line.
func lines(_ spans: (ClosedRange<Int>, String)...) -> [Int: String] {
    var result = [Int: String]()
    for (range, origin) in spans { for line in range { result[line] = origin } }
    return result
}
