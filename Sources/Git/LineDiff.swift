internal import CLibGit2
import DequeModule
import Foundation

/// One changed region between two texts, with no context: `oldCount` lines from old
/// line `oldStart` were replaced by `newCount` lines at new line `newStart` (1-based;
/// for a pure insertion `oldStart` is the line after which the new lines go — 0 at
/// the top — and likewise `newStart` for a pure deletion), as `git diff -U0` reports.
package struct DiffHunk: Sendable, Equatable {
    package let oldStart: Int
    package let oldCount: Int
    package let newStart: Int
    package let newCount: Int

    package init(oldStart: Int, oldCount: Int, newStart: Int, newCount: Int) {
        self.oldStart = oldStart
        self.oldCount = oldCount
        self.newStart = newStart
        self.newCount = newCount
    }

    /// 0-based index of the first old line the hunk replaces (or inserts before).
    package var oldIndex: Int { oldCount == 0 ? oldStart : oldStart - 1 }
    /// 0-based index of the first new line of the hunk.
    package var newIndex: Int { newCount == 0 ? newStart : newStart - 1 }
}

/// Gives equal lines equal small integers (1, 2, …): FNV-1a hashes in an open-addressing
/// table, with the bytes compared on every hit so that a hash collision can never make
/// two different lines equal. Lines are referred to in place, in buffers that outlive
/// the interner (one `hunks` call): nothing is copied or allocated per line.
private struct LineInterner {
    private var slots: [Int32]
    private var lines = [(hash: UInt64, start: UnsafePointer<UInt8>?, count: Int)]()
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        lines.reserveCapacity(capacity)
    }

    mutating func id(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int32 {
        let start = bytes.baseAddress.map { $0 + range.lowerBound }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        if var byte = start {
            for _ in 0..<range.count {
                hash = (hash ^ UInt64(byte.pointee)) &* 0x0000_0100_0000_01b3
                byte += 1
            }
        }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let id = slots[slot], line = lines[Int(id) - 1]
            if line.hash == hash, line.count == range.count,
                range.isEmpty || memcmp(line.start!, start!, range.count) == 0
            {
                return id
            }
            slot = (slot + 1) & mask
        }
        lines.append((hash, start, range.count))
        slots[slot] = Int32(lines.count)
        return Int32(lines.count)
    }
}

