import Diagnostics
import Foundation
import Git
import Hex

/// What `git log` says about one commit, for reports: who, when, which files gained
/// how many lines, and who is named in `Reviewed-by:` trailers.
package struct CommitFacts: Sendable {
    package struct FileChange: Sendable {
        package let path: String
        /// Lines added; nil for a binary file.
        package var added: Int?
        /// The path in the first parent when git found the file renamed from there.
        package var renamedFrom: String? = nil
    }

    package let commit: ObjectID
    package let parentCount: Int
    package let authorName: String
    package let authorEmail: String
    /// Committer time, Unix seconds: the period a commit belongs to.
    package let time: Int64
    package let reviewedBy: [String]
    package var files: [FileChange]
    /// Its parents are past a shallow clone's boundary: git log then shows its whole
    /// tree as added, so `files` does not say what the commit itself added.
    package var parentsMissing = false
}

package struct HistoryError: UserFacingError {
    package let description: String
}

package enum History {
    /// The commits of `range` (as `git log` reads it), newest first, with numstat
    /// against the first parent and git's default rename detection — the same diff
    /// records count their lines against. One `git log` for the whole range.
    /// `boundary` is a shallow clone's (Repository.shallowBoundary): no libgit2 handle
    /// here, so that this can run on another thread.
    package static func commits(range: String, git: GitCommand, boundary: Set<ObjectID>) throws -> [CommitFacts] {
        try commits(revisions: [range], git: git, boundary: boundary)
    }

    /// Each commit's author as `%aN` and `%aE` print them under the `.mailmap` of `end`
    /// alone (spec/reports.md §3.3): not the work tree's, which may be being edited, nor
    /// a `mailmap.file` or `mailmap.blob` the user configured — those differ from clone
    /// to clone. One `git log` for all of them.
    package static func authors(of commits: Set<ObjectID>, mailmapAt end: ObjectID, repository: Repository) throws
        -> [ObjectID: (name: String, email: String)]
    {
        guard !commits.isEmpty else { return [:] }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("sessiontrace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: empty) }
        let git = GitCommand(repository: repository, emptyWorkTree: empty.path)
        let result = try git.run(
            GitCommand.pinnedHistorySettings + GitCommand.pinnedMailmap(at: end) + [
                "log", "--no-walk=unsorted", "--stdin", "--format=%H%x00%aN%x00%aE",
            ], input: Array(commits.map { $0.hex + "\n" }.joined().utf8))
        guard result.status == 0 else { throw HistoryError(description: "git log: \(result.reason)") }
        var authors = [ObjectID: (name: String, email: String)]()
        for line in result.output.split(separator: 0x0A) {
            let fields = line.split(separator: 0, omittingEmptySubsequences: false)
            guard fields.count == 3, let commit = ObjectID(hex: String(decoding: fields[0], as: UTF8.self)) else {
                continue
            }
            authors[commit] = (String(decoding: fields[1], as: UTF8.self), String(decoding: fields[2], as: UTF8.self))
        }
        return authors
    }

    /// The same for revisions as `git log` takes them (`abc`, `^def`, `--not`, `--remotes=origin`).
    package static func commits(revisions: [String], git: GitCommand, boundary: Set<ObjectID>) throws
        -> [CommitFacts]
    {
        let range = revisions.joined(separator: " ")
        let format = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%ct%x1f" + ReviewedBy.formatPlaceholder
        let result = try git.run(
            GitCommand.pinnedHistorySettings + git.pinnedTrailerKeys() + [
                "-c", "diff.renames=true", "log", "-z", "--numstat", "--no-color", "--diff-merges=off",
                "--format=\(format)",
            ] + GitCommand.pinnedDiffOptions + revisions + ["--"])
        guard result.status == 0 else { throw HistoryError(description: "git log \(range): \(result.reason)") }
        var commits = try parse(result.output)
        for index in commits.indices where boundary.contains(commits[index].commit) {
            commits[index].parentsMissing = true
        }
        return commits
    }

    /// git calls a file binary or text by its `diff` attribute when it has one (`-diff`,
    /// `binary`, `diff`: in `info/attributes`, a `.gitattributes` committed or in the
    /// work tree, `core.attributesFile`), else by its content. Attributes differ from
    /// clone to clone, and a commit can set them: `*.py -diff` left every Python line
    /// uncounted, `*.png diff` counted lines of images. Capture decides by content alone
    /// (`isBinaryContent`), so reports do too, for the files an attribute decided
    /// (`DiffAttributes`, asked of `git`, the one that ran `log`): one whose two versions
    /// are text has the added lines git counted, or, where git called it binary, those
    /// of the line diff capture uses, against the first parent's file at the same path
    /// (or the path git found it renamed from); one that is binary has none counted.
    package static func decidingBinaryByContent(_ facts: [CommitFacts], repository: Repository, git: GitCommand)
        throws -> [CommitFacts]
    {
        let attributes = DiffAttributes(git: git)
        attributes.ask(facts.lazy.flatMap(\.files).map(\.path))
        return try facts.map { fact in
            guard !fact.parentsMissing else { return fact }
            var counted = fact
            counted.files = try fact.files.map { file in
                guard file.added == nil || attributes.attributeDecides(file.path) else { return file }
                var counted = file
                guard
                    let versions = try repository.textVersions(file.path, inCommit: fact.commit, from: file.renamedFrom)
                else {
                    counted.added = nil
                    return counted
                }
                // Against the version git paired it with, renamed or not, as numstat counts.
                counted.added =
                    file.added
                    ?? LineDiff.hunks(old: versions.old ?? [], new: versions.new).reduce(0) { $0 + $1.newCount }
                return counted
            }
            return counted
        }
    }

    static func parse(_ bytes: [UInt8]) throws -> [CommitFacts] {
        var commits = [CommitFacts]()
        for chunk in bytes.split(separator: 0x1E, omittingEmptySubsequences: true) {
            guard let headerEnd = chunk.firstIndex(of: 0) else { continue }
            let fields = chunk[chunk.startIndex..<headerEnd].split(separator: 0x1F, omittingEmptySubsequences: false)
                .map {
                    String(decoding: $0, as: UTF8.self)
                }
            guard fields.count >= 6, let commit = ObjectID(hex: fields[0]), let time = Int64(fields[4]) else {
                throw HistoryError(description: "unexpected git log output")
            }
            var files = [CommitFacts.FileChange]()
            var cursor = headerEnd + 1
            if cursor < chunk.endIndex, chunk[cursor] == 0x0A { cursor += 1 }
            func field(until terminator: UInt8) -> ArraySlice<UInt8>? {
                guard let end = chunk[cursor...].firstIndex(of: terminator) else { return nil }
                defer { cursor = end + 1 }
                return chunk[cursor..<end]
            }
            while cursor < chunk.endIndex {
                guard let added = field(until: 0x09), field(until: 0x09) != nil else { break }
                let path: ArraySlice<UInt8>?
                var oldPath: ArraySlice<UInt8>?
                if cursor < chunk.endIndex, chunk[cursor] == 0 {
                    cursor += 1  // a rename: old path, then new path
                    oldPath = field(until: 0)
                    path = field(until: 0)
                } else {
                    path = field(until: 0)
                }
                guard let path else { break }
                // -z: the path's own bytes, held as GitPath text.
                files.append(
                    CommitFacts.FileChange(
                        path: GitPath.string(bytes: path), added: Int(String(decoding: added, as: UTF8.self)),
                        renamedFrom: oldPath.map { GitPath.string(bytes: $0) }))
            }
            commits.append(
                CommitFacts(
                    commit: commit, parentCount: fields[1].split(separator: " ").count, authorName: fields[2],
                    authorEmail: fields[3],
                    time: time,
                    reviewedBy: ReviewedBy.parse(fields[5]),
                    files: files))
        }
        return commits
    }
}
