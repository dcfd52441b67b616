import Diagnostics
import Foundation
import Git
import Hex
import Records
import Verification

/// One line of `git trace blame`: git blame's answer joined with the record of the
/// commit that introduced the line (spec/reports.md §1).
package struct BlameLine: Sendable {
    package let finalLine: Int
    package let commit: ObjectID
    /// The line's number in the commit that introduced it, and that file's path there.
    package let originalLine: Int
    package let originalPath: String
    package let author: String
    /// The origin the governing record of that commit gives the line; nil (shown as
    /// `unknown`) when no record covers it.
    package let origin: Origin?
    package let agent: String?
    package let model: String?
    package let session: String?
    package let prompt: String?
    package let content: String
}

extension BlameLine {
    /// `ai`, `mixed`, `human` or `unknown`, as blame prints it.
    package var originName: String { origin?.rawValue ?? "unknown" }
}

package struct BlameError: UserFacingError {
    package let description: String
}

package enum Blame {
    /// Runs `git blame` (git's blame is far faster than libgit2's) and attributes each
    /// line from the records; `lines` limits it to a range (`-L`).
    ///
    /// git's `--incremental` output names each commit as soon as blame settles on it,
    /// so the records are read on another thread while git is still working; the
    /// lines' text comes from the file itself (the blob at `revision`, or the working
    /// file), or from `--porcelain` when the file cannot be matched line for line.
    package static func lines(
        path: String, revision: String?, repository: Repository, lines range: ClosedRange<Int>? = nil,
        index: RecordIndex? = nil, trust: RecordTrust? = nil
    ) throws -> [BlameLine] {
        let git = GitCommand(repository: repository)
        let lookups = RecordLookups(gitDirectory: repository.gitDirectory, index: index, trust: trust)
        let (entries, authors) = try self.entries(
            path: path, revision: revision, lines: range, git: git, onCommit: lookups.request)
        let records = lookups.finish()

        let finalLines = entries.reduce(0) { $0 + $1.count }
        let first = range?.lowerBound ?? 1
        guard let text = fileLines(path: path, revision: revision, repository: repository),
            text.count >= first - 1 + finalLines,
            finalLines == (range.map { min($0.count, text.count - first + 1) } ?? text.count)
        else {
            return try porcelainLines(
                path: path, revision: revision, range: range, git: git, records: records, lookups: lookups)
        }

        var lines = [BlameLine]()
        lines.reserveCapacity(finalLines)
        for entry in entries {
            let attribution = records[entry.commit] ?? nil
            for offset in 0..<entry.count {
                lines.append(
                    blameLine(
                        final: entry.final + offset, commit: entry.commit, original: entry.original + offset,
                        path: entry.path, author: authors[entry.commit]?.name ?? "", attribution: attribution,
                        content: text[entry.final + offset - 1]))
            }
        }
        return lines
    }

    /// One entry of `git blame --incremental`: `count` lines from line `final` on came
    /// from `commit`, where they were lines `original`… of `path`.
    package struct Entry: Sendable {
        package let commit: ObjectID
        package let original: Int
        package let final: Int
        package let count: Int
        package let path: String
    }

    /// Streams `git blame --incremental`: `onCommit` hears of each commit as soon as git
    /// names it (so that its records can be read while git still works). Returns the
    /// entries in line order, and each commit's author (name, and email lower-cased).
    /// `pinned`: git's default settings, whatever is configured, as reports read
    /// history (spec/reports.md §3.3); else blame answers as the user's `git blame` does.
    package static func entries(
        path: String, revision: String?, lines range: ClosedRange<Int>?, git: GitCommand, pinned: Bool = false,
        onCommit: (ObjectID) -> Void = { _ in }
    ) throws -> ([Entry], [ObjectID: (name: String, email: String)]) {
        var arguments =
            pinned
            ? GitCommand.pinnedHistorySettings + ["blame", "--incremental"] + GitCommand.pinnedBlameOptions
            : ["blame", "--incremental"]
        if let range { arguments += ["-L", "\(range.lowerBound),\(range.upperBound)"] }
        if let revision { arguments.append(revision) }
        arguments += ["--", path]
        var entries = [Entry]()
        var authors = [ObjectID: (name: String, email: String)]()
        var header: (commit: ObjectID, original: Int, final: Int, count: Int)?
        var named = Set<ObjectID>()
        let result = try git.stream(arguments) { bytes in
            let line = Substring(decoding: bytes, as: UTF8.self)
            if header == nil {
                let fields = line.split(separator: " ")
                if fields.count == 4, fields[0].utf8.count == 40, let commit = ObjectID(hex: String(fields[0])),
                    let original = Int(fields[1]), let final = Int(fields[2]), let count = Int(fields[3])
                {
                    header = (commit, original, final, count)
                    if named.insert(commit).inserted { onCommit(commit) }
                }
            } else if let current = header {
                // Author lines come only with a commit's first entry.
                if line.hasPrefix("author ") {
                    authors[current.commit, default: ("", "")].name = String(line.dropFirst(7))
                } else if line.hasPrefix("author-mail ") {
                    authors[current.commit, default: ("", "")].email = line.dropFirst(12).trimmingCharacters(
                        in: CharacterSet(charactersIn: "<>")
                    ).lowercased()
                } else if line.hasPrefix("filename ") {
                    // The last line of every entry.
                    entries.append(
                        Entry(
                            commit: current.commit, original: current.original, final: current.final,
                            count: current.count, path: GitPath.string(printedByGit: bytes.dropFirst(9))))
                    header = nil
                }
            }
        }
        guard result.status == 0 else { throw BlameError(description: "git blame: \(result.reason)") }
        return (entries.sorted { $0.final < $1.final }, authors)
    }

    static func blameLine(
        final: Int, commit: ObjectID, original: Int, path: String, author: String, attribution: Attribution?,
        content: String
    ) -> BlameLine {
        // Uncommitted lines (all-zero id) have no record.
        // Blame says `commit` added the line: a range lists it, or it is `rest`'s.
        let label = attribution?.label(ofAddedLine: original, in: path)
        return BlameLine(
            finalLine: final, commit: commit, originalLine: original, originalPath: path, author: author,
            origin: label?.contributor.type, agent: label?.contributor.agent, model: label?.contributor.modelID,
            session: label?.sessionID, prompt: label?.promptDigest, content: content)
    }

    /// The lines of the file blame read: the blob at `revision`, or the working file.
    static func fileLines(path: String, revision: String?, repository: Repository) -> [String]? {
        let bytes: [UInt8]
        if let revision {
            guard let commit = try? repository.resolveCommit(revision),
                case .blob(let blob)? = try? repository.content(ofPath: path, inCommit: commit)
            else { return nil }
            bytes = blob
        } else {
            guard let root = repository.workingDirectory,
                let data = FileManager.default.contents(atPath: (root.hasSuffix("/") ? root : root + "/") + path)
            else { return nil }
            bytes = [UInt8](data)
        }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        if bytes.last == 0x0A { lines.removeLast() }
        return lines
    }

    /// The same answer from `git blame --porcelain`, which carries each line's text.
    private static func porcelainLines(
        path: String, revision: String?, range: ClosedRange<Int>?, git: GitCommand,
        records: [ObjectID: Attribution?], lookups: RecordLookups
    ) throws -> [BlameLine] {
        var arguments = ["blame", "--porcelain"]
        if let range { arguments += ["-L", "\(range.lowerBound),\(range.upperBound)"] }
        if let revision { arguments.append(revision) }
        arguments += ["--", path]
        let result = try git.run(arguments)
        guard result.status == 0 else { throw BlameError(description: "git blame: \(result.reason)") }
        var filenames = [String: String]()
        var authors = [String: String]()
        var lines = [BlameLine]()
        var header: (commit: String, original: Int, final: Int)?
        var filename: String?
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\t"), let current = header {
                let commitName = current.commit
                let path = filename ?? filenames[commitName] ?? path
                filenames[commitName] = path
                guard let commit = ObjectID(hex: commitName) else { continue }
                lines.append(
                    blameLine(
                        final: current.final, commit: commit, original: current.original, path: path,
                        author: authors[commitName] ?? "",
                        attribution: records[commit] ?? lookups.attribution(of: commit),
                        content: String(line.dropFirst())))
                header = nil
                filename = nil
                continue
            }
            let fields = line.split(separator: " ")
            if header == nil, fields.count >= 3, fields[0].count == 40, let original = Int(fields[1]),
                let final = Int(fields[2])
            {
                header = (String(fields[0]), original, final)
            } else if line.hasPrefix("filename ") {
                filename = String(line.dropFirst(9))
            } else if line.hasPrefix("author "), let commit = header?.commit {
                authors[commit] = String(line.dropFirst(7))
            }
        }
        return lines
    }
}

