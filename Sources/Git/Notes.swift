internal import CLibGit2
import Foundation
import Hex

/// A note in a notes tree: the annotated object and the blob(s) holding its text.
/// More than one blob means the tree stores the same object's note at several
/// fan-out depths; the note is their concatenation, shallowest first.
package struct NoteEntry: Sendable {
    package let target: ObjectID
    package let blobs: [ObjectID]
}

/// Notes trees as git lays them out: a path of hexadecimal directory names whose
/// concatenation is the annotated object's id. libgit2's own note writer keeps every
/// note in one flat tree, which makes each insert rewrite a huge tree; these functions
/// write the 2/38 fan-out git uses and read every fan-out depth.
extension Repository {
    /// The commit a notes ref points at, or nil before the first note.
    package func notesTip(_ ref: String) throws -> ObjectID? {
        try referenceTarget(ref)
    }

    /// The note on `target` in the notes commit `notesCommit` (default: the tip of `ref`).
    package func note(for target: ObjectID, ref: String, notesCommit: ObjectID? = nil) throws -> [UInt8]? {
        guard let tip = try notesCommit ?? notesTip(ref) else { return nil }
        let blobs = try withTree(try treeID(ofCommit: tip)) { root in
            try noteBlobs(in: root, remainingHex: Substring(target.hex))
        }
        guard !blobs.isEmpty else { return nil }
        return try blobs.flatMap { try blobContent($0) }
    }

    /// The blob(s) holding `target`'s note in the notes commit (default: the tip of `ref`).
    package func noteBlobIDs(for target: ObjectID, ref: String, notesCommit: ObjectID? = nil) throws -> [ObjectID] {
        guard let tip = try notesCommit ?? notesTip(ref) else { return [] }
        return try withTree(try treeID(ofCommit: tip)) { root in
            try noteBlobs(in: root, remainingHex: Substring(target.hex))
        }
    }

    private func noteBlobs(in tree: OpaquePointer, remainingHex: Substring) throws -> [ObjectID] {
        var found = [ObjectID]()
        if let entry = git_tree_entry_byname(tree, String(remainingHex)), git_tree_entry_type(entry) == GIT_OBJECT_BLOB
        {
            found.append(ObjectID(git_tree_entry_id(entry).pointee))
        }
        if remainingHex.count > 2,
            let entry = git_tree_entry_byname(tree, String(remainingHex.prefix(2))),
            git_tree_entry_type(entry) == GIT_OBJECT_TREE
        {
            let subtreeID = ObjectID(git_tree_entry_id(entry).pointee)
            found += try withTree(subtreeID) { try noteBlobs(in: $0, remainingHex: remainingHex.dropFirst(2)) }
        }
        return found
    }

    /// Every note in the notes commit `notesCommit` (default: the tip of `ref`), sorted by target.
    package func allNotes(ref: String, notesCommit: ObjectID? = nil) throws -> [NoteEntry] {
        guard let tip = try notesCommit ?? notesTip(ref) else { return [] }
        return try notes(inTree: try treeID(ofCommit: tip), prefix: "")
    }

    /// One fan-out directory of a notes tree (`xx/`), listed on its own.
    package struct NoteShard: Sendable {
        package let prefix: String
        let tree: ObjectID
    }

    /// The fan-out directories of the notes tree, in order, so that several threads can
    /// list them (`notes(in:)`); nil when notes also sit at the top (a flat layout), where
    /// one commit's note could be split across directories: list those with `allNotes`.
    package func noteShards(ref: String) throws -> [NoteShard]? {
        guard let tip = try notesTip(ref) else { return [] }
        return try withTree(try treeID(ofCommit: tip)) { tree in
            var shards = [NoteShard]()
            for index in 0..<git_tree_entrycount(tree) {
                guard let entry = git_tree_entry_byindex(tree, index) else { continue }
                let name = String(cString: git_tree_entry_name(entry))
                guard name.utf8.allSatisfy(Hex.isDigit) else { continue }
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE, name.utf8.count == 2 else { return nil }
                shards.append(NoteShard(prefix: name.lowercased(), tree: ObjectID(git_tree_entry_id(entry).pointee)))
            }
            // Upper-case directory names sort apart from their lower-case spelling.
            return Set(shards.map(\.prefix)).count == shards.count ? shards.sorted { $0.prefix < $1.prefix } : nil
        }
    }

    /// The notes in one fan-out directory, sorted by target.
    package func notes(in shard: NoteShard) throws -> [NoteEntry] {
        try notes(inTree: shard.tree, prefix: shard.prefix)
    }