/// Line diffs with Myers' O(ND) algorithm (the one git uses by default), in Swift so
/// that the agent hooks need not start libgit2 (spec/capture.md §3). Lines are split
/// after each LF; a last line without LF differs from the same text with one.
package enum LineDiff {
    /// Above this many differing lines (after the common head and tail are set aside),
    /// the middle is reported as one replaced region instead of searched further.
    package static let maxEditDistance = 4_000

    package static func hunks(old: [UInt8], new: [UInt8]) -> [DiffHunk] {
        old.withUnsafeBufferPointer { o in new.withUnsafeBufferPointer { n in hunks(old: o, new: n) } }
    }

    /// The same, over bytes in place (a blob in libgit2's buffer, not copied).
    package static func hunks(old: UnsafeBufferPointer<UInt8>, new: UnsafeBufferPointer<UInt8>) -> [DiffHunk] {
        let oldStarts = lineStarts(old), newStarts = lineStarts(new)
        // A file created or emptied: one hunk, nothing to search.
        if oldStarts.isEmpty || newStarts.isEmpty {
            return oldStarts.isEmpty && newStarts.isEmpty
                ? []
                : [
                    DiffHunk(
                        oldStart: oldStarts.isEmpty ? 0 : 1, oldCount: oldStarts.count,
                        newStart: newStarts.isEmpty ? 0 : 1, newCount: newStarts.count)
                ]
        }
        func line(_ bytes: UnsafeBufferPointer<UInt8>, _ starts: [Int], _ index: Int) -> Range<Int> {
            starts[index]..<(index + 1 < starts.count ? starts[index + 1] : bytes.count)
        }
        func equal(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            a.count == b.count && memcmp(old.baseAddress! + a.lowerBound, new.baseAddress! + b.lowerBound, a.count) == 0
        }
        // Most edits touch a few lines: set the common head and tail aside by comparing
        // bytes, and give identities only to the lines in between.
        var head = 0
        while head < oldStarts.count, head < newStarts.count,
            equal(line(old, oldStarts, head), line(new, newStarts, head))
        { head += 1 }
        var tail = 0
        while tail < oldStarts.count - head, tail < newStarts.count - head,
            equal(line(old, oldStarts, oldStarts.count - 1 - tail), line(new, newStarts, newStarts.count - 1 - tail))
        { tail += 1 }
        var interner = LineInterner(
            capacity: max(0, oldStarts.count - tail - head) + max(0, newStarts.count - tail - head))
        let oldIDs = (head..<(oldStarts.count - tail)).map { interner.id(old, line(old, oldStarts, $0)) }
        let newIDs = (head..<(newStarts.count - tail)).map { interner.id(new, line(new, newStarts, $0)) }
        return hunks(old: oldIDs, new: newIDs).map {
            DiffHunk(
                oldStart: $0.oldStart + head, oldCount: $0.oldCount, newStart: $0.newStart + head, newCount: $0.newCount
            )
        }
    }

    /// Byte offsets where each line starts.
    package static func lineStarts(_ bytes: [UInt8]) -> [Int] {
        bytes.withUnsafeBufferPointer { lineStarts($0) }
    }

    static func lineStarts(_ buffer: UnsafeBufferPointer<UInt8>) -> [Int] {
        var starts = [Int]()
        var start = 0
        while start < buffer.count {
            starts.append(start)
            guard let newline = memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start) else { break }
            start = buffer.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return starts
    }

    /// Hunks between two sequences of line identities.
    package static func hunks(old a: [Int32], new b: [Int32]) -> [DiffHunk] {
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        let oldMiddle = a[head..<(a.count - tail)], newMiddle = b[head..<(b.count - tail)]
        if oldMiddle.isEmpty && newMiddle.isEmpty { return [] }
        let matches = matchedPairs(Array(oldMiddle), Array(newMiddle)).map { ($0.0 + head, $0.1 + head) }
        // The gaps between matched lines are the hunks.
        var result = [DiffHunk]()
        var oldPosition = head, newPosition = head
        for (oldLine, newLine) in matches + [(a.count - tail, b.count - tail)] {
            let oldCount = oldLine - oldPosition, newCount = newLine - newPosition
            if oldCount > 0 || newCount > 0 {
                result.append(
                    DiffHunk(
                        oldStart: oldCount == 0 ? oldPosition : oldPosition + 1, oldCount: oldCount,
                        newStart: newCount == 0 ? newPosition : newPosition + 1, newCount: newCount))
            }
            oldPosition = oldLine + 1
            newPosition = newLine + 1
        }
        return result
    }

    /// Index pairs of equal lines on a shortest edit script (Myers 1986, greedy
    /// forward search with the frontier of each step kept for the walk back).
    static func matchedPairs(_ a: [Int32], _ b: [Int32]) -> [(Int, Int)] {
        let n = a.count, m = b.count
        if n == 0 || m == 0 { return [] }
        let limit = min(n + m, maxEditDistance)
        // A script needs at least n + m - 2·(lines the two sides could share) steps. Past
        // the limit the search would end with nothing found (one replaced region); say so
        // now instead of after limit² steps.
        if n + m - 2 * sharableLines(a, b) > limit { return [] }
        // The furthest x on each diagonal k in -limit-1…limit+1, at frontier[k].
        let frontierStorage = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * limit + 3)
        frontierStorage.initialize(repeating: 0, count: 2 * limit + 3)
        defer { frontierStorage.deallocate() }
        let frontier = frontierStorage + (limit + 1)
        // The frontier before each step d, over the diagonals -d-1…d+1 that step reads,
        // one after another: step d's starts at d·(d+2). Up to 16 M entries at the limit.
        var trace = GrowingBuffer()
        defer { trace.deallocate() }
        var finalSteps: Int?
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let a = a.baseAddress!, b = b.baseAddress!
                search: for d in 0...limit {
                    trace.append(frontier - d - 1, count: 2 * d + 3)
                    var k = -d
                    while k <= d {
                        var x = Int(
                            k == -d || (k != d && frontier[k - 1] < frontier[k + 1])
                                ? frontier[k + 1] : frontier[k - 1] + 1)
                        var y = x - k
                        while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                        frontier[k] = Int32(x)
                        if x >= n && y >= m { finalSteps = d; break search }
                        k += 2
                    }
                }
            }
        }
        guard let steps = finalSteps else { return [] }  // too different: one replaced region
        var pairs = [(Int, Int)]()
        var x = n, y = m
        for d in stride(from: steps, through: 0, by: -1) {
            let base = d * (d + 2)
            func value(_ k: Int) -> Int { Int(trace.storage[base + k + d + 1]) }
            let k = x - y
            var previousX = 0, previousY = 0  // step 0 starts at the origin
            if d > 0 {
                let previousK = (k == -d || (k != d && value(k - 1) < value(k + 1))) ? k + 1 : k - 1
                previousX = value(previousK)
                previousY = previousX - previousK
            }
            while x > previousX, y > previousY {
                x -= 1
                y -= 1
                pairs.append((x, y))
            }
            x = previousX
            y = previousY
        }
        return pairs.reversed()
    }

    /// How many lines a common subsequence of `a` and `b` could hold at most: for each
    /// line identity, the fewer of its two counts.
    private static func sharableLines(_ a: [Int32], _ b: [Int32]) -> Int {
        let largest = Int(max(a.max() ?? 0, b.max() ?? 0)), smallest = Int(min(a.min() ?? 0, b.min() ?? 0))
        guard smallest >= 0, largest <= 4 * (a.count + b.count) else {
            // Identities from elsewhere than LineInterner: renumber them densely first.
            var dense = [Int32: Int32]()
            func renumbered(_ ids: [Int32]) -> [Int32] {
                ids.map { id in
                    dense[id]
                        ?? {
                            dense[id] = Int32(dense.count + 1); return Int32(dense.count)
                        }()
                }
            }
            return sharableLines(renumbered(a), renumbered(b))
        }
        var counts = [Int32](repeating: 0, count: largest + 1)
        for id in a { counts[Int(id)] += 1 }
        var shared = 0
        for id in b where counts[Int(id)] > 0 {
            counts[Int(id)] -= 1
            shared += 1
        }
        return shared
    }
}

