import ArgumentParser
import CanonicalJSON
import Classifier
import Foundation
import Git

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

              git trace classify                      # the history of HEAD
              git trace classify v1.0..main --json
              git trace classify --content-only --paths src
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

    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        let repository = try openRepository()
        if repository.hasNoCommits { throw CommandFailure("repository has no commits yet") }
        _ = try repository.resolveRange(range)  // a bad range is named before any work starts
        let git = GitCommand(repository: repository)
        let counted = try git.run(["rev-list", "--count", range, "--"] + paths)
        guard counted.status == 0, let total = Int(counted.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw CommandFailure("cannot list the commits of \(range): \(counted.reason)") }
        // Commits with a record are history with capture data: listed, not estimated.
        let notes = try git.run(["notes", "--ref", "sessiontrace", "list"])
        let captured = Set(
            notes.status == 0
                ? notes.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) } : []
        )
        let meter = progressOptions.make("Classifying commits")?(total)
        var classifier = CommitClassifier(contentOnly: contentOnly)
        var summary = ClassificationSummary()
        var first = true
        if json { FileHandle.standardOutput.write(Data(#"{"commits":["#.utf8)) }
        try HistoryReader(git: git).forEach(revisions: [range], paths: paths) { commit in
            let estimate = classifier.estimate(
                commit: commit.id, authorName: commit.authorName, authorTime: commit.authorTime,
                message: commit.message, blocks: commit.blocks, captured: captured.contains(commit.id))
            summary.add(estimate)
            meter?.advance()
            if json {
                FileHandle.standardOutput.write(Data(((first ? "" : ",") + estimate.json.canonicalString).utf8))
                first = false
            } else {
                print(estimate.line)
            }
        }
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
    }
}

/// Totals over the commits classified: the estimated AI share of the lines scored, with
/// an interval that assumes calibrated, independent blocks.
struct ClassificationSummary {
    var commits = 0
    var commitsScored = 0
    var linesAdded = 0
    var linesScored = 0
    var expectedAILines = 0.0
    var variance = 0.0

    var commitsCaptured = 0

    mutating func add(_ estimate: CommitEstimate) {
        commits += 1
        if estimate.captured { commitsCaptured += 1 }
        if estimate.probabilityBP != nil { commitsScored += 1 }
        linesAdded += estimate.linesAdded
        for block in estimate.blocks {
            guard let bp = block.probabilityBP else { continue }
            let lines = Double(block.lineCount)
            let p = Double(bp) / 10_000
            linesScored += Int(lines)
            expectedAILines += p * lines
            variance += lines * lines * p * (1 - p)
        }
    }

    var interval: (low: Int, high: Int) {
        let spread = 1.96 * variance.squareRoot()
        return (
            max(0, Int((expectedAILines - spread).rounded())),
            min(linesScored, Int((expectedAILines + spread).rounded()))
        )
    }

    var shareBP: Int? { linesScored == 0 ? nil : Int((expectedAILines / Double(linesScored) * 10_000).rounded()) }

    var json: JSONValue {
        .object([
            "commits": .integer(Int64(commits)), "commits_scored": .integer(Int64(commitsScored)),
            "commits_captured": .integer(Int64(commitsCaptured)),
            "lines_added": .integer(Int64(linesAdded)), "lines_scored": .integer(Int64(linesScored)),
            "estimated_ai_lines": .integer(Int64(expectedAILines.rounded())),
            "estimated_ai_lines_95": .array([.integer(Int64(interval.low)), .integer(Int64(interval.high))]),
            "estimated_ai_share_bp": shareBP.map { .integer(Int64($0)) } ?? .null,
        ])
    }

    var text: String {
        guard let share = shareBP else {
            return "\(commits) commits: no block carries a signal (\(linesAdded) lines added, all unknown)"
        }
        let captured = commitsCaptured > 0 ? " (\(commitsCaptured) captured, not estimated)" : ""
        return
            "estimated AI share of the lines scored: \(percent(share)) (\(Int(expectedAILines.rounded())) of \(linesScored) lines, 95 % interval \(interval.low)–\(interval.high)), from \(commitsScored) of \(commits) commits\(captured); \(linesAdded - linesScored) lines added unknown. An estimate, not a record."
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
