import ArgumentParser
import Foundation
import Git
import Ledger
import Verification

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign a checkpoint of the ledger, to prove later that no record was removed.",
        discussion: """
            Prints (or writes to --output) a signed note in the C2SP checkpoint format:
            the ledger's name, the number of records, the RFC 6962 Merkle root of their
            digests, the notes commit and the time (spec/checkpoints.md). Keep it outside
            the repository; later, 'git trace verify --since-checkpoint FILE' proves that
            every record it covered is still present and unchanged, and that the notes
            history was not rewritten.
            """
    )

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the checkpoint to this file.", valueName: "file"))
    var output: String?

    @OptionGroup var signingKey: SigningKeyOption

    func run() throws {
        let repository = try openRepository()
        if repository.hasNoCommits { throw CommandFailure("repository has no commits yet") }
        let identity = try signingIdentity(explicitPath: signingKey.key, repository: repository)
        let checkpoint = try Checkpoint.make(repository: repository, now: Int64(Date().timeIntervalSince1970))
        let note = try checkpoint.signedNote(name: identity.email, key: identity.key)
        try emit(
            note, to: output,
            describing: "checkpoint of \(checkpoint.size) records at notes commit \(checkpoint.notesCommit.prefix(12))")
    }
}
