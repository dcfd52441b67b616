import Foundation
import TestSupport
import Testing

@testable import Git

/// A commit's attributes, read from its tree alone: checked against `git check-attr
/// --cached` (git reading the same files as blobs), and against everything outside the tree that git also reads.
@Suite struct TreeAttributesTests {
    static let names = ["linguist-generated", "linguist-vendored"]

    static let rootFile = """
        # comment line
        *.gen.go linguist-generated
        /anchored.go linguist-vendored
        docs/**/*.js linguist-generated
        **/fixtures/* linguist-generated
        vendor/** linguist-vendored
        dir/ linguist-generated
        [abc]*.py linguist-generated
        [!x]?.rb linguist-vendored
        [[:digit:]]*.c linguist-generated
        lib/*.ts linguist-generated=true
        lib/keep.ts -linguist-generated
        !negated.go linguist-generated
        bad.go linguist-generated b@d
        odd.go linguist-generated --linguist-vendored
        odd2.go linguist-vendored
        [attr]made linguist-generated linguist-vendored=false
        *.made.kt made
        "quoted name.go" linguist-vendored
        \\#hash.go linguist-generated
        a/**/b.go linguist-generated
        mid**dle.go linguist-vendored
        esc/**\\/e.go linguist-generated
        pre\\/**/p.go linguist-vendored
        tb\\ linguist-generated
        [[:space:]]sp.go linguist-generated
        [[:foo:]u]nk.go linguist-generated
        [z-a]rev.go linguist-generated
        [[:x]y:]z.go linguist-generated
        [[::]]e.go linguist-generated
        [[:]c.go linguist-generated
        *.crlf linguist-generated\r
        unset.go linguist-generated
        unset.go !linguist-generated
        [unclosed.go linguist-generated
        *.swift linguist-vendored=no
          indented.go	linguist-generated
        """

    static let nestedFile = """
        *.gen.go -linguist-generated
        x.go linguist-vendored
        [attr]ignored linguist-generated
        *.ign ignored
        /top.go linguist-generated
        """

    static let paths = [
        "a.gen.go", "deep/dir/a.gen.go", "sub/a.gen.go", "sub/deeper/a.gen.go", "anchored.go", "x/anchored.go",
        "docs/a.js", "docs/x/y/a.js", "other/docs/a.js", "fixtures/f.txt", "a/b/fixtures/f.txt", "a/fixtures/b/f",
        "vendor/x.go", "vendor/a/b/c.go", "src/vendor/x.go", "dir", "dir/x.go", "apple.py", "zebra.py", "ab.rb",
        "xb.rb", "abc.rb", "1.c", "x1.c", "lib/a.ts", "lib/keep.ts", "lib/sub/a.ts", "negated.go", "bad.go",
        "thing.made.kt", "quoted name.go", "#hash.go", "a/b.go", "a/x/y/b.go", "b.go", "middle.go", "mid-x-dle.go",
        "mid/dle.go", "f.crlf", "unset.go", "[unclosed.go", "unclosed.go", "view.swift", "indented.go", "sub/x.go",
        "x.go", "sub/q.ign", "sub/top.go", "top.go", "README.md", "odd.go", "odd2.go", "long.go", "edge.go",
        "longest.go", "nul/a.go", "nul/b.go", "esc/e.go", "esc/x/e.go", "esc/x/y/e.go", "esc/xe.go", "pre/p.go",
        "pre/a/p.go", "pre/a/b/p.go", "tb\\", "\u{0B}sp.go", "\tsp.go", "\u{0C}sp.go", "\rsp.go", "unk.go",
        "zrev.go", "arev.go", "xy:]z.go", "xz.go", "e.go", ":e.go", "[c.go", ":c.go",
    ]

