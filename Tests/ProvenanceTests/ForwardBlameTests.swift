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

    @Test func mailmapGivesTheEmailsBlameGives() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity(name: "Old Name", email: "Old@Example.com")
        let directory = try await sandbox.makeRepository()
        try sandbox.write("a\nb\n", to: "f.txt", in: directory)
        let first = try await sandbox.commitAll("first", in: directory)
        try sandbox.write("New Name <new@example.com> <old@example.com>\n", to: ".mailmap", in: directory)
        try sandbox.write("a\nb\nc\n", to: "f.txt", in: directory)
        try await sandbox.commitAll("second", in: directory)
        let repository = try Repository(discoveringFrom: directory.path)
        let result = try ForwardBlame.blameAll(at: try repository.resolveCommit("HEAD"), repository: repository)
        #expect(result.authors[ObjectID(hex: first)!] == "new@example.com")
    }

    @Test func ignoredRevisionsConfiguredLeaveItToGitBlame() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        let repository = try Repository(discoveringFrom: directory.path)
        #expect(ForwardBlame.matchesBlame(git: GitCommand(repository: repository)))
        try await sandbox.git("config", "blame.ignoreRevsFile", ".git-blame-ignore-revs", in: directory)
        #expect(!ForwardBlame.matchesBlame(git: GitCommand(repository: repository)))
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
            let (entries, authors) = try Blame.entries(path: path, revision: end.hex, lines: nil, git: git)
            var expected = [String]()
            for entry in entries {
                for offset in 0..<entry.count {
                    expected.append("\(entry.commit.shortHex) \(entry.path):\(entry.original + offset)")
                }
                #expect(result.authors[entry.commit] == authors[entry.commit]?.email)
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

/// A seeded random history as a `git fast-import` stream: branches `b0`…, each
/// commit writing its whole tree.
struct RandomHistory {
    private(set) var stream = ""
    private(set) var branchNames: [String] = []
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

    init(seed: UInt64, commits: Int) {
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
