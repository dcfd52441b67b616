internal import CLibGit2

/// Who and when, as recorded in a commit header.
package struct Identity: Sendable, Equatable {
    package let name: String
    package let email: String
    /// Seconds since the Unix epoch.
    package let time: Int64
    /// Offset from UTC in minutes.
    package let offsetMinutes: Int32

    init(_ signature: UnsafePointer<git_signature>) {
        name = String(cString: signature.pointee.name)
        email = String(cString: signature.pointee.email)
        time = signature.pointee.when.time
        offsetMinutes = signature.pointee.when.offset
    }
}

/// The parts of a commit SessionTrace reads, copied out of libgit2.
package struct Commit: Sendable {
    package let id: ObjectID
    package let treeID: ObjectID
    package let parentIDs: [ObjectID]
    package let author: Identity
    package let committer: Identity
    package let message: String

    package var summary: String {
        String(message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}
