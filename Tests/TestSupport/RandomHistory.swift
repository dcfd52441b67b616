import Foundation

/// A seeded random history as a `git fast-import` stream: branches `b0`…, each
/// commit writing its whole tree. Drawn to be hard on anything that follows lines
/// through history: few distinct lines so that the diff has choices to make, merges
/// with both sides edited and evil merges, renames with and without edits, a file
/// split in two, copies, files that lose their last LF, empty files, symbolic links,
/// submodules, a file replaced by a directory.
package struct RandomHistory {
    package private(set) var stream = ""
    package private(set) var branchNames: [String] = []
    private var random: SplitMix

    private struct Branch {
        var name: String
        var mark: Int
        var files: [String: File]
    }

    private enum File: Equatable {
        case text([String], finalNewline: Bool)
        case link(String)
        case submodule(String)
    }

    private var branches: [Branch] = []
    private var nextMark = 1
    private var time = 1_700_000_000
    private var pathNumber = 0

    package init(seed: UInt64, commits: Int) {
        random = SplitMix(state: seed)
        var root = Branch(name: "b0", mark: 0, files: [:])
        for _ in 0..<4 { root.files[newPath()] = .text(randomLines(count: random.next(8...40)), finalNewline: true) }
        branches = [root]
        commit(0, parents: [])
        for _ in 0..<commits {
            let roll = random.next(0...99)
            if roll < 10, branches.count < 5 {
                var fork = branches[random.next(0...(branches.count - 1))]
                fork.name = "b\(branches.count)"
                branches.append(fork)
                edit(branches.count - 1)
                commit(branches.count - 1, parents: [fork.mark])
            } else if roll < 25, branches.count > 1 {
                let into = random.next(0...(branches.count - 1))
                var from = random.next(0...(branches.count - 2))
                if from >= into { from += 1 }
                merge(branches[from], into: into)
            } else {
                let index = random.next(0...(branches.count - 1))
                edit(index)
                commit(index, parents: [branches[index].mark])
            }
        }
        branchNames = branches.map(\.name)
    }

    // MARK: Content

    private mutating func newPath() -> String {
        pathNumber += 1
        let directories = ["", "src/", "src/deep/", "docs/"]
        return directories[random.next(0...3)] + "file\(pathNumber).txt"
    }

    /// Lines drawn from a small vocabulary, so that equal lines recur (blank lines and
    /// braces, as in code) and the diff has to choose between alignments.
    private mutating func randomLines(count: Int) -> [String] {
        let vocabulary = ["", "}", "{", "\treturn 0;", "int x;", "x++;", "/* note */", "end"]
        return (0..<count).map { _ in
            random.next(0...2) == 0 ? "unique \(random.next(0...100_000))" : vocabulary[random.next(0...7)]
        }
    }

    private mutating func edited(_ lines: [String]) -> [String] {
        var lines = lines
        for _ in 0..<random.next(1...4) {
            let at = random.next(0...lines.count)
            switch random.next(0...3) {
            case 0: lines.insert(contentsOf: randomLines(count: random.next(1...6)), at: at)
            case 1 where !lines.isEmpty: lines.removeSubrange(at..<min(lines.count, at + random.next(1...5)))
            case 2 where at < lines.count: lines[at] = "changed \(random.next(0...100_000))"
            default:
                // A block moved: blame sees it deleted here and added there.
                if lines.count > 6 {
                    let block = Array(lines[0..<3])
                    lines.removeSubrange(0..<3)
                    lines.insert(contentsOf: block, at: min(lines.count, at))
                }
            }
        }
        return lines
    }

    private mutating func edit(_ index: Int) {
        var branch = branches[index]
        defer { branches[index] = branch }
        let paths = branch.files.keys.sorted()
        for _ in 0..<random.next(1...3) {
            let roll = random.next(0...99)
            let path = paths.isEmpty ? nil : paths[random.next(0...(paths.count - 1))]
            switch (roll, path.flatMap { branch.files[$0] }) {
            case (0..<55, .text(let lines, let newline)?):
                branch.files[path!] = .text(edited(lines), finalNewline: random.next(0...9) == 0 ? !newline : newline)
            case (55..<63, .text(let lines, let newline)?):
                // Renamed, sometimes edited on the way.
                branch.files[path!] = nil
                branch.files[newPath()] = .text(random.next(0...1) == 0 ? lines : edited(lines), finalNewline: newline)
            case (63..<68, .text(let lines, let newline)?) where lines.count > 4:
                // Split in two: both halves look like the old file to rename detection.
                branch.files[path!] = nil
                branch.files[newPath()] = .text(Array(lines[..<(lines.count * 2 / 3)]), finalNewline: true)
                branch.files[newPath()] = .text(Array(lines[(lines.count / 3)...]), finalNewline: newline)
            case (68..<72, .text(let lines, _)?):
                branch.files[newPath()] = .text(edited(lines), finalNewline: true)  // a copy
            case (72..<78, _?):
                branch.files[path!] = nil
            case (78..<81, .text?):
                // The file's name becomes a directory.
                let lines = randomLines(count: 5)
                branch.files[path!] = nil
                branch.files[path! + "/inner.txt"] = .text(lines, finalNewline: true)
            case (81..<84, _):
                branch.files[newPath()] = .text([], finalNewline: true)
            case (84..<87, _):
                branch.files[newPath()] = .link("target\(random.next(0...3))")
            case (87..<89, _):
                let digits = (0..<40).map { _ in "0123456789abcdef".randomElement(using: &random)! }
                branch.files[newPath()] = .submodule(String(digits))
            default:
                branch.files[newPath()] = .text(randomLines(count: random.next(1...30)), finalNewline: true)
            }
        }
    }

    // MARK: Commits

    private mutating func merge(_ other: Branch, into index: Int) {
        var merged = branches[index].files
        for (path, theirs) in other.files {
            switch (merged[path], theirs) {
            case (nil, _):
                // Not where the other side has a directory of that name, or a file on the way.
                let clashes = merged.keys.contains { $0.hasPrefix(path + "/") || path.hasPrefix($0 + "/") }
                if !clashes, random.next(0...4) > 0 { merged[path] = theirs }
            case (.text(let ours, let newline)?, .text(let their, _)) where merged[path] != theirs:
                switch random.next(0...3) {
                case 0: merged[path] = theirs
                case 1:
                    // Both sides' lines, interleaved: some from each parent.
                    var lines = [String]()
                    for index in 0..<max(ours.count, their.count) {
                        if index < ours.count { lines.append(ours[index]) }
                        if index < their.count, random.next(0...1) == 0 { lines.append(their[index]) }
                    }
                    merged[path] = .text(lines, finalNewline: newline)
                case 2: merged[path] = .text(edited(ours), finalNewline: newline)  // an evil merge
                default: break
                }
            default: break
            }
        }
        branches[index].files = merged
        commit(index, parents: [branches[index].mark, other.mark])
    }

    private mutating func commit(_ index: Int, parents: [Int]) {
        var branch = branches[index]
        defer { branches[index] = branch }
        let mark = nextMark
        nextMark += 1
        time += 60
        let author = ["ann@example.com", "Bob@Example.com", "cy@example.com"][random.next(0...2)]
        let message = "commit \(mark)\n"
        stream += "commit refs/heads/\(branch.name)\nmark :\(mark)\n"
        stream += "author A <\(author)> \(time) +0000\ncommitter A <\(author)> \(time) +0000\n"
        stream += "data \(message.utf8.count)\n\(message)"
        if let first = parents.first, first > 0 { stream += "from :\(first)\n" }
        for other in parents.dropFirst() { stream += "merge :\(other)\n" }
        stream += "deleteall\n"
        for (path, file) in branch.files.sorted(by: { $0.key < $1.key }) {
            switch file {
            case .text(let lines, let newline):
                var text = lines.joined(separator: "\n")
                if newline, !lines.isEmpty { text += "\n" }
                stream += "M 100644 inline \(path)\ndata \(text.utf8.count)\n\(text)\n"
            case .link(let target):
                stream += "M 120000 inline \(path)\ndata \(target.utf8.count)\n\(target)\n"
            case .submodule(let id):
                stream += "M 160000 \(id) \(path)\n"
            }
        }
        stream += "\n"
        branch.mark = mark
    }
}
