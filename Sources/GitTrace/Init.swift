import ArgumentParser
import Capture
import Foundation
import Git
import Keys
import Ledger
import Setup
import Signing
import Sync

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prepare this repository for SessionTrace records.",
        discussion: """
            Adds a fetch refspec
            per remote that brings their records into refs/notes/remotes/<remote>/sessiontrace
            (never over your local records), and checks that a signing key is configured.
            notes.rewriteRef is deliberately not set: a signed record names its commit,
            so copying it onto a rewritten commit would only produce an invalid record,
            and notes.displayRef is left alone, so that git log stays readable ('git
            trace log' shows each commit with a summary of its records).
            Fetches the records each remote already has. Installs the git hooks:
            post-commit, which signs a record of each commit; pre-push, which pushes
            the records with the commits ('git trace sync'); and,
            when sessiontrace.trailers is true, prepare-commit-msg, which adds AI-Assisted:
            trailers (run init again after changing that setting). Existing hooks are
            kept and run first. Running it again changes nothing.
            """
    )

    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        let repository = try openRepository()
        var changed = false
        for initialised in try RepositorySetup.initialise(repository, binaryPath: currentBinaryPath()) {
            let label = initialised.submodule.map { "submodule \($0): " } ?? ""
            for change in initialised.changes { print(label + change) }
            for warning in initialised.warnings { printError("warning: \(label)\(warning)") }
            changed = changed || !initialised.changes.isEmpty
        }
        if !changed { print("already initialised: nothing to change") }
        // A fresh clone gets the records that already exist.
        for remote in try repository.remoteNames() {
            do {
                let report = try NotesSync(repository: repository, remote: remote).sync(
                    push: false, progress: progressOptions.steps)
                if report.merge != .upToDate { printSyncReport(report, remote: remote) }
            } catch {
                printError("warning: records not fetched from \(remote): \(describe(error))")
            }
        }
        let config = try repository.config()
        do {
            let identity = try SigningIdentity.load(explicitPath: nil, config: config)
            print("signing as \(identity.email) with \(identity.key.publicKey.fingerprint) (\(identity.keyPath))")
            if let warning = identity.warning { printError(warning) }
        } catch let error as IdentityError {
            printError("warning: \(error.description)")
        }
    }
}
