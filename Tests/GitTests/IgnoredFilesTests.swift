import Foundation
import TestSupport
import Testing

@testable import Git

/// The pattern test that spares agent hooks a git process must never rule out a path
/// git ignores: checked against `git check-ignore` itself.
@Suite struct IgnoredFilesTests {
    @Test func aPathThePatternsRuleOutIsNeverOneGitIgnores() async throws {
        let sandbox = try Sandbox(name: #function)
        try await sandbox.configureIdentity()
        let repository = try await sandbox.makeRepository()
        try sandbox.write(
            "*.log\n!keep.log\n/anchored.txt\nbuild/\n[Tt]emp?\nspace\\ name\n\\#hash\nnested/deep/*.tmp\n",
            to: ".gitignore", in: repository)
        try sandbox.write("local-*\n", to: "sub/.gitignore", in: repository)
        try sandbox.write("secret*\n", to: ".git/info/exclude", in: repository)
        let ignoredFiles = IgnoredFiles(layout: try #require(GitLayout.discover(from: repository.path)))
        let paths = [
            "src/main.swift", "sub/anchored.txt", "README", "a.log", "keep.log", "deep/x.LOG", "x.log.txt",
            "anchored.txt", "dir/anchored.txt", "build/x", "src/build/y", "build", "Temp1", "temp12", "space name",
            "#hash", "sub/local-notes", "local-notes", "secret.txt", "sub/secret", "nested/deep/a.tmp",
            "nested/a.tmp", "sub/keep.log",
        ]
        var ruledOut = 0
        for path in paths {
            let byGit = try await sandbox.run("git", ["check-ignore", "-q", "--", path], in: repository).status == 0
            let mayBe = ignoredFiles.mayBeIgnored(path)
            #expect(mayBe || !byGit, "\(path): git ignores it, the pattern test ruled it out")
            #expect(ignoredFiles.isIgnored(path) == byGit, "\(path): git says \(byGit)")
            if !mayBe { ruledOut += 1 }
        }
        #expect(ruledOut >= 6, "the pattern test should spare most ordinary paths a git process")
    }

    @Test func theUsersExcludesFileCounts() async throws {
        let sandbox = try Sandbox(name: #function)
        try await sandbox.configureIdentity()
        let repository = try await sandbox.makeRepository()
        let excludes = try sandbox.write("*.private\n", to: "my-excludes", in: sandbox.root)
        try await sandbox.git("config", "core.excludesFile", excludes.path, in: repository)
        let ignoredFiles = IgnoredFiles(layout: try #require(GitLayout.discover(from: repository.path)))
        #expect(ignoredFiles.mayBeIgnored("notes.private") && ignoredFiles.isIgnored("notes.private"))
        #expect(!ignoredFiles.mayBeIgnored("notes.public"))
    }
}
