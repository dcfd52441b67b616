import Foundation
import TestSupport
import Testing

@testable import Git

/// `Reviewed-by:` trailers as git finds them with its default separator, whatever the
/// user configured: `trailer.separators` would make a `Reviewed-by# …` line a review.
@Suite struct ReviewedByTests {
    @Test func reviewersAreTheSameWhateverTheUsersTrailerSettings() async throws {
        let sandbox = try Sandbox(name: #function)
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write("x\n", to: "a.txt", in: directory)
        try await sandbox.git("add", "-A", in: directory)
        try await sandbox.git(
            "commit", "-q", "-m",
            "Fix\n\nReviewed-by: Carol <carol@example.com>\nReviewed-by# Mallory <m@example.com>\n"
                + "Signed-off-by: Alice Author <alice@example.com>",
            in: directory)
        let repository = try Repository(discoveringFrom: directory.path)
        let head = try repository.resolveCommit("HEAD")
        let git = GitCommand(repository: repository)
        let plain = try ReviewedBy.reviewers(of: head, git: git)
        #expect(plain == ["Carol <carol@example.com>"])
        try await sandbox.git("config", "trailer.separators", ":#", in: directory)
        let configured = try await sandbox.git(
            "show", "-s", "--format=\(ReviewedBy.formatPlaceholder)", "HEAD", in: directory)
        #expect(ReviewedBy.parse(configured).count == 2, "git itself reads the # line now: \(configured)")
        #expect(try ReviewedBy.reviewers(of: head, git: git) == plain)
    }
}
