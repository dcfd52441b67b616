import CLibGit2

/// One changed region between two texts, as git's diff reports it with no context:
/// `oldCount` lines from old line `oldStart` were replaced by `newCount` lines at new
/// line `newStart` (1-based; for a pure insertion `oldStart` is the line after which
/// the new lines go, for a pure deletion `newStart` likewise).
public struct DiffHunk: Sendable, Equatable {
    public let oldStart: Int
    public let oldCount: Int
    public let newStart: Int
    public let newCount: Int

    public init(oldStart: Int, oldCount: Int, newStart: Int, newCount: Int) {
        self.oldStart = oldStart
        self.oldCount = oldCount
        self.newStart = newStart
        self.newCount = newCount
    }

    /// 0-based index of the first old line the hunk replaces (or inserts before).
    public var oldIndex: Int { oldCount == 0 ? oldStart : oldStart - 1 }
    /// 0-based index of the first new line of the hunk.
    public var newIndex: Int { newCount == 0 ? newStart : newStart - 1 }
}

/// Line diffs through libgit2's xdiff (the algorithm `git diff` uses), never treating
/// content as binary.
public enum LineDiff {
    public static func hunks(old: [UInt8], new: [UInt8]) throws -> [DiffHunk] {
        _ = libgit2Initialised
        var options = git_diff_options()
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        options.context_lines = 0
        options.interhunk_lines = 0
        options.flags = GIT_DIFF_FORCE_TEXT.rawValue
        var patch: OpaquePointer?
        try check(
            old.withUnsafeBytes { oldBytes in
                new.withUnsafeBytes { newBytes in
                    git_patch_from_buffers(
                        &patch, oldBytes.baseAddress, oldBytes.count, "old",
                        newBytes.baseAddress, newBytes.count, "new", &options)
                }
            }, "cannot diff")
        defer { git_patch_free(patch) }
        var hunks = [DiffHunk]()
        for index in 0..<git_patch_num_hunks(patch) {
            var hunk: UnsafePointer<git_diff_hunk>?
            var lineCount = 0
            try check(git_patch_get_hunk(&hunk, &lineCount, patch, index), "cannot read diff")
            guard let hunk else { continue }
            hunks.append(DiffHunk(
                oldStart: Int(hunk.pointee.old_start), oldCount: Int(hunk.pointee.old_lines),
                newStart: Int(hunk.pointee.new_start), newCount: Int(hunk.pointee.new_lines)))
        }
        return hunks
    }
}
