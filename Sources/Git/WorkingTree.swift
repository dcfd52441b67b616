internal import CLibGit2
import Foundation

/// A file changed between two trees.
package struct FileChange: Sendable, Equatable {
    package enum Kind: Sendable { case added, modified, deleted, renamed, copied, typeChanged }
    package let kind: Kind
    package let oldPath: String?
    package let newPath: String?
    package let oldBlob: ObjectID?
    package let newBlob: ObjectID?
    /// The tree entries' modes as git writes them (`100644`, `100755`, `120000`,
    /// `160000`), and their object ids (a submodule's is a commit): 0 and nil for a side
    /// the change does not have.
    package var oldMode: UInt32 = 0
    package var newMode: UInt32 = 0
    package var oldObject: ObjectID?
    package var newObject: ObjectID?

    package init(kind: Kind, oldPath: String?, newPath: String?, oldBlob: ObjectID?, newBlob: ObjectID?) {
        self.kind = kind
        self.oldPath = oldPath
        self.newPath = newPath
        self.oldBlob = oldBlob
        self.newBlob = newBlob
    }
}

extension Repository {
    /// Files changed from `oldTree` (nil: the empty tree) to `newTree`, with renames
    /// detected as `git diff` does by default (unless `detectRenames` is false: then a
    /// renamed file is a deletion and an addition, and the costly search is skipped).
    package func changes(from oldTree: ObjectID?, to newTree: ObjectID, detectRenames: Bool = true) throws
        -> [FileChange]
    {
        func run(_ old: OpaquePointer?, _ new: OpaquePointer) throws -> [FileChange] {
            var diff: OpaquePointer?
            try check(git_diff_tree_to_tree(&diff, pointer, old, new, nil), "cannot diff trees")
            defer { git_diff_free(diff) }
            if detectRenames { try findRenamesAsGitDoes(in: diff, "cannot detect renames") }
            var result = [FileChange]()
            for index in 0..<git_diff_num_deltas(diff) {
                guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
                let kind: FileChange.Kind
                switch delta.status {
                case GIT_DELTA_ADDED: kind = .added
                case GIT_DELTA_DELETED: kind = .deleted
                case GIT_DELTA_RENAMED: kind = .renamed
                case GIT_DELTA_COPIED: kind = .copied
                case GIT_DELTA_TYPECHANGE: kind = .typeChanged
                default: kind = .modified
                }
                let hasOld = kind != .added
                let hasNew = kind != .deleted
                // Submodules (commits in the tree) have no lines to attribute.
                let oldIsFile = hasOld && delta.old_file.mode != UInt16(GIT_FILEMODE_COMMIT.rawValue)
                let newIsFile = hasNew && delta.new_file.mode != UInt16(GIT_FILEMODE_COMMIT.rawValue)
                var change = FileChange(
                    kind: kind,
                    oldPath: hasOld ? GitPath.string(delta.old_file.path) : nil,
                    newPath: hasNew ? GitPath.string(delta.new_file.path) : nil,
                    oldBlob: oldIsFile ? ObjectID(delta.old_file.id) : nil,
                    newBlob: newIsFile ? ObjectID(delta.new_file.id) : nil)
                if hasOld {
                    (change.oldMode, change.oldObject) = (UInt32(delta.old_file.mode), ObjectID(delta.old_file.id))
                }
                if hasNew {
                    (change.newMode, change.newObject) = (UInt32(delta.new_file.mode), ObjectID(delta.new_file.id))
                }
                result.append(change)
            }
            return result
        }
        return try withTree(newTree) { new in
            if let oldTree { return try withTree(oldTree) { try run($0, new) } }
            return try run(nil, new)
        }
    }

    /// The paths whose blob `commitID` changed against its first parent's same path (no
    /// rename detection: a renamed file is a new path), or every file of a root commit;
    /// submodules left out.
    package func pathsChanged(by commitID: ObjectID) throws -> [String] {
        let commit = try self.commit(commitID)
        let parentTree = try firstParentTree(of: commit)
        return try changes(from: parentTree, to: commit.treeID, detectRenames: false).compactMap { change in
            change.newBlob != nil ? change.newPath : nil
        }
    }

    /// Writes the index as a tree (what `git commit` would commit now) and returns its id.
    package func indexTree() throws -> ObjectID {
        var index: OpaquePointer?
        try check(git_repository_index(&index, pointer), "cannot read the index")
        defer { git_index_free(index) }
        var oid = git_oid()
        try check(git_index_write_tree(&oid, index), "cannot write the index as a tree")
        return ObjectID(oid)
    }

