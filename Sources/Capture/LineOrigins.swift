import Git
import Ledger
import Records

/// Who wrote a line of a working file, as far as capture knows (spec/capture.md §3).
package struct Provenance: Codable, Hashable, Sendable {
    package enum Kind: String, Codable, Sendable {
        /// There before capture saw the file: not written in a captured session.
        case base
        case human, ai, mixed
        /// Came from a commit that left the branch (a reset, an undone commit) or a
        /// version elsewhere, with no record saying who wrote it: never counted as the
        /// person's, left out of the record's ranges (spec/capture.md §4).
        case unknown
    }

    package var kind: Kind
    package var agent: String?
    package var model: String?
    package var session: String?
    package var prompt: String?

    package init(kind: Kind, agent: String? = nil, model: String? = nil, session: String? = nil, prompt: String? = nil)
    {
        self.kind = kind
        self.agent = agent
        self.model = model
        self.session = session
        self.prompt = prompt
    }

    package static let base = Provenance(kind: .base)
    package static let human = Provenance(kind: .human)

    var isAI: Bool { kind == .ai || kind == .mixed }

    /// The same AI line after a person edited it.
    var editedByPerson: Provenance {
        isAI ? Provenance(kind: .mixed, agent: agent, model: model, session: session, prompt: prompt) : .human
    }

    /// The record's view: `base` lines (there before capture) count as the person's.
    /// `unknown` lines are never claimed (the caller leaves them out).
    package var contributor: Contributor {
        switch kind {
        case .base, .human, .unknown: return Contributor(type: .human)
        case .ai: return Contributor(type: .ai, agent: agent, modelID: model)
        case .mixed: return Contributor(type: .mixed, agent: agent, modelID: model)
        }
    }
}

