/// Where SessionTrace keeps a repository's local state (the working log and snapshots,
/// the verification and provenance caches): `sessiontrace/` inside the git directory,
/// so it is never in the work tree, never committed and never pushed. Per worktree:
/// each linked worktree has its own git directory and so its own working log.
package enum StateDirectory {
    /// `<gitDirectory>/sessiontrace`, or a directory inside it.
    package static func path(inGitDirectory gitDirectory: String, _ subdirectory: String? = nil) -> String {
        let base = (gitDirectory.hasSuffix("/") ? String(gitDirectory.dropLast()) : gitDirectory) + "/sessiontrace"
        return subdirectory.map { base + "/" + $0 } ?? base
    }
}

extension Repository {
    /// This repository's `StateDirectory`, or a directory inside it.
    package func stateDirectory(_ subdirectory: String? = nil) -> String {
        StateDirectory.path(inGitDirectory: gitDirectory, subdirectory)
    }
}
