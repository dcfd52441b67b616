import Classifier
import Diagnostics
import Foundation
import Git
import Keys
import Ledger
import Records
import Verification

/// `git trace classify` as a whole (spec/classifier.md §6): each commit of a range
/// estimated, captured commits listed but not estimated, and, with a signer, every
/// estimate with something to say signed into the notes (spec/records.md §8.3).
package struct HistoryEstimation {
    package let repository: Repository
    package let range: String
    package let paths: [String]
    package let contentOnly: Bool
    /// Who signs estimate records; nil: nothing is written.
    package let signer: SigningIdentity?

    package init(repository: Repository, range: String, paths: [String], contentOnly: Bool, signer: SigningIdentity?) {
        self.repository = repository
        self.range = range
        self.paths = paths
        self.contentOnly = contentOnly
        self.signer = signer
    }

    /// What a run did: the totals, and what it recorded.
    package struct Outcome {
        package var summary = ClassificationSummary()
        package var recorded = 0
        /// Commits the signer's key had already estimated with this model and mode.
        package var alreadyRecorded = 0
    }

    /// The number of commits `run` will read (for a progress meter).
    package func commitCount() throws -> Int {
        _ = try repository.resolveRange(range)  // a bad range is named before any work starts
        let counted = try GitCommand(repository: repository).run(
            GitCommand.pinnedHistorySettings + ["rev-list", "--count", range, "--"] + paths)
        guard counted.status == 0, let total = Int(counted.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw ClassifyError(description: "cannot list the commits of \(range): \(counted.reason)") }
        return total
    }

    /// Estimates each commit, newest first, handing each to `each` as it comes.
    package func run(model: ClassifierModel = .embedded, _ each: (CommitEstimate) throws -> Void) throws -> Outcome {
        let noted = try NotedCommits(repository: repository, signer: signer)
        var classifier = CommitClassifier(model: model, contentOnly: contentOnly)
        var recorder = signer.map { EstimateRecorder(repository: repository, signer: $0, model: model) }
        var outcome = Outcome()
        outcome.summary.calibration = model.shareCalibration
        try HistoryReader(repository: repository, readingContexts: model.readsFileContext).forEach(
            revisions: [range], paths: paths
        ) { commit in
            let id = ObjectID(hex: commit.id)
            let estimate = classifier.estimate(
                commit: commit.id, authorName: commit.authorName, authorEmail: commit.authorEmail,
                authorTime: commit.authorTime,
                message: commit.message, blocks: commit.blocks,
                captured: id.flatMap { noted.records(of: $0) }?.attribution != nil,
                parentsMissing: commit.parentsMissing)
            outcome.summary.add(estimate)
            // Captured commits are never estimated: their notes need no second reading.
            if let id, !estimate.captured, estimate.probabilityBP != nil {
                try recorder?.add(estimate, contentOnly: contentOnly, existing: noted.ownEstimate(of: id))
            }
            try each(estimate)
        }
        try recorder?.finish()
        outcome.recorded = recorder?.written ?? 0
        outcome.alreadyRecorded = recorder?.alreadyRecorded ?? 0
        return outcome
    }
}

/// The commits that have a note, and what their records are (read when asked).
struct NotedCommits {
    private let noted: Set<ObjectID>
    private let index: RecordIndex
    /// Records that verify under the signer's own key alone: their earlier estimates.
    private let own: RecordIndex?

    init(repository: Repository, signer: SigningIdentity?) throws {
        noted = Set(try repository.allNotes(ref: NotesLedger.notesRef).map(\.target))
        index = RecordIndex(repository: repository)
        own = try signer.map { signer in
            let line = "\"\(signer.email)\" \(signer.key.publicKey.openSSH)"
            let trust = try AllowedSigners(text: line, source: "the signing key \(signer.keyPath)")
            return RecordIndex(repository: repository, trust: RecordTrust(signers: trust))
        }
    }

    /// nil: the commit has no note. Records are read as displays read them without a
    /// trust file: a commit with an attribution record is captured, never estimated.
    func records(of commit: ObjectID) -> RecordIndex.CommitRecords? {
        noted.contains(commit) ? index.readRecords(of: commit) : nil
    }

    /// The newest estimate of `commit` that the signer's own key signed.
    func ownEstimate(of commit: ObjectID) -> Estimate? {
        guard noted.contains(commit) else { return nil }
        return own?.readRecords(of: commit).estimate?.predicate
    }
}

