import ArgumentParser
import Capture
import Foundation
import Git
import Keys
import Ledger
import Policy
import Reports
import Setup
import Sync
import Verification

/// What the git hooks call. Never fails a git command: problems are one line on stderr.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
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
        var refused = false
        do {
            let repository = try openRepository()
            switch name {
            case "post-commit": try postCommit(repository)
            case "pre-push": refused = try prePush(repository)
            case "pre-commit": refused = try preCommit(repository)
            case "post-rewrite": try postRewrite(repository)
            case "post-checkout": updatePolicyHook(repository)
            case "post-merge":
                updatePolicyHook(repository)
                let config = try repository.config()
                let outcome = try CommitRecorder(repository: repository).recordMergeCommit(
                    signer: { try SigningIdentity.load(explicitPath: nil, config: config) })
                for failure in outcome.failures {
                    report("git-trace: merge \(failure.commit.shortHex) not recorded: \(failure.reason)")
                }
            case "prepare-commit-msg":
                guard let file = arguments.first else {
                    throw CommandFailure("prepare-commit-msg needs the message file")
                }
                try Trailers.prepare(messageFile: file, repository: repository)
            default:
                throw CommandFailure("unknown hook '\(name)'")
            }
        } catch {
            report("git-trace: \(name): \(describe(error))")
        }
        // The one way a hook stops git: a policy rule of severity error (the hook script
        // passes exit status 1 on, and nothing else).
        if refused { throw ExitCode(1) }
    }

    /// One line for the user: on stderr, or (in the background, where git's streams are
    /// closed to the job) in the status log `git trace status` shows.
    private func report(_ message: String) {
        guard background, let repository = try? openRepository() else { return printError(message) }
        do { try WorkingLog(repository: repository).appendMessage(message) } catch { printError(message) }
    }

    /// Syncs the records with the remote being pushed to, unless this push carries
    /// the records itself or goes to a URL rather than a configured remote; then checks
    /// the commits being pushed against the policy (spec/policy.md §6). True when a rule
    /// of severity error refuses the push.
    private func prePush(_ repository: Repository) throws -> Bool {
        guard let remote = arguments.first, try repository.remoteNames().contains(remote) else { return false }
        let refs = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        if !NotesSync.pushCarriesRecords(refs) {
            // First, so that the check sees reviews others have pushed since.
            do {
                let synced = try NotesSync(repository: repository, remote: remote).sync(push: true)
                if synced.recordsMissingOnRemote > 0 {
                    report(
                        "git-trace: \(remote) lacked \(synced.recordsMissingOnRemote) record(s) this repository has; they were kept and pushed back"
                    )
                }
            } catch {
                report("git-trace: pre-push: \(describe(error))")
            }
            reportRecoveries(repository)
        }
        let revisions = PolicyCheck.revisions(pushing: refs, to: remote, repository: repository)
        guard !revisions.isEmpty else { return false }
        guard let trust = try ChosenTrust.load(trustFile: nil, revokedFile: nil, repository: repository, warn: nil)
        else {
            if try Policy.load(explicitPath: nil, repository: repository).hasRules {
                report(
                    "git-trace: policy not checked before the push: no \(TrustFile.repositoryPath) to verify records with"
                )
            }
            return false
        }
        let result = try PolicyCheck.run(
            repository: repository, range: "the push to \(remote)", revisions: revisions, trust: trust, policy: nil)
        for line in result.textLines { printError("git-trace: " + line) }
        guard result.errors > 0 else { return false }
        printError(
            "git-trace: push refused by \(result.errors) policy \(result.errors == 1 ? "error" : "errors") (\(result.policies.joined(separator: ", "))); "
                + "fix them, or push with --no-verify: 'git trace check' in CI will still see these commits")
        return true
    }

    /// Checks the staged AI-written lines, as capture attributes them, against the
    /// models and agents rules of HEAD's policy: the one the commit will be judged by
    /// (spec/policy.md §6.1). True when a rule of severity error refuses the commit.
    private func preCommit(_ repository: Repository) throws -> Bool {
        guard !repository.hasNoCommits else { return false }
        let head = try repository.resolveCommit("HEAD")
        let policy = try Policy.load(explicitPath: nil, repository: repository, commit: head)
        guard policy.hasNameRules else { return false }
        let recorder = try CommitRecorder(repository: repository)
        let state = try recorder.workingState()
        guard state.holdsAgentLines else { return false }
        let staged = try recorder.stagedAttribution(state: state)
        let violations = policy.violations(ofStaged: staged.claims, authorEmail: repository.defaultIdentity()?.email)
        for violation in violations { printError("git-trace: " + violation.textLine) }
        let errors = violations.count { $0.severity == .error }
        guard errors > 0 else { return false }
        printError(
            "git-trace: commit refused by \(errors) policy \(errors == 1 ? "error" : "errors") (\(policy.source)); "
                + "fix them, or commit with --no-verify: 'git trace check' in CI will still see this commit")
        return true
    }

    /// Reads git's `old new` list and records the new commits from the old records.
    private func postRewrite(_ repository: Repository) throws {
        let rewrite = PostRewrite(
            argument: arguments.first,
            input: String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self))
        if rewrite.isCoveredByARebase(rebaseInProgress: repository.rebaseInProgress) { return }
        let config = try repository.config()
        let outcome = try CommitRecorder(repository: repository).recordRewrite(
            rewrite, signer: { try SigningIdentity.load(explicitPath: nil, config: config) })
        for failure in outcome.failures {
            report("git-trace: rewritten commit \(failure.commit.shortHex) not recorded: \(failure.reason)")
        }
    }

    /// A new HEAD may bring a policy whose models and agents rules the pre-commit hook
    /// enforces, or drop them: the hook follows (spec/policy.md §6.1).
    private func updatePolicyHook(_ repository: Repository) {
        do {
            _ = try GitHookInstaller(repository: repository, binaryPath: currentBinaryPath()).updatePolicyHook()
        } catch {
            report("git-trace: pre-commit hook not updated: \(describe(error))")
        }
    }

    private func postCommit(_ repository: Repository) throws {
        // A rebase replays commits whose records are carried over by the rewrite
        // handling, not re-derived here.
        if repository.rebaseInProgress { return }
        updatePolicyHook(repository)
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
            report(
                "git-trace: also recorded \(earlier.count) earlier commit\(earlier.count == 1 ? "" : "s") that had no record yet: "
                    + earlier.map(\.shortHex).joined(separator: ", "))
        }
        reportRecoveries(repository)
    }

    private func reportRecoveries(_ repository: Repository) {
        for recovery in repository.recoveries { report("git-trace: \(recovery)") }
    }
}
