internal import CLibGit2
import Foundation

/// Two versions of a file compared as `git blame` compares a file with its parent's
/// version: git's own diff engine (xdiff, which libgit2 carries), no context, the
/// common tail trimmed first as git's `xdi_diff` does, so that the changed regions —
/// and with them the lines blame passes on to the parent — come out as git's do.
package struct BlameDiff: Sendable {
    /// The changed regions, in order.
    package let hunks: [DiffHunk]
    /// Lines of each version as xdiff counts them (a last line without LF counts).
    package let oldLineCount: Int
    package let newLineCount: Int

    /// Runs of lines both versions share, in order: `count` lines from old line
    /// `old` on (1-based) are new lines from `new` on.
    package var unchanged: [(old: Int, new: Int, count: Int)] {
        var runs = [(old: Int, new: Int, count: Int)]()
        var old = 1
        var new = 1
        for hunk in hunks {
            let count = hunk.newIndex + 1 - new
            if count > 0 { runs.append((old, new, count)) }
            old = hunk.oldIndex + 1 + hunk.oldCount
            new = hunk.newIndex + 1 + hunk.newCount
        }
        if newLineCount >= new { runs.append((old, new, newLineCount - new + 1)) }
        return runs
    }

    /// Lines as xdiff counts them.
    package static func lineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        var count = 0
        var cursor = UnsafeRawPointer(base)
        var left = bytes.count
        while left > 0, let found = memchr(cursor, 0x0A, left) {
            count += 1
            let consumed = UnsafeRawPointer(found) - cursor + 1
            cursor += consumed
            left -= consumed
        }
        return left > 0 ? count + 1 : count
    }

    /// How many trailing bytes git leaves out of both versions before diffing
    /// (`trim_common_tail`): whole 1 KiB blocks both end with, less the part of the
    /// first of them up to and including its first LF, so that a whole line is kept.
    static func trimmedTail(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let block = 1024
        let smaller = min(a.count, b.count)
        guard smaller >= block, let aBase = a.baseAddress, let bBase = b.baseAddress else { return 0 }
        var trimmed = 0
        while block + trimmed <= smaller,
            memcmp(aBase + a.count - trimmed - block, bBase + b.count - trimmed - block, block) == 0
        {
            trimmed += block
        }
        var recovered = 0
        let cut = aBase + a.count - trimmed
        while recovered < trimmed {
            let byte = cut[recovered]
            recovered += 1
            if byte == 0x0A { break }
        }
        return trimmed - recovered
    }
}

extension Repository {
    /// The blame comparison of two blobs, with the indent heuristic (git's default,
    /// which reports pin whatever `diff.indentHeuristic` says).
    package func blameDiff(old: ObjectID, new: ObjectID) throws -> BlameDiff {
        try withBlobBytes(old) { oldBytes in
            // The first buffer must stay valid while the second is read: copy it.
            let oldCopy = Array(oldBytes)
            return try withBlobBytes(new) { newBytes in
                try oldCopy.withUnsafeBufferPointer {
                    try BlameDiff(old: $0, new: newBytes)
                }
            }
        }
    }

    /// Lines of a blob as xdiff counts them.
    package func lineCount(ofBlob id: ObjectID) throws -> Int {
        try withBlobBytes(id) { BlameDiff.lineCount($0) }
    }
}

extension BlameDiff {
    package init(old: UnsafeBufferPointer<UInt8>, new: UnsafeBufferPointer<UInt8>) throws {
        oldLineCount = Self.lineCount(old)
        newLineCount = Self.lineCount(new)
        let tail = Self.trimmedTail(old, new)
        var options = git_diff_options()
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        options.context_lines = 0
        options.interhunk_lines = 0
        options.flags = GIT_DIFF_FORCE_TEXT.rawValue | GIT_DIFF_INDENT_HEURISTIC.rawValue
        final class Collected { var hunks = [DiffHunk]() }
        let collected = Collected()
        let status = withExtendedLifetime(collected) {
            git_diff_buffers(
                old.baseAddress, old.count - tail, nil, new.baseAddress, new.count - tail, nil, &options, nil, nil,
                { _, hunk, payload in
                    guard let hunk, let payload else { return 0 }
                    let collected = Unmanaged<Collected>.fromOpaque(payload).takeUnretainedValue()
                    collected.hunks.append(
                        DiffHunk(
                            oldStart: Int(hunk.pointee.old_start), oldCount: Int(hunk.pointee.old_lines),
                            newStart: Int(hunk.pointee.new_start), newCount: Int(hunk.pointee.new_lines)))
                    return 0
                }, nil, Unmanaged.passUnretained(collected).toOpaque())
        }
        guard status == 0 else { throw GitError(kind: .other(status), message: "cannot compare two file versions") }
        hunks = collected.hunks
    }
}
