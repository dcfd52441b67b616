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

    func run() throws {
        let repository = try openRepository()
        var changed = try Self.setUp(repository, label: "")
        // Edits inside a submodule are recorded there, by its own hooks (spec/capture.md §2).
        for workTree in try repository.submoduleWorkTrees() {
            changed =
                try Self.setUp(try Repository(discoveringFrom: workTree), label: "submodule \(workTree): ") || changed
        }
        if !changed { print("already initialised: nothing to change") }
        // A fresh clone gets the records that already exist.
        for remote in try repository.remoteNames() {
            do {
                let report = try NotesSync(repository: repository, remote: remote).sync(push: false)
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

    /// Configuration, hooks and the start of capture in one repository; whether
    /// anything changed. `label` names a submodule in what is printed.
    static func setUp(_ repository: Repository, label: String) throws -> Bool {
        let (changes, warnings) = try RepositorySetup(repository: repository).apply()
        for change in changes { print("\(label)set \(change)") }
        let hookChanges = try GitHookInstaller(repository: repository, binaryPath: currentBinaryPath()).install()
        try WorkingLog(repository: repository).markCaptureStarted(reflogMark: repository.headReflogMark())
        for change in hookChanges {
            switch change {
            case .installed(let path): print("\(label)installed hook \(path)")
            case .chained(let path): print("\(label)installed hook \(path) (the existing hook runs first)")
            case .updated(let path): print("\(label)updated hook \(path)")
            case .removed(let path): print("\(label)removed hook \(path) (sessiontrace.trailers is off)")
            case .restored(let path): print("\(label)restored hook \(path)")
            }
        }
        for warning in warnings { printError("warning: \(label)\(warning)") }
        return !changes.isEmpty || !hookChanges.isEmpty
    }
}
