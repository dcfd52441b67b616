import CanonicalJSON
import Capture
import Foundation
import Git
import TestSupport
import Testing

/// `git trace status` in process: an agent's edit not yet committed, a commit made
/// since capture began that no job recorded, and a message a background hook left.
@Suite struct CaptureStatusTests {
    @Test func saysWhatIsPendingInEachForm() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write("seed\n", to: "README", in: directory)
        _ = try await sandbox.commitAll("seed", in: directory)
        let repository = try Repository(discoveringFrom: directory.path)
        let log = WorkingLog(repository: repository)
        try log.markCaptureStarted(reflogMark: repository.headReflogMark())
        try sandbox.write("one\n", to: "b.txt", in: directory)
        let unrecorded = ObjectID(hex: try await sandbox.commitAll("nobody recorded this", in: directory))!

        // An agent writes two lines of a.txt, then starts on c.txt.
        let layout = try #require(GitLayout.discover(from: directory.path))
        let engine = CaptureEngine(layout: layout)
        let root = layout.workTree
        func event(_ phase: AgentEvent.Phase, _ file: String, _ tool: String) -> AgentEvent {
            AgentEvent(
                agent: "claude-code", phase: phase, action: .edit(files: [root + "/" + file]), session: "s1",
                toolUseID: tool, cwd: root)
        }
        _ = try engine.handle(event(.before, "a.txt", "t1"))
        try sandbox.write("x\ny\n", to: "a.txt", in: directory)
        _ = try engine.handle(event(.after, "a.txt", "t1"))
        _ = try engine.handle(event(.before, "c.txt", "t2"))
        try log.appendMessage("git-trace: commit 0123 not recorded: disk full")

        let status = try CaptureStatus.gather(repository: repository)
        #expect(status.headRecorded == false)
        #expect(status.files == [CaptureStatus.UncommittedFile(path: "a.txt", aiLines: 2, mixedLines: 0)])
        #expect(status.inProgress.count == 1)
        #expect(status.withoutRecord == [unrecorded])
        #expect(status.messages.map(\.text) == ["git-trace: commit 0123 not recorded: disk full"])
        let text = status.textLines
        #expect(text.first == "HEAD has no SessionTrace record")
        #expect(text.contains("uncommitted  a.txt: 2 AI lines, 0 AI lines edited by a person"), "\(text)")
        #expect(text.contains("in progress  claude-code session s1: c.txt"), "\(text)")
        #expect(text.contains("unrecorded   \(unrecorded.shortHex): no record yet (the next commit's job records it)"))
        let json = try JSONValue(parsing: status.json.canonicalString)
        #expect(json["head_recorded"] == .bool(false) && json["edits_in_progress"] == .integer(1))
        #expect(json["commits_without_record"] == .array([.string(unrecorded.hex)]))
        #expect(json["uncommitted_ai_files"]?.arrayValue?.first?["ai_lines"] == .integer(2))
        // A message older than a day is no longer shown.
        let later = try CaptureStatus.gather(
            repository: repository, now: Int64(Date().timeIntervalSince1970) + 2 * 86_400)
        #expect(later.messages.isEmpty)
    }
}
