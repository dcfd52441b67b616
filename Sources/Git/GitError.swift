internal import CLibGit2
import Diagnostics

/// A failed libgit2 call, with libgit2's own message and the operation that failed.
package struct GitError: UserFacingError, Sendable {
    package enum Kind: Sendable, Equatable {
        case notFound, notARepository, ambiguous, invalidSpec, modified, exists, unbornBranch, other(Int32)
    }

    package let kind: Kind
    package let message: String

    package init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }
}

/// Throws a `GitError` for a negative libgit2 return code.
@discardableResult
func check(_ code: Int32, _ context: @autoclosure () -> String) throws -> Int32 {
    guard code < 0 else { return code }
    let detail = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(code)"
    let kind: GitError.Kind
    switch git_error_code(code) {
    case GIT_ENOTFOUND: kind = .notFound
    case GIT_EAMBIGUOUS: kind = .ambiguous
    case GIT_EINVALIDSPEC: kind = .invalidSpec
    case GIT_EMODIFIED: kind = .modified
    case GIT_EEXISTS: kind = .exists
    case GIT_EUNBORNBRANCH: kind = .unbornBranch
    default: kind = .other(code)
    }
    throw GitError(kind: kind, message: "\(context()): \(detail)")
}

/// libgit2 must be initialised once per process before any other call.
let libgit2Initialised: Void = {
    git_libgit2_init()
    // Blobs are read once each (file contents at a commit, notes): keeping them in
    // libgit2's object cache only costs memory, hundreds of MB over a long history.
    _ = sessiontrace_git_set_cache_object_limit(GIT_OBJECT_BLOB, 0)
    // Commits and trees of a long history would otherwise fill 256 MB per process.
    _ = sessiontrace_git_set_cache_max_size(64 << 20)
    // But trees larger than the default 4 KB limit were read again on every lookup: a
    // notes tree of 80,000 notes has 256 fan-out trees of ~20 KB, one per note lookup.
    _ = sessiontrace_git_set_cache_object_limit(GIT_OBJECT_TREE, 1 << 20)
    // As git itself does, objects are not hashed again on every read (`git fsck`
    // does that): it was 3 % of verifying a ledger, whose records are covered by
    // their signatures, which prove more about their bytes than a SHA-1 does.
    _ = sessiontrace_git_set_strict_hash_verification(0)
}()

/// Whether libgit2 accepts a CA bundle (`GIT_OPT_SET_SSL_CERT_LOCATIONS`). It never
/// does here: Sources/CLibGit2NoTLS stands in for mbedTLS's loader so that opening a
/// repository does not parse the system bundle; the tests hold that in place.
package func libgit2LoadsCertificates(fromFile path: String) -> Bool {
    _ = libgit2Initialised
    return sessiontrace_git_set_ssl_cert_file(path) == 0
}
