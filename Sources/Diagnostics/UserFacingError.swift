// Diagnostics: what the person who ran a command is told when it cannot do what was
// asked. Every module's errors adopt `UserFacingError`, so the executable prints them
// all the same way without a list of types to keep up to date.

/// An error whose description is written for the person who ran the command: one line
/// naming the problem (the file, the line, the commit) and, where there is one, the
/// fix. `git trace` prints it as `fatal: <description>` and exits with `exitStatus`.
package protocol UserFacingError: Error, CustomStringConvertible {
    /// 2 unless the error says otherwise (git's `fatal:` status).
    var exitStatus: Int32 { get }
}

extension UserFacingError {
    package var exitStatus: Int32 { 2 }
}
