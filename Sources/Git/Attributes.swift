internal import CLibGit2
import Foundation

/// git's test of content for binary, the only one capture and reports apply (never
/// attributes, which differ from clone to clone): a NUL byte among the first 8,000.
package func isBinaryContent(_ bytes: [UInt8]) -> Bool { bytes.prefix(8000).contains(0) }

extension Repository {
    /// Whether git would treat this blob as binary (a NUL byte in its first 8,000 bytes).
    package func isBinaryBlob(_ id: ObjectID) throws -> Bool {
        var oid = id.oid
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, &oid), "cannot read blob \(id.shortHex)")
        defer { git_blob_free(blob) }
        return git_blob_is_binary(blob) == 1
    }

    /// `path` at `commit` and the first parent's version (at `oldPath` when the file was
    /// renamed from there; nil when the parent has none, or for a root commit), when
    /// both are text by content (`isBinaryContent`), else nil: how a file git calls
    /// binary by its attributes is read again by those who decide by content alone.
    package func textVersions(_ path: String, inCommit commit: ObjectID, from oldPath: String? = nil) throws
        -> (new: [UInt8], old: [UInt8]?)?
    {
        guard case .blob(let new) = try content(ofPath: path, inCommit: commit), !isBinaryContent(new) else {
            return nil
        }
        guard let parent = try firstParentID(of: commit),
            case .blob(let old) = try content(ofPath: oldPath ?? path, inCommit: parent)
        else { return (new, nil) }
        return isBinaryContent(old) ? nil : (new, old)
    }
}
