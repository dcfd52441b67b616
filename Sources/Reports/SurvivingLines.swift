import Diagnostics
import Foundation
import Git
import Hex
import Keys
import Ledger
import Provenance
import Verification

/// The lines of a commit's tree by origin (spec/reports.md §3.3): each line traced by
/// `git blame` to the commit that introduced it, whose record gives its origin.
///
/// Blaming every file of a large tree costs minutes, so results are kept in an
/// incremental cache (`<git dir>/sessiontrace/provenance/<commit>`): a later report
/// starts from the newest cached ancestor of its end commit and blames again only the
/// files changed since; origins are re-derived from the cached blame runs (without
/// blaming) when the notes changed.
package enum SurvivingLines {
    /// A run of consecutive lines that one commit introduced at consecutive line numbers.
    struct Run: Equatable {
        var commit: ObjectID
        var originalStart: Int
        var count: Int
        var originalPath: String?
        /// The introducing commit's author email, lower-cased: set by `count` (`History.authors`).
        var author: String = ""
    }

    struct FileEntry {
        var blob: String
        var lines: LineCounts
        /// AI-written lines per agent and model (key: agent, NUL, model).
        var models: [String: ModelLines] = [:]
        /// Lines per author email of the commits that introduced them.
        var authors: [String: LineCounts] = [:]
        var runs: [Run]
    }

    struct ModelLines: Equatable {
        var ai = 0
        var mixed = 0
    }

    /// The tree's lines: in all, per directory, per agent and model, per author.
    struct Counts {
        var lines = LineCounts()
        var byDirectory = [String: LineCounts]()
        var byModel = [String: ModelLines]()
        var byAuthor = [String: LineCounts]()
    }

    // 5: blame's settings pinned (runs cached under a user's ignored revisions or
    // textconv filters are not reused). 6: only blobs and runs, what blame found: no
    // origins or authors, which every report derives again. 7: binary by git's test (a
    // NUL byte), not libgit2's heuristic: a text file it called binary was cached with
    // no lines, and the entry would be reused for as long as the blob stays.
    static let cacheVersion = "sessiontrace-provenance 7"
    static let cachedCommits = 8

    /// The lines of `tree` (the files of `end`, from `listTree`) by origin, leaving out
    /// what `filter` excludes.
    static func count(
        at end: ObjectID, tree: [(String, String)], repository: Repository, index: RecordIndex,
        filter: PathFilter, directoryDepth: Int, progress: ((String, Int) -> ProgressMeter)? = nil
    ) throws -> Counts {
        let git = GitCommand(repository: repository)
        let directory = cacheDirectory(repository)
        let notesTip = index.notesCommit?.hex ?? "-"

        var base: (commit: ObjectID, notes: String, files: [String: FileEntry])?
        let key = cacheKey()
        for candidate in cachedCommits(in: directory) where repository.isAncestor(candidate, of: end) {
            if let key, let loaded = load(directory + "/" + candidate.hex, commit: candidate, key: key) {
                base = (candidate, loaded.notes, loaded.files)
                break
            }
        }
        var touched = Set<String>()
        if let base, base.commit != end {
            // Merges too: a file a conflict resolution changed and changed back keeps its blob.
            let log = try git.run(
                GitCommand.pinnedHistorySettings + [
                    "log", "--format=", "--name-only", "-z", "--no-renames", "--diff-merges=dense-combined",
                    "\(base.commit.hex)..\(end.hex)", "--",
                ])
            guard log.status == 0 else { throw ReportError("git log: \(log.reason)") }
            touched = Set(
                log.output.split(separator: 0).map { name in
                    GitPath.string(bytes: name.drop { $0 == 0x0A }.reversed().drop { $0 == 0x0A }.reversed())
                })
        }

        var files = [String: FileEntry]()
        var toBlame = [(path: String, blob: String)]()
        for (path, blob) in tree {
            if let cached = base?.files[path], cached.blob == blob, !touched.contains(path) {
                files[path] = cached
            } else if let id = ObjectID(hex: blob), try repository.isBinaryBlob(id) {
                files[path] = FileEntry(blob: blob, lines: LineCounts(), runs: [])  // no lines to attribute
            } else {
                toBlame.append((path, blob))
            }
        }
        let blamed = try runs(
            of: toBlame, at: end, filesInTree: tree.count, repository: repository, git: git, progress: progress)
        for (offset, (path, blob)) in toBlame.enumerated() {
            files[path] = FileEntry(blob: blob, lines: LineCounts(), runs: blamed[offset])
        }
        // The cache saves git blame's work, never a verdict: the authors are read again
        // under the end commit's .mailmap, and the origins come from this run's records,
        // under this run's trust.
        let authors = try History.authors(
            of: Set(files.values.flatMap { $0.runs.map(\.commit) }), mailmapAt: end, repository: repository)
        for path in Array(files.keys) {
            var entry = files[path]!
            for index in entry.runs.indices {
                entry.runs[index].author = authors[entry.runs[index].commit]?.email.lowercased() ?? ""
            }
            (entry.lines, entry.models, entry.authors) = origins(of: entry.runs, path: path, index: index)
            files[path] = entry
        }
        if let key { save(files, notes: notesTip, commit: end, directory: directory, key: key) }

        var counts = Counts()
        for (path, entry) in files where !filter.isExcluded(path) {
            counts.lines += entry.lines
            counts.byDirectory[ReportBuilder.directory(of: path, depth: directoryDepth), default: LineCounts()] +=
                entry.lines
            for (key, lines) in entry.models {
                counts.byModel[key, default: ModelLines()].ai += lines.ai
                counts.byModel[key, default: ModelLines()].mixed += lines.mixed
            }
            for (author, lines) in entry.authors { counts.byAuthor[author, default: LineCounts()] += lines }
        }
        return counts
    }

    // MARK: Blame

    /// The runs of each of `files` at `commit`, as git blame gives them. When many
    /// files need them (a first report), one forward walk through the history
    /// (`ForwardBlame`) answers for all at once; a few files changed since a cached
    /// report are blamed one by one, and so is any file the walk did not answer for.
    static func runs(
        of files: [(path: String, blob: String)], at commit: ObjectID, filesInTree: Int, repository: Repository,
        git: GitCommand, progress: ((String, Int) -> ProgressMeter)?
    ) throws -> [[Run]] {
        var answered = [[Run]?](repeating: nil, count: files.count)
        if files.count >= forwardThreshold(filesInTree: filesInTree) {
            let forward = try ForwardBlame.blameAll(
                at: commit, repository: repository, progress: progress.map { make in { make("Tracing lines", $0) } })
            for (offset, file) in files.enumerated() {
                guard let traced = forward.files[file.path], traced.blob.hex == file.blob else { continue }
                answered[offset] = traced.runs.map { run in
                    Run(
                        commit: run.commit, originalStart: run.originalStart, count: run.count,
                        originalPath: run.originalPath == file.path ? nil : run.originalPath)
                }
            }
        }
        let left = answered.indices.filter { answered[$0] == nil }
        let meter = left.isEmpty ? nil : progress?("Blaming files", left.count)
        let blamed = try blameAll(left.map { files[$0].path }, at: commit, repository: repository, progress: meter)
        meter?.finish()
        for (offset, index) in left.enumerated() { answered[index] = blamed[offset] }
        return answered.map { $0! }
    }

    /// How many files must need blaming for one walk through the whole history to
    /// cost less than blaming them one by one (each of which walks the history of its
    /// file): a quarter of the tree, and never fewer than a handful.
    static func forwardThreshold(filesInTree: Int) -> Int {
        max(8, filesInTree / 4)
    }

    /// Blames each path at `commit`, one git process per core at a time.
    static func blameAll(_ paths: [String], at commit: ObjectID, repository: Repository, progress: ProgressMeter? = nil)
        throws -> [[Run]]
    {
        let git = GitCommand(repository: repository)
        return try Parallel.map(count: paths.count, workers: ProcessInfo.processInfo.activeProcessorCount) { _, item in
            defer { progress?.advance() }
            return try blame(paths[item], at: commit, git: git)
        }
    }

    /// Runs of `path` at `commit`: git blame's entries, merged where one continues the
    /// previous one in the same commit.
    static func blame(_ path: String, at commit: ObjectID, git: GitCommand) throws -> [Run] {
        let (entries, _) = try Blame.entries(path: path, revision: commit.hex, lines: nil, git: git, pinned: true)
        var runs = [Run]()
        for entry in entries {
            let originalPath = entry.path == path ? nil : entry.path
            if var last = runs.last, last.commit == entry.commit, last.originalPath == originalPath,
                last.originalStart + last.count == entry.original
            {
                last.count += entry.count
                runs[runs.count - 1] = last
            } else {
                runs.append(
                    Run(
                        commit: entry.commit, originalStart: entry.original, count: entry.count,
                        originalPath: originalPath))
            }
        }
        return runs
    }

    /// The origins of `runs` from the records of the commits that introduced them.
    static func origins(of runs: [Run], path: String, index: RecordIndex) -> (
        LineCounts, [String: ModelLines], [String: LineCounts]
    ) {
        var total = LineCounts()
        var models = [String: ModelLines]()
        var authors = [String: LineCounts]()
        for run in runs {
            var lines = LineCounts()
            defer {
                total += lines
                authors[run.author, default: LineCounts()] += lines
            }
            guard let attribution = index.attribution(of: run.commit) else { lines.unknown += run.count; continue }
            let originalPath = run.originalPath ?? path
            let runEnd = run.originalStart + run.count - 1
            // Blame says the run's commit added these lines: those no range lists are
            // `rest`'s (version 2), else unknown.
            let ranges = attribution.ranges(of: originalPath, added: [run.originalStart...runEnd])
            var covered = 0
            for range in ranges {
                let overlap = min(range.endLine, runEnd) - max(range.startLine, run.originalStart) + 1
                if overlap > 0 {
                    lines.add(range.contributor.type, overlap)
                    covered += overlap
                    if range.contributor.type != .human {
                        let key =
                            (range.contributor.agent ?? "unknown") + "\u{0}"
                            + (range.contributor.modelID ?? "unknown/unknown")
                        if range.contributor.type == .ai {
                            models[key, default: ModelLines()].ai += overlap
                        } else {
                            models[key, default: ModelLines()].mixed += overlap
                        }
                    }
                }
            }
            lines.unknown += run.count - covered
        }
        return (total, models, authors)
    }

    // MARK: Tree and cache

    /// Regular files (and executables) of `commit`'s tree with their blob ids;
    /// submodules and symbolic links hold no lines of their own.
    package static func listTree(_ commit: ObjectID, git: GitCommand) throws -> [(String, String)] {
        let result = try git.run(GitCommand.pinnedHistorySettings + ["ls-tree", "-r", "-z", "--full-tree", commit.hex])
        guard result.status == 0 else { throw ReportError("git ls-tree: \(result.reason)") }
        return result.output.split(separator: 0).compactMap { entry in
            // "<mode> SP <type> SP <object> TAB <path>", the path as its bytes (-z).
            guard let tab = entry.firstIndex(of: 0x09) else { return nil }
            let fields = entry[..<tab].split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
            guard fields.count == 3, fields[1] == "blob", fields[0] == "100644" || fields[0] == "100755" else {
                return nil
            }
            return (GitPath.string(bytes: entry[(tab + 1)...]), fields[2])
        }
    }

    static func cacheDirectory(_ repository: Repository) -> String {
        repository.stateDirectory("provenance")
    }

    /// Cached commits, newest file first.
    static func cachedCommits(in directory: String) -> [ObjectID] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let dated = names.compactMap { name -> (ObjectID, Date)? in
            guard let commit = ObjectID(hex: name),
                let date = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name))?[
                    .modificationDate] as? Date
            else { return nil }
            return (commit, date)
        }
        return dated.sorted { $0.1 > $1.1 }.map(\.0)
    }

    private static func escape(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\t", with: "%09")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    private static func unescape(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "%0A", with: "\n").replacingOccurrences(of: "%09", with: "\t")
            .replacingOccurrences(of: "%25", with: "%")
    }

    /// The per-user secret that authenticates cache files (the verification cache's, kept
    /// outside every repository): the cache lives in the git directory, where whoever
    /// supplied the repository could have written it. Nil when there is none to be had:
    /// then nothing is cached.
    static func cacheKey() -> [UInt8]? {
        try? AuthenticatedFile.loadKey()
    }

    /// Writes the cache for `commit` (atomically) and keeps only the newest few.
    static func save(_ files: [String: FileEntry], notes: String, commit: ObjectID, directory: String, key: [UInt8]) {
        var text = "\(cacheVersion)\nnotes\t\(notes)\n"
        for (path, entry) in files.sorted(by: { $0.key < $1.key }) {
            text += "F\t\(entry.blob)\t\(escape(path))\n"
            for run in entry.runs {
                text +=
                    "R\t\(run.commit.hex)\t\(run.originalStart)\t\(run.count)"
                    + (run.originalPath.map { "\t" + escape($0) } ?? "") + "\n"
            }
        }
        do {
            try AtomicFile.makePrivateDirectory(directory)
            // Sealed for the commit it is named after: a file cannot be renamed to serve another.
            try AtomicFile.replace(
                directory + "/" + commit.hex,
                with: AuthenticatedFile.seal(Array(text.utf8), context: commit.hex, key: key))
        } catch {
            return  // a cache that cannot be written costs time next run, never correctness
        }
        for old in cachedCommits(in: directory).dropFirst(cachedCommits) {
            try? FileManager.default.removeItem(atPath: directory + "/" + old.hex)
        }
    }

    /// A cache file, or nil when it is unreadable, from another version, or not
    /// authenticated by `key` for `commit` (written by someone else, or altered).
    static func load(_ path: String, commit: ObjectID, key: [UInt8]) -> (notes: String, files: [String: FileEntry])? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let body = AuthenticatedFile.open([UInt8](data), context: commit.hex, key: key) else { return nil }
        let lines = String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0] == cacheVersion, lines[1].hasPrefix("notes\t") else { return nil }
        let notes = String(lines[1].dropFirst(6))
        var files = [String: FileEntry]()
        var current: String?
        for line in lines.dropFirst(2) where !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields[0] == "F", fields.count == 3 {
                let path = unescape(fields[2])
                files[path] = FileEntry(blob: String(fields[1]), lines: LineCounts(), runs: [])
                current = path
            } else if fields[0] == "R", fields.count == 4 || fields.count == 5, let path = current,
                let commit = ObjectID(hex: String(fields[1])),
                let start = Int(fields[2]), let count = Int(fields[3])
            {
                files[path]?.runs.append(
                    Run(
                        commit: commit, originalStart: start, count: count,
                        originalPath: fields.count == 5 ? unescape(fields[4]) : nil))
            } else {
                return nil  // torn or foreign: start over
            }
        }
        return (notes, files)
    }
}
