import ArgumentParser
import CanonicalJSON
import Classifier
import Estimation
import Foundation

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Estimate how likely each commit's added code was written with an AI assistant.",
        discussion: """
            For history written before capture: an estimate, never a fact. Metadata that
            is near certain comes first and is named (assistants' Co-authored-by and
            Assisted-by trailers, "Generated with ..." lines, SessionTrace's own
            AI-Assisted trailers, agents' accounts, aider's "(aider)", dates before coding
            assistants existed); a person who shares a name or an employer with an
            assistant is not one. Then each block of at least 8 added lines of code is
            scored by the model built into git-trace. Blocks that carry no signal
            (short ones, imports, generated, vendored and minified files, by their
            paths or by the commit's own .gitattributes, encoded data) are unknown.
            Probabilities are in basis points (10,000 = certain); spec/classifier.md
            describes the features, the model and its measured accuracy.

            With --record, each estimate is also signed and added to the commit's note
            as an estimate record (spec/records.md §8.3), which 'git trace report' shows
            apart from captured figures and never adds to them. Commits that have an
            attribution record are never estimated; commits your key already
            estimated with this model (in the same mode) are not estimated twice.
            --record reads whole commits: it is not used with --paths.

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
        // A record speaks for its whole commit; with --paths only part of it is read.
        if record && !paths.isEmpty {
            throw ValidationError("--record estimates whole commits: it cannot be used with --paths")
        }
    }

    func run() throws {
        let repository = try openRepository()
        if repository.hasNoCommits { throw CommandFailure("repository has no commits yet") }
        let signer = try record ? signingIdentity(explicitPath: signingKey.key, repository: repository) : nil
        let estimation = HistoryEstimation(
            repository: repository, range: range, paths: paths, contentOnly: contentOnly, signer: signer)
        let total = try estimation.commitCount()
        // Commits made since capture began get their attribution records first: those
        // are captured, never estimated.
        if let signer { recordPendingCommits(repository, signer) }
        let meter = progressOptions.make("Classifying commits")?(total)
        // The JSON document is written whole or not at all: a run that fails halfway (a
        // clone missing objects) leaves no truncated document for a pipeline to read.
        var document = Array(#"{"commits":["#.utf8)
        var first = true
        let outcome = try estimation.run { estimate in
            meter?.advance()
            if json {
                if !first { document.append(UInt8(ascii: ",")) }
                document.append(contentsOf: estimate.json.canonicalString.utf8)
                first = false
            } else {
                print(estimate.line)
            }
        }
        meter?.finish()
        if json {
            let tail: JSONObject = [
                "content_only": .bool(contentOnly), "model": .string(ClassifierModel.embedded.id),
                "summary": outcome.summary.json,
            ]
            let rest = JSONValue.object(tail).canonicalString.dropFirst()  // "{" dropped: it continues the object
            document.append(contentsOf: "],\(rest)\n".utf8)
            FileHandle.standardOutput.write(Data(document))
        } else {
            print(outcome.summary.text)
        }
        if let signer {
            let written = outcome.recorded
            let said =
                "recorded \(written) estimate record\(written == 1 ? "" : "s") as \(signer.email)"
                + (outcome.alreadyRecorded > 0
                    ? "; \(outcome.alreadyRecorded) commit(s) already estimated by this key and model" : "")
                + "; commits with an attribution record or nothing scored are not recorded"
            if json { printError(said) } else { print(said) }
        }
    }
}

extension ClassificationSummary {
    var json: JSONValue {
        var members = figures.jsonMembers
        members["commits"] = .integer(Int64(commits))
        members["commits_scored"] = .integer(Int64(commitsScored))
        members["commits_captured"] = .integer(Int64(commitsCaptured))
        members["lines_added"] = .integer(Int64(linesAdded))
        return .object(members)
    }

    var text: String {
        guard let share = figures.shareBP, let estimated = figures.estimatedAILines, let interval = figures.interval
        else {
            return "\(commits) commits: no block carries a signal (\(linesAdded) lines added, all unknown)"
        }
        let captured = commitsCaptured > 0 ? " (\(commitsCaptured) captured, not estimated)" : ""
        return
            "estimated AI share of the lines scored: \(percent(share)) (\(estimated) of \(figures.readableLines) lines, 95 % interval \(interval.low)–\(interval.high)), from \(commitsScored) of \(commits) commits\(captured); \(linesAdded - figures.linesScored) lines added unknown. An estimate, not captured data."
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
            if let boundary = signals.first(where: { $0.name == "shallow-boundary" }) {
                return "\(short)  unknown   (\(boundary.detail))"
            }
            return "\(short)  unknown   (\(linesAdded) lines added, none scored)"
        }
        let reasons = signals.map { $0.name }.joined(separator: ", ")
        return "\(short)  \(percent(bp).padding(toLength: 7, withPad: " ", startingAt: 0)) \(confidence) (\(reasons))"
    }
}