    /// The notes under `treeID`, whose path so far is `prefix`, grouped by target.
    private func notes(inTree treeID: ObjectID, prefix: String) throws -> [NoteEntry] {
        // Flat, then sorted and grouped: a long history has a note per commit, nearly
        // always in one blob, and a dictionary of arrays would allocate one per note.
        var found = [(target: ObjectID, depth: Int, blob: ObjectID)]()
        func walk(_ tree: OpaquePointer, prefix: String, depth: Int) throws {
            for index in 0..<git_tree_entrycount(tree) {
                guard let entry = git_tree_entry_byindex(tree, index) else { continue }
                let name = String(cString: git_tree_entry_name(entry))
                guard name.utf8.allSatisfy(Hex.isDigit) else { continue }
                let path = prefix + name.lowercased()
                let id = ObjectID(git_tree_entry_id(entry).pointee)
                switch git_tree_entry_type(entry) {
                case GIT_OBJECT_BLOB where path.utf8.count == 40:
                    if let target = ObjectID(hex: path) { found.append((target, depth, id)) }
                case GIT_OBJECT_TREE where name.utf8.count == 2 && path.utf8.count < 40:
                    try withTree(id) { try walk($0, prefix: path, depth: depth + 1) }
                default:
                    continue
                }
            }
        }
        try withTree(treeID) { try walk($0, prefix: prefix, depth: prefix.utf8.count / 2) }
        found.sort { $0.target != $1.target ? $0.target < $1.target : $0.depth < $1.depth }
        var entries = [NoteEntry]()
        entries.reserveCapacity(found.count)
        var index = 0
        while index < found.count {
            var end = index + 1
            while end < found.count, found[end].target == found[index].target { end += 1 }
            entries.append(NoteEntry(target: found[index].target, blobs: found[index..<end].map(\.blob)))
            index = end
        }
        return entries
    }

    /// The note blobs that the notes commit `notesCommit` added or changed against its
    /// first parent (every note, for a root commit, or when that parent is not here):
    /// only the subtrees that differ are read, so a commit that set one note costs a
    /// few tree reads however large the ledger is.
    package func notesChanged(in notesCommit: ObjectID) throws -> [(target: ObjectID, blob: ObjectID)] {
        let commit = try self.commit(notesCommit)
        let parentTree = commit.parentIDs.first.flatMap { try? treeID(ofCommit: $0) }
        var changed = [(target: ObjectID, blob: ObjectID)]()
        func compare(_ new: OpaquePointer, _ old: OpaquePointer?, prefix: String) throws {
            for index in 0..<git_tree_entrycount(new) {
                guard let entry = git_tree_entry_byindex(new, index) else { continue }
                let name = String(cString: git_tree_entry_name(entry))
                guard name.utf8.allSatisfy(Hex.isDigit) else { continue }
                let id = ObjectID(git_tree_entry_id(entry).pointee)
                let before = old.flatMap { git_tree_entry_byname($0, name) }
                if let before, ObjectID(git_tree_entry_id(before).pointee) == id { continue }
                let path = prefix + name.lowercased()
                switch git_tree_entry_type(entry) {
                case GIT_OBJECT_BLOB where path.utf8.count == 40:
                    if let target = ObjectID(hex: path) { changed.append((target, id)) }
                case GIT_OBJECT_TREE where name.utf8.count == 2 && path.utf8.count < 40:
                    let oldSubtree = before.flatMap {
                        git_tree_entry_type($0) == GIT_OBJECT_TREE ? ObjectID(git_tree_entry_id($0).pointee) : nil
                    }
                    try withTree(id) { subtree in
                        if let oldSubtree {
                            try withTree(oldSubtree) { try compare(subtree, $0, prefix: path) }
                        } else {
                            try compare(subtree, nil, prefix: path)
                        }
                    }
                default:
                    continue
                }
            }
        }
        try withTree(commit.treeID) { tree in
            if let parentTree {
                try withTree(parentTree) { try compare(tree, $0, prefix: "") }
            } else {
                try compare(tree, nil, prefix: "")
            }
        }
        return changed
    }

    /// The notes commits of `ref`, tip first, following first parents (the log order).
    package func notesHistory(_ ref: String, limit: Int = .max) throws -> [ObjectID] {
        var history = [ObjectID]()
        var next = try notesTip(ref)
        while let current = next, history.count < limit {
            history.append(current)
            next = try commit(current).parentIDs.first
        }
        return history
    }

