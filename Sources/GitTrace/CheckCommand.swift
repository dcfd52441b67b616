import ArgumentParser
import Foundation
import Policy
import Reports
import Verification

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check commits against the team's policy: AI share, reviews of sensitive paths, models, agents.",
        discussion: """
            Evaluates every commit of <range> (default: HEAD's history) against the rules
            of .sessiontrace/policy.yml as it stood in the commit's first parent (a commit
            cannot loosen the rules it is judged by), or of --policy FILE for every commit.
            Only records that verify under the trust file count (--trust, else the
            repository's .sessiontrace/allowed_signers, said so). Prints one line per
            violation: commit, file and lines, severity, rule, why, and how to fix it.

              git trace check origin/main..HEAD --trust auditor/allowed_signers
              git trace check origin/main..HEAD --format sarif > sessiontrace.sarif
              git trace check --format github   # annotations in a GitHub Actions job
              git trace check "$new" ^"$old"     # a server's pre-receive hook (git-extensions/ci/)

            With --alert, violations also go to the policy's alerts (a command run with
            the JSON result on its input, a webhook POSTed the same JSON).

            Exit status: 1 when a rule of severity error is broken, 0 otherwise (warnings
            are printed), 2 when the check could not run (or a required alert failed).
            """
    )

    @Argument(
        help: ArgumentHelp(
            "Commits: 'A..B', or revisions with their ancestors less those of '^rev' (default: HEAD).",
            valueName: "range"))
    var range: [String] = []

    @Option(
        help: ArgumentHelp(
            "The policy file for every commit (default: each commit's parent's .sessiontrace/policy.yml).",
            valueName: "file"))
    var policy: String?

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif, github }

    @Option(help: ArgumentHelp("text (default), json, sarif or github.", valueName: "format"))
    var format: Format = .text

    @Option(help: ArgumentHelp("Write the result to this file instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var trustOptions: TrustOptions
    @OptionGroup var progressOptions: ProgressOptions

    @Flag(help: "Use and extend the verification cache of 'git trace verify --cache'.")
    var cache = false

    @Flag(
        help: ArgumentHelp(
            "Send the violations to the policy's alerts (its command and webhook).",
            discussion: "Asked for, never implied: an alert runs a program the repository's policy names."))
    var alert = false

    func run() throws {
        let repository = try openRepository()
        if repository.hasNoCommits { throw CommandFailure("repository has no commits yet") }
        guard let trust = try trustOptions.load(repository: repository) else {
            throw CommandFailure(
                "no trust file: pass --trust FILE (an allowed_signers file) or commit \(TrustFile.repositoryPath); check uses verified records only"
            )
        }
        let explicit = try policy.map { try Policy.load(explicitPath: $0, repository: repository) }
        let verificationCache = TrustOptions.verificationCache(cache, trust: trust, repository: repository)
        // One range as git names it; several revisions (a server hook's `new ^old ^…`)
        // each checked to name a commit first, `^` marking those excluded.
        var revisions: [String]?
        if range.count > 1 {
            for revision in range {
                _ = try repository.resolveCommit(revision.hasPrefix("^") ? String(revision.dropFirst()) : revision)
            }
            revisions = range
        }
        let result = try PolicyCheck.run(
            repository: repository, range: range.isEmpty ? "HEAD" : range.joined(separator: " "),
            revisions: revisions, trust: trust, policy: explicit, cache: verificationCache,
            progress: progressOptions.steps)
        let text: String
        switch format {
        case .text: text = result.textLines.map { $0 + "\n" }.joined()
        case .json: text = result.json.canonicalString + "\n"
        case .sarif: text = result.sarif.canonicalString + "\n"
        case .github: text = result.githubLines.map { $0 + "\n" }.joined()
        }
        try emit(text, to: output, describing: "check result")
        printError(result.summary)
        if let alerts = result.alerts, result.errors + result.warnings > 0 {
            if !alert {
                printError("alerts not sent: pass --alert to run the policy's alert command and webhook")
            } else {
                let failures = CheckAlerts.send(result, alerts: alerts, repository: repository)
                for failure in failures { printError("\(alerts.required ? "error" : "warning"): \(failure)") }
                // A required alert that did not go out: the check did not do its whole job.
                if alerts.required && !failures.isEmpty { throw ExitCode(2) }
            }
        }
        if result.errors > 0 { throw ExitCode(1) }
    }
}
