import Capture
import Git
import Ledger

/// Prepares a repository's git configuration for SessionTrace notes (what `git trace
/// init` does besides hooks). Every step is idempotent.
package struct RepositorySetup {
    package let repository: Repository

    package init(repository: Repository) { self.repository = repository }

    /// Applies the configuration; returns one line per change made (empty when the
    /// repository was already set up) and warnings about settings that work against it.
    package func apply() throws -> (changes: [String], warnings: [String]) {
        let config = try repository.config()
        var changes = [String]()
        var warnings = [String]()
        // git log would print every record's base64 envelope under each commit:
        // `git trace log` is the readable view. An earlier init set this; take it back.
        if try config.remove("notes.displayRef", value: NotesLedger.notesRef) {
            changes.append(
                "notes.displayRef -= \(NotesLedger.notesRef) (git log stays readable; 'git trace log' shows the records)"
            )
        }
        for remote in try repository.remoteNames() {
            let refspec = NotesLedger.fetchRefspec(remote: remote)
            if try config.add("remote.\(remote).fetch", value: refspec) {
                changes.append("remote.\(remote).fetch += \(refspec)")
            }
        }
        let rewriteRefs = try config.strings("notes.rewriteRef")
        if rewriteRefs.contains(where: { $0 == NotesLedger.notesRef || $0 == "refs/notes/*" }) {
            warnings.append(
                "notes.rewriteRef includes \(NotesLedger.notesRef): git will copy signed records onto rewritten commits, where they fail verification; remove it with 'git config --unset-all notes.rewriteRef'"
            )
        }
        return (changes, warnings)
    }

    /// Removes the configuration `apply` adds; returns one line per value removed.
    package func remove() throws -> [String] {
        let config = try repository.config()
        var removed = [String]()
        if try config.remove("notes.displayRef", value: NotesLedger.notesRef) {
            removed.append("notes.displayRef \(NotesLedger.notesRef)")
        }
        for remote in try repository.remoteNames() {
            let refspec = NotesLedger.fetchRefspec(remote: remote)
            if try config.remove("remote.\(remote).fetch", value: refspec) {
                removed.append("remote.\(remote).fetch \(refspec)")
            }
        }
        return removed
    }
}

/// What `git trace init` changed in one repository: the one it ran in, or a submodule.
package struct InitialisedRepository: Sendable {
    /// The submodule's work tree; nil for the repository init ran in.
    package let submodule: String?
    /// One line per change (`set notes…`, `installed hook …`); empty when there was none.
    package let changes: [String]
    package let warnings: [String]
}

extension RepositorySetup {
    /// Configuration, git hooks calling `binaryPath`, and the start of capture, in
    /// `repository` and in each of its submodules: edits inside a submodule are
    /// recorded there, by its own hooks (spec/capture.md §2). Idempotent.
    package static func initialise(_ repository: Repository, binaryPath: String) throws -> [InitialisedRepository] {
        func setUp(_ repository: Repository, submodule: String?) throws -> InitialisedRepository {
            let (changes, warnings) = try RepositorySetup(repository: repository).apply()
            let hookChanges = try GitHookInstaller(repository: repository, binaryPath: binaryPath).install()
            try WorkingLog(repository: repository).markCaptureStarted(reflogMark: repository.headReflogMark())
            return InitialisedRepository(
                submodule: submodule, changes: changes.map { "set \($0)" } + hookChanges.map(\.description),
                warnings: warnings)
        }
        return try [setUp(repository, submodule: nil)]
            + repository.submoduleWorkTrees().map { try setUp(Repository(discoveringFrom: $0), submodule: $0) }
    }
}

extension GitHookInstaller.Change: CustomStringConvertible {
    package var description: String {
        switch self {
        case .installed(let path): "installed hook \(path)"
        case .chained(let path): "installed hook \(path) (the existing hook runs first)"
        case .updated(let path): "updated hook \(path)"
        case .removed(let path): "removed hook \(path) (sessiontrace.trailers is off)"
        case .restored(let path): "restored hook \(path)"
        }
    }
}