/// The lines a commit added to one file (spec/records.md §7, `range-not-added`).
package enum AddedLines: Equatable, Sendable {
    /// The commit has no file at that path.
    case notAFile
    /// The commit, or the parent it is compared with, is not in this repository (past a
    /// shallow clone's boundary): nothing can be said.
    case unknown
    /// 1-based inclusive line ranges of the file at the commit, sorted and disjoint.
    case ranges([ClosedRange<Int>])

    /// Whether every line of `claim` is among the added lines.
    package func covers(_ claim: ClosedRange<Int>) -> Bool {
        guard case .ranges(let ranges) = self else { return self == .unknown }
        var next = claim.lowerBound
        for range in ranges where range.upperBound >= next {
            guard range.lowerBound <= next else { return false }
            next = range.upperBound + 1
            if next > claim.upperBound { return true }
        }
        return false
    }

    /// `3-5, 9` (the first few ranges), for messages; nil when not known.
    package var summary: String? {
        guard case .ranges(let ranges) = self else { return nil }
        if ranges.isEmpty { return "no lines" }
        let shown = ranges.prefix(4).map {
            $0.count == 1 ? "line \($0.lowerBound)" : "lines \($0.lowerBound)-\($0.upperBound)"
        }
        return shown.joined(separator: ", ") + (ranges.count > 4 ? ", …" : "")
    }

    /// Why `claim` is not all added lines (`a.txt: lines 1-4 were not all added by
    /// commit … (it added line 4)`), or nil when it is: verify's `range-not-added`
    /// and the writer's refusal say the same.
    package func uncovered(_ claim: ClosedRange<Int>, path: String, commit: ObjectID) -> String? {
        guard !covers(claim) else { return nil }
        return "\(path): lines \(claim.lowerBound)-\(claim.upperBound) were not all added by commit \(commit.shortHex)"
            + (summary.map { " (it added \($0))" } ?? "")
    }

    /// `claim` cut to the added lines it overlaps (empty when none).
    package func clip(_ claim: ClosedRange<Int>) -> [ClosedRange<Int>] {
        guard case .ranges(let ranges) = self else { return self == .unknown ? [claim] : [] }
        return ranges.compactMap { range in
            let lower = max(range.lowerBound, claim.lowerBound), upper = min(range.upperBound, claim.upperBound)
            return lower <= upper ? lower...upper : nil
        }
    }
}

extension Repository {
    /// The lines of `path` that `commit` added against its first parent's version of the
    /// same path, by the line diff capture uses (LineDiff): every line when the parent
    /// has no such file (a new, renamed or copied file) or the commit is a root. Runs
    /// for every record verify checks, so it reads what it needs straight from
    /// libgit2's objects: no blob is copied, an unchanged file is known from its id.
    package func addedLines(ofPath path: String, inCommit commitID: ObjectID) -> AddedLines {
        guard hasObject(commitID) else { return .unknown }
        let ids: (tree: ObjectID, parent: ObjectID?)? = try? withCommit(commitID) { commit in
            (
                ObjectID(git_commit_tree_id(commit).pointee),
                git_commit_parentcount(commit) > 0 ? ObjectID(git_commit_parent_id(commit, 0).pointee) : nil
            )
        }
        guard let ids else { return .unknown }
        guard let newBlob = blobID(path, inTree: ids.tree) else { return .notAFile }
        var oldBlob: ObjectID?
        if let parent = ids.parent {
            guard hasObject(parent),
                let parentTree = try? withCommit(parent, { ObjectID(git_commit_tree_id($0).pointee) })
            else { return .unknown }
            oldBlob = blobID(path, inTree: parentTree)
            if oldBlob == newBlob { return .ranges([]) }
        }
        let result: [ClosedRange<Int>]? = try? withVersion(newBlob, carried: false) { new in
            guard let oldBlob else {
                let count = LineDiff.lineStarts(new).count
                return count == 0 ? [] : [1...count]
            }
            return try withVersion(oldBlob, carried: true) { old in
                LineDiff.hunks(old: old, new: new).compactMap { hunk in
                    hunk.newCount > 0 ? hunk.newStart...(hunk.newStart + hunk.newCount - 1) : nil
                }
            }
        }
        return result.map(AddedLines.ranges) ?? .unknown
    }

