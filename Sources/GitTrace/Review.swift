import ArgumentParser
import Capture
import Foundation
import Git
import Ledger

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Sign that you reviewed commits.",
        discussion: """
            Adds a signed review record (predicate https://sessiontrace.dev/review/v1)
            to each commit's note: who reviewed, when, and an optional comment. Reviewing
            your own commit is recorded but marked as a self-review, and verify and
            reports flag it (separation of duties).

              git trace review HEAD --comment "checked the migration"
              git trace review main..feature
            """
    )

    @Argument(help: ArgumentHelp("A commit, or a range such as main..feature.", valueName: "rev|range"))
    var revision: String

    @Option(help: ArgumentHelp("A comment to sign with the review.", valueName: "text"))
    var comment: String?

    @OptionGroup var signingKey: SigningKeyOption

    func validate() throws {
        if let comment, comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--comment is empty: write what you checked, or leave the option out")
        }
    }

    func run() throws {
        let repository = try openRepository()
        let commits = try repository.commits(namedBy: revision)
        guard !commits.isEmpty else { throw CommandFailure("'\(revision)' names no commits") }
        let identity = try signingIdentity(explicitPath: signingKey.key, repository: repository)
        recordPendingCommits(repository, identity)
        let ownCommits = try RecordBuilder(repository: repository).recordReviews(
            of: commits, signer: identity, comment: comment, at: Int64(Date().timeIntervalSince1970))
        for commit in ownCommits {
            printError("warning: \(commit.shortHex) is your own commit: the review is recorded as a self-review")
        }
        print("reviewed \(commits.count) commit\(commits.count == 1 ? "" : "s") as \(identity.email)")
    }
}
