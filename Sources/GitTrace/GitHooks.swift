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

/// What the git hooks call. Never fails a git command: problems are one line on stderr.
struct Hook: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run SessionTrace's part of a git hook (called by the installed hooks).",
        shouldDisplay: false
    )

    @Flag(help: "Running in the background: messages go to the status log, not stderr.")
    var background = false

    @Argument(help: "The hook: post-commit or prepare-commit-msg.")
    var name: String

    @Argument(parsing: .captureForPassthrough, help: "The hook's own arguments.")
    var arguments: [String] = []

    func run() throws {
        do {
            let repository = try openRepository()
            switch name {
            case "post-commit": try postCommit(repository)
            case "pre-push": try prePush(repository)
            case "post-rewrite": try postRewrite(repository)
            case "post-merge":
                let config = try repository.config()
                let outcome = try CommitRecorder(repository: repository).recordMergeCommit(
                    signer: { try SigningIdentity.load(explicitPath: nil, config: config) })
                for failure in outcome.failures { report("git-trace: merge \(failure.commit.shortHex) not recorded: \(failure.reason)") }
            case "prepare-commit-msg":
                guard let file = arguments.first else { throw CommandFailure("prepare-commit-msg needs the message file") }
                try Trailers.prepare(messageFile: file, repository: repository)
            default:
                throw CommandFailure("unknown hook '\(name)'")
            }
        } catch {
            report("git-trace: \(name): \(describe(error))")
        }
    }

    /// One line for the user: on stderr, or (in the background, where git's streams are
    /// closed to the job) in the status log `git trace status` shows.
    private func report(_ message: String) {
        guard background, let repository = try? openRepository() else { return printError(message) }
        do { try WorkingLog(repository: repository).appendMessage(message) } catch { printError(message) }
    }

    /// Syncs the records with the remote being pushed to, unless this push carries
    /// the records itself or goes to a URL rather than a configured remote.
    private func prePush(_ repository: Repository) throws {
        guard let remote = arguments.first, try repository.remoteNames().contains(remote) else { return }
        let refs = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        if refs.split(separator: "\n").contains(where: { $0.split(separator: " ").dropFirst(2).first == Substring(NotesLedger.notesRef) }) {
            return
        }
        let synced = try NotesSync(repository: repository, remote: remote).sync(push: true)
        if synced.recordsMissingOnRemote > 0 {
            report("git-trace: \(remote) lacked \(synced.recordsMissingOnRemote) record(s) this repository has; they were kept and pushed back")
        }
        reportRecoveries(repository)
    }

    /// Reads git's `old new` list and records the new commits from the old records.
    private func postRewrite(_ repository: Repository) throws {
        let kind = arguments.first ?? "rebase"
        // An amend in the middle of a rebase is covered by the rebase's own list, which
        // maps the original commit to the final one.
        if kind == "amend", repository.rebaseInProgress { return }
        let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        let pairs = input.split(separator: "\n").compactMap { line -> (old: ObjectID, new: ObjectID)? in
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let old = ObjectID(hex: String(fields[0])), let new = ObjectID(hex: String(fields[1])) else { return nil }
            return (old, new)
        }
        let config = try repository.config()
        let outcome = try CommitRecorder(repository: repository).recordRewrite(
            kind: kind, pairs: pairs, signer: { try SigningIdentity.load(explicitPath: nil, config: config) })
        for failure in outcome.failures {
            report("git-trace: rewritten commit \(failure.commit.shortHex) not recorded: \(failure.reason)")
        }
    }

    private func postCommit(_ repository: Repository) throws {
        // A rebase replays commits whose records are carried over by the rewrite
        // handling, not re-derived here.
        if repository.rebaseInProgress { return }
        let config = try repository.config()
        let head = try? repository.resolveCommit("HEAD")
        let outcome = try CommitRecorder(repository: repository).recordNewCommits(
            signer: { try SigningIdentity.load(explicitPath: nil, config: config) })
        for failure in outcome.failures {
            report("git-trace: commit \(failure.commit.shortHex) not recorded: \(failure.reason)")
        }
        // What a job that did not finish (killed, a full disk, a commit made in between) left.
        let earlier = outcome.recorded.map(\.commit).filter { $0 != head }
        if !earlier.isEmpty {
            report("git-trace: also recorded \(earlier.count) earlier commit\(earlier.count == 1 ? "" : "s") that had no record yet: "
                   + earlier.map(\.shortHex).joined(separator: ", "))
        }
        reportRecoveries(repository)
    }

    private func reportRecoveries(_ repository: Repository) {
        for recovery in repository.recoveries { report("git-trace: \(recovery)") }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
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
        let headRecorded: Bool? = repository.hasNoCommits ? nil : (try? repository.resolveCommit("HEAD")).map { ledger.note(on: $0) != nil }
        let pending = state.pending.values.filter { !$0.files.isEmpty || $0.shellBaseline != nil }
        // Commits made here since capture began that no job recorded (a job still
        // running, or one that failed without a trace).
        let failedCommits = Set(state.failed.map(\.commit))
        let withoutRecord = try CommitRecorder(repository: repository).commitsWithoutRecord().filter { !failedCommits.contains($0.hex) }
        // What the background hooks said in the last day.
        let recentMessages = WorkingLog(repository: repository).messages().filter { $0.time > Int64(Date().timeIntervalSince1970) - 86_400 }
        if json {
            print(JSONValue.object([
                "uncommitted_ai_files": .array(fileLines.map {
                    .object(["path": .string($0.0), "ai_lines": .integer(Int64($0.1)), "mixed_lines": .integer(Int64($0.2))])
                }),
                "edits_in_progress": .integer(Int64(pending.count)),
                "sessions": .array(state.sessions.values.sorted { $0.session < $1.session }.map {
                    .object(["agent": .string($0.agent), "session_id": .string($0.session), "lines_written": .integer(Int64($0.linesWritten))])
                }),
                "unrecorded_commits": .array(state.failed.map {
                    .object(["commit": .string($0.commit), "reason": .string($0.reason)])
                }),
                "head_recorded": headRecorded.map(JSONValue.bool) ?? .null,
                "commits_without_record": .array(withoutRecord.map { .string($0.hex) }),
                "hook_messages": .array(recentMessages.map { .object(["time": .integer($0.time), "message": .string($0.text)]) }),
            ]).canonicalString)
            return
        }
        if let headRecorded { print(headRecorded ? "HEAD has a SessionTrace record" : "HEAD has no SessionTrace record") }
        if fileLines.isEmpty { print("no uncommitted AI lines") }
        for (path, ai, mixed) in fileLines { print("uncommitted  \(path): \(ai) AI lines, \(mixed) AI lines edited by a person") }
        for edit in pending { print("in progress  \(edit.agent) session \(edit.session ?? "unknown"): \(edit.shellBaseline != nil ? "shell command" : edit.files.keys.sorted().joined(separator: ", "))") }
        for session in state.sessions.values.sorted(by: { $0.session < $1.session }) {
            print("session      \(session.agent) \(session.session): \(session.linesWritten) lines written since the last record")
        }
        for failure in state.failed { print("unrecorded   \(failure.commit.prefix(12)): \(failure.reason)") }
        for commit in withoutRecord { print("unrecorded   \(commit.shortHex): no record yet (the next commit's job records it)") }
        for message in recentMessages { print("hook message \(Timestamp.format(unixSeconds: message.time)): \(message.text)") }
    }
}

struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove what 'git trace init' installed: the git hooks (restoring hooks they chained) and its git config entries.",
        discussion: "Records already made stay in refs/notes/sessiontrace; agents' hook configurations are left alone."
    )

    func run() throws {
        let repository = try openRepository()
        let submodules = try repository.submoduleWorkTrees().map { (try Repository(discoveringFrom: $0), "submodule \($0): ") }
        for (repository, label) in [(repository, "")] + submodules {
            for change in try GitHookInstaller(repository: repository, binaryPath: currentBinaryPath()).uninstall() {
                switch change {
                case .removed(let path): print("\(label)removed \(path)")
                case .restored(let path): print("\(label)restored \(path)")
                default: break
                }
            }
            for change in try RepositorySetup(repository: repository).remove() { print("\(label)unset \(change)") }
        }
    }
}

/// An error as one line for a warning: what a user-facing error says, else Swift's text.
func describe(_ error: Error) -> String {
    (error as? any UserFacingError)?.description ?? "\(error)"
}