/// Signs estimates as they come and writes them in batches: a long run interrupted
/// keeps what it wrote (each batch is one notes commit), and a run again skips it.
struct EstimateRecorder {
    let repository: Repository
    let signer: SigningIdentity
    let model: ClassifierModel
    private var pending = [(commit: ObjectID, estimate: Estimate)]()
    private(set) var written = 0
    private(set) var alreadyRecorded = 0
    private let time = Timestamp.format(unixSeconds: Int64(Date().timeIntervalSince1970))
    static let batchSize = 500

    init(repository: Repository, signer: SigningIdentity, model: ClassifierModel) {
        self.repository = repository
        self.signer = signer
        self.model = model
    }

    mutating func add(_ estimate: CommitEstimate, contentOnly: Bool, existing: Estimate?) throws {
        // Estimated already, by this signer's key with these weights in this mode: the
        // same estimate again would only add a line. Another key's estimate does not
        // count: an auditor may trust only their own.
        if let existing, existing.modelSHA256 == model.sha256, existing.contentOnly == contentOnly {
            alreadyRecorded += 1
            return
        }
        guard let commit = ObjectID(hex: estimate.commit),
            let predicate = estimate.record(
                model: model, contentOnly: contentOnly,
                tool: ToolInfo(name: RecordBuilder.toolName, version: RecordBuilder.toolVersion),
                signer: SignerInfo(email: signer.email, publicKey: nil), at: time, repository: repository)
        else { return }
        pending.append((commit, predicate))
        if pending.count >= Self.batchSize { try finish() }
    }

    mutating func finish() throws {
        try RecordBuilder(repository: repository).recordEstimates(pending, signer: signer)
        written += pending.count
        pending.removeAll()
    }
}

/// Totals over the commits classified: the estimated AI share of the lines scored, read
/// with the model's share calibration (spec/classifier.md §6).
package struct ClassificationSummary {
    package var commits = 0
    package var commitsScored = 0
    package var commitsCaptured = 0
    package var linesAdded = 0
    package var tally = EstimateTally()
    /// The model's (spec/classifier.md §6).
    package var calibration: ShareCalibration?

    package var figures: EstimateFigures { tally.figures(calibration) }

    mutating func add(_ estimate: CommitEstimate) {
        commits += 1
        if estimate.captured { commitsCaptured += 1 }
        if estimate.probabilityBP != nil { commitsScored += 1 }
        linesAdded += estimate.linesAdded
        for block in estimate.blocks {
            guard let bp = block.probabilityBP else { continue }
            tally.add(lines: block.lineCount, probabilityBP: bp, settled: estimate.settled)
        }
    }
}

/// Makes estimates again with the classifier model built in: what `verify --content`
/// and `show --trust` hand to verification. The model is read only when an estimate
/// is met, not when the remaker is made.
package struct ClassifierRemaker: EstimateRemaking {
    /// Commits read ahead (`readingAhead`), by id.
    private let readAhead: [ObjectID: HistoryReader.Commit]
    /// The attribute answers of the last read ahead, for the next to go on from.
    private let attributes: DiffAttributes?

    package init() {
        readAhead = [:]
        attributes = nil
    }

    private init(readAhead: [ObjectID: HistoryReader.Commit], attributes: DiffAttributes) {
        self.readAhead = readAhead
        self.attributes = attributes
    }

    package var modelName: String { ClassifierModel.embedded.id }

    package func remake(_ estimate: Estimate, of commit: ObjectID, in repository: Repository) throws -> Estimate? {
        if let read = readAhead[commit] {
            return try estimate.madeAgain(from: read, in: repository, model: .embedded)
        }
        return try estimate.madeAgain(of: commit.hex, in: repository)
    }

    /// One `git log --no-walk` for all of `commits`, read as `classify` reads them. When
    /// it fails (one of them is unreadable), none is read ahead: each is then read alone
    /// and fails, or not, on its own. Called on the remaker it returned last, the new
    /// one goes on with its attribute answers (the same repository: one verification).
    package func readingAhead(_ commits: [ObjectID], in repository: Repository) -> any EstimateRemaking {
        guard commits.count > 1 else { return self }
        var reads = [ObjectID: HistoryReader.Commit]()
        let reader = HistoryReader(
            repository: repository, readingContexts: ClassifierModel.embedded.readsFileContext, attributes: attributes)
        do {
            try reader.forEach(revisions: ["--no-walk=unsorted"] + commits.map(\.hex), paths: []) { read in
                if let id = ObjectID(hex: read.id) { reads[id] = read }
            }
        } catch {
            return self
        }
        return ClassifierRemaker(readAhead: reads, attributes: reader.attributes)
    }

    package func hasReadAhead(_ commit: ObjectID) -> Bool { readAhead[commit] != nil }
}