/// Reads commits' attribution records on a thread of its own (with its own
/// repository handle) while the caller reads git's output.
final class RecordLookups: @unchecked Sendable {
    private let queue = DispatchQueue(label: "sessiontrace.blame.records")
    private var index: RecordIndex?
    private let gitDirectory: String
    private var results = [ObjectID: Attribution?]()
    private var requested = Set<ObjectID>()
    private let caller: RecordIndex?
    private let trust: RecordTrust?

    /// `index`, when given, is used on the caller's thread only (it is not thread-safe):
    /// lookups then happen at the end instead of alongside. Otherwise the lookups' own
    /// index uses only records that verify under `trust`, when given.
    init(gitDirectory: String, index: RecordIndex?, trust: RecordTrust? = nil) {
        self.gitDirectory = gitDirectory
        caller = index
        self.trust = trust
    }

    func request(_ commit: ObjectID) {
        guard requested.insert(commit).inserted, caller == nil else { return }
        queue.async { [self] in
            if index == nil, let repository = try? Repository(discoveringFrom: gitDirectory) {
                index = RecordIndex(repository: repository, trust: trust)
            }
            results[commit] = index?.attribution(of: commit)
        }
    }

    /// Waits for the lookups and returns them.
    func finish() -> [ObjectID: Attribution?] {
        if let caller {
            return Dictionary(uniqueKeysWithValues: requested.map { ($0, caller.attribution(of: $0)) })
        }
        return queue.sync { results }
    }

    /// One more lookup, on the caller's thread, after `finish`.
    func attribution(of commit: ObjectID) -> Attribution? {
        if let caller { return caller.attribution(of: commit) }
        return queue.sync {
            if index == nil, let repository = try? Repository(discoveringFrom: gitDirectory) {
                index = RecordIndex(repository: repository, trust: trust)
            }
            return index?.attribution(of: commit)
        }
    }
}
