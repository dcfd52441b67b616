import Foundation

/// `Reviewed-by:` trailers, as git itself finds them (git-interpret-trailers(1): the
/// last paragraph of the message, in trailer form): a line of that shape elsewhere in
/// the message is prose, not a trailer. They are unsigned — anyone can write one — so
/// displays and reports show them apart from signed reviews.
package enum ReviewedBy {
    /// The `git log --format` placeholder for the trailers' values of a commit, separated
    /// by U+001D; `parse` reads what it prints.
    package static let formatPlaceholder = "%(trailers:key=Reviewed-by,valueonly,separator=%x1d)"

    /// The reviewers in what `formatPlaceholder` printed, trimmed, empty ones left out.
    package static func parse(_ printed: some StringProtocol) -> [String] {
        printed.split(separator: "\u{1D}").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// The reviewers named in `commit`'s trailers.
    package static func reviewers(of commit: ObjectID, git: GitCommand) throws -> [String] {
        let result = try git.run(
            GitCommand.pinnedHistorySettings + git.pinnedTrailerKeys() + [
                "show", "-s", "--format=\(formatPlaceholder)", commit.hex, "--",
            ])
        guard result.status == 0 else { throw GitError(kind: .other(-1), message: "git show: \(result.reason)") }
        return parse(String(decoding: result.output, as: UTF8.self))
    }
}
