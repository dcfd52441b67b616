import ArgumentParser
import Foundation
import Reports

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "git log, with one line under each commit summing up its records.",
        discussion: """
            Lists commits as git log selects them (every argument after the options goes
            to git log: ranges, -n, --since, --author, -- paths) and, under each, the
            origin shares of the lines it added, the agents and models, and whether its
            record verified against the trust file (--trust, else the repository's
            .sessiontrace/allowed_signers). git log itself is left readable: init does
            not make it print the signed envelopes.

              git trace log -n 20
              git trace log main..feature -- src/payments
            """
    )

    @OptionGroup var trustOptions: TrustOptions

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp("Arguments for git log (a range, -n 20, --since, -- paths).", valueName: "git-log-arguments")
    )
    var gitArguments: [String] = []

    func validate() throws {
        // The output is git's commit line and the summary: options that change what
        // git prints per commit would be lost, so they are refused, not ignored.
        let printing = [
            "--oneline", "--format", "--pretty", "-p", "-u", "--patch", "--stat", "--numstat", "--shortstat",
            "--name-only",
            "--name-status", "--raw", "--graph", "-z", "--notes", "--show-notes",
        ]
        for argument in gitArguments where printing.contains(where: { argument == $0 || argument.hasPrefix($0 + "=") })
        {
            throw ValidationError(
                "git trace log prints each commit its own way: \(argument) is not supported (use git log for that)")
        }
    }

    func run() throws {
        let repository = try openRepository()
        if repository.hasNoCommits { throw CommandFailure("repository has no commits yet") }
        let trust = try trustOptions.forDisplay(repository: repository)
        try CommitLog.run(repository: repository, gitArguments: gitArguments, trust: trust) { print($0) }
        if trust == nil { printError(TrustOptions.unverifiedWarning) }
    }
}