    @Test func theCommitsAttributesAreWhatGitReadsFromTheSameFiles() async throws {
        let sandbox = try Sandbox(name: #function)
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        // Git skips a line of 2,048 bytes or more.
        let long = "long.go linguist-generated " + String(repeating: "a", count: 2_020) + "\n"
        let edge = "edge.go linguist-generated " + String(repeating: "a", count: 2_021) + "\n"
        let longest = "longest.go linguist-generated " + String(repeating: "a", count: 2_030) + "\n"
        try sandbox.write(Self.rootFile + "\n" + long + edge + longest, to: ".gitattributes", in: directory)
        try sandbox.write(Self.nestedFile, to: "sub/.gitattributes", in: directory)
        try sandbox.write(
            "a.go linguist-generated\n\u{0}\nb.go linguist-generated\n", to: "nul/.gitattributes", in: directory)
        let commit = try await sandbox.commitAll("attributes", in: directory)
        let repository = try Repository(discoveringFrom: directory.path)
        var attributes = try TreeAttributes(repository: repository, commit: try #require(ObjectID(hex: commit)))
        // -z: paths with control bytes and backslashes come back unquoted.
        let byGit = try await sandbox.git(
            "check-attr", "-z", "--cached", "linguist-generated", "linguist-vendored", "--", in: directory,
            input: nil, arguments: Self.paths)
        var expected = [String: [String: TreeAttributes.State]]()
        let fields = byGit.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        for start in stride(from: 0, to: fields.count - 2, by: 3) {
            let parts = Array(fields[start..<(start + 3)])
            let state: TreeAttributes.State? =
                switch parts[2] {
                case "set": .set
                case "unset": .unset
                case "unspecified": nil
                default: .value(parts[2])
                }
            expected[parts[0], default: [:]][parts[1]] = state
        }
        var marked = 0
        for path in Self.paths {
            let ours = try attributes.states(of: Self.names, forPath: path)
            #expect(ours == expected[path] ?? [:], "\(path): git says \(expected[path] ?? [:])")
            if ours.values.contains(where: \.isTrue) { marked += 1 }
        }
        #expect(marked >= 20, "the table should mark many paths, not pass by marking none")
    }

    /// An escaped star is a literal, and the star after it starts a run of its own: the
    /// fuzzer's `**\**/b` once indexed a run that did not exist and crashed.
    @Test func aStarAfterAnEscapedStarIsARunOfItsOwn() {
        func matches(_ pattern: String, _ text: String) -> Bool {
            Wildmatch.matches(pattern: Array(pattern.utf8), text: Array(text.utf8))
        }
        #expect(matches("\\**", "*abc") && !matches("\\**", "abc"))
        #expect(matches("a\\**", "a*") && matches("a\\**", "a*bc") && !matches("a\\**", "a*b/c"))
        #expect(!matches("**\\**/b.0Unsaf", "2"))
        #expect(matches("**\\**/b", "**/b") && matches("**\\**/b", "x*y/b"))
        let file = AttributesFile(parsing: Array("a/ad\n**\\**/b.0Unsaf".utf8), allowsMacros: true)
        for rule in file.rules { _ = rule.pattern.matches(Array("x/y".utf8)[...]) }
    }

    @Test func nothingOutsideTheCommitsTreeCounts() async throws {
        let sandbox = try Sandbox(name: #function)
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write("old.go linguist-generated\n", to: ".gitattributes", in: directory)
        try sandbox.write("package x\n", to: "old.go", in: directory)
        let first = try #require(ObjectID(hex: try await sandbox.commitAll("first", in: directory)))
        try sandbox.write("new.go linguist-generated\n", to: ".gitattributes", in: directory)
        let second = try #require(ObjectID(hex: try await sandbox.commitAll("second", in: directory)))
        // What git would also read, none of it in the commit.
        try sandbox.write("info.go linguist-generated\n", to: ".git/info/attributes", in: directory)
        let global = try sandbox.write("global.go linguist-generated\n", to: "global-attributes", in: sandbox.root)
        try await sandbox.git("config", "core.attributesFile", global.path, in: directory)
        try sandbox.write("staged.go linguist-generated\n", to: ".gitattributes", in: directory)
        try await sandbox.git("add", ".gitattributes", in: directory)
        try sandbox.write("worktree.go linguist-generated\n", to: ".gitattributes", in: directory)
        let check = try await sandbox.run("git", ["check-attr", "linguist-generated", "--", "info.go"], in: directory)
        #expect(check.stdout.contains(": set"), "git itself reads info/attributes: \(check)")

        let repository = try Repository(discoveringFrom: directory.path)
        var atSecond = try TreeAttributes(repository: repository, commit: second)
        var atFirst = try TreeAttributes(repository: repository, commit: first)
        for path in ["info.go", "global.go", "staged.go", "worktree.go", "old.go"] {
            #expect(try atSecond.states(of: Self.names, forPath: path).isEmpty, "\(path) at the second commit")
        }
        #expect(try atSecond.states(of: Self.names, forPath: "new.go") == ["linguist-generated": .set])
        #expect(try atFirst.states(of: Self.names, forPath: "old.go") == ["linguist-generated": .set])
        #expect(try atFirst.states(of: Self.names, forPath: "new.go").isEmpty)
    }

    @Test func aLinkedAttributesFileIsNotFollowed() async throws {
        let sandbox = try Sandbox(name: #function)
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write("*.go linguist-generated\n", to: "elsewhere", in: directory)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("sub/.gitattributes").path, withDestinationPath: "../elsewhere")
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent(".gitattributes").path, withDestinationPath: "elsewhere")
        let commit = try #require(ObjectID(hex: try await sandbox.commitAll("links", in: directory)))
        var attributes = try TreeAttributes(repository: try Repository(discoveringFrom: directory.path), commit: commit)
        #expect(try attributes.states(of: Self.names, forPath: "sub/a.go").isEmpty)
        #expect(try attributes.states(of: Self.names, forPath: "a.go").isEmpty)
    }

    @Test func patternsBuiltToBacktrackStillAnswer() {
        // Memoised: |pattern| × |text| steps, not one per way of placing the stars.
        let stars = Array(String(repeating: "*a", count: 30).utf8) + Array("*b".utf8)
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: 400)
        #expect(!Wildmatch.matches(pattern: stars, text: text))
        #expect(
            !Wildmatch.matches(
                pattern: Array(String(repeating: "**/", count: 20).utf8) + Array("z".utf8),
                text: Array(String(repeating: "a/", count: 150).utf8) + Array("y".utf8)))
    }
}

extension Sandbox {
    /// `git` with arguments built at run time.
    fileprivate func git(_ fixed: String..., in directory: URL, input: String?, arguments: [String]) async throws
        -> String
    {
        let output = try await run("git", fixed + arguments, in: directory, input: input)
        guard output.status == 0 else { throw SandboxError(description: "git failed: \(output)") }
        return output.stdout
    }
}
