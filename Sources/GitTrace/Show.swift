import ArgumentParser
import CanonicalJSON
import Estimation
import Foundation
import Git
import Ledger
import Records
import Signing
import Verification

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the SessionTrace records on a commit.",
        discussion: """
            For each record: who signed it and whether the signature holds, when it was
            made, and per file the line ranges with their origin (ai, mixed, human),
            agent and model, and the totals. The signature is checked against the trust
            file given with --trust, else against .sessiontrace/allowed_signers at HEAD
            when the repository has one; without either, only against the key the
            record names, which proves integrity but not who signed.
            Exits 1 when a record is unreadable or fails its checks.
            """
    )

    @Argument(help: ArgumentHelp("The commit.", valueName: "rev"))
    var revision = "HEAD"

    @Option(help: ArgumentHelp("An allowed_signers file to check signers against.", valueName: "file"))
    var trust: String?

    @Flag(help: "Print the decoded records as JSON.")
    var json = false

    func run() throws {
        let repository = try openRepository()
        let commit = try resolveCommit(revision, in: repository)
        let trustFile = try TrustFile.load(explicitPath: trust, repository: repository)
        let ledger = NotesLedger(repository: repository)
        let unsigned = try ReviewedBy.reviewers(of: commit, git: GitCommand(repository: repository))
        func printUnsigned() {
            for reviewer in unsigned {
                print("\nunsigned   Reviewed-by: \(reviewer) (a commit-message trailer: nobody signed it)")
            }
        }
        guard
            let records = try Inspection.inspect(
                commit: commit, ledger: ledger, trust: trustFile?.0, remaker: ClassifierRemaker())
        else {
            if json {
                print("[]")
            } else {
                print("no SessionTrace records on commit \(commit.hex)")
                printUnsigned()
            }
            return
        }
        if json {
            print(JSONValue.array(records.map(\.json)).canonicalString)
        } else {
            print("commit \(commit.hex)")
            for record in records {
                printRecord(record, trustSource: trustFile?.0.source, commit: commit, repository: repository)
            }
            printUnsigned()
        }
        if records.contains(where: \.hasProblem) { throw ExitCode(1) }
    }

    private func printRecord(
        _ record: InspectedRecord, trustSource: String?, commit: ObjectID, repository: Repository
    ) {
        print("")
        guard let statement = record.statement, let envelope = record.envelope else {
            print("record \(record.index)  \(record.digest)")
            print("  unreadable: \(record.decodeError ?? "unknown error")")
            return
        }
        let keyID = envelope.signatures[0].keyID
        print("record \(record.index)  \(record.digest)  \(statement.predicate.type)")
        print("  signer     \(statement.signer.email)  \(keyID)")
        print("  signature  \(signatureSummary(record, trustSource: trustSource))")
        if statement.commit != commit.hex, statement.approvedChange != nil {
            print("  carried    from commit \(statement.commit): the same change, rewritten")
        }
        if let review = statement.review {
            print(
                "  reviewed   \(review.reviewedAt) by \(review.signer.email)\(review.selfReview ? "  (self-review: the commit's author)" : "")"
            )
            if let comment = review.comment { print("  comment    \(comment)") }
            return
        }
        if let waiver = statement.waiver {
            print("  waived     \(waiver.rule) at \(waiver.waivedAt) by \(waiver.signer.email)")
            print("  reason     \(waiver.reason)")
            return
        }
        if let estimate = statement.estimate {
            printEstimate(estimate)
            return
        }
        guard let attribution = statement.attribution else { return }
        print("  recorded   \(attribution.recordedAt) by \(attribution.tool.name) \(attribution.tool.version)")
        if let committer = attribution.committer {
            print("  committer  \(committer.name) <\(committer.email)> \(committer.time)")
        }
        for file in attribution.files {
            print("  \(file.path)")
            for range in file.ranges {
                let lines = RangeList.format([range.startLine...range.endLine])
                print(describe(range.label, lines: lines.leftPadded(to: 11)))
            }
        }
        if let rest = attribution.rest {
            print("  every other line the commit added")
            print(describe(rest, lines: "rest".leftPadded(to: 11)))
        }
        // Version 2 states no totals: they are counted from the ranges, rest and the diff.
        if let totals = attribution.totals ?? (try? attribution.expanded(on: commit, in: repository))?.totals {
            print(
                "  totals     +\(totals.added) -\(totals.deleted)  ai \(totals.ai)  mixed \(totals.mixed)  human \(totals.human)"
            )
        }
    }

    /// An estimate is said to be one on every line that gives a number.
    private func printEstimate(_ estimate: Estimate) {
        print(
            "  estimated  \(estimate.estimatedAt) by \(estimate.tool.name) \(estimate.tool.version), model \(estimate.model) (sha256 \(estimate.modelSHA256.prefix(12)))"
                + (estimate.contentOnly ? ", content only" : ""))
        if let bp = estimate.probabilityBP, let confidence = estimate.confidence {
            let evidence = estimate.evidence.isEmpty ? "" : " (\(estimate.evidence.joined(separator: ", ")))"
            print(
                "  estimate   \(percent(bp)) likely AI-written, \(confidence) confidence\(evidence): not captured data")
        }
        var path: String?
        for block in estimate.blocks {
            if block.path != path {
                print("  \(block.path)")
                path = block.path
            }
            print("\(RangeList.format([block.lines]).leftPadded(to: 11))  \(percent(block.probabilityBP))")
        }
        if estimate.unscoredLines > 0 {
            print(
                "  unscored   \(estimate.unscoredLines) line\(estimate.unscoredLines == 1 ? "" : "s") added (no signal)"
            )
        }
    }

    private func describe(_ label: RangeLabel, lines: String) -> String {
        var fields = [lines, label.contributor.type.rawValue]
        if let agent = label.contributor.agent { fields.append(agent) }
        if let model = label.contributor.modelID { fields.append(model) }
        if let session = label.sessionID { fields.append("session \(session)") }
        if label.confidenceBasisPoints != 10_000 {
            fields.append(
                "confidence \(label.confidenceBasisPoints / 100).\(String(format: "%02d", label.confidenceBasisPoints % 100))%"
            )
        }
        // Origins padded to one width so that agents line up.
        if fields.count > 2 { fields[1] = fields[1].padding(toLength: 6, withPad: " ", startingAt: 0) }
        return fields.joined(separator: "  ")
    }

    private func signatureSummary(_ record: InspectedRecord, trustSource: String?) -> String {
        switch record.trust {
        case .verified(let line):
            return "verified (trusted by \(trustSource ?? "trust file") line \(line))"
        case .problem(let problem):
            return "FAILED \(problem.code.rawValue): \(problem.message)"
        case .notChecked:
            switch record.signatureMatchesEmbeddedKey {
            case true?: return "valid for the key the record names (no trust file: signer not checked)"
            case false?: return "INVALID: does not verify with the key the record names"
            case nil: return "not checked: the record names its key only by id (give --trust to check it)"
            }
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
