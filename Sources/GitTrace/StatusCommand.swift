import ArgumentParser
import CanonicalJSON
import Capture
import Diagnostics
import Foundation
import Git
import Hex
import Keys
import Ledger
import Records
import Setup
import Sync

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show capture's pending work: AI lines not yet committed, edits in progress, commits not recorded."
    )

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let repository = try openRepository()
        let state = try WorkingLog(repository: repository).snapshot()
        let ledger = NotesLedger(repository: repository)
        var fileLines = [(String, Int, Int)]()
        for (path, tracked) in state.files.sorted(by: { $0.key < $1.key }) {
            let labels = state.provenance(of: tracked)
            let ai = labels.filter { $0.kind == .ai }.count, mixed = labels.filter { $0.kind == .mixed }.count
            if ai + mixed > 0 { fileLines.append((path, ai, mixed)) }
        }
        let headRecorded: Bool? =
            repository.hasNoCommits ? nil : (try? repository.resolveCommit("HEAD")).map { ledger.note(on: $0) != nil }
        let pending = state.pending.values.filter { !$0.files.isEmpty || $0.shellBaseline != nil }
        // Commits made here since capture began that no job recorded (a job still
        // running, or one that failed without a trace).
        let failedCommits = Set(state.failed.map(\.commit))
        let withoutRecord = try CommitRecorder(repository: repository).commitsWithoutRecord().filter {
            !failedCommits.contains($0.hex)
        }
        // What the background hooks said in the last day.
        let recentMessages = WorkingLog(repository: repository).messages().filter {
            $0.time > Int64(Date().timeIntervalSince1970) - 86_400
        }
        if json {
            print(
                JSONValue.object([
                    "uncommitted_ai_files": .array(
                        fileLines.map {
                            .object([
                                "path": .string($0.0), "ai_lines": .integer(Int64($0.1)),
                                "mixed_lines": .integer(Int64($0.2)),
                            ])
                        }),
                    "edits_in_progress": .integer(Int64(pending.count)),
                    "sessions": .array(
                        state.sessions.values.sorted { $0.session < $1.session }.map {
                            .object([
                                "agent": .string($0.agent), "session_id": .string($0.session),
                                "lines_written": .integer(Int64($0.linesWritten)),
                            ])
                        }),
                    "unrecorded_commits": .array(
                        state.failed.map {
                            .object(["commit": .string($0.commit), "reason": .string($0.reason)])
                        }),
                    "head_recorded": headRecorded.map(JSONValue.bool) ?? .null,
                    "commits_without_record": .array(withoutRecord.map { .string($0.hex) }),
                    "hook_messages": .array(
                        recentMessages.map { .object(["time": .integer($0.time), "message": .string($0.text)]) }),
                ]).canonicalString)
            return
        }
        if let headRecorded {
            print(headRecorded ? "HEAD has a SessionTrace record" : "HEAD has no SessionTrace record")
        }
        if fileLines.isEmpty { print("no uncommitted AI lines") }
        for (path, ai, mixed) in fileLines {
            print("uncommitted  \(path): \(ai) AI lines, \(mixed) AI lines edited by a person")
        }
        for edit in pending {
            print(
                "in progress  \(edit.agent) session \(edit.session ?? "unknown"): \(edit.shellBaseline != nil ? "shell command" : edit.files.keys.sorted().joined(separator: ", "))"
            )
        }
        for session in state.sessions.values.sorted(by: { $0.session < $1.session }) {
            print(
                "session      \(session.agent) \(session.session): \(session.linesWritten) lines written since the last record"
            )
        }
        for failure in state.failed { print("unrecorded   \(failure.commit.prefix(12)): \(failure.reason)") }
        for commit in withoutRecord {
            print("unrecorded   \(commit.shortHex): no record yet (the next commit's job records it)")
        }
        for message in recentMessages {
            print("hook message \(Timestamp.format(unixSeconds: message.time)): \(message.text)")
        }
    }
}