    /// Writes one commit on `ref` that sets (or, with nil, removes) the notes of the
    /// given objects, and moves the ref only if it still points at `expectedTip`.
    /// Throws `GitError` of kind `.modified` when another writer moved it first; the
    /// caller re-reads and retries.
    @discardableResult
    package func updateNotes(
        ref: String, expectedTip: ObjectID?, changes: [ObjectID: [UInt8]?], message: String
    ) throws -> ObjectID {
        let baseTree = try expectedTip.map { try treeID(ofCommit: $0) }
        let commitID = try writeNotesCommit(
            baseTree: baseTree, changes: changes, parents: expectedTip.map { [$0] } ?? [], message: message)
        try moveReference(ref, to: commitID, expected: expectedTip, logMessage: message)
        return commitID
    }

    private func rewriteNotesTree(_ root: ObjectID?, changes: [ObjectID: ObjectID?]) throws -> ObjectID? {
        let byFanout = Dictionary(grouping: changes, by: { String($0.key.hex.prefix(2)) })
        return try rebuildTree(root) { builder in
            for (prefix, group) in byFanout {
                for (target, _) in group { try removeBlob(builder, name: target.hex) }
                let subtree = try subtreeID(builder, name: prefix)
                let newSubtree = try rebuildTree(subtree) { sub in
                    for (target, blob) in group {
                        let rest = String(target.hex.dropFirst(2))
                        try removeBlob(sub, name: rest)
                        try removeDeeper(sub, remainingHex: Substring(rest))
                        if let blob { try insert(sub, name: rest, id: blob, mode: GIT_FILEMODE_BLOB) }
                    }
                }
                try replaceSubtree(builder, name: prefix, with: newSubtree)
            }
        }
    }

    /// Removes notes stored below the 2/38 depth (`xx/yy/zzzz…`) for one object.
    private func removeDeeper(_ builder: OpaquePointer, remainingHex: Substring) throws {
        guard remainingHex.count > 2 else { return }
        let name = String(remainingHex.prefix(2))
        guard let subtree = try subtreeID(builder, name: name) else { return }
        let rest = remainingHex.dropFirst(2)
        let rebuilt = try rebuildTree(subtree) { sub in
            try removeBlob(sub, name: String(rest))
            try removeDeeper(sub, remainingHex: rest)
        }
        try replaceSubtree(builder, name: name, with: rebuilt)
    }

    /// Runs `edit` on a tree builder seeded with `tree`; returns the written tree, or nil
    /// when the result is empty.
    private func rebuildTree(_ tree: ObjectID?, _ edit: (OpaquePointer) throws -> Void) throws -> ObjectID? {
        func build(_ source: OpaquePointer?) throws -> ObjectID? {
            var builder: OpaquePointer?
            try check(git_treebuilder_new(&builder, pointer, source), "cannot build notes tree")
            defer { git_treebuilder_free(builder) }
            try edit(builder!)
            guard git_treebuilder_entrycount(builder) > 0 else { return nil }
            var oid = git_oid()
            try check(git_treebuilder_write(&oid, builder), "cannot write notes tree")
            return ObjectID(oid)
        }
        if let tree { return try withTree(tree) { try build($0) } }
        return try build(nil)
    }

