import ArgumentParser
import Foundation
import Git
import Ledger
import Records

struct WaiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waive",
        abstract: "Sign a waiver: accept that a commit breaks one policy rule, and say why.",
        discussion: """
            Adds a signed waiver record (predicate https://sessiontrace.dev/waiver/v1) to
            the commit's note. 'git trace check' then reports the violation as waived,
            naming who and why, instead of failing on it; but only when the waiver
            verifies under the trust file, its signer matches the policy's approvers, and
            the signer is not the commit's author. Rules: max_ai_share,
            sensitive_review, models, agents, require_records.

              git trace waive 3f2a1b0 --rule sensitive_review --reason "hotfix INC-4211, reviewed in the incident call"
            """
    )

    @Argument(help: ArgumentHelp("The commit.", valueName: "rev"))
    var revision: String

    @Option(help: ArgumentHelp("The rule waived.", valueName: "name"))
    var rule: String

    @Option(help: ArgumentHelp("Why: what the auditor will read.", valueName: "text"))
    var reason: String

    @OptionGroup var signingKey: SigningKeyOption

    func validate() throws {
        guard Waiver.rules.contains(rule) else {
            throw ValidationError("--rule \(rule): not a rule (one of \(Waiver.rules.joined(separator: ", ")))")
        }
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--reason is empty: say why the rule is waived")
        }
    }

    func run() throws {
        let repository = try openRepository()
        let commit = try repository.resolveCommit(revision)
        let identity = try signingIdentity(explicitPath: signingKey.key, repository: repository)
        recordPendingCommits(repository, identity)
        let statement = try RecordBuilder(repository: repository).recordWaiver(
            of: commit, rule: rule, reason: reason, signer: identity, at: Int64(Date().timeIntervalSince1970))
        if statement.waiver?.author.email.lowercased() == identity.email.lowercased() {
            printError(
                "warning: \(commit.shortHex) is your own commit: the waiver is recorded but 'git trace check' will not count it"
            )
        }
        print("waived \(rule) for \(commit.shortHex) as \(identity.email)")
    }
}
