import Git
import Ledger

/// Who wrote a line of a working file, as far as capture knows (spec/capture.md §3).
public struct Provenance: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// There before capture saw the file: not written in a captured session.
        case base
        case human, ai, mixed
    }

    public var kind: Kind
    public var agent: String?
    public var model: String?
    public var session: String?
    public var prompt: String?

    public init(kind: Kind, agent: String? = nil, model: String? = nil, session: String? = nil, prompt: String? = nil) {
        self.kind = kind
        self.agent = agent
        self.model = model
        self.session = session
        self.prompt = prompt
    }

    public static let base = Provenance(kind: .base)
    public static let human = Provenance(kind: .human)

    var isAI: Bool { kind == .ai || kind == .mixed }

    /// The same AI line after a person edited it.
    var editedByPerson: Provenance {
        isAI ? Provenance(kind: .mixed, agent: agent, model: model, session: session, prompt: prompt) : .human
    }

    /// The record's view: unknown earlier lines count as the person's.
    public var contributor: Contributor {
        switch kind {
        case .base, .human: return Contributor(type: .human)
        case .ai: return Contributor(type: .ai, agent: agent, modelID: model)
        case .mixed: return Contributor(type: .mixed, agent: agent, modelID: model)
        }
    }
}

/// Carries per-line provenance across an edit, using git's line diff
/// (spec/capture.md §3).
public enum LineOrigins {
    /// A person's edit from `old` to `new`: unchanged lines keep their provenance; in a
    /// replaced region the i-th new line pairs with the i-th old line and becomes
    /// `mixed` when that line was the AI's, `human` otherwise; lines beyond the pairs
    /// are `human`.
    public static func afterPersonEdit(_ labels: [Provenance], old: [UInt8], new: [UInt8]) throws -> [Provenance] {
        try afterPersonEditTracingBase(labels, old: old, new: new).labels
    }

    /// `afterPersonEdit`, and which new lines (0-based) replaced a `base` line, with
    /// that line's index in `old`: capture found those lines already there, and an
    /// earlier commit may have had them from an agent (the caller can ask its record).
    public static func afterPersonEditTracingBase(_ labels: [Provenance], old: [UInt8], new: [UInt8]) throws
        -> (labels: [Provenance], replacedBase: [Int: Int]) {
        var replacedBase = [Int: Int]()
        let result = try carry(labels, old: old, new: new) { oldRegion, hunk in
            (0..<hunk.newCount).map { index in
                guard index < oldRegion.count else { return .human }
                let oldLabel = oldRegion[oldRegion.startIndex + index]
                if oldLabel.kind == .base { replacedBase[hunk.newIndex + index] = hunk.oldIndex + index }
                return oldLabel.editedByPerson
            }
        }
        return (result, replacedBase)
    }

    /// An agent's edit from `old` to `new`: unchanged lines keep their provenance, every
    /// new or replaced line is the agent's.
    public static func afterAgentEdit(_ labels: [Provenance], old: [UInt8], new: [UInt8], agent: Provenance) throws -> [Provenance] {
        try carry(labels, old: old, new: new) { _, hunk in Array(repeating: agent, count: hunk.newCount) }
    }

    private static func carry(
        _ labels: [Provenance], old: [UInt8], new: [UInt8],
        replace: (ArraySlice<Provenance>, DiffHunk) -> [Provenance]
    ) throws -> [Provenance] {
        let oldCount = FileLines(old).count
        precondition(labels.count == oldCount, "labels do not match the old content")
        var result = [Provenance]()
        result.reserveCapacity(FileLines(new).count)
        var oldPosition = 0
        for hunk in LineDiff.hunks(old: old, new: new) {
            result += labels[oldPosition..<hunk.oldIndex]
            result += replace(labels[hunk.oldIndex..<hunk.oldIndex + hunk.oldCount], hunk)
            oldPosition = hunk.oldIndex + hunk.oldCount
        }
        result += labels[oldPosition...]
        return result
    }

    /// 1-based numbers of the lines of `new` that a diff from `old` inserts or replaces.
    public static func addedLines(old: [UInt8], new: [UInt8]) throws -> Set<Int> {
        var added = Set<Int>()
        for hunk in LineDiff.hunks(old: old, new: new) where hunk.newCount > 0 {
            added.formUnion(hunk.newStart..<hunk.newStart + hunk.newCount)
        }
        return added
    }
}
