import Capture
import Foundation
import Git
import Policy

/// Installs and removes SessionTrace's git hooks (spec/capture.md §5). A hook already in
/// place (hand-written, husky, the pre-commit framework) is kept beside ours as
/// `<hook>.sessiontrace-chained` and run first; uninstalling puts it back.
package struct GitHookInstaller {
    package static let marker = "SessionTrace"
    package static let chainedSuffix = ".sessiontrace-chained"

    /// The scripts, identical to `git-extensions/hooks/` (a test keeps them so), with
    /// `@GIT_TRACE@` standing for the path of the installed binary.
    package static let scripts: [String: String] = [
        "post-commit": #"""
        #!/bin/sh
        # SessionTrace post-commit hook: signs a record of who wrote the commit's lines.
        # Installed by 'git trace init'; 'git trace uninstall' removes it and puts back any
        # hook it chained. A hook that was here before runs first, as it always did.
        chained="$0.sessiontrace-chained"
        status=0
        if [ -x "$chained" ]; then
            "$chained" "$@" || status=$?
        fi
        # A rebase replays commits: its post-rewrite hook records them when it ends. (Git runs
        # hooks at the top of the working tree; linked worktrees are checked by git-trace.)
        if [ -d .git/rebase-merge ] || [ -d .git/rebase-apply ]; then
            exit $status
        fi
        git_trace='@GIT_TRACE@'
        [ -x "$git_trace" ] || git_trace=git-trace
        # Recording runs in the background so that 'git commit' returns at once (set
        # SESSIONTRACE_FOREGROUND=1 to wait for it), holding none of git's output streams, so
        # that a program reading git through a pipe sees it finish when git does. It never
        # undoes a commit: a failure is one line in 'git trace status' (on stderr in the
        # foreground).
        if [ -n "$SESSIONTRACE_FOREGROUND" ]; then
            "$git_trace" hook post-commit "$@" </dev/null
        else
            "$git_trace" hook --background post-commit "$@" </dev/null >/dev/null 2>&1 &
        fi
        exit $status

        """#,
        "post-merge": #"""
        #!/bin/sh
        # SessionTrace post-merge hook: records a merge commit that 'git merge' or 'git pull'
        # made without stopping (only lines the merge itself introduced are attributed, so
        # usually none: the record says the merge added nothing). Installed by 'git trace
        # init'; 'git trace uninstall' removes it and puts back any hook it chained. A hook
        # that was here before runs first.
        chained="$0.sessiontrace-chained"
        status=0
        if [ -x "$chained" ]; then
            "$chained" "$@" || status=$?
        fi
        git_trace='@GIT_TRACE@'
        [ -x "$git_trace" ] || git_trace=git-trace
        if [ -n "$SESSIONTRACE_FOREGROUND" ]; then
            "$git_trace" hook post-merge "$@" </dev/null
        else
            "$git_trace" hook --background post-merge "$@" </dev/null >/dev/null 2>&1 &
        fi
        exit $status

        """#,
        "post-checkout": #"""
        #!/bin/sh
        # SessionTrace post-checkout hook: after a branch switch, installs or removes the
        # pre-commit hook as the new HEAD's policy needs (its models and agents rules).
        # Installed by 'git trace init'; 'git trace uninstall' removes it and puts back any
        # hook it chained. A hook that was here before runs first; its exit status is kept.
        chained="$0.sessiontrace-chained"
        status=0
        if [ -x "$chained" ]; then
            "$chained" "$@" || status=$?
        fi
        # $3 is 1 for a switch of HEAD, 0 for a checkout of files. Without a policy file and
        # without our pre-commit hook there is nothing to update, and no process is started.
        [ "$3" = 1 ] || exit $status
        if [ -f .sessiontrace/policy.yml ] || grep -qs SessionTrace "$(dirname "$0")/pre-commit"; then
            git_trace='@GIT_TRACE@'
            [ -x "$git_trace" ] || git_trace=git-trace
            "$git_trace" hook post-checkout "$@" </dev/null
        fi
        exit $status

        """#,
        "post-rewrite": #"""
        #!/bin/sh
        # SessionTrace post-rewrite hook: after 'git commit --amend' and 'git rebase', signs
        # records for the new commits, following each line from the old commits' records.
        # Installed by 'git trace init'; 'git trace uninstall' removes it and puts back any
        # hook it chained. A hook that was here before runs first, with the same input.
        chained="$0.sessiontrace-chained"
        rewritten=$(cat)
        status=0
        if [ -x "$chained" ]; then
            printf '%s\n' "$rewritten" | "$chained" "$@" || status=$?
        fi
        git_trace='@GIT_TRACE@'
        [ -x "$git_trace" ] || git_trace=git-trace
        # In the background, like post-commit (SESSIONTRACE_FOREGROUND=1 waits for it).
        if [ -n "$SESSIONTRACE_FOREGROUND" ]; then
            printf '%s\n' "$rewritten" | "$git_trace" hook post-rewrite "$@"
        else
            printf '%s\n' "$rewritten" | "$git_trace" hook --background post-rewrite "$@" >/dev/null 2>&1 &
        fi
        exit $status

        """#,
        "pre-push": #"""
        #!/bin/sh
        # SessionTrace pre-push hook: pushes the records of the commits along with them
        # ('git trace sync') and checks the commits against the team's policy ('git trace
        # check'). Installed by 'git trace init'; 'git trace uninstall' removes it
        # and puts back any hook it chained. A hook that was here before runs first; if it
        # refuses the push, the push is refused as before.
        chained="$0.sessiontrace-chained"
        refs=$(cat)
        if [ -x "$chained" ]; then
            printf '%s\n' "$refs" | "$chained" "$@" || exit $?
        fi
        # The records' own push, made from inside this hook, needs no second round.
        [ -n "$SESSIONTRACE_SYNCING" ] && exit 0
        git_trace='@GIT_TRACE@'
        [ -x "$git_trace" ] || git_trace=git-trace
        # Syncing never blocks the push: a failure is one line on stderr. A policy rule of
        # severity error does: git-trace then exits 1 (only 1: a crash or a missing binary lets
        # the push go). 'git push --no-verify' skips this; CI's 'git trace check' does not.
        printf '%s\n' "$refs" | "$git_trace" hook pre-push "$@"
        [ $? -eq 1 ] && exit 1
        exit 0

        """#,
        "pre-commit": #"""
        #!/bin/sh
        # SessionTrace pre-commit hook: checks the staged AI-written lines against the team's
        # policy (its models and agents rules) before the commit is made. Installed by 'git
        # trace init'; 'git trace uninstall' removes it and puts back any hook it chained. A
        # hook that was here before runs first; if it refuses the commit, the commit is refused.
        chained="$0.sessiontrace-chained"
        if [ -x "$chained" ]; then
            "$chained" "$@" || exit $?
        fi
        # Without a policy file there is nothing to check, and no process is started. (Git runs
        # hooks at the top of the work tree.)
        [ -f .sessiontrace/policy.yml ] || exit 0
        git_trace='@GIT_TRACE@'
        [ -x "$git_trace" ] || git_trace=git-trace
        # A rule of severity error refuses the commit: git-trace then exits 1 (only 1: a crash or
        # a missing binary lets the commit go). 'git commit --no-verify' skips this; CI's 'git
        # trace check' does not.
        "$git_trace" hook pre-commit "$@" </dev/null
        [ $? -eq 1 ] && exit 1
        exit 0

        """#,
        "prepare-commit-msg": #"""
        #!/bin/sh
        # SessionTrace prepare-commit-msg hook: with 'git config sessiontrace.trailers true',
        # adds an AI-Assisted: trailer summarising the staged lines' origin to the message.
        # Installed by 'git trace init'; 'git trace uninstall' removes it and puts back any
        # hook it chained. A hook that was here before runs first and keeps its exit status.
        chained="$0.sessiontrace-chained"
        if [ -x "$chained" ]; then
            "$chained" "$@" || exit $?
        fi
        if [ "$(git config --bool sessiontrace.trailers 2>/dev/null)" = true ]; then
            git_trace='@GIT_TRACE@'
            [ -x "$git_trace" ] || git_trace=git-trace
            "$git_trace" hook prepare-commit-msg "$@" </dev/null || true
        fi
        exit 0

        """#,
    ]

    package let repository: Repository
    package let binaryPath: String

    package init(repository: Repository, binaryPath: String) {
        self.repository = repository
        self.binaryPath = binaryPath
    }

    package enum Change: Equatable, Sendable {
        case installed(String)
        case chained(String)
        case updated(String)
        case removed(String)
        case restored(String)
    }

    func isOurs(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.contains("# \(GitHookInstaller.marker) ")
    }

    /// The hooks this repository needs: prepare-commit-msg only with
    /// `sessiontrace.trailers` set, and pre-commit only while a checked-out HEAD's policy
    /// has models or agents rules, so that a commit does not pay for a hook that would do
    /// nothing (a hook's shell alone costs a quarter of a small commit).
    package func wantedHooks() throws -> Set<String> {
        let trailers =
            try repository.config().string("sessiontrace.trailers").map {
                ["true", "yes", "on", "1"].contains($0.lowercased())
            } ?? false
        var wanted: Set<String> = ["post-checkout", "post-commit", "post-merge", "post-rewrite", "pre-push"]
        if trailers { wanted.insert("prepare-commit-msg") }
        if policyJudgesStagedLines() { wanted.insert("pre-commit") }
        return wanted
    }

    /// Whether the policy of a checked-out HEAD has rules the pre-commit hook enforces:
    /// the work trees share one hooks directory, so one that needs it keeps it for all
    /// (the hook judges each commit by its own HEAD's policy). An unreadable policy counts
    /// as having them: the hook then says what is wrong with it.
    private func policyJudgesStagedLines() -> Bool {
        repository.checkedOutCommits().contains { head in
            do {
                return try Policy.load(explicitPath: nil, repository: repository, commit: head).hasNameRules
            } catch is PolicyError {
                return true
            } catch {
                return false
            }
        }
    }

    /// Installs or removes the pre-commit hook as the checked-out policies now need (the
    /// hooks that follow a new HEAD call it — post-commit, post-merge, post-checkout — so
    /// that a policy that gains or loses its models and agents rules, or a branch switch
    /// to one that has them, takes effect at the next commit). Nothing when it already is
    /// as needed.
    package func updatePolicyHook() throws -> [Change] {
        let path = try repository.hooksDirectory() + "/pre-commit"
        let present = isOurs(path)
        if present == policyJudgesStagedLines() { return [] }
        return try install()
    }

    /// Installs the wanted hooks and removes ours that are not wanted; idempotent.
    package func install() throws -> [Change] {
        let directory = try repository.hooksDirectory()
        try AtomicFile.makeDirectory(directory)
        let wanted = try wantedHooks()
        var changes = try uninstall(only: Set(GitHookInstaller.scripts.keys).subtracting(wanted))
        for (name, template) in GitHookInstaller.scripts.sorted(by: { $0.key < $1.key }) where wanted.contains(name) {
            let path = directory + "/" + name
            let script = template.replacingOccurrences(of: "@GIT_TRACE@", with: binaryPath)
            let manager = FileManager.default
            if manager.fileExists(atPath: path) {
                if isOurs(path) {
                    if (try? String(contentsOfFile: path, encoding: .utf8)) == script { continue }
                    changes.append(.updated(path))
                } else {
                    let chained = path + GitHookInstaller.chainedSuffix
                    guard !manager.fileExists(atPath: chained) else {
                        throw SetupError("cannot chain \(path): \(chained) already exists")
                    }
                    try manager.moveItem(atPath: path, toPath: chained)
                    changes.append(.chained(path))
                }
            } else {
                changes.append(.installed(path))
            }
            try AtomicFile.replace(path, with: Array(script.utf8), mode: 0o755)
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return changes
    }

    /// Removes our hooks and restores the ones they chained; touches nothing else.
    package func uninstall(only names: Set<String> = Set(GitHookInstaller.scripts.keys)) throws -> [Change] {
        let directory = try repository.hooksDirectory()
        var changes = [Change]()
        let manager = FileManager.default
        for name in names.sorted() {
            let path = directory + "/" + name
            let chained = path + GitHookInstaller.chainedSuffix
            if manager.fileExists(atPath: path), isOurs(path) {
                try manager.removeItem(atPath: path)
                changes.append(.removed(path))
            }
            if manager.fileExists(atPath: chained), !manager.fileExists(atPath: path) {
                try manager.moveItem(atPath: chained, toPath: path)
                changes.append(.restored(path))
            }
        }
        return changes
    }

    /// Which hooks are ours, for `git trace hooks status`.
    package func installedHooks() throws -> [String: Bool] {
        let directory = try repository.hooksDirectory()
        var result = [String: Bool]()
        for name in GitHookInstaller.scripts.keys { result[name] = isOurs(directory + "/" + name) }
        return result
    }
}
