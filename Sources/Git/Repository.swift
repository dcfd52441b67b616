internal import CLibGit2
import Foundation
import HeapModule
import Hex

/// An open git repository. Owns its libgit2 handle; not shared between threads.
package final class Repository {
    let pointer: OpaquePointer

    /// Opens the repository containing `path`, searching parent directories as git does.
    package init(discoveringFrom path: String) throws {
        _ = libgit2Initialised
        var repository: OpaquePointer?
        let code = git_repository_open_ext(&repository, path, 0, nil)
        if code == GIT_ENOTFOUND.rawValue {
            throw GitError(kind: .notARepository, message: "not a git repository (or any parent up to /): \(path)")
        }
        try check(code, "cannot open repository at \(path)")
        pointer = repository!
    }

    /// Opens the repository as a git subcommand must: `GIT_DIR` (which `git --git-dir`
    /// leaves for its subcommands) exactly, else a search upwards from the current
    /// directory stopping at `GIT_CEILING_DIRECTORIES`; `GIT_WORK_TREE` (`--work-tree`)
    /// as the work tree. libgit2 1.5 reads none of these unasked, and refuses
    /// GIT_WORK_TREE even when asked, so they are read here.
    package static func openFromEnvironment() throws -> Repository {
        try Repository(environment: ProcessInfo.processInfo.environment)
    }

    private init(environment: [String: String]) throws {
        _ = libgit2Initialised
        let directory = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            path.hasPrefix("/")
                ? path
                : URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: directory, isDirectory: true))
                    .standardizedFileURL.path
        }
        var repository: OpaquePointer?
        let code: Int32
        if let gitDir = environment["GIT_DIR"].flatMap({ $0.isEmpty ? nil : $0 }) {
            code = git_repository_open_ext(&repository, absolute(gitDir), GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
            if code == GIT_ENOTFOUND.rawValue {
                throw GitError(kind: .notARepository, message: "not a git repository: '\(gitDir)' (GIT_DIR)")
            }
        } else {
            code = git_repository_open_ext(&repository, directory, 0, environment["GIT_CEILING_DIRECTORIES"])
            if code == GIT_ENOTFOUND.rawValue {
                throw GitError(
                    kind: .notARepository, message: "not a git repository (or any parent up to /): \(directory)")
            }
        }
        try check(code, "cannot open repository at \(directory)")
        pointer = repository!
        if let workTree = environment["GIT_WORK_TREE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            try check(
                git_repository_set_workdir(pointer, absolute(workTree), 0),
                "cannot use work tree \(workTree) (GIT_WORK_TREE)")
        }
        // In a server's pre-receive hook git keeps the pushed objects in a quarantine
        // directory it names in GIT_OBJECT_DIRECTORY (the repository's own objects then
        // in GIT_ALTERNATE_OBJECT_DIRECTORIES): libgit2 reads neither, so a hook's
        // `git trace check` would not find the commits being pushed.
        let extra =
            [environment["GIT_OBJECT_DIRECTORY"]].compactMap { $0 }
            + (environment["GIT_ALTERNATE_OBJECT_DIRECTORIES"]?.split(separator: ":").map(String.init) ?? [])
        if extra.contains(where: { !$0.isEmpty }) {
            try check(git_repository_odb(&objectDatabase, pointer), "cannot open the object database")
            for path in extra where !path.isEmpty {
                try check(
                    git_odb_add_disk_alternate(objectDatabase, absolute(path)), "cannot read objects in \(path)")
            }
        }
    }

    /// The object database, opened on the first blob read.
    private var objectDatabase: OpaquePointer?
    /// Parent versions read by `addedLines`, kept for the child commit that made them.
    var carriedVersions = CarriedVersions()
    /// Trees `addedLines` parsed lately: a commit's tree is read again as its child's
    /// parent tree, which verify checks just before it (newest first).
    var recentTrees = RecentTrees()
    /// What this handle repaired that a killed process had left (a stale ref lock),
    /// one line each, for the command to say.
    package internal(set) var recoveries: [String] = []

    deinit {
        recentTrees.removeAll()
        git_odb_free(objectDatabase)
        git_repository_free(pointer)
    }

    /// The working tree, or nil for a bare repository.
    package var workingDirectory: String? {
        git_repository_workdir(pointer).map { String(cString: $0) }
    }

    /// The repository's git directory (`.git`, or the worktree's own git directory).
    package var gitDirectory: String { String(cString: git_repository_path(pointer)) }

    package var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// True when HEAD names a branch that has no commit yet.
    package var hasNoCommits: Bool { git_repository_head_unborn(pointer) == 1 }

    // MARK: Revisions and commits

    /// Resolves a revision (`HEAD~2`, a branch, an abbreviated id, …) to a commit id.
    package func resolveCommit(_ revision: String) throws -> ObjectID {
        if hasNoCommits && (revision == "HEAD" || revision == "@") {
            throw GitError(kind: .unbornBranch, message: "repository has no commits yet")
        }
        var object: OpaquePointer?
        let code = git_revparse_single(&object, pointer, revision)
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue {
            throw GitError(kind: .notFound, message: "unknown revision '\(revision)'")
        }
        if code == GIT_EAMBIGUOUS.rawValue {
            throw GitError(kind: .ambiguous, message: "ambiguous revision '\(revision)': use more digits")
        }
        try check(code, "cannot resolve '\(revision)'")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        guard git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0 else {
            throw GitError(kind: .notFound, message: "'\(revision)' does not name a commit")
        }
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled).pointee)
    }

    package func commit(_ id: ObjectID) throws -> Commit {
        try withCommit(id) { commit in
            let parents = (0..<git_commit_parentcount(commit)).map {
                ObjectID(git_commit_parent_id(commit, $0).pointee)
            }
            return Commit(
                id: id,
                treeID: ObjectID(git_commit_tree_id(commit).pointee),
                parentIDs: parents,
                author: Identity(git_commit_author(commit)),
                committer: Identity(git_commit_committer(commit)),
                message: git_commit_message(commit).map { String(cString: $0) } ?? ""
            )
        }
    }

    /// A commit's first parent, read without the rest of the commit (nil for a root).
    package func firstParentID(of id: ObjectID) throws -> ObjectID? {
        try withCommit(id) { git_commit_parentcount($0) > 0 ? ObjectID(git_commit_parent_id($0, 0).pointee) : nil }
    }

    /// A commit's committer time and first parent (nil for a root), from one read; nil
    /// when the commit cannot be read (it is not in the repository, say).
    package func timeAndFirstParent(of id: ObjectID) -> (time: Int64, firstParent: ObjectID?)? {
        try? withCommit(id) {
            (git_commit_time($0), git_commit_parentcount($0) > 0 ? ObjectID(git_commit_parent_id($0, 0).pointee) : nil)
        }
    }

    func withCommit<T>(_ id: ObjectID, _ body: (OpaquePointer) throws -> T) throws -> T {
        var oid = id.oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, pointer, &oid), "cannot read commit \(id.shortHex)")
        defer { git_commit_free(commit) }
        return try body(commit!)
    }

    func withTree<T>(_ id: ObjectID, _ body: (OpaquePointer) throws -> T) throws -> T {
        var oid = id.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "cannot read tree \(id.shortHex)")
        defer { git_tree_free(tree) }
        return try body(tree!)
    }

    /// The ends of a revision range: `A..B` is (A, B), a single revision R is (nil, R);
    /// an empty side is HEAD. Names the revision that does not exist.
    package func resolveRange(_ range: String) throws -> (excluded: ObjectID?, tip: ObjectID) {
        if range.contains("...") {
            throw GitError(kind: .invalidSpec, message: "symmetric ranges ('A...B') are not supported: use 'A..B'")
        }
        guard let dots = range.range(of: "..") else { return (nil, try resolveCommit(range)) }
        let from = String(range[..<dots.lowerBound]), to = String(range[dots.upperBound...])
        return (try resolveCommit(from.isEmpty ? "HEAD" : from), try resolveCommit(to.isEmpty ? "HEAD" : to))
    }

    /// What a command that acts on "a commit, or a range such as main..feature" means,
    /// oldest first: the commits of `A..B`, or the one commit a revision names (not its
    /// ancestors).
    package func commits(namedBy revisionOrRange: String) throws -> [ObjectID] {
        revisionOrRange.contains("..")
            ? try commits(inRange: revisionOrRange).reversed() : [try resolveCommit(revisionOrRange)]
    }

    /// The commits of a revision range, newest first: `A..B` as git rev-list reads it,
    /// or a single revision and all its ancestors. In a shallow clone the walk stops at
    /// the boundary commits (`shallowBoundary`), whose parents are not here; any other
    /// failure to walk, a missing parent included, is an error, never a shorter list.
    package func commits(inRange range: String) throws -> [ObjectID] {
        let (excluded, tip) = try resolveRange(range)
        let boundary = try shallowBoundary()
        if !boundary.isEmpty { return try commitsStoppingAt(boundary, tip: tip, excluded: excluded, range: range) }
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, pointer), "cannot walk history")
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
        var push = tip.oid
        try check(git_revwalk_push(walk, &push), "cannot walk \(range)")
        if var hide = excluded?.oid { try check(git_revwalk_hide(walk, &hide), "cannot walk \(range)") }
        var result = [ObjectID]()
        var oid = git_oid()
        while true {
            let code = git_revwalk_next(&oid, walk)
            if code == GIT_ITEROVER.rawValue { break }
            try check(code, "cannot walk \(range) (after \(result.count) commits)")
            result.append(ObjectID(oid))
        }
        return result
    }

    /// Whether this is a shallow clone (some commits' parents were not fetched).
    package var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }

    /// The repository's commit-graph (what `git gc` writes), if it has one that reads
    /// well: commit times for ordering work, never for a verdict.
    package func commitGraph() -> CommitGraph? {
        CommitGraph(objectsDirectory: String(cString: git_repository_commondir(pointer)) + "objects")
    }

    /// The commits of a shallow clone whose parents were not fetched (git's `shallow`
    /// file in the common git directory); empty for a complete repository.
    package func shallowBoundary() throws -> Set<ObjectID> {
        guard git_repository_is_shallow(pointer) == 1 else { return [] }
        let path = String(cString: git_repository_commondir(pointer)) + "shallow"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GitError(
                kind: .other(-1), message: "cannot read \(path), the list of a shallow clone's boundary commits")
        }
        var boundary = Set<ObjectID>()
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let id = ObjectID(hex: line.trimmingCharacters(in: .whitespaces)) else {
                throw GitError(kind: .other(-1), message: "\(path): '\(line)' is not a commit id")
            }
            boundary.insert(id)
        }
        return boundary
    }

    /// The walk of `commits(inRange:)` for a shallow clone, which libgit2 1.5 cannot
    /// do (its walk fails at the first missing parent): the ancestors of `tip` not
    /// reachable from `excluded`, never past a boundary commit, each after all of its
    /// children and otherwise newest first, as git rev-list --topo-order lists them.
    private func commitsStoppingAt(_ boundary: Set<ObjectID>, tip: ObjectID, excluded: ObjectID?, range: String) throws
        -> [ObjectID]
    {
        func parents(_ id: ObjectID) throws -> [ObjectID] {
            boundary.contains(id) ? [] : try commit(id).parentIDs
        }
        func ancestors(of start: ObjectID) throws -> Set<ObjectID> {
            var seen: Set<ObjectID> = [start]
            var pending = [start]
            while let next = pending.popLast() {
                for parent in try parents(next) where seen.insert(parent).inserted { pending.append(parent) }
            }
            return seen
        }
        let hidden = try excluded.map(ancestors(of:)) ?? []
        guard !hidden.contains(tip) else { return [] }
        let members = try ancestors(of: tip).subtracting(hidden)
        var children = [ObjectID: Int]()
        var times = [ObjectID: Int64]()
        var parentLists = [ObjectID: [ObjectID]]()
        for id in members {
            let commit = try self.commit(id)
            times[id] = commit.committer.time
            let inside = (boundary.contains(id) ? [] : commit.parentIDs).filter { members.contains($0) }
            parentLists[id] = inside
            for parent in inside { children[parent, default: 0] += 1 }
        }
        // Kahn's algorithm; among the commits whose children are all listed, the newest.
        var ready = Heap(members.filter { children[$0, default: 0] == 0 }.map { WalkEntry(time: times[$0]!, id: $0) })
        var result = [ObjectID]()
        result.reserveCapacity(members.count)
        while let next = ready.popMax() {
            result.append(next.id)
            for parent in parentLists[next.id]! {
                children[parent]! -= 1
                if children[parent] == 0 { ready.insert(WalkEntry(time: times[parent]!, id: parent)) }
            }
        }
        return result
    }

    private struct WalkEntry: Comparable {
        let time: Int64
        let id: ObjectID
        static func < (a: WalkEntry, b: WalkEntry) -> Bool { (a.time, b.id.hex) < (b.time, a.id.hex) }
    }

    // MARK: Blobs and trees

    /// What a path names in a commit's tree.
    package enum PathContent {
        case blob([UInt8])
        case missing
        case notAFile

        package var isBlob: Bool {
            if case .blob = self { return true }
            return false
        }
    }

    /// The content of `path` in `commit`'s tree.
    package func content(ofPath path: String, inCommit commitID: ObjectID) throws -> PathContent {
        let treeID = try withCommit(commitID) { ObjectID(git_commit_tree_id($0).pointee) }
        return try withTree(treeID) { tree in
            var entry: OpaquePointer?
            let code = GitPath.withCString(path) { git_tree_entry_bypath(&entry, tree, $0) }
            if code == GIT_ENOTFOUND.rawValue { return .missing }
            try check(code, "cannot read \(path) at \(commitID.shortHex)")
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return .notAFile }
            return .blob(try blobContent(ObjectID(git_tree_entry_id(entry).pointee)))
        }
    }

    /// A blob's bytes in place, for the length of `body` (no copy is made).
    func withBlobBytes<T>(_ id: ObjectID, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        if objectDatabase == nil {
            try check(git_repository_odb(&objectDatabase, pointer), "cannot open the object database")
        }
        var oid = id.oid
        var object: OpaquePointer?
        try check(git_odb_read(&object, objectDatabase, &oid), "cannot read blob \(id.shortHex)")
        defer { git_odb_object_free(object) }
        guard git_odb_object_type(object) == GIT_OBJECT_BLOB else {
            throw GitError(kind: .invalidSpec, message: "cannot read blob \(id.shortHex): the object is not a blob")
        }
        let size = git_odb_object_size(object)
        guard size > 0, let raw = git_odb_object_data(object) else {
            return try body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeBufferPointer(start: raw.assumingMemoryBound(to: UInt8.self), count: size))
    }

    package func blobContent(_ id: ObjectID) throws -> [UInt8] {
        // Straight from the object database: a blob object would only wrap the same
        // bytes (and look the object cache up a second time), once per note read.
        try withBlobBytes(id) { Array($0) }
    }

    /// Whether the object database holds `id` (a shallow clone lacks the commits past
    /// its boundary, and the notes on them may still be here).
    package func hasObject(_ id: ObjectID) -> Bool {
        if objectDatabase == nil, git_repository_odb(&objectDatabase, pointer) != 0 { return false }
        var oid = id.oid
        return git_odb_exists(objectDatabase, &oid) == 1
    }

    package func writeBlob(_ bytes: [UInt8]) throws -> ObjectID {
        var oid = git_oid()
        try check(git_blob_create_from_buffer(&oid, pointer, bytes, bytes.count), "cannot write blob")
        return ObjectID(oid)
    }

    /// The tree of `commit`'s first parent, nil for a root commit. A parent that is not
    /// here (past a shallow clone's boundary) is an error saying so: what the commit
    /// changed cannot be read, and its own tree is not what it added.
    package func firstParentTree(of commit: Commit) throws -> ObjectID? {
        guard let parent = commit.parentIDs.first else { return nil }
        guard hasObject(parent) else {
            throw GitError(
                kind: .notFound,
                message:
                    "the parent of \(commit.id.shortHex) is not in this repository (a shallow clone's boundary): what the commit changed cannot be read"
            )
        }
        return try self.commit(parent).treeID
    }

    /// Lines added and deleted by a commit against its first parent (the empty tree for
    /// a root commit), with rename detection as `git show --numstat` does by default,
    /// and a file binary (no lines) by its content alone (`isBinaryContent`), as capture
    /// and reports decide: not by attributes (`-diff`, `*.png diff`), which differ from
    /// clone to clone, nor by libgit2's own heuristic. Submodules count as git counts them.
    package func lineStats(of commitID: ObjectID) throws -> (added: Int, deleted: Int) {
        let commit = try self.commit(commitID)
        let parentTree = try firstParentTree(of: commit)
        return try withTree(commit.treeID) { newTree in
            func diff(_ oldTree: OpaquePointer?) throws -> (Int, Int) {
                var options = git_diff_options()
                try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "cannot set up a diff")
                options.flags = GIT_DIFF_FORCE_TEXT.rawValue
                options.ignore_submodules = GIT_SUBMODULE_IGNORE_NONE
                var diff: OpaquePointer?
                try check(
                    git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options),
                    "cannot diff \(commitID.shortHex)")
                defer { git_diff_free(diff) }
                try findRenamesAsGitDoes(in: diff, "cannot detect renames in \(commitID.shortHex)")
                var added = 0, deleted = 0
                for index in 0..<git_diff_num_deltas(diff) {
                    guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
                    func isBinary(_ file: git_diff_file) throws -> Bool {
                        var id = file.id
                        guard file.mode != UInt16(GIT_FILEMODE_COMMIT.rawValue), git_oid_is_zero(&id) == 0 else {
                            return false
                        }
                        return try isBinaryBlob(ObjectID(id))
                    }
                    if try isBinary(delta.old_file) || isBinary(delta.new_file) { continue }
                    var patch: OpaquePointer?
                    try check(git_patch_from_diff(&patch, diff, index), "cannot count lines of \(commitID.shortHex)")
                    defer { git_patch_free(patch) }
                    var context = 0, adds = 0, deletes = 0
                    try check(git_patch_line_stats(&context, &adds, &deletes, patch), "cannot count lines")
                    added += adds
                    deleted += deletes
                }
                return (added, deleted)
            }
            if let parentTree {
                return try withTree(parentTree) { try diff($0) }
            }
            return try diff(nil)
        }
    }

    /// Marks `diff`'s renames as git finds them by default (renames, not copies; at
    /// most 1,000 candidates), whatever this clone's `diff.renames` or
    /// `diff.renameLimit` say, which libgit2 otherwise follows: with renames off, a
    /// moved file's every line counted as added and was claimed again by capture.
    func findRenamesAsGitDoes(in diff: OpaquePointer?, _ failure: @autoclosure () -> String) throws {
        var options = git_diff_find_options()
        try check(git_diff_find_options_init(&options, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), failure())
        options.flags = GIT_DIFF_FIND_RENAMES.rawValue
        options.rename_limit = 1000
        try check(git_diff_find_similar(diff, &options), failure())
    }

    // MARK: References

    /// The id a reference points at, or nil when it does not exist.
    package func referenceTarget(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, pointer, name)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check(code, "cannot read \(name)")
        return ObjectID(oid)
    }

    /// Names of the configured remotes.
    package func remoteNames() throws -> [String] {
        var names = git_strarray()
        try check(git_remote_list(&names, pointer), "cannot list remotes")
        defer { git_strarray_dispose(&names) }
        return (0..<names.count).compactMap { names.strings[$0].map { String(cString: $0) } }
    }

    /// The repository's configuration (all levels; writes go to the repository's own file).
    package func config() throws -> Config {
        var config: OpaquePointer?
        try check(git_repository_config(&config, pointer), "cannot read git config")
        return Config(config!)
    }

    /// The identity git would use for a commit (user.name / user.email), if configured.
    package func defaultIdentity() -> (name: String, email: String)? {
        if let name = CommandLineConfig.values("user.name").last,
            let email = CommandLineConfig.values("user.email").last
        {
            return (name, email)
        }
        var signature: UnsafeMutablePointer<git_signature>?
        guard git_signature_default(&signature, pointer) == 0, let signature else { return nil }
        defer { git_signature_free(signature) }
        return (String(cString: signature.pointee.name), String(cString: signature.pointee.email))
    }
}

extension Repository {
    /// The repository-relative path (with `/`) of a path a user typed, read relative to
    /// `currentDirectory` as git reads pathspecs. Nil when it lies outside the working tree.
    package func repositoryPath(forUserPath userPath: String, currentDirectory: String) -> String? {
        guard let workdir = workingDirectory else { return userPath }
        return GitLayout.relativePath(userPath, currentDirectory: currentDirectory, workTree: workdir)
    }
}
