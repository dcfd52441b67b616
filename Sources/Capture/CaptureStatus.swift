import CanonicalJSON
import Foundation
import Git
import Ledger
import Records

/// `git trace status` as a use case: capture's pending work in one worktree (AI lines
/// not yet committed, edits in progress, commits no job recorded) and what the
/// background hooks said in the last day.
package struct CaptureStatus {
    package struct UncommittedFile: Equatable {
        package let path: String
        package let aiLines: Int
        package let mixedLines: Int

        package init(path: String, aiLines: Int, mixedLines: Int) {
            self.path = path
            self.aiLines = aiLines
            self.mixedLines = mixedLines
        }
    }

    package let files: [UncommittedFile]
    /// Edits begun (an agent's before-event, a shell command) and not yet finished.
    package let inProgress: [WorkingState.PendingEdit]
    package let sessions: [WorkingState.SessionActivity]
    /// Commits whose job failed, with why.
    package let failed: [(commit: String, reason: String)]
    /// Whether HEAD has a record; nil without commits.
    package let headRecorded: Bool?
    /// Commits made here since capture began that no job recorded (a job still running,
    /// or one that failed without a trace).
    package let withoutRecord: [ObjectID]
    package let messages: [(time: Int64, text: String)]

    package static func gather(repository: Repository, now: Int64 = Int64(Date().timeIntervalSince1970)) throws
        -> CaptureStatus
    {
        let log = WorkingLog(repository: repository)
        let state = try log.snapshot()
        var files = [UncommittedFile]()
        for (path, tracked) in state.files.sorted(by: { $0.key < $1.key }) {
            let labels = state.provenance(of: tracked)
            let ai = labels.filter { $0.kind == .ai }.count, mixed = labels.filter { $0.kind == .mixed }.count
            if ai + mixed > 0 { files.append(UncommittedFile(path: path, aiLines: ai, mixedLines: mixed)) }
        }
        let ledger = NotesLedger(repository: repository)
        let headRecorded: Bool? =
            repository.hasNoCommits
            ? nil : (try? repository.resolveCommit("HEAD")).map { ledger.hasAttributionRecord(on: $0) }
        let failedCommits = Set(state.failed.map(\.commit))
        return CaptureStatus(
            files: files,
            inProgress: state.pending.values.filter { !$0.files.isEmpty || $0.shellBaseline != nil }
                .sorted { ($0.agent, $0.session ?? "") < ($1.agent, $1.session ?? "") },
            sessions: state.sessions.values.sorted { $0.session < $1.session },
            failed: state.failed.map { ($0.commit, $0.reason) },
            headRecorded: headRecorded,
            withoutRecord: try CommitRecorder(repository: repository).commitsWithoutRecord().filter {
                !failedCommits.contains($0.hex)
            },
            messages: log.messages().filter { $0.time > now - 86_400 })
    }

    package var json: JSONValue {
        .object([
            "uncommitted_ai_files": .array(
                files.map {
                    .object([
                        "path": .string($0.path), "ai_lines": .integer(Int64($0.aiLines)),
                        "mixed_lines": .integer(Int64($0.mixedLines)),
                    ])
                }),
            "edits_in_progress": .integer(Int64(inProgress.count)),
            "sessions": .array(
                sessions.map {
                    .object([
                        "agent": .string($0.agent), "session_id": .string($0.session),
                        "lines_written": .integer(Int64($0.linesWritten)),
                        "actions_accepted": .integer(Int64($0.actionsAccepted)),
                        "actions_rejected": .integer(Int64($0.actionsRejected)),
                    ])
                }),
            "unrecorded_commits": .array(
                failed.map { .object(["commit": .string($0.commit), "reason": .string($0.reason)]) }),
            "head_recorded": headRecorded.map(JSONValue.bool) ?? .null,
            "commits_without_record": .array(withoutRecord.map { .string($0.hex) }),
            "hook_messages": .array(
                messages.map { .object(["time": .integer($0.time), "message": .string($0.text)]) }),
        ])
    }

    package var textLines: [String] {
        var lines = [String]()
        if let headRecorded {
            lines.append(headRecorded ? "HEAD has a SessionTrace record" : "HEAD has no SessionTrace record")
        }
        if files.isEmpty { lines.append("no uncommitted AI lines") }
        for file in files {
            lines.append(
                "uncommitted  \(file.path): \(file.aiLines) AI lines, \(file.mixedLines) AI lines edited by a person")
        }
        for edit in inProgress {
            let what = edit.shellBaseline != nil ? "shell command" : edit.files.keys.sorted().joined(separator: ", ")
            lines.append("in progress  \(edit.agent) session \(edit.session ?? "unknown"): \(what)")
        }
        for session in sessions {
            lines.append(
                "session      \(session.agent) \(session.session): \(session.linesWritten) lines written since the last record"
                    + (session.actionsRejected > 0
                        ? ", \(session.actionsRejected) of \(session.actionsAccepted + session.actionsRejected) actions turned down"
                        : "")
            )
        }
        for failure in failed { lines.append("unrecorded   \(failure.commit.prefix(12)): \(failure.reason)") }
        for commit in withoutRecord {
            lines.append("unrecorded   \(commit.shortHex): no record yet (the next commit's job records it)")
        }
        for message in messages {
            lines.append("hook message \(Timestamp.format(unixSeconds: message.time)): \(message.text)")
        }
        return lines
    }
}
