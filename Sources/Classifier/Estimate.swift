import Diagnostics
import Foundation
import Git
import Records

/// What the classifier says of one commit (spec/classifier.md §2, §4): never a fact,
/// always an estimate with the evidence behind it.
public struct CommitEstimate: Sendable {
    public struct Signal: Sendable, Equatable {
        /// A metadata signal's name, or a content feature's (a style number, or
        /// `ngrams` for the hashed token and byte n-grams together).
        public var name: String
        /// The metadata that shows it, or the feature's part of the logit, signed.
        public var detail: String
    }

    public struct Block: Sendable {
        public var path: String
        public var startLine: Int
        public var endLine: Int
        /// nil: not scored (`unscoredReason` says why).
        public var probabilityBP: Int?
        public var unscoredReason: String?
        public var signals: [Signal]

        public var lineCount: Int { endLine - startLine + 1 }
    }

    public var commit: String
    public var authorTime: Int64
    /// The commit has a SessionTrace record: it is not estimated.
    public var captured = false
    /// nil: nothing in the commit carries a signal.
    public var probabilityBP: Int?
    public var confidence: String?
    public var signals: [Signal]
    public var blocks: [Block]

    /// A metadata signal gave the probability (spec/classifier.md §2), not the content.
    public var settled: Bool { signals.contains { Records.Estimate.evidenceNames.contains($0.name) } }

    public var linesScored: Int { blocks.filter { $0.probabilityBP != nil }.reduce(0) { $0 + $1.lineCount } }
    public var linesAdded: Int { blocks.reduce(0) { $0 + $1.lineCount } }
}

/// Scores commits: metadata first (unless content only), then each scoreable block.
public struct CommitClassifier {
    public let model: ClassifierModel
    public let contentOnly: Bool
    private var scratch = FeatureScratch()

    public init(model: ClassifierModel = .embedded, contentOnly: Bool) {
        self.model = model
        self.contentOnly = contentOnly
    }

    public static func basisPoints(_ probability: Double) -> Int { Int((probability * 10_000).rounded()) }

    public static func confidence(_ bp: Int) -> String { Records.Estimate.confidence(bp) }

    /// The block's calibrated probability and the three features that moved it most.
    public mutating func score(_ block: AddedBlock) -> (bp: Int, logit: Double, signals: [CommitEstimate.Signal]) {
        let features = BlockFeatures(lines: block.lines, context: block.context, scratch: &scratch)
        let (logit, parts) = model.logit(features)
        let names = BlockFeatures.denseNames.prefix(model.denseCount) + ["ngrams"]
        let strongest = parts.indices.sorted { abs(parts[$0]) > abs(parts[$1]) }.prefix(3)
        let signals = strongest.map {
            CommitEstimate.Signal(name: names[$0], detail: String(format: "%+.2f", parts[$0]))
        }
        return (Self.basisPoints(model.blockProbability(logit)), logit, signals)
    }

    /// `captured`: the commit has a record, so it is listed but not estimated (its
    /// blocks unknown), never mixing an estimate with captured figures.
    /// `parentsMissing`: a shallow clone's boundary commit, whose diff git reads as its
    /// whole tree: what it added is not known here, so it is not estimated at all.
    public mutating func estimate(
        commit: String, authorName: String, authorEmail: String = "", authorTime: Int64, message: String,
        blocks: [AddedBlock],
        captured: Bool = false, parentsMissing: Bool = false
    ) -> CommitEstimate {
        var estimate = CommitEstimate(
            commit: commit, authorTime: authorTime, probabilityBP: nil, confidence: nil, signals: [], blocks: [])
        if captured {
            estimate.captured = true
            estimate.signals = [.init(name: "captured", detail: "has a SessionTrace record ('git trace show')")]
            estimate.blocks = blocks.map {
                .init(
                    path: $0.path, startLine: $0.startLine, endLine: $0.endLine, probabilityBP: nil,
                    unscoredReason: "captured", signals: [])
            }
            return estimate
        }
        if parentsMissing {
            estimate.signals = [
                .init(
                    name: "shallow-boundary",
                    detail: "its parents are not in this shallow clone: what it added cannot be read")
            ]
            return estimate
        }
        var settled: Int?
        if !contentOnly {
            if let (signal, shown) = MetadataSignal.aiSignal(
                authorName: authorName, authorEmail: authorEmail, message: message)
            {
                settled = 9_900
                estimate.signals.append(.init(name: signal.rawValue, detail: shown))
            } else if authorTime < MetadataSignal.assistantsAvailable {
                settled = 100
                estimate.signals.append(
                    .init(name: MetadataSignal.beforeAIAssistants.rawValue, detail: "authored before 2021-06-01"))
            }
        }
        var weighted = 0.0
        var lines = 0
        for block in blocks {
            var entry = CommitEstimate.Block(
                path: block.path, startLine: block.startLine, endLine: block.endLine, probabilityBP: nil,
                unscoredReason: block.unscoredReason, signals: [])
            if entry.unscoredReason == nil {
                if let settled {
                    entry.probabilityBP = settled
                } else {
                    let scored = score(block)
                    entry.probabilityBP = scored.bp
                    entry.signals = scored.signals
                    weighted += scored.logit * Double(block.lines.count)
                    lines += block.lines.count
                }
            }
            estimate.blocks.append(entry)
        }
        if let settled {
            estimate.probabilityBP = settled
        } else if lines > 0 {
            estimate.probabilityBP = Self.basisPoints(model.commitProbability(weighted / Double(lines)))
            estimate.signals = Self.strongestContentSignals(estimate.blocks)
        }
        estimate.confidence = estimate.probabilityBP.map(Self.confidence)
        return estimate
    }