/// Carries per-line provenance across an edit, using git's line diff
/// (spec/capture.md §3).
package enum LineOrigins {
    /// A person's edit from `old` to `new`: unchanged lines keep their provenance; in a
    /// replaced region the i-th new line pairs with the i-th old line and becomes
    /// `mixed` when that line was the AI's, `human` otherwise; lines beyond the pairs
    /// are `human`.
    package static func afterPersonEdit(_ labels: [Provenance], old: [UInt8], new: [UInt8]) throws -> [Provenance] {
        try afterPersonEditTracingBase(labels, old: old, new: new).labels
    }

    /// `afterPersonEdit`, and which new lines (0-based) replaced a `base` line, with
    /// that line's index in `old`: capture found those lines already there, and an
    /// earlier commit may have had them from an agent (the caller can ask its record).
    /// Lines the person moved (cut and pasted elsewhere in the file) keep their origin.
    package static func afterPersonEditTracingBase(_ labels: [Provenance], old: [UInt8], new: [UInt8]) throws
        -> (labels: [Provenance], replacedBase: [Int: Int])
    {
        var replacedBase = [Int: Int]()
        let hunks = LineDiff.hunks(old: old, new: new)
        var result = try carry(labels, old: old, hunks: hunks) { oldRegion, hunk in
            (0..<hunk.newCount).map { index in
                guard index < oldRegion.count else { return .human }
                let oldLabel = oldRegion[oldRegion.startIndex + index]
                if oldLabel.kind == .base { replacedBase[hunk.newIndex + index] = hunk.oldIndex + index }
                return oldLabel.editedByPerson
            }
        }
        for (newIndex, oldIndex) in movedLines(old: old, new: new, hunks: hunks) {
            result[newIndex] = labels[oldIndex]
            if labels[oldIndex].kind == .base {
                replacedBase[newIndex] = oldIndex
            } else {
                replacedBase[newIndex] = nil
            }
        }
        return (result, replacedBase)
    }

    /// An agent's edit from `old` to `new`: unchanged lines keep their provenance, every
    /// new or replaced line is the agent's.
    package static func afterAgentEdit(_ labels: [Provenance], old: [UInt8], new: [UInt8], agent: Provenance) throws
        -> [Provenance]
    {
        try afterAgentEdit(labels, old: old, hunks: LineDiff.hunks(old: old, new: new), agent: agent)
    }

    /// `afterAgentEdit` with the line diff of `old` and the new text already made.
    package static func afterAgentEdit(_ labels: [Provenance], old: [UInt8], hunks: [DiffHunk], agent: Provenance)
        throws -> [Provenance]
    {
        try carry(labels, old: old, hunks: hunks) { _, hunk in Array(repeating: agent, count: hunk.newCount) }
    }

    private static func carry(
        _ labels: [Provenance], old: [UInt8], hunks: [DiffHunk],
        replace: (ArraySlice<Provenance>, DiffHunk) -> [Provenance]
    ) throws -> [Provenance] {
        let oldCount = FileLines(old).count
        precondition(labels.count == oldCount, "labels do not match the old content")
        var result = [Provenance]()
        var oldPosition = 0
        for hunk in hunks {
            result += labels[oldPosition..<hunk.oldIndex]
            result += replace(labels[hunk.oldIndex..<hunk.oldIndex + hunk.oldCount], hunk)
            oldPosition = hunk.oldIndex + hunk.oldCount
        }
        result += labels[oldPosition...]
        return result
    }

    /// How much a version of a file tells about another's lines.
    package enum Evidence: Sendable {
        /// The version the lines came from (a rewritten commit, one a reset undid):
        /// unchanged and moved lines keep their origin, an AI line edited is `mixed`.
        case source
        /// A version elsewhere the lines may have been copied from (another branch):
        /// only blocks taken unchanged (as `movedBlockCharacters` counts them) or moved.
        case copy
    }

    /// Where lines of `new` come from in an earlier version `old` (0-based new index →
    /// old index): lines the diff leaves unchanged and blocks moved; from a `.source`,
    /// also each line paired with an old line it replaced (as in a person's edit),
    /// marked `edited`. A move wins over the diff's own view of a line.
    package static func correspondence(from old: [UInt8], new: [UInt8], evidence: Evidence = .source) -> [Int:
        Correspondence]
    {
        var result = [Int: Correspondence]()
        let hunks = LineDiff.hunks(old: old, new: new)
        let oldLines = FileLines(old)
        var oldLine = 0, newLine = 0
        func unchanged(until oldEnd: Int) {
            let run = oldLine..<oldEnd
            if evidence == .source || run.isEmpty || significantCharacters(oldLines, run) >= movedBlockCharacters {
                for offset in 0..<run.count {
                    result[newLine + offset] = Correspondence(old: oldLine + offset, edited: false)
                }
            }
            (oldLine, newLine) = (oldEnd, newLine + run.count)
        }
        for hunk in hunks {
            unchanged(until: hunk.oldIndex)
            for offset in 0..<min(hunk.oldCount, hunk.newCount) where evidence == .source {
                result[hunk.newIndex + offset] = Correspondence(old: hunk.oldIndex + offset, edited: true)
            }
            oldLine = hunk.oldIndex + hunk.oldCount
            newLine = hunk.newIndex + hunk.newCount
        }
        unchanged(until: oldLines.count)
        for (newIndex, oldIndex) in movedLines(old: old, new: new, hunks: hunks) {
            result[newIndex] = Correspondence(old: oldIndex, edited: false)
        }
        return result
    }

    /// A line of one version found in another: at `old`, taken over as it is or, when
    /// `edited`, the line it replaced.
    package struct Correspondence: Sendable {
        package let old: Int
        package let edited: Bool
    }

    /// What an earlier version `old` of a file says about the lines of `new` (0-based
    /// new index → provenance), given what is known of old lines (`label`, nil when
    /// nothing is): a line that corresponds unchanged keeps its old line's provenance;
    /// one that replaced an AI line is that line edited, `mixed`. Other lines get nothing.
    package static func inherited(
        from old: [UInt8], new: [UInt8], evidence: Evidence = .source,
        label: (Int) -> Provenance?
    ) -> [Int: Inherited] {
        correspondence(from: old, new: new, evidence: evidence).compactMapValues { found in
            guard let known = label(found.old) else { return nil }
            guard found.edited else { return Inherited(provenance: known, edited: false) }
            return known.isAI ? Inherited(provenance: known.editedByPerson, edited: true) : nil
        }
    }

    /// A line's provenance taken from another version; `edited` when the line is an
    /// edit of that version's AI line (it did not come over unchanged).
    package struct Inherited: Sendable {
        package let provenance: Provenance
        package let edited: Bool
    }

    /// A line's text without its line ending.
    static func text(_ lines: FileLines, _ index: Int) -> ArraySlice<UInt8> {
        var line = lines.bytes(ofLines: (index + 1)...(index + 1))
        if line.last == 0x0A { line = line.dropLast() }
        if line.last == 0x0D { line = line.dropLast() }
        return line
    }

    /// Letters and digits (and any non-ASCII byte) in lines `range` (0-based).
    static func significantCharacters(_ lines: FileLines, _ range: Range<Int>) -> Int {
        range.reduce(0) { total, index in
            total
                + text(lines, index).filter {
                    ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 >= 0x80
                }.count
        }
    }

    /// Lines of `new` (0-based index → index in `old`) that a diff shows as removed in
    /// one place and inserted in another, unchanged: blocks moved within the file, as
    /// `git blame -M` finds them. A block counts when its lines hold at least
    /// `movedBlockCharacters` letters and digits together (git's default score, 20), so
    /// that a lone `}` or blank line is never taken for a move.
    static func movedLines(old: [UInt8], new: [UInt8], hunks: [DiffHunk]) -> [Int: Int] {
        guard hunks.contains(where: { $0.oldCount > 0 }) && hunks.contains(where: { $0.newCount > 0 }) else {
            return [:]
        }
        let oldLines = FileLines(old), newLines = FileLines(new)
        var removed = Set<Int>(), inserted = [Int]()
        var removedByText = [ArraySlice<UInt8>: [Int]]()
        for hunk in hunks {
            for index in hunk.oldIndex..<(hunk.oldIndex + hunk.oldCount) {
                removed.insert(index)
                removedByText[text(oldLines, index), default: []].append(index)
            }
            inserted += hunk.newIndex..<(hunk.newIndex + hunk.newCount)
        }
        let insertedSet = Set(inserted)
        var used = Set<Int>()
        var moved = [Int: Int]()
        var position = 0
        while position < inserted.count {
            let start = inserted[position]
            var best: (old: Int, length: Int)?
            for candidate in (removedByText[text(newLines, start)] ?? []).prefix(32) where !used.contains(candidate) {
                var length = 1
                while insertedSet.contains(start + length), removed.contains(candidate + length),
                    !used.contains(candidate + length),
                    text(newLines, start + length) == text(oldLines, candidate + length)
                {
                    length += 1
                }
                if length > (best?.length ?? 0) { best = (candidate, length) }
            }
            guard let best else {
                position += 1
                continue
            }
            if significantCharacters(oldLines, best.old..<(best.old + best.length)) >= movedBlockCharacters {
                for offset in 0..<best.length {
                    moved[start + offset] = best.old + offset
                    used.insert(best.old + offset)
                }
                position += best.length
            } else {
                position += 1
            }
        }
        return moved
    }

    static let movedBlockCharacters = 20

    /// 1-based numbers of the lines of `new` that a diff from `old` inserts or replaces.
    package static func addedLines(old: [UInt8], new: [UInt8]) throws -> Set<Int> {
        addedLines(LineDiff.hunks(old: old, new: new))
    }

    /// 1-based numbers of the new lines `hunks` insert or replace.
    package static func addedLines(_ hunks: [DiffHunk]) -> Set<Int> {
        var added = Set<Int>()
        for hunk in hunks where hunk.newCount > 0 {
            added.formUnion(hunk.newStart..<hunk.newStart + hunk.newCount)
        }
        return added
    }
}