    /// A blob's bytes for `addedLines`: a version the carried set holds is taken from it
    /// (it was read as a parent's version and is now wanted once more, as the version its
    /// own commit wrote); with `carried`, a version read here is kept for that moment.
    private func withVersion<T>(_ id: ObjectID, carried: Bool, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws
        -> T
    {
        if let bytes = carriedVersions.take(id) {
            if carried { carriedVersions.keep(id, bytes) }  // a parent's version again (a sibling)
            return try bytes.withUnsafeBufferPointer(body)
        }
        return try withBlobBytes(id) { bytes in
            if carried { carriedVersions.keep(id, Array(bytes)) }
            return try body(bytes)
        }
    }

    /// The blob at `path` in a tree, or nil when the path names no blob there.
    private func blobID(_ path: String, inTree tree: ObjectID) -> ObjectID? {
        guard let root = recentTrees.tree(tree, in: self) else { return nil }
        var entry: OpaquePointer?
        guard GitPath.withCString(path, { git_tree_entry_bypath(&entry, root, $0) }) == 0 else { return nil }
        defer { git_tree_entry_free(entry) }
        return git_tree_entry_type(entry) == GIT_OBJECT_BLOB ? ObjectID(git_tree_entry_id(entry).pointee) : nil
    }
}

/// The last few trees `addedLines` parsed, owned here (freed when pushed out). Parsing
/// a tree builds all its entries; newest first, each tree is wanted twice in a row.
struct RecentTrees {
    private static let capacity = 4
    private var trees: [(id: ObjectID, tree: OpaquePointer)] = []

    mutating func tree(_ id: ObjectID, in repository: Repository) -> OpaquePointer? {
        if let index = trees.firstIndex(where: { $0.id == id }) { return trees[index].tree }
        var oid = id.oid
        var tree: OpaquePointer?
        guard git_tree_lookup(&tree, repository.pointer, &oid) == 0, let tree else { return nil }
        if trees.count == Self.capacity { git_tree_free(trees.removeFirst().tree) }
        trees.append((id, tree))
        return tree
    }

    mutating func removeAll() {
        for entry in trees { git_tree_free(entry.tree) }
        trees = []
    }
}

/// File versions `addedLines` read as a commit's parent version, kept for when the
/// commit that wrote them is checked. Verify goes through history newest first, so
/// each version is needed at most twice: once as a parent's (read, kept here) and once
/// as its own commit's (taken from here, dropped). That halves the blobs inflated, the
/// larger part of the work. Bounded in bytes; the oldest kept are dropped first.
struct CarriedVersions {
    static let byteLimit = 32 << 20
    private var versions = [ObjectID: [UInt8]]()
    private var order = Deque<ObjectID>()
    private var bytes = 0

    mutating func take(_ id: ObjectID) -> [UInt8]? {
        guard let version = versions.removeValue(forKey: id) else { return nil }
        bytes -= version.count
        return version
    }

    mutating func keep(_ id: ObjectID, _ version: [UInt8]) {
        guard version.count <= Self.byteLimit / 4, versions[id] == nil else { return }
        versions[id] = version
        order.append(id)
        bytes += version.count
        while bytes > Self.byteLimit, let oldest = order.popFirst() {
            if let dropped = versions.removeValue(forKey: oldest) { bytes -= dropped.count }
        }
        // Ids of versions already taken linger in `order`; compact when they dominate.
        if order.count > 4 * max(versions.count, 64) { order = Deque(order.filter { versions[$0] != nil }) }
    }
}

/// An Int32 array without bounds checks or copy-on-write, for the diff's trace.
private struct GrowingBuffer {
    private(set) var storage = UnsafeMutablePointer<Int32>.allocate(capacity: 1024)
    private var capacity = 1024
    private var count = 0

    mutating func append(_ values: UnsafePointer<Int32>, count added: Int) {
        if count + added > capacity {
            while count + added > capacity { capacity *= 2 }
            let grown = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
            grown.moveInitialize(from: storage, count: count)
            storage.deallocate()
            storage = grown
        }
        (storage + count).initialize(from: values, count: added)
        count += added
    }

    func deallocate() { storage.deallocate() }
}
