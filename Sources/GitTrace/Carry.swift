import ArgumentParser
import Capture
import Foundation
import Git
import Ledger

struct Carry: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Derive a commit's record from the records of the commits it was made from.",
        discussion: """
            For squash and rebase merges made on a server, where no hook runs: the
            lines of the new commit that come, unchanged, from the source commits keep
            their recorded origin; other lines are the merger's. The record names the
            source records it was derived from and is signed with your key. Reviews
            and waivers of a source whose change the new commit makes unaltered are
            carried to it as they are (spec/records.md §8.2).

              git trace carry main --from main~1..feature

            git-extensions/ci/ has a recipe that runs this after a merge.
            """
    )

    @Argument(help: ArgumentHelp("The new commit.", valueName: "new-commit"))
    var commit: String

    @Option(
        help: ArgumentHelp("The source commits: a range such as base..topic, or one commit.", valueName: "rev-range"))
    var from: String

    @OptionGroup var signingKey: SigningKeyOption

    func run() throws {
        let repository = try openRepository()
        let target = try resolveCommit(commit, in: repository)
        let sources = try repository.commits(namedBy: from)
        let identity = try signingIdentity(explicitPath: signingKey.key, repository: repository)
        let (digest, count, approvals) = try CommitRecorder(repository: repository).recordCarry(
            target, from: sources, signer: identity)
        if let digest { print("recorded \(digest) on \(target.shortHex), derived from \(count) record(s)") }
        if approvals > 0 {
            print("carried \(approvals) review(s) and waiver(s) of the same change to \(target.shortHex)")
        }
    }
}
