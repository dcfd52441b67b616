import Diagnostics
import Foundation
import Git

/// What `git blame` says of every line of every file of a commit, computed forwards
/// (spec/reports.md §3.7): each commit of the history is visited once, parents before
/// children, and each file version it writes gets its lines' origins from its parents'
/// versions the way blame passes lines to parents — the same comparisons (git's diff
/// engine, `BlameDiff`), the same order of parents, whole-file passes for identical
/// versions, and renames found by git itself as blame finds them. Blaming each file of
/// a large tree backwards repeats the walk through history once per file; forwards,
/// the walk is made once for all of them.
package enum ForwardBlame {
    /// `count` lines from line `originalStart` on of `originalPath` as `commit` wrote them.
    package struct Run: Equatable, Sendable {
        package let commit: ObjectID
        package let originalStart: Int
        package let count: Int
        package let originalPath: String
    }

    package struct Result {
        /// Runs of each file of the end commit (every blob, symbolic links included), in line order.
        package var files: [String: (blob: ObjectID, runs: [Run])]
    }

    /// Blame of every file of `end`; `progress` is given the number of commits to visit.
    package static func blameAll(
        at end: ObjectID, repository: Repository, progress: ((Int) -> ProgressMeter)? = nil
    ) throws -> Result {
        let git = GitCommand(repository: repository)
        var walk = try History.read(end: end, git: git)
        let meter = progress?(walk.commits.count)
        defer { meter?.finish() }
        let renames = try BlameRenames(git: git)
        defer { renames.finish() }
        var tracer = Tracer(history: walk, repository: repository, renames: renames)
        walk.commits = []  // the tracer holds them now
        let final = try tracer.run(meter: meter)
        var files = [String: (blob: ObjectID, runs: [Run])]()
        files.reserveCapacity(final.count)
        for (path, version) in final where !version.isSubmodule {
            files[tracer.paths[Int(path)]] = (
                version.blob,
                version.runs.map { run in
                    Run(
                        commit: tracer.commits[Int(run.commit)].id, originalStart: Int(run.start),
                        count: Int(run.count), originalPath: tracer.paths[Int(run.path)])
                }
            )
        }
        return Result(files: files)
    }

    // MARK: History

    /// One path's change against a commit's first parent (`git log --raw`).
    struct Change {
        let path: Int32
        let deleted: Bool
        let blob: ObjectID
        /// The new mode (octal, as git writes it).
        let mode: UInt32
        /// A submodule (gitlink): no lines.
        var isSubmodule: Bool { mode == gitlinkMode }
    }

    /// The mode git gives a submodule's entry (a gitlink).
    static let gitlinkMode: UInt32 = 0o160000

    struct CommitEntry {
        let id: ObjectID
        var parents: [Int32]
        var changes: [Change] = []
        var deletes: Bool { changes.contains(where: \.deleted) }
    }

    /// The commits that lead to the end commit, parents first, with their changes
    /// against their first parents, from one `git log`.
    struct History {
        var commits: [CommitEntry] = []
        var paths: [String] = []
        var pathIndex: [String: Int32] = [:]

        mutating func intern(_ path: String) -> Int32 {
            if let index = pathIndex[path] { return index }
            paths.append(path)
            pathIndex[path] = Int32(paths.count - 1)
            return Int32(paths.count - 1)
        }

        static func read(end: ObjectID, git: GitCommand) throws -> History {
            var history = History()
            var index = [ObjectID: Int32]()
            var failure: String?
            // Settings that would change what log prints are pinned: the root commit's
            // files as added, no signatures; renames are not detected here (blame looks
            // for them only where a file is missing in a parent, below).
            let result = try git.stream(
                GitCommand.pinnedHistorySettings + [
                    "-c", "log.showRoot=true", "log", "--topo-order", "--reverse",
                    "--raw", "--no-abbrev", "--no-renames", "--diff-merges=first-parent", "--no-color",
                    "--format=%x01%H %P", end.hex, "--",
                ]
            ) { line in
                guard failure == nil, let first = line.first else { return }
                if first == 0x01 {
                    let ids = line.dropFirst().split(separator: 0x20).compactMap {
                        ObjectID(hex: String(decoding: $0, as: UTF8.self))
                    }
                    guard let id = ids.first else {
                        failure = "unexpected git log output"
                        return
                    }
                    index[id] = Int32(history.commits.count)
                    // A parent outside the walk (past a shallow boundary) has no lines to give.
                    history.commits.append(
                        CommitEntry(id: id, parents: ids.dropFirst().compactMap { index[$0] }))
                } else if first == UInt8(ascii: ":") {
                    // ":<old mode> <new mode> <old id> <new id> <status>\t<path>"
                    guard let tab = line.firstIndex(of: 0x09), !history.commits.isEmpty else {
                        failure = "unexpected git log output"
                        return
                    }
                    let fields = line[line.index(after: line.startIndex)..<tab].split(separator: 0x20)
                    guard fields.count == 5, let blob = ObjectID(hex: String(decoding: fields[3], as: UTF8.self))
                    else {
                        failure = "unexpected git log output"
                        return
                    }
                    let path = history.intern(GitPath.string(printedByGit: line[line.index(after: tab)...]))
                    guard let mode = UInt32(String(decoding: fields[1], as: UTF8.self), radix: 8) else {
                        failure = "unexpected git log output"
                        return
                    }
                    history.commits[history.commits.count - 1].changes.append(
                        Change(path: path, deleted: fields[4].first == UInt8(ascii: "D"), blob: blob, mode: mode))
                }
            }
            guard result.status == 0 else { throw BlameError(description: "git log: \(result.reason)") }
            if let failure { throw BlameError(description: "git log: \(failure)") }
            return history
        }
    }

    // MARK: Tracing

    /// `count` lines from line `start` on of path number `path` as commit number `commit` wrote them.
    struct LineRun: Equatable {
        var commit: Int32
        var path: Int32
        var start: Int32
        var count: Int32
    }

    /// A file version and its lines' origins, in line order, covering every line (a
    /// submodule has none).
    struct Version {
        let blob: ObjectID
        let mode: UInt32
        var runs: [LineRun]

        var isSubmodule: Bool { mode == gitlinkMode }

        /// Whether git sees `mode` as the same type of entry (a file's executable bit aside).
        func hasType(of mode: UInt32) -> Bool { self.mode & 0o170000 == mode & 0o170000 }
    }

    typealias Tree = [Int32: Version]

    struct Tracer {
        let commits: [CommitEntry]
        let paths: [String]
        private let pathIndex: [String: Int32]
        let repository: Repository
        let renames: BlameRenames

        init(history: History, repository: Repository, renames: BlameRenames) {
            commits = history.commits
            paths = history.paths
            pathIndex = history.pathIndex
            self.repository = repository
            self.renames = renames
        }

        /// The end commit's files.
        mutating func run(meter: ProgressMeter?) throws -> Tree {
            guard !commits.isEmpty else { return [:] }
            var childrenLeft = [Int32](repeating: 0, count: commits.count)
            for commit in commits { for parent in commit.parents { childrenLeft[Int(parent)] += 1 } }
            var trees = [Int32: Tree]()
            var current = Tree()
            for number in commits.indices {
                let commit = commits[number]
                let parents = commit.parents
                // The first parent's tree is taken over, not copied, when this is its last child.
                var tree: Tree
                if let first = parents.first {
                    tree = childrenLeft[Int(first)] == 1 ? trees.removeValue(forKey: first)! : trees[first]!
                } else {
                    tree = [:]
                }
                let others = parents.dropFirst().map { trees[$0] ?? [:] }
                try apply(commit, number: Int32(number), to: &tree, otherParents: others)
                for parent in parents {
                    childrenLeft[Int(parent)] -= 1
                    if childrenLeft[Int(parent)] == 0 { trees[parent] = nil }
                }
                if childrenLeft[number] > 0 { trees[Int32(number)] = tree }
                if number == commits.count - 1 { current = tree }
                meter?.advance()
            }
            return current
        }

        /// Turns the first parent's tree into `commit`'s, each file's lines passed to
        /// its parents as blame.c's `pass_blame` passes them.
        private mutating func apply(_ commit: CommitEntry, number: Int32, to tree: inout Tree, otherParents: [Tree])
            throws
        {
            // The first parent's versions of deleted paths: the candidates for a rename from it.
            var deleted = Tree()
            for change in commit.changes where change.deleted {
                deleted[change.path] = tree.removeValue(forKey: change.path)
            }
            let written = Set(commit.changes.lazy.filter { !$0.deleted }.map(\.path))
            // Per parent, the files it has and the commit does not, and their tree (nil:
            // there are none), worked out when first needed.
            var candidates = [(files: Tree, tree: ObjectID?)?](repeating: nil, count: commit.parents.count)
            for change in commit.changes where !change.deleted {
                guard !change.isSubmodule else {
                    tree[change.path] = Version(blob: change.blob, mode: change.mode, runs: [])
                    continue
                }
                let inParents: [Version?] =
                    commit.parents.isEmpty ? [] : [tree[change.path]] + otherParents.map { $0[change.path] }
                // Pass 1 (find_origin): the same path in a parent, unless its type changed.
                var origins = inParents.map { version in version.flatMap { $0.hasType(of: change.mode) ? $0 : nil } }
                if let whole = origins.first(where: { $0?.blob == change.blob }) {
                    tree[change.path] = Version(blob: change.blob, mode: change.mode, runs: whole!.runs)
                    continue
                }
                // A parent whose version an earlier parent has too gives nothing more.
                for position in origins.indices {
                    if let blob = origins[position]?.blob, origins[..<position].contains(where: { $0?.blob == blob }) {
                        origins[position] = nil
                    }
                }
                // Pass 2 (find_rename): a parent without the path may have had the file under another name.
                var handedOver: Version?
                for position in inParents.indices where inParents[position] == nil {
                    if candidates[position] == nil {
                        let files =
                            position == 0
                            ? deleted
                            : otherParents[position - 1].filter { tree[$0.key] == nil && !written.contains($0.key) }
                        let entries = files.map {
                            BlameRenames.Entry(path: paths[Int($0.key)], mode: $0.value.mode, blob: $0.value.blob)
                        }
                        candidates[position] = (files, entries.isEmpty ? nil : try renames.tree(of: entries))
                    }
                    let (parentFiles, candidateTree) = candidates[position]!
                    guard let candidateTree,
                        let renamed = try renames.source(
                            of: BlameRenames.Entry(path: paths[Int(change.path)], mode: change.mode, blob: change.blob),
                            among: candidateTree),
                        let source = pathIndex[renamed].flatMap({ parentFiles[$0] })
                    else { continue }
                    if source.blob == change.blob {
                        handedOver = source
                        break
                    }
                    if !origins[..<position].contains(where: { $0?.blob == source.blob }) { origins[position] = source }
                }
                if let handedOver {
                    tree[change.path] = Version(blob: change.blob, mode: change.mode, runs: handedOver.runs)
                    continue
                }
                tree[change.path] = try version(
                    of: change.blob, mode: change.mode, path: change.path, commit: number,
                    origins: origins.compactMap { $0 })
            }
        }

        /// A new version's lines: each line the versions in `origins` share with it goes
        /// to the first of them that has it (blame passes lines to parents in order);
        /// the rest are the commit's own.
        private func version(of blob: ObjectID, mode: UInt32, path: Int32, commit: Int32, origins: [Version]) throws
            -> Version
        {
            // Pieces of the new version: from `start` on, `count` lines that are the
            // commit's own (origin nil) or an origin's from its line `from` on.
            struct Piece {
                var start: Int
                var count: Int
                var origin: Int?
                var from: Int
            }
            var pieces: [Piece]
            if origins.isEmpty {
                let count = try repository.lineCount(ofBlob: blob)
                pieces = count > 0 ? [Piece(start: 1, count: count, origin: nil, from: 0)] : []
            } else {
                pieces = []
                for (position, origin) in origins.enumerated() {
                    let diff = try repository.blameDiff(old: origin.blob, new: blob)
                    if position == 0 {
                        pieces =
                            diff.newLineCount > 0
                            ? [Piece(start: 1, count: diff.newLineCount, origin: nil, from: 0)] : []
                    }
                    // Split the commit's own pieces where they meet lines this origin shares.
                    var split = [Piece]()
                    split.reserveCapacity(pieces.count + 8)
                    let shared = diff.unchanged
                    var next = 0
                    for piece in pieces {
                        guard piece.origin == nil else {
                            split.append(piece)
                            continue
                        }
                        var line = piece.start
                        let end = piece.start + piece.count
                        while next < shared.count, shared[next].new + shared[next].count <= line { next += 1 }
                        var cursor = next
                        while line < end {
                            guard cursor < shared.count, shared[cursor].new < end else {
                                split.append(Piece(start: line, count: end - line, origin: nil, from: 0))
                                break
                            }
                            let run = shared[cursor]
                            if run.new > line {
                                split.append(Piece(start: line, count: run.new - line, origin: nil, from: 0))
                                line = run.new
                            }
                            let upto = min(end, run.new + run.count)
                            split.append(
                                Piece(start: line, count: upto - line, origin: position, from: run.old + line - run.new)
                            )
                            line = upto
                            if upto == run.new + run.count { cursor += 1 }
                        }
                    }
                    pieces = split
                    if !pieces.contains(where: { $0.origin == nil }) { break }
                }
            }
            var runs = [LineRun]()
            runs.reserveCapacity(pieces.count)
            func append(_ run: LineRun) {
                if var last = runs.last, last.commit == run.commit, last.path == run.path,
                    last.start + last.count == run.start
                {
                    last.count += run.count
                    runs[runs.count - 1] = last
                } else {
                    runs.append(run)
                }
            }
            // Cursors into each origin's runs: pieces from one origin come in line order.
            var cursors = Array(repeating: (run: 0, firstLine: 1), count: origins.count)
            for piece in pieces {
                guard let position = piece.origin else {
                    append(LineRun(commit: commit, path: path, start: Int32(piece.start), count: Int32(piece.count)))
                    continue
                }
                let sourceRuns = origins[position].runs
                var (index, firstLine) = cursors[position]
                var line = piece.from
                var left = piece.count
                while left > 0 {
                    while firstLine + Int(sourceRuns[index].count) <= line {
                        firstLine += Int(sourceRuns[index].count)
                        index += 1
                    }
                    let run = sourceRuns[index]
                    let offset = line - firstLine
                    let take = min(left, Int(run.count) - offset)
                    append(
                        LineRun(
                            commit: run.commit, path: run.path, start: run.start + Int32(offset), count: Int32(take)))
                    line += take
                    left -= take
                }
                cursors[position] = (index, firstLine)
            }
            return Version(blob: blob, mode: mode, runs: runs)
        }
    }
}
