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
