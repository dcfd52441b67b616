import ArgumentParser
import CanonicalJSON
import Classifier
import Foundation
import Git
import Keys
import Ledger
import Records
import Verification

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Estimate how likely each commit's added code was written with an AI assistant.",
        discussion: """
            For history written before capture: an estimate, never a fact. Metadata that
            is near certain comes first and is named (AI co-author trailers, "Generated
            with ..." lines, agents' accounts, aider's "(aider)", dates before coding
            assistants existed); then each block of at least 8 added lines of code is
            scored by the model built into git-trace. Blocks that carry no signal
            (short ones, imports, generated, vendored and minified files) are unknown.
            Probabilities are in basis points (10,000 = certain); spec/classifier.md
            describes the features, the model and its measured accuracy.

            With --record, each estimate is also signed and added to the commit's note
            as an estimate record (spec/records.md §8.3), which 'git trace report' shows
            apart from captured figures and never adds to them. Commits that have an
            attribution record are never estimated; commits this model already
            estimated (in the same mode) are not estimated twice.

              git trace classify                      # the history of HEAD
              git trace classify v1.0..main --json
              git trace classify --content-only --paths src
              git trace classify --record             # sign the estimates into the notes
            """
    )

    @Argument(help: ArgumentHelp("Commits: 'A..B' or a revision and its ancestors.", valueName: "range"))
    var range = "HEAD"

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Only these paths.", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Score the code alone: ignore trailers, authors and dates.")
    var contentOnly = false

    @Flag(help: "Print the estimates as JSON (spec/classifier.md §6).")
    var json = false

    @Flag(help: "Sign each estimate and add it to the commit's note (an estimate record).")
    var record = false

    @OptionGroup var signingKey: SigningKeyOption

    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        if signingKey.key != nil && !record { throw ValidationError("--key signs estimates: it needs --record") }
    }

    func run() throws {
        let repository = try openRepository()
        if repository.hasNoCommits { throw CommandFailure("repository has no commits yet") }
        _ = try repository.resolveRange(range)  // a bad range is named before any work starts
        let git = GitCommand(repository: repository)
        let counted = try git.run(["rev-list", "--count", range, "--"] + paths)
        guard counted.status == 0, let total = Int(counted.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw CommandFailure("cannot list the commits of \(range): \(counted.reason)") }
        let signer = try record ? signingIdentity(explicitPath: signingKey.key, repository: repository) : nil
        // Commits made since capture began get their attribution records first: those
        // are captured, never estimated.
        if let signer { recordPendingCommits(repository, signer) }
        let noted = try NotedCommits(repository: repository, signer: signer)
        let meter = progressOptions.make("Classifying commits")?(total)
        var classifier = CommitClassifier(contentOnly: contentOnly)
        var summary = ClassificationSummary()
        var recorder = signer.map { EstimateRecorder(repository: repository, signer: $0, model: classifier.model) }
        var first = true
        if json { FileHandle.standardOutput.write(Data(#"{"commits":["#.utf8)) }
        try HistoryReader(git: git).forEach(revisions: [range], paths: paths) { commit in
            let records = ObjectID(hex: commit.id).flatMap { noted.records(of: $0) }
            let estimate = classifier.estimate(
                commit: commit.id, authorName: commit.authorName, authorTime: commit.authorTime,
                message: commit.message, blocks: commit.blocks, captured: records?.attribution != nil)
            summary.add(estimate)
            if recorder != nil, let id = ObjectID(hex: commit.id) {
                try recorder?.add(estimate, contentOnly: contentOnly, existing: noted.ownEstimate(of: id))
            }
            meter?.advance()
            if json {
                FileHandle.standardOutput.write(Data(((first ? "" : ",") + estimate.json.canonicalString).utf8))
                first = false
            } else {
                print(estimate.line)
            }
        }
        try recorder?.finish()
        meter?.finish()
        if json {
            let tail: JSONObject = [
                "content_only": .bool(contentOnly), "model": .string(classifier.model.id), "summary": summary.json,
            ]
            let rest = JSONValue.object(tail).canonicalString.dropFirst()  // "{" dropped: it continues the object
            print("]," + rest)
        } else {
            print(summary.text)
        }
        if let recorder, let signer {
            let outcome =
                "recorded \(recorder.written) estimate record\(recorder.written == 1 ? "" : "s") as \(signer.email)"
                + (recorder.alreadyRecorded > 0
                    ? "; \(recorder.alreadyRecorded) commit(s) already estimated by this model" : "")
                + "; commits with an attribution record or nothing scored are not recorded"
            if json { printError(outcome) } else { print(outcome) }
        }
    }
}

/// The commits that have a note, and what their records are (read when asked).
struct NotedCommits {
    private let noted: Set<ObjectID>
    private let index: RecordIndex
    /// Records that verify under the signer's own key alone: their earlier estimates.
    private let own: RecordIndex?

    init(repository: Repository, signer: SigningIdentity?) throws {
        let git = GitCommand(repository: repository)
        let notes = try git.run(["notes", "--ref", NotesLedger.notesRef, "list"])
        noted = Set(
            notes.status == 0
                ? notes.stdout.split(separator: "\n").compactMap {
                    $0.split(separator: " ").last.flatMap { ObjectID(hex: String($0)) }
                } : [])
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
    func ownEstimate(of commit: ObjectID) -> Records.Estimate? {
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
    private var pending = [(commit: ObjectID, estimate: Records.Estimate)]()
    private(set) var written = 0
    private(set) var alreadyRecorded = 0
    private let time = Timestamp.format(unixSeconds: Int64(Date().timeIntervalSince1970))
    static let batchSize = 500

    init(repository: Repository, signer: SigningIdentity, model: ClassifierModel) {
        self.repository = repository
        self.signer = signer
        self.model = model
    }

    mutating func add(_ estimate: CommitEstimate, contentOnly: Bool, existing: Records.Estimate?) throws {
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
                signer: SignerInfo(email: signer.email, publicKey: nil), at: time)
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

/// Totals over the commits classified: the estimated AI share of the lines scored, with
/// an interval that assumes calibrated, independent blocks.
struct ClassificationSummary {
    var commits = 0
    var commitsScored = 0
    var commitsCaptured = 0
    var linesAdded = 0
    var tally = EstimateTally()

    mutating func add(_ estimate: CommitEstimate) {
        commits += 1
        if estimate.captured { commitsCaptured += 1 }
        if estimate.probabilityBP != nil { commitsScored += 1 }
        linesAdded += estimate.linesAdded
        for block in estimate.blocks {
            guard let bp = block.probabilityBP else { continue }
            tally.add(lines: block.lineCount, probabilityBP: bp)
        }
    }

    var json: JSONValue {
        .object([
            "commits": .integer(Int64(commits)), "commits_scored": .integer(Int64(commitsScored)),
            "commits_captured": .integer(Int64(commitsCaptured)),
            "lines_added": .integer(Int64(linesAdded)), "lines_scored": .integer(Int64(tally.linesScored)),
            "estimated_ai_lines": .integer(Int64(tally.estimatedAILines)),
            "estimated_ai_lines_95": .array([.integer(Int64(tally.interval.low)), .integer(Int64(tally.interval.high))]
            ),
            "estimated_ai_share_bp": tally.shareBP.map { .integer(Int64($0)) } ?? .null,
        ])
    }

    var text: String {
        guard let share = tally.shareBP else {
            return "\(commits) commits: no block carries a signal (\(linesAdded) lines added, all unknown)"
        }
        let captured = commitsCaptured > 0 ? " (\(commitsCaptured) captured, not estimated)" : ""
        let interval = tally.interval
        return
            "estimated AI share of the lines scored: \(percent(share)) (\(tally.estimatedAILines) of \(tally.linesScored) lines, 95 % interval \(interval.low)–\(interval.high)), from \(commitsScored) of \(commits) commits\(captured); \(linesAdded - tally.linesScored) lines added unknown. An estimate, not captured data."
    }
}

func percent(_ bp: Int) -> String { String(format: "%.1f %%", Double(bp) / 100) }

extension CommitEstimate {
    var json: JSONValue {
        func signals(_ list: [Signal]) -> JSONValue {
            .array(list.map { .object(["name": .string($0.name), "detail": .string($0.detail)]) })
        }
        return .object([
            "commit": .string(commit),
            "author_time": .integer(authorTime),
            "captured": .bool(captured),
            "probability_bp": probabilityBP.map { .integer(Int64($0)) } ?? .null,
            "confidence": confidence.map { .string($0) } ?? .null,
            "signals": signals(self.signals),
            "blocks": .array(
                blocks.map { block in
                    var object: JSONObject = [
                        "path": .string(block.path), "start_line": .integer(Int64(block.startLine)),
                        "end_line": .integer(Int64(block.endLine)),
                        "probability_bp": block.probabilityBP.map { .integer(Int64($0)) } ?? .null,
                        "signals": signals(block.signals),
                    ]
                    if let reason = block.unscoredReason { object["unknown_because"] = .string(reason) }
                    return .object(object)
                }),
        ])
    }

    var line: String {
        let short = String(commit.prefix(12))
        if captured { return "\(short)  captured  (has a record: not estimated)" }
        guard let bp = probabilityBP, let confidence else {
            return "\(short)  unknown   (\(linesAdded) lines added, none scored)"
        }
        let reasons = signals.map { $0.name }.joined(separator: ", ")
        return "\(short)  \(percent(bp).padding(toLength: 7, withPad: " ", startingAt: 0)) \(confidence) (\(reasons))"
    }
}