    private func subtreeID(_ builder: OpaquePointer, name: String) throws -> ObjectID? {
        guard let entry = git_treebuilder_get(builder, name), git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
            return nil
        }
        return ObjectID(git_tree_entry_id(entry).pointee)
    }

    private func removeBlob(_ builder: OpaquePointer, name: String) throws {
        guard let entry = git_treebuilder_get(builder, name), git_tree_entry_type(entry) == GIT_OBJECT_BLOB else {
            return
        }
        try check(git_treebuilder_remove(builder, name), "cannot update notes tree")
    }

    private func replaceSubtree(_ builder: OpaquePointer, name: String, with tree: ObjectID?) throws {
        if let tree {
            try insert(builder, name: name, id: tree, mode: GIT_FILEMODE_TREE)
        } else if git_treebuilder_get(builder, name) != nil {
            try check(git_treebuilder_remove(builder, name), "cannot update notes tree")
        }
    }

    private func insert(_ builder: OpaquePointer, name: String, id: ObjectID, mode: git_filemode_t) throws {
        var oid = id.oid
        try check(git_treebuilder_insert(nil, builder, name, &oid, mode), "cannot update notes tree")
    }

    private func emptyTree() throws -> ObjectID {
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, pointer, nil), "cannot build tree")
        defer { git_treebuilder_free(builder) }
        var oid = git_oid()
        try check(git_treebuilder_write(&oid, builder), "cannot write tree")
        return ObjectID(oid)
    }

    /// Creates a commit object (no reference is moved) as the configured user, or as
    /// `git-trace` when no identity is configured.
    package func createCommit(tree: ObjectID, parents: [ObjectID], message: String) throws -> ObjectID {
        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, pointer) != 0 {
            try check(git_signature_now(&signature, "git-trace", "git-trace@localhost"), "cannot make commit identity")
        }
        defer { git_signature_free(signature) }
        var parentHandles = [OpaquePointer?]()
        defer { parentHandles.forEach { git_commit_free($0) } }
        for parent in parents {
            var oid = parent.oid
            var handle: OpaquePointer?
            try check(git_commit_lookup(&handle, pointer, &oid), "cannot read commit \(parent.shortHex)")
            parentHandles.append(handle)
        }
        return try withTree(tree) { treeHandle in
            var oid = git_oid()
            _ = try parentHandles.withUnsafeMutableBufferPointer { handles in
                try check(
                    git_commit_create(
                        &oid, pointer, nil, signature, signature, nil, message, treeHandle, handles.count,
                        handles.baseAddress),
                    "cannot write commit")
            }
            return ObjectID(oid)
        }
    }

    /// Points `name` at `target` if it currently points at `expected` (or does not exist
    /// when `expected` is nil); throws a `.modified` GitError otherwise.
    package func moveReference(_ name: String, to target: ObjectID, expected: ObjectID?, logMessage: String) throws {
        var newOid = target.oid
        var reference: OpaquePointer?
        // "Must not exist yet" is the all-zero id, compared under the reference's lock.
        // git_reference_create(force: 0) checks existence before taking the lock, so two
        // processes creating the ref at once could both succeed and one's commit be lost.
        var expectedOid = expected?.oid ?? git_oid()
        var code = git_reference_create_matching(&reference, pointer, name, &newOid, 1, &expectedOid, logMessage)
        if code == GIT_ELOCKED.rawValue, removeStaleLock(ofReference: name) {
            code = git_reference_create_matching(&reference, pointer, name, &newOid, 1, &expectedOid, logMessage)
        }
        if code == GIT_EMODIFIED.rawValue || code == GIT_EEXISTS.rawValue || code == GIT_ELOCKED.rawValue {
            throw GitError(kind: .modified, message: "\(name) was updated by another process")
        }
        try check(code, "cannot update \(name)")
        git_reference_free(reference)
    }
}

extension Repository {
    /// How old a reference's lock file must be to count as left by a killed process: a
    /// writer holds it for the few milliseconds of one update.
    package static let staleLockAge: TimeInterval = 10

