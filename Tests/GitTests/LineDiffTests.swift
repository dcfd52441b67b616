import Foundation
import Git
import Testing
import TestSupport

@Suite struct LineDiffTests {
    /// Applying the hunks to the old text gives the new one.
    func apply(_ hunks: [DiffHunk], old: [String], new: [String]) -> [String] {
        var result = [String]()
        var position = 0
        for hunk in hunks {
            result += old[position..<hunk.oldIndex]
            result += new[hunk.newIndex..<hunk.newIndex + hunk.newCount]
            position = hunk.oldIndex + hunk.oldCount
        }
        return result + old[position...]
    }

    func lines(_ text: String) -> [String] {
        var result = [String]()
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" { result.append(current); current = "" }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    @Test func simpleCasesMatchGitDiffU0() {
        #expect(LineDiff.hunks(old: Array("a\nb\nc\n".utf8), new: Array("a\nb\nc\n".utf8)) == [])
        #expect(LineDiff.hunks(old: Array("a\nb\nc\n".utf8), new: Array("a\nx\nc\n".utf8)) == [DiffHunk(oldStart: 2, oldCount: 1, newStart: 2, newCount: 1)])
        #expect(LineDiff.hunks(old: Array("a\nc\n".utf8), new: Array("a\nb\nc\n".utf8)) == [DiffHunk(oldStart: 1, oldCount: 0, newStart: 2, newCount: 1)])
        #expect(LineDiff.hunks(old: Array("a\nb\nc\n".utf8), new: Array("b\nc\n".utf8)) == [DiffHunk(oldStart: 1, oldCount: 1, newStart: 0, newCount: 0)])
        #expect(LineDiff.hunks(old: [], new: Array("x\ny\n".utf8)) == [DiffHunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 2)])
        #expect(LineDiff.hunks(old: Array("a".utf8), new: Array("a\n".utf8)) == [DiffHunk(oldStart: 1, oldCount: 1, newStart: 1, newCount: 1)])
    }

    /// On pseudo-random edits: the hunks reproduce the new text and change exactly as
    /// many lines as `git diff --minimal` does.
    @Test func randomEditsAreMinimalLikeGit() async throws {
        let sandbox = try Sandbox()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<12 {
            let vocabulary = (0..<8).map { "token \($0)\n" }
            let old = (0..<Int.random(in: 0...60, using: &generator)).map { _ in vocabulary.randomElement(using: &generator)! }
            var new = old
            for _ in 0..<Int.random(in: 0...15, using: &generator) {
                let index = Int.random(in: 0...new.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: new.insert(vocabulary.randomElement(using: &generator)!, at: index)
                case 1: if index < new.count { new.remove(at: index) }
                default: if index < new.count { new[index] = "changed \(round)\n" }
                }
            }
            let hunks = LineDiff.hunks(old: Array(old.joined().utf8), new: Array(new.joined().utf8))
            #expect(apply(hunks, old: old, new: new) == new)
            let oldFile = try sandbox.write(old.joined(), to: "old-\(round)", in: sandbox.root)
            let newFile = try sandbox.write(new.joined(), to: "new-\(round)", in: sandbox.root)
            let numstat = try await sandbox.run("git", ["diff", "--no-index", "--minimal", "--numstat", oldFile.path, newFile.path])
            let fields = numstat.stdout.split(separator: "\t")
            let gitChanged = fields.count >= 2 ? Int(fields[0])! + Int(fields[1])! : 0
            #expect(hunks.reduce(0) { $0 + $1.oldCount + $1.newCount } == gitChanged, "round \(round)")
        }
    }

    @Test func aCompleteRewriteIsOneHunk() {
        let old = (0..<5000).map { "old \($0)\n" }.joined(), new = (0..<5000).map { "new \($0)\n" }.joined()
        #expect(LineDiff.hunks(old: Array(old.utf8), new: Array(new.utf8)) == [DiffHunk(oldStart: 1, oldCount: 5000, newStart: 1, newCount: 5000)])
    }
}
