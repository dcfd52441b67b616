import Git
import Signing

extension Repository {
    /// The commit's change identity (spec/records.md §8.2): `sha256:<hex>` of the lines
    /// it removes and adds, file by file, against its first parent — without line
    /// numbers or context, so that a rebase or cherry-pick that replays the change
    /// unaltered onto another base keeps it, and any altered line changes it. What a
    /// review or waiver approved, and what lets it survive such a rewrite.
    package func changeID(of commitID: ObjectID) throws -> String {
        let commit = try self.commit(commitID)
        let parentTree = try firstParentTree(of: commit)
        let changes = try self.changes(from: parentTree, to: commit.treeID, detectRenames: false)
        return "sha256:" + SHA256.hexDigest(try ChangeEncoding.encode(changes) { try blobContent($0) })
    }
}

/// The byte string a change identity hashes (spec/records.md §8.2).
package enum ChangeEncoding {
    /// The encoding of a commit's `changes` (the diff of its first parent's tree and its
    /// own, without rename detection); `blob` reads an object's content.
    package static func encode(_ changes: [FileChange], blob: (ObjectID) throws -> [UInt8]) rethrows -> [UInt8] {
        var encoding = [UInt8]()
        for change in changes.sorted(by: precedes) { try append(change, to: &encoding, blob: blob) }
        return encoding
    }

    /// Path order (bytes); a path both deleted and added (a type change) has its deletion first.
    static func precedes(_ a: FileChange, _ b: FileChange) -> Bool {
        let (pathA, pathB) = (GitPath.bytes(a.newPath ?? a.oldPath ?? ""), GitPath.bytes(b.newPath ?? b.oldPath ?? ""))
        if pathA != pathB { return pathA.lexicographicallyPrecedes(pathB) }
        return a.newMode == 0 && b.newMode != 0
    }

    /// `F <path> NUL <old mode> SP <new mode> NUL`, then per hunk of the line diff of the
    /// two sides `-<n> NUL <removed bytes> +<n> NUL <added bytes>`. A submodule's side is
    /// its commit id in hex and LF; a missing side is empty.
    static func append(_ change: FileChange, to encoding: inout [UInt8], blob: (ObjectID) throws -> [UInt8])
        rethrows
    {
        func content(mode: UInt32, object: ObjectID?) throws -> [UInt8] {
            guard let object else { return [] }
            return mode == 0o160000 ? Array((object.hex + "\n").utf8) : try blob(object)
        }
        let old = try content(mode: change.oldMode, object: change.oldObject)
        let new = try content(mode: change.newMode, object: change.newObject)
        encoding.append(UInt8(ascii: "F"))
        encoding += GitPath.bytes(change.newPath ?? change.oldPath ?? "")
        encoding.append(0)
        encoding += Array("\(String(change.oldMode, radix: 8)) \(String(change.newMode, radix: 8))".utf8)
        encoding.append(0)
        let (oldLines, newLines) = (FileLines(old), FileLines(new))
        for hunk in LineDiff.hunks(old: old, new: new) {
            for (sign, lines, start, count) in [
                (UInt8(ascii: "-"), oldLines, hunk.oldStart, hunk.oldCount),
                (UInt8(ascii: "+"), newLines, hunk.newStart, hunk.newCount),
            ] {
                let bytes = count > 0 ? lines.bytes(ofLines: start...(start + count - 1)) : []
                encoding.append(sign)
                encoding += Array(String(bytes.count).utf8)
                encoding.append(0)
                encoding += bytes
            }
        }
    }
}
