import Foundation
import Git
import Provenance
import TestSupport
import Testing

/// ForwardBlame must say of every line exactly what `git blame` says: the commit,
/// its path there and its line number there. Histories are drawn at random (seeded)
/// to be hard on it — few distinct lines so that the diff has choices to make, merges
/// with both sides edited and evil merges, renames with and without edits, a file
/// split in two, files that lose their last LF, empty files, symbolic links,
/// submodules, a file replaced by a directory — and written with `git fast-import`.
@Suite struct ForwardBlameTests {
    @Test(arguments: Array(UInt64(1)...12))
    func everyLineAsGitBlameSaysOnARandomHistory(seed: UInt64) async throws {
        let sandbox = try Sandbox()
        let directory = try await sandbox.makeRepository()
        let history = RandomHistory(seed: seed, commits: 90)
        let imported = try await sandbox.run("git", ["fast-import", "--quiet"], in: directory, input: history.stream)
        #expect(imported.status == 0, "\(imported)")
        for branch in history.branchNames {
            try await expectBlameAgrees(at: branch, in: directory, sandbox: sandbox)
        }
    }

    @Test func shallowCloneStopsAtItsBoundaryAsBlameDoes() async throws {
        let sandbox = try Sandbox()
        let origin = try await sandbox.makeRepository("origin")
        let history = RandomHistory(seed: 11, commits: 60)
        _ = try await sandbox.run("git", ["fast-import", "--quiet"], in: origin, input: history.stream)
        try await sandbox.git("symbolic-ref", "HEAD", "refs/heads/b0", in: origin)
        try await sandbox.git("clone", "-q", "--depth", "7", "file://" + origin.path, "shallow", in: sandbox.root)
        try await expectBlameAgrees(at: "HEAD", in: sandbox.root.appendingPathComponent("shallow"), sandbox: sandbox)
    }

    /// A path that changes type (file, symbolic link, submodule) has no origin in
    /// the parent where it had the other type, as blame finds none there.
    @Test func typeChangesStartTheLinesAfresh() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write("one\ntwo\n", to: "a.txt", in: directory)
        try sandbox.write("x\n", to: "b.txt", in: directory)
        try await sandbox.commitAll("files", in: directory)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("a.txt"))
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("a.txt").path, withDestinationPath: "one\ntwo\n")
        try await sandbox.commitAll("a link", in: directory)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("a.txt"))
        try sandbox.write("one\ntwo\nthree\n", to: "a.txt", in: directory)
        try await sandbox.git("rm", "-q", "b.txt", in: directory)
        let commit = try await sandbox.git("rev-parse", "HEAD", in: directory).trimmingCharacters(
            in: .whitespacesAndNewlines)
        try await sandbox.git("update-index", "--add", "--cacheinfo", "160000,\(commit),b.txt", in: directory)
        try await sandbox.git("add", "a.txt", in: directory)
        try await sandbox.git("commit", "-q", "-m", "a file again, b a submodule", in: directory)
        try await expectBlameAgrees(at: "HEAD", in: directory, sandbox: sandbox)
    }

    /// Every file of `revision`: ForwardBlame's lines against git blame's.
    private func expectBlameAgrees(at revision: String, in directory: URL, sandbox: Sandbox) async throws {
        let repository = try Repository(discoveringFrom: directory.path)
        let end = try repository.resolveCommit(revision)
        let result = try ForwardBlame.blameAll(at: end, repository: repository)
        let git = GitCommand(repository: repository)
        let listed = try await sandbox.git("ls-tree", "-r", "-z", end.hex, in: directory)
        var blamed = 0
        for entry in listed.split(separator: "\0") {
            let fields = entry.split(separator: "\t", maxSplits: 1)
            let meta = fields[0].split(separator: " ")
            let path = String(fields[1])
            guard meta[1] == "blob" else {
                #expect(result.files[path] == nil, "\(revision) \(path): a submodule has no lines")
                continue
            }
            guard let forward = result.files[path] else {
                Issue.record("\(revision): \(path) missing")
                continue
            }
            #expect(forward.blob.hex == String(meta[2]))
            let (entries, _) = try Blame.entries(
                path: path, revision: end.hex, lines: nil, git: git, pinned: true)
            var expected = [String]()
            for entry in entries {
                for offset in 0..<entry.count {
                    expected.append("\(entry.commit.shortHex) \(entry.path):\(entry.original + offset)")
                }
            }
            var actual = [String]()
            for run in forward.runs {
                for offset in 0..<run.count {
                    actual.append("\(run.commit.shortHex) \(run.originalPath):\(run.originalStart + offset)")
                }
            }
            #expect(
                actual == expected, "\(revision) \(path): first difference at line \(firstDifference(actual, expected))"
            )
            blamed += 1
        }
        #expect(blamed > 0)
    }

    private func firstDifference(_ a: [String], _ b: [String]) -> String {
        for index in 0..<max(a.count, b.count) where index >= a.count || index >= b.count || a[index] != b[index] {
            return "\(index + 1): \(index < a.count ? a[index] : "-") vs \(index < b.count ? b[index] : "-")"
        }
        return "none"
    }
}
