import Foundation

/// Runs the `git` program, for what libgit2 does not do as users expect: talking to
/// remotes with the user's own credentials, transports and configuration.
package struct GitCommand: Sendable {
    package struct Result: Sendable {
        package let status: Int32
        /// Standard output as git wrote it (paths that are not UTF-8 included).
        package let output: [UInt8]
        package let stderr: String

        package var stdout: String { String(decoding: output, as: UTF8.self) }

        /// git's own explanation of a failure, to quote once: its `fatal:` or `error:`
        /// line without that prefix (callers add their own), else the last line of
        /// stderr (hints and progress come before it).
        package var reason: String {
            let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter
            { !$0.isEmpty }
            for prefix in ["fatal: ", "error: "] {
                if let line = lines.first(where: { $0.hasPrefix(prefix) }) {
                    return String(line.dropFirst(prefix.count))
                }
            }
            return lines.last ?? "exit status \(status)"
        }
    }

    /// Settings pinned where what git prints from history is read as data (blocks to
    /// estimate, lines to count): each is set to git's default, so that no user's or
    /// repository's configuration changes it, and every clone gets the same answer.
    /// The diff algorithm and its indent heuristic decide where an added block starts
    /// and how many lines a change adds; inter-hunk context merges hunks; prefixes,
    /// path quoting, file order and the output encoding change how the diff is written;
    /// `log.showSignature` writes gpg's lines into the output; `log.follow` turns a
    /// one-path log into a rename-following one; `trailer.separators` makes other lines
    /// trailers (a `Reviewed-by# …` line a review); `diff.submodule=diff` prints a
    /// submodule's own file changes as if the commit had made them, and
    /// `diff.ignoreSubmodules` leaves submodule changes out; `log.showRoot=false` shows
    /// the root commit without its diff; `diff.srcPrefix` and `diff.dstPrefix` (git
    /// 2.45 on; older gits ignore them) change the `a/` and `b/` paths are read by;
    /// trailers are read past comment lines, so `core.commentChar=R` hid every
    /// `Reviewed-by:` (`core.commentString` is its git 2.45 spelling);
    /// `core.bigFileThreshold` makes git call every larger file binary (its lines are
    /// then found by capture's diff, not git's: blocks moved). Replacement objects
    /// (`git replace`, local refs nobody signed) would show git another history than
    /// the commits' own, and than libgit2 reads.
    package static let pinnedHistorySettings =
        ["--no-replace-objects"]
        + [
            "diff.algorithm=myers", "diff.indentHeuristic=true", "diff.interHunkContext=0", "diff.noprefix=false",
            "diff.mnemonicPrefix=false", "diff.orderFile=/dev/null", "diff.renameLimit=1000", "core.quotePath=true",
            "i18n.logOutputEncoding=UTF-8", "log.showSignature=false", "log.follow=false", "trailer.separators=:",
            "diff.submodule=short", "diff.ignoreSubmodules=none", "log.showRoot=true", "diff.srcPrefix=a/",
            "diff.dstPrefix=b/", "core.commentChar=#", "core.commentString=#", "core.bigFileThreshold=512m",
        ].flatMap { ["-c", $0] }

    /// After `log`, where what it prints is counted: submodules' changes shown whatever
    /// `.gitmodules` or the configuration say (`submodule.<name>.ignore` outranks
    /// `diff.ignoreSubmodules`; only this option outranks it), and lines found by myers
    /// whatever a diff driver's `diff.<driver>.algorithm` says for the files an
    /// attribute gives it (git 2.40 on; it outranks `diff.algorithm`, and this option
    /// outranks it).
    package static let pinnedDiffOptions = ["--ignore-submodules=none", "--diff-algorithm=myers"]

    /// Settings after `pinnedHistorySettings` for runs that read trailers: every
    /// `trailer.<name>.key` configured (aliases: `trailer.rb.key=Reviewed-by` makes an
    /// `rb:` line a `Reviewed-by:` trailer, and `trailer.reviewed-by.key=Acked-by`
    /// hides every real one) is set back to its own name, so that every clone reads the
    /// trailers the message has. Names are not known in advance: git lists them.
    package func pinnedTrailerKeys() throws -> [String] {
        // --null: each entry is the name, LF, the value, NUL (a subsection may hold spaces).
        let result = try run(["config", "--null", "--get-regexp", "^trailer\\..*\\.key$"])
        // Status 1: none configured.
        guard result.status == 0 else { return [] }
        return result.stdout.split(separator: "\0").flatMap { entry -> [String] in
            let variable = entry.prefix { $0 != "\n" }
            guard variable.hasPrefix("trailer."), variable.hasSuffix(".key"), variable.count > 12 else { return [] }
            let name = variable.dropFirst("trailer.".count).dropLast(".key".count)
            return ["-c", "trailer.\(name).key=\(name)"]
        }
    }

    /// `git blame`'s own options, after `pinnedHistorySettings`, for the same reason:
    /// no revisions ignored (an empty file name clears the configured ones: config
    /// cannot, it sorts its list) and no textconv filters (drivers are local
    /// configuration, and they change the lines blame sees).
    package static let pinnedBlameOptions = ["--ignore-revs-file=", "--no-textconv"]

    package let directory: String
    /// Set for every git run: the repository libgit2 opened, so that git acts on the
    /// same one whatever `GIT_DIR` this process inherited (a relative one would point
    /// elsewhere from `directory`).
    private let repositoryEnvironment: [String: String]

    package init(directory: String) {
        self.directory = directory
        repositoryEnvironment = [:]
    }

    /// git run in `repository`: its work tree (the git directory when bare), with
    /// `GIT_DIR` and `GIT_WORK_TREE` naming exactly that repository.
    package init(repository: Repository) {
        directory = repository.workingDirectory ?? repository.gitDirectory
        var environment = ["GIT_DIR": repository.gitDirectory]
        if let workTree = repository.workingDirectory { environment["GIT_WORK_TREE"] = workTree }
        repositoryEnvironment = environment
    }

    /// git for `repository` that reads no file of its work tree: git runs in, and
    /// takes as its work tree, `emptyDirectory`. A `.mailmap` being edited in the real
    /// work tree, for one, then changes nothing git prints from history.
    package init(repository: Repository, emptyWorkTree emptyDirectory: String) {
        directory = emptyDirectory
        repositoryEnvironment = ["GIT_DIR": repository.gitDirectory, "GIT_WORK_TREE": emptyDirectory]
    }

    /// The `.mailmap` of `commit`'s tree and no other (with `init(repository:emptyWorkTree:)`:
    /// not the work tree's either): neither `mailmap.file` nor `mailmap.blob` configured
    /// is read. A commit without one maps nobody.
    package static func pinnedMailmap(at commit: ObjectID) -> [String] {
        ["-c", "mailmap.file=", "-c", "mailmap.blob=\(commit.hex):.mailmap"]
    }

    /// Runs git and hands each line of its standard output (without the LF) to
    /// `line` as it arrives, so the caller can work while git still does; the result
    /// carries the exit status and stderr (its output is empty).
    package func stream(_ arguments: [String], line: (ArraySlice<UInt8>) -> Void) throws -> Result {
        try execute(arguments, environment: [:]) { output in
            var lines = LineReader(descriptor: output)
            while let next = lines.next() { line(next) }
            return []
        }
    }

    /// Runs `git arguments…`; `environment` is added to this process's environment.
    /// Arguments after `--` are paths, passed as their bytes (GitPath): a name that is
    /// not UTF-8 reaches git as it is stored.
    /// `echoingErrors`: git's standard error also goes to this process's as it comes
    /// (its progress lines), besides the result.
    /// `input`: what git reads on its standard input (nil: nothing).
    package func run(
        _ arguments: [String], environment: [String: String] = [:], input: [UInt8]? = nil,
        echoingErrors: Bool = false
    ) throws -> Result {
        try execute(arguments, environment: environment, input: input, echo: echoingErrors ? STDERR_FILENO : nil) {
            readToEnd($0)
        }
    }

    /// Starts git for a conversation: what `send` writes is its standard input, and
    /// `readLine` reads its output as it comes (`git diff-tree --stdin`, `cat-file --batch`).
    package func start(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(
            "git", arguments: argumentBytes(arguments), environment: variables(adding: environment),
            directory: directory, standardInput: .interactive)
    }

    /// Every git run reads no commit-graph (`objects/info/commit-graph`, what `git gc`
    /// writes): git takes a commit's tree and parents from it without reading the
    /// commit, and it is a cache anyone holding the repository can write — a forged one
    /// gave an agent's commit its parent's tree and the report no AI lines. libgit2 reads
    /// the commits themselves; `CommitGraph` reads only times, to order work.
    package static let ignoredCommitGraph = ["-c", "core.commitGraph=false"]

    private func argumentBytes(_ arguments: [String]) -> [[UInt8]] {
        var argumentBytes: [[UInt8]] = Self.ignoredCommitGraph.map { Array($0.utf8) }
        var paths = false
        for argument in arguments {
            argumentBytes.append(paths ? GitPath.bytes(argument) : Array(argument.utf8))
            if argument == "--" { paths = true }
        }
        return argumentBytes
    }

    /// Every git run reads no grafts file (`info/grafts`: deprecated, local, signed by
    /// nobody) — libgit2 reads none either, so both see the parents the commits record.
    /// Shallow boundaries (`shallow`) are another file and still apply.
    package static let ignoredGrafts = ["GIT_GRAFT_FILE": "/dev/null"]

    /// Variables of this process's environment no git run inherits: `GIT_DIFF_OPTS`
    /// sets the lines of context of every diff git writes, over `-U0` itself (hunks
    /// then hold context lines, and the blocks classify reads change);
    /// `GIT_SHALLOW_FILE` names another list of shallow boundaries than the repository's
    /// `shallow`, which libgit2 and `Repository.shallowBoundary` read.
    package static let droppedVariables: Set<String> = ["GIT_DIFF_OPTS", "GIT_SHALLOW_FILE"]

    private func variables(adding environment: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !Self.droppedVariables.contains($0.key) }
            .merging(repositoryEnvironment) { $1 }
            .merging(Self.ignoredGrafts) { $1 }.merging(environment) { $1 }
    }

    /// Starts git, lets `consume` read its standard output to the end, and waits.
    private func execute(
        _ arguments: [String], environment: [String: String], input: [UInt8]? = nil, echo: Int32? = nil,
        consume: (Int32) -> [UInt8]
    ) throws -> Result {
        let result = try ChildProcess(
            "git", arguments: argumentBytes(arguments), environment: variables(adding: environment),
            directory: directory, input: input, echoingErrorsTo: echo
        ).wait(consumingOutput: consume)
        return Result(
            status: result.status, output: result.output, stderr: String(decoding: result.errors, as: UTF8.self))
    }
}