    /// The content features named most often among the blocks' strongest.
    static func strongestContentSignals(_ blocks: [CommitEstimate.Block]) -> [CommitEstimate.Signal] {
        var seen = [String: (count: Int, first: Int)]()
        var order = 0
        for block in blocks {
            for signal in block.signals {
                seen[signal.name, default: (0, order)].count += 1
                order += 1
            }
        }
        return seen.sorted {
            $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.value.first < $1.value.first
        }
        .prefix(3).map { CommitEstimate.Signal(name: $0.key, detail: "strongest in \($0.value.count) block(s)") }
    }
}

/// Reads commits and their added blocks from `git log -p -U0` as git writes them, and
/// hands each to `body` (spec/classifier.md §1).
package struct HistoryReader {
    package struct Commit: Sendable {
        package var id: String
        package var authorName: String
        package var authorEmail: String
        package var authorTime: Int64
        package var message: String
        package var blocks: [AddedBlock]
        /// A shallow clone's boundary commit: `blocks` would be its whole tree, so it
        /// has none (CommitClassifier.estimate's `parentsMissing`).
        package var parentsMissing = false
    }

    let git: GitCommand
    let repository: Repository
    /// Whether blocks get their file context (the model weighs it, §3.4).
    let readingContexts: Bool
    /// The paths git diffs as text or binary by an attribute, not by content.
    package let attributes: DiffAttributes

    /// `attributes`: answers of an earlier reader of the same repository to go on
    /// from (one `check-attr` for a whole verification); nil: asked afresh.
    package init(repository: Repository, readingContexts: Bool, attributes: DiffAttributes? = nil) {
        self.repository = repository
        self.git = GitCommand(repository: repository)
        self.readingContexts = readingContexts
        self.attributes = attributes ?? DiffAttributes(git: git)
    }

    /// Marks the blocks whose files the commit's own `.gitattributes` marks as generated
    /// or vendored (spec/classifier.md §1); only blocks otherwise scored are looked up.
    func markingAttributes(_ blocks: [AddedBlock], of commit: String) throws -> [AddedBlock] {
        guard let id = ObjectID(hex: commit), blocks.contains(where: { $0.unscoredReason == nil }) else {
            return blocks
        }
        var attributes = try TreeAttributes(repository: repository, commit: id)
        var marks = [String: String?]()
        return try blocks.map { block in
            guard block.unscoredReason == nil else { return block }
            if marks[block.path] == nil {
                let states = try attributes.states(of: AddedBlock.excludingAttributes, forPath: block.path)
                marks[block.path] = .some(AddedBlock.excludingAttributes.first { states[$0]?.isTrue == true })
            }
            var marked = block
            marked.attributeMark = marks[block.path] ?? nil
            return marked
        }
    }

    /// The added blocks of files git printed as binary whose two versions are text by
    /// content (`isBinaryContent`): git follows attributes (`-diff`, `binary`) from
    /// `info/attributes`, the work tree, a committed `.gitattributes`, which differ
    /// from clone to clone or which a commit can set to hide its code from estimates.
    /// Their blocks are the runs of lines capture's line diff finds added against the
    /// first parent's file at the same path.
    func textBlocks(of paths: [String], in commit: ObjectID) throws -> [AddedBlock] {
        var blocks = [AddedBlock]()
        for path in paths {
            guard let versions = try repository.textVersions(path, inCommit: commit) else { continue }
            let new = versions.new
            let lines = (new.last == 0x0A ? new.dropLast() : new[...]).split(
                separator: 0x0A, omittingEmptySubsequences: false)
            for hunk in LineDiff.hunks(old: versions.old ?? [], new: new)
            where hunk.newCount > 0 && hunk.newStart - 1 + hunk.newCount <= lines.count {
                blocks.append(
                    AddedBlock(
                        path: path, startLine: hunk.newStart,
                        lines: Array(lines[(hunk.newStart - 1)..<(hunk.newStart - 1 + hunk.newCount)])))
            }
        }
        return blocks
    }

    /// The blocks less those of files an attribute made git diff as text (`*.png diff`,
    /// `DiffAttributes`) whose content, in the commit or its first parent, is binary:
    /// capture would read neither, and their "lines" are no one's writing.
    func droppingBinaryContent(_ blocks: [AddedBlock], in commit: ObjectID) throws -> [AddedBlock] {
        var binary = [String: Bool]()
        return try blocks.filter { block in
            guard attributes.attributeDecides(block.path) else { return true }
            if binary[block.path] == nil {
                binary[block.path] = try repository.textVersions(block.path, inCommit: commit) == nil
            }
            return binary[block.path] == false
        }
    }

    /// Gives each block that is scored its file context: its file in the commit's first
    /// parent, read once per file (spec/classifier.md §3.4). A file the parent does not
    /// have (added by the commit), or a root commit, gives none.
    func addingContexts(_ blocks: [AddedBlock], of commit: String) throws -> [AddedBlock] {
        guard readingContexts, let id = ObjectID(hex: commit), blocks.contains(where: { $0.unscoredReason == nil }),
            let parent = try repository.firstParentID(of: id)
        else { return blocks }
        var versions = [String: [UInt8]?]()
        return try blocks.map { block in
            guard block.unscoredReason == nil else { return block }
            if versions[block.path] == nil {
                if case .blob(let bytes) = try repository.content(ofPath: block.path, inCommit: parent) {
                    versions[block.path] = .some(bytes)
                } else {
                    versions[block.path] = .some(nil)
                }
            }
            var withContext = block
            withContext.context = (versions[block.path] ?? nil).flatMap {
                BlockFeatures.contextWindow(parent: $0, start: block.startLine)
            }
            return withContext
        }
    }

    /// `revisions`: what `git log` takes (a range, a commit); `paths`: limits to these.
    package func forEach(revisions: [String], paths: [String], _ body: (Commit) throws -> Void) throws {
        // Headers and the end of each message carry a nonce: a commit message cannot
        // forge another commit's header or end its own message early.
        let nonce = (0..<4).map { _ in String(UInt32.random(in: .min ... .max), radix: 16) }.joined()
        let header = Array("\u{1}\(nonce)".utf8)
        let messageEnd = Array("\u{3}\(nonce)".utf8)
        let arguments =
            GitCommand.pinnedHistorySettings + [
                "log", "--format=%x01\(nonce)%H%x02%an%x02%ae%x02%at%n%B%n%x03\(nonce)", "-p", "-U0", "--no-renames",
                "--no-color",
                "--no-ext-diff", "--diff-merges=off", "--no-textconv",
            ] + GitCommand.pinnedDiffOptions + revisions + ["--"] + paths
        var current: Commit?
        var inMessage = false
        var message = [UInt8]()
        var reader = DiffBlockReader()
        var failure: Error?
        let boundary = try repository.shallowBoundary()
        /// The commit with the blocks read since its header, or none at a shallow boundary.
        func finished(_ commit: Commit) throws -> Commit {
            var commit = commit
            let binary = reader.binaryByGit
            var blocks = reader.finish()
            guard let id = ObjectID(hex: commit.id) else { return commit }
            if boundary.contains(id) {
                commit.parentsMissing = true
            } else {
                blocks = try droppingBinaryContent(blocks, in: id)
                if !binary.isEmpty { blocks += try textBlocks(of: binary, in: id) }
                commit.blocks = try addingContexts(try markingAttributes(blocks, of: commit.id), of: commit.id)
            }
            return commit
        }
        let result = try git.stream(arguments) { line in
            guard failure == nil else { return }
            if !inMessage && line.starts(with: header) {
                if let commit = current {
                    do { try body(try finished(commit)) } catch { failure = error }
                }
                let fields = line.dropFirst(header.count).split(separator: 0x02, omittingEmptySubsequences: false)
                guard fields.count == 4 else {
                    current = nil
                    return
                }
                current = Commit(
                    id: String(decoding: fields[0], as: UTF8.self),
                    authorName: String(decoding: fields[1], as: UTF8.self),
                    authorEmail: String(decoding: fields[2], as: UTF8.self),
                    authorTime: Int64(String(decoding: fields[3], as: UTF8.self)) ?? 0, message: "", blocks: [])
                inMessage = true
                message.removeAll(keepingCapacity: true)
            } else if inMessage {
                if line.elementsEqual(messageEnd) {
                    current?.message = String(decoding: message, as: UTF8.self)
                    inMessage = false
                } else {
                    message.append(contentsOf: line)
                    message.append(0x0A)
                }
            } else {
                reader.read(line)
            }
        }
        if let failure { throw failure }
        guard result.status == 0 else {
            let reason = result.reason
            // A snapshot or partial clone that left objects out: say so, not only git's words.
            let missing = ["unable to read", "bad object", "missing blob", "could not read"].contains {
                reason.contains($0)
            }
            throw ClassifyError(
                description: "git log failed: \(reason)"
                    + (missing ? " (the repository lacks that object: a partial or damaged clone)" : ""))
        }
        if let commit = current { try body(try finished(commit)) }
    }
}

public struct ClassifyError: UserFacingError {
    public let description: String

    package init(description: String) { self.description = description }
}