    /// The blob staged for `path`, if any.
    package func indexBlob(path: String) throws -> ObjectID? {
        var index: OpaquePointer?
        try check(git_repository_index(&index, pointer), "cannot read the index")
        defer { git_index_free(index) }
        guard let entry = GitPath.withCString(path, { git_index_get_bypath(index, $0, 0) }) else { return nil }
        return ObjectID(entry.pointee.id)
    }

    /// Paths that differ between HEAD, the index and the working tree, untracked files
    /// included, ignored files not.
    package func dirtyPaths() throws -> [String] {
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags =
            GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        try check(git_status_list_new(&list, pointer, &options), "cannot read status")
        defer { git_status_list_free(list) }
        var paths = Set<String>()
        for index in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, index)?.pointee else { continue }
            for delta in [entry.head_to_index, entry.index_to_workdir] {
                guard let delta = delta?.pointee else { continue }
                if let path = delta.new_file.path { paths.insert(GitPath.string(path)) }
                if let path = delta.old_file.path { paths.insert(GitPath.string(path)) }
            }
        }
        return paths.sorted()
    }

    /// The directory git runs hooks from: `core.hooksPath` (relative paths are taken from
    /// the top of the working tree, as git does) or the common git directory's `hooks`.
    package func hooksDirectory() throws -> String {
        if let configured = try config().string("core.hooksPath"), !configured.isEmpty {
            var path = configured
            if path == "~" || path.hasPrefix("~/") {
                path = (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
            }
            if !path.hasPrefix("/") { path = (workingDirectory ?? gitDirectory) + path }
            return path
        }
        return String(cString: git_repository_commondir(pointer)) + "hooks"
    }

    /// The commits checked out in the main work tree and in every linked worktree
    /// (`git worktree add`), which share one hooks directory; unborn or unreadable HEADs
    /// left out.
    package func checkedOutCommits() -> [ObjectID] {
        let common = String(cString: git_repository_commondir(pointer))
        var heads = [common + "HEAD"]
        let linked = common + "worktrees"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: linked)) ?? [] {
            heads.append(linked + "/" + name + "/HEAD")
        }
        return heads.compactMap { path in
            guard let data = FileManager.default.contents(atPath: path),
                let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines)
            else { return nil }
            let revision = text.hasPrefix("ref: ") ? String(text.dropFirst(5)) : text
            return try? resolveCommit(revision)
        }
    }

    /// Where the working tree and git directory are (nil for a bare repository).
    package var layout: GitLayout? {
        guard let root = workingDirectory else { return nil }
        return GitLayout(workTree: String(root.dropLast()), gitDirectory: String(gitDirectory.dropLast()))
    }

    /// Whether a rebase is replaying commits (its state directory exists).
    package var rebaseInProgress: Bool {
        ["rebase-merge", "rebase-apply"].contains { FileManager.default.fileExists(atPath: gitDirectory + $0) }
    }

    /// Reads a working-tree file; nil when it does not exist or is not a regular file.
    package func readWorkingFile(_ path: String) -> [UInt8]? {
        layout?.readWorkingFile(path)
    }

    /// The work trees of this repository's checked-out submodules, nested ones too.
    package func submoduleWorkTrees() throws -> [String] {
        guard workingDirectory != nil else { return [] }
        let result = try GitCommand(repository: self).run(["submodule", "--quiet", "foreach", "--recursive", "pwd"])
        guard result.status == 0 else {
            throw GitError(kind: .other(result.status), message: "git submodule foreach: \(result.reason)")
        }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// Whether `readWorkingFile` would find a file at `path`, without reading it.
    package func hasWorkingFile(_ path: String) -> Bool {
        layout?.hasWorkingFile(path) ?? false
    }

    /// Working-tree bytes of `path` as git would store them: its clean filters applied
    /// (end-of-line conversion for `text eol=crlf` or `core.autocrlf`, `ident`), so that
    /// a CRLF working copy compares line for line with the LF blob git commits. The
    /// bytes unchanged when no filter applies or one fails.
    package func storedForm(_ bytes: [UInt8], path: String) -> [UInt8] {
        var filters: OpaquePointer?
        guard
            GitPath.withCString(path, { git_filter_list_load(&filters, pointer, nil, $0, GIT_FILTER_TO_ODB, 0) }) == 0,
            let filters
        else { return bytes }
        defer { git_filter_list_free(filters) }
        var output = git_buf()
        defer { git_buf_dispose(&output) }
        let code = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                git_filter_list_apply_to_buffer(&output, filters, $0.baseAddress, buffer.count)
            }
        }
        guard code == 0, let data = output.ptr else { return bytes }
        return Array(UnsafeRawBufferPointer(start: data, count: output.size))
    }
}
