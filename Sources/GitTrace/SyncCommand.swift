import ArgumentParser
import Foundation
import Git
import Ledger
import Sync

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Exchange records with a remote: fetch, merge as a union, push without force.",
        discussion: """
            Fetches the remote's refs/notes/sessiontrace into
            refs/notes/remotes/<remote>/sessiontrace, merges it into the local records line
            by line (the result git notes merge -s cat_sort_uniq gives), and pushes without
            force, merging again when another push got there first. No record is ever
            dropped: records the remote lacks (its notes were rewritten) are kept, pushed
            back, and reported. The pre-push hook runs this, so git push carries the records.

            Without the tool, the same with plain git:
              git fetch origin refs/notes/sessiontrace:refs/notes/remotes/origin/sessiontrace
              git notes --ref sessiontrace merge -s cat_sort_uniq refs/notes/remotes/origin/sessiontrace
              git push origin refs/notes/sessiontrace
            """
    )

    @Argument(help: ArgumentHelp("The remote (default: the current branch's, else origin).", valueName: "remote"))
    var remote: String?

    @Flag(name: .customLong("no-push"), help: "Fetch and merge only.")
    var noPush = false

    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        let repository = try openRepository()
        let name = try remote ?? defaultRemote(repository)
        guard try repository.remoteNames().contains(name) else {
            throw CommandFailure("no remote named '\(name)': see 'git remote -v'")
        }
        let report = try NotesSync(repository: repository, remote: name).sync(
            push: !noPush, progress: progressOptions.steps)
        for recovery in repository.recoveries { printError("git-trace: \(recovery)") }
        printSyncReport(report, remote: name)
    }

    private func defaultRemote(_ repository: Repository) throws -> String {
        let config = try repository.config()
        if !repository.hasNoCommits,
            let branch = try? GitCommand(repository: repository)
                .run(["symbolic-ref", "--quiet", "--short", "HEAD"]).stdout.trimmingCharacters(
                    in: .whitespacesAndNewlines),
            !branch.isEmpty, let upstream = try config.string("branch.\(branch).remote")
        {
            return upstream
        }
        return "origin"
    }
}

func printSyncReport(_ report: SyncReport, remote: String) {
    switch report.merge {
    case .upToDate: print("records up to date with \(remote)")
    case .fastForward: print("records from \(remote) fast-forwarded")
    case .merged: print("records from \(remote) merged")
    }
    if report.recordsMissingOnRemote > 0 {
        printError(
            "warning: \(remote) lacks \(report.recordsMissingOnRemote) record(s) this repository has (were its notes rewritten?); they are kept\(report.pushed ? " and pushed back" : "")"
        )
    }
    if report.pushed {
        print("records pushed to \(remote)\(report.attempts > 1 ? " after \(report.attempts) attempts" : "")")
    }
}