    /// Removes `<ref>.lock` when it is older than `staleLockAge` (a process killed in the
    /// middle of an update leaves it, and every later update would fail); says whether
    /// it did. The reference itself is untouched: the lock never replaced it.
    @discardableResult
    package func removeStaleLock(ofReference name: String) -> Bool {
        let lock = String(cString: git_repository_commondir(pointer)) + name + ".lock"
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: lock))?[.modificationDate] as? Date,
            Date().timeIntervalSince(modified) > Self.staleLockAge, unlink(lock) == 0
        else { return false }
        recoveries.append("removed \(name).lock, left by a process killed while updating \(name)")
        return true
    }

    /// Writes a notes commit whose tree is `baseTree` with `changes` applied (blob ids;
    /// nil removes), with the given parents; moves no reference.
    package func writeNotesCommit(
        baseTree: ObjectID?, changes: [ObjectID: [UInt8]?], parents: [ObjectID], message: String
    ) throws -> ObjectID {
        var blobChanges = [ObjectID: ObjectID?]()
        for (target, content) in changes { blobChanges[target] = try content.map { try writeBlob($0) } }
        let tree = try rewriteNotesTree(baseTree, changes: blobChanges) ?? emptyTree()
        return try createCommit(tree: tree, parents: parents, message: message)
    }

    /// A commit's tree, without copying the rest of the commit.
    package func treeID(ofCommit id: ObjectID) throws -> ObjectID {
        try withCommit(id) { ObjectID(git_commit_tree_id($0).pointee) }
    }

    /// Whether `commit` has `ancestor` in its history (or is it).
    package func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) -> Bool {
        if ancestor == commit { return true }
        var a = commit.oid, b = ancestor.oid
        return git_graph_descendant_of(pointer, &a, &b) == 1
    }

    /// HEAD's newest reflog entry, as a mark to find it again ("<new id> <time> <message>"),
    /// or nil when HEAD has no reflog entry yet.
    package func headReflogMark() -> String? {
        newestHeadReflogEntry(Self.mark)
    }

    /// The commits `git commit` (also `cherry-pick`, `revert`) created in this
    /// repository after the reflog entry `mark` (all of HEAD's reflog when the mark is nil
    /// or no longer there: entries expire oldest first), from HEAD's reflog; nil when HEAD
    /// has no reflog (logging turned off), where nothing can be said. Entries are
    /// compared by position, not time: a commit's reflog time is its committer date,
    /// which GIT_COMMITTER_DATE sets to anything. Amends are left out: their
    /// post-rewrite hook records them.
    package func commitsCreatedHere(after mark: String?) -> Set<ObjectID>? {
        withHeadReflog { reflog in
            var created = Set<ObjectID>()
            for index in 0..<git_reflog_entrycount(reflog) {  // newest first
                guard let entry = git_reflog_entry_byindex(reflog, index) else { continue }
                if let mark, Self.mark(entry) == mark { break }
                let message = Self.message(entry) ?? ""
                let made = ["commit:", "commit (initial):", "commit (merge):", "cherry-pick:", "revert:"].contains {
                    message.hasPrefix($0)
                }
                if made { created.insert(ObjectID(git_reflog_entry_id_new(entry).pointee)) }
            }
            return created
        }
    }

    private func newestHeadReflogEntry<T>(_ body: (OpaquePointer) -> T?) -> T? {
        withHeadReflog { reflog in
            guard git_reflog_entrycount(reflog) > 0, let entry = git_reflog_entry_byindex(reflog, 0) else { return nil }
            return body(entry)
        } ?? nil
    }

    private func withHeadReflog<T>(_ body: (OpaquePointer) -> T) -> T? {
        guard FileManager.default.fileExists(atPath: gitDirectory + "logs/HEAD") else { return nil }
        var reflog: OpaquePointer?
        guard git_reflog_read(&reflog, pointer, "HEAD") == 0, let reflog else { return nil }
        defer { git_reflog_free(reflog) }
        return body(reflog)
    }

    private static func mark(_ entry: OpaquePointer) -> String {
        let id = ObjectID(git_reflog_entry_id_new(entry).pointee).hex
        let time = git_reflog_entry_committer(entry).map { $0.pointee.when.time } ?? 0
        return "\(id) \(time) " + (message(entry) ?? "")
    }

    private static func message(_ entry: OpaquePointer) -> String? {
        git_reflog_entry_message(entry).map { String(cString: $0) }
    }

    /// Commits `git reset` moved HEAD away from, among HEAD's newest `limit` reflog
    /// entries, newest first: an undone commit, the tip a `reset --soft HEAD~2` squashes.
    package func commitsLeftByReset(limit: Int = 50) -> [ObjectID] {
        withHeadReflog { reflog in
            var left = [ObjectID]()
            for index in 0..<min(git_reflog_entrycount(reflog), limit) {
                guard let entry = git_reflog_entry_byindex(reflog, index),
                    Self.message(entry)?.hasPrefix("reset:") == true
                else { continue }
                let old = ObjectID(git_reflog_entry_id_old(entry).pointee)
                if !old.isZero, !left.contains(old) { left.append(old) }
            }
            return left
        } ?? []
    }

    /// Whether HEAD has a reflog (git keeps one unless `core.logAllRefUpdates` is off).
    package var hasHeadReflog: Bool { withHeadReflog { _ in true } ?? false }

    /// The commits local branches point at (at most `limit`, by branch name).
    package func localBranchTips(limit: Int = 32) -> [ObjectID] {
        var iterator: OpaquePointer?
        guard git_branch_iterator_new(&iterator, pointer, GIT_BRANCH_LOCAL) == 0 else { return [] }
        defer { git_branch_iterator_free(iterator) }
        var tips = [ObjectID]()
        var reference: OpaquePointer?
        var type = GIT_BRANCH_LOCAL
        while tips.count < limit, git_branch_next(&reference, &type, iterator) == 0 {
            defer { git_reference_free(reference) }
            var resolved: OpaquePointer?
            guard git_reference_resolve(&resolved, reference) == 0 else { continue }
            defer { git_reference_free(resolved) }
            if let target = git_reference_target(resolved) {
                let tip = ObjectID(target.pointee)
                if !tips.contains(tip) { tips.append(tip) }
            }
        }
        return tips
    }

    /// The newest reflog message of HEAD (`commit (amend): …`, `cherry-pick: …`).
    package func headReflogMessage() -> String? {
        newestHeadReflogEntry(Self.message)
    }
}
