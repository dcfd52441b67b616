import Foundation
import Git
import TestSupport
import Testing

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
        #expect(
            LineDiff.hunks(old: Array("a\nb\nc\n".utf8), new: Array("a\nx\nc\n".utf8)) == [
                DiffHunk(oldStart: 2, oldCount: 1, newStart: 2, newCount: 1)
            ])
        #expect(
            LineDiff.hunks(old: Array("a\nc\n".utf8), new: Array("a\nb\nc\n".utf8)) == [
                DiffHunk(oldStart: 1, oldCount: 0, newStart: 2, newCount: 1)
            ])
        #expect(
            LineDiff.hunks(old: Array("a\nb\nc\n".utf8), new: Array("b\nc\n".utf8)) == [
                DiffHunk(oldStart: 1, oldCount: 1, newStart: 0, newCount: 0)
            ])
        #expect(
            LineDiff.hunks(old: [], new: Array("x\ny\n".utf8)) == [
                DiffHunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 2)
            ])
        #expect(
            LineDiff.hunks(old: Array("a".utf8), new: Array("a\n".utf8)) == [
                DiffHunk(oldStart: 1, oldCount: 1, newStart: 1, newCount: 1)
            ])
    }

    /// On pseudo-random edits: the hunks reproduce the new text and change exactly as
    /// many lines as `git diff --minimal` does.
    @Test func randomEditsAreMinimalLikeGit() async throws {
        let sandbox = try Sandbox()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<12 {
            let vocabulary = (0..<8).map { "token \($0)\n" }
            let old = (0..<Int.random(in: 0...60, using: &generator)).map { _ in
                vocabulary.randomElement(using: &generator)!
            }
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
            let numstat = try await sandbox.run(
                "git", ["diff", "--no-index", "--minimal", "--numstat", oldFile.path, newFile.path])
            let fields = numstat.stdout.split(separator: "\t")
            let gitChanged = fields.count >= 2 ? Int(fields[0])! + Int(fields[1])! : 0
            #expect(hunks.reduce(0) { $0 + $1.oldCount + $1.newCount } == gitChanged, "round \(round)")
        }
    }

    @Test func aCompleteRewriteIsOneHunk() {
        let old = (0..<5000).map { "old \($0)\n" }.joined(), new = (0..<5000).map { "new \($0)\n" }.joined()
        #expect(
            LineDiff.hunks(old: Array(old.utf8), new: Array(new.utf8)) == [
                DiffHunk(oldStart: 1, oldCount: 5000, newStart: 1, newCount: 5000)
            ])
    }

    /// The fast diff (interned lines in place, one flat trace, the early "too different"
    /// answer) must say exactly what Myers' textbook search says, hunk for hunk: capture
    /// and verify both decide "added" by it, so any drift would fail records.
    @Test func sameHunksAsTheTextbookSearch() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<300 {
            let vocabularySize = [2, 5, 40, 1000][round % 4]
            let old = (0..<Int.random(in: 0...120, using: &generator)).map { _ in
                Int32.random(in: 1...Int32(vocabularySize), using: &generator)
            }
            var new = old
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                let index = Int.random(in: 0...new.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: new.insert(Int32.random(in: 1...Int32(vocabularySize), using: &generator), at: index)
                case 1: if index < new.count { new.remove(at: index) }
                default:
                    if index < new.count { new[index] = Int32.random(in: 1...Int32(vocabularySize), using: &generator) }
                }
            }
            #expect(
                LineDiff.hunks(old: old, new: new) == Self.textbookHunks(old, new), "round \(round): \(old) → \(new)")
            // Identities that are not small dense numbers give the same hunks.
            let spread = { (ids: [Int32]) in ids.map { $0 &* -7919 } }
            #expect(LineDiff.hunks(old: spread(old), new: spread(new)) == Self.textbookHunks(old, new))
        }
        // Just inside and just outside the edit limit (4,000 differing lines).
        let base = (0..<3300).map { Int32($0 + 1) }
        for replaced in [1990, 2010] {
            var new = base
            for index in (0..<3300).filter({ $0 % 3 != 2 }).prefix(replaced) { new[index] = -new[index] }
            let hunks = LineDiff.hunks(old: base, new: new)
            let changed = hunks.reduce(0) { $0 + $1.oldCount + $1.newCount }
            if replaced * 2 <= LineDiff.maxEditDistance {
                #expect(changed == 2 * replaced && hunks.count > 1)
            } else {
                #expect(hunks.count == 1 && changed > LineDiff.maxEditDistance, "past the limit: one replaced region")
            }
        }
    }

    /// Myers 1986 as the paper writes it, with a copy of the frontier per step: the oracle.
    static func textbookHunks(_ a: [Int32], _ b: [Int32]) -> [DiffHunk] {
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        let x0 = Array(a[head..<(a.count - tail)]), y0 = Array(b[head..<(b.count - tail)])
        let n = x0.count, m = y0.count
        var pairs = [(Int, Int)]()
        if n > 0 && m > 0 {
            let limit = min(n + m, LineDiff.maxEditDistance), offset = limit + 1
            var v = [Int](repeating: 0, count: 2 * limit + 3)
            var trace = [[Int]]()
            var found: Int?
            search: for d in 0...limit {
                trace.append(v)
                for k in stride(from: -d, through: d, by: 2) {
                    var x =
                        (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                        ? v[offset + k + 1] : v[offset + k - 1] + 1
                    var y = x - k
                    while x < n, y < m, x0[x] == y0[y] { x += 1; y += 1 }
                    v[offset + k] = x
                    if x >= n && y >= m { found = d; break search }
                }
            }
            if let found {
                var x = n, y = m
                for d in stride(from: found, through: 0, by: -1) {
                    let v = trace[d], k = x - y
                    var px = 0, py = 0
                    if d > 0 {
                        let pk = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? k + 1 : k - 1
                        px = v[offset + pk]
                        py = px - pk
                    }
                    while x > px, y > py { x -= 1; y -= 1; pairs.append((x + head, y + head)) }
                    (x, y) = (px, py)
                }
                pairs.reverse()
            }
        }
        var result = [DiffHunk]()
        var oldPosition = head, newPosition = head
        for (oldLine, newLine) in pairs + [(a.count - tail, b.count - tail)] {
            let oldCount = oldLine - oldPosition, newCount = newLine - newPosition
            if oldCount > 0 || newCount > 0 {
                result.append(
                    DiffHunk(
                        oldStart: oldCount == 0 ? oldPosition : oldPosition + 1, oldCount: oldCount,
                        newStart: newCount == 0 ? newPosition : newPosition + 1, newCount: newCount))
            }
            (oldPosition, newPosition) = (oldLine + 1, newLine + 1)
        }
        return result
    }
}
