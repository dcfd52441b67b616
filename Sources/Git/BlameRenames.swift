internal import CLibGit2
import Foundation

/// Where `git blame` finds the file a commit added under a new name (blame.c's
/// `find_rename`): git's rename detection over the parent-to-commit diff with the
/// added file as its only destination (`single_follow`) and the files the parent had
/// that the commit does not as the candidates (renames, not copies).
///
/// No git command runs that detection as blame does: `diff-tree -M` pairs every added
/// file at once (two files split from one compete for it) and `--follow` looks for
/// copies too. So the question is put to git's own detection in its exact form, as
/// two small trees written to a scratch object directory of this process — the
/// candidates, and the one destination — compared by one long-running
/// `git diff-tree --stdin -M` that reads them through an alternate.
package final class BlameRenames {
    /// A file in a tree: `mode` as git writes it (octal 100644, 120000 …).
    package struct Entry: Sendable {
        package let path: String
        package let mode: UInt32
        package let blob: ObjectID

        package init(path: String, mode: UInt32, blob: ObjectID) {
            self.path = path
            self.mode = mode
            self.blob = blob
        }
    }

    private let directory: String
    private var database: OpaquePointer?
    private let differ: ChildProcess
    private var closed = false

    package init(git: GitCommand) throws {
        _ = libgit2Initialised
        var template = Array((NSTemporaryDirectory() + "/sessiontrace-renames-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw GitError(
                kind: .other(-1), message: "cannot make a scratch directory: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
        do {
            try check(git_odb_open(&database, directory), "cannot open a scratch object directory")
            var alternates = directory
            if let inherited = ProcessInfo.processInfo.environment["GIT_ALTERNATE_OBJECT_DIRECTORIES"],
                !inherited.isEmpty
            {
                alternates = inherited + ":" + directory
            }
            // Pinned: blame detects renames with git's default limit whatever
            // `diff.renameLimit` says, and diff-tree would follow the setting.
            differ = try git.start(
                GitCommand.pinnedHistorySettings
                    + ["diff-tree", "--stdin", "-r", "-M", "--raw", "--no-abbrev", "--diff-filter=R", "--no-ext-diff"],
                environment: ["GIT_ALTERNATE_OBJECT_DIRECTORIES": alternates])
        } catch {
            git_odb_free(database)
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    deinit {
        finish()
        git_odb_free(database)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the git process.
    package func finish() {
        guard !closed else { return }
        closed = true
        _ = differ.wait(consumingOutput: readToEnd)
    }

    /// A tree of `entries` (the candidates of one parent and commit), to pass to `source`.
    package func tree(of entries: [Entry]) throws -> ObjectID {
        try writeTree(
            entries.map { (GitPath.bytes($0.path).split(separator: 0x2F, omittingEmptySubsequences: false)[...], $0) })
    }

    /// The path among `candidates` that git's rename detection pairs `destination` with, if any.
    package func source(of destination: Entry, among candidates: ObjectID) throws -> String? {
        let single = try tree(of: [destination])
        try differ.send(Array("\(candidates.hex) \(single.hex)\n#\n".utf8))
        var found: String?
        while let line = differ.readLine() {
            if line == [UInt8(ascii: "#")] { return found }
            // ":<old mode> <new mode> <old id> <new id> R<score>\t<source>\t<destination>"
            guard line.first == UInt8(ascii: ":") else { continue }
            let fields = line.split(separator: 0x09, maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, GitPath.string(printedByGit: fields[2]) == destination.path else { continue }
            found = GitPath.string(printedByGit: fields[1])
        }
        let result = differ.wait(consumingOutput: readToEnd)
        closed = true
        throw GitError(
            kind: .other(-1),
            message:
                "git diff-tree stopped: \(String(decoding: result.errors, as: UTF8.self).split(separator: "\n").last ?? "exit status \(result.status)")"
        )
    }

    /// Writes the tree of `entries`, each with its path split into components, and
    /// returns its id.
    private func writeTree(_ entries: [(components: ArraySlice<ArraySlice<UInt8>>, entry: Entry)]) throws -> ObjectID {
        // Files here, and each directory's entries one level down.
        var files = [(name: [UInt8], mode: UInt32, id: ObjectID)]()
        var directories = [[UInt8]: [(components: ArraySlice<ArraySlice<UInt8>>, entry: Entry)]]()
        for item in entries {
            let name = Array(item.components.first!)
            if item.components.count == 1 {
                files.append((name, item.entry.mode, item.entry.blob))
            } else {
                directories[name, default: []].append((item.components.dropFirst(), item.entry))
            }
        }
        var listed = files.map { (sortKey: $0.name, name: $0.name, mode: $0.mode, id: $0.id) }
        for (name, inner) in directories {
            listed.append((name + [0x2F], name, 0o40000, try writeTree(inner)))
        }
        // git orders a tree's entries by name, a directory's name as if it ended in "/".
        listed.sort { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
        var bytes = [UInt8]()
        for entry in listed {
            bytes += Array(String(entry.mode, radix: 8).utf8) + [0x20] + entry.name + [0]
            withUnsafeBytes(of: entry.id.oid.id) { bytes += $0 }
        }
        var oid = git_oid()
        try check(
            git_odb_write(&oid, database, bytes, bytes.count, GIT_OBJECT_TREE), "cannot write to the scratch objects")
        return ObjectID(oid)
    }
}
