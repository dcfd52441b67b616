import Foundation
import Git
import Hex
import Ledger
import Verification

/// `git trace log`: git's own log, one summary line of each commit's records under it
/// (spec/reports.md §4), so that `git log` itself never has to show the envelopes.
package enum CommitLog {
    /// Runs `git log <gitArguments>` and hands `write` each commit's line and, under
    /// it, its summary: origin shares of the lines it added, agents and models, and
    /// whether the record verified (against `trust`; without one, that it was not
    /// checked). Returns how many commits were listed.
    @discardableResult
    package static func run(
        repository: Repository, gitArguments: [String], trust: RecordTrust?, write: (String) -> Void
    )
        throws -> Int
    {
        let git = GitCommand(repository: repository)
        let separator = "\u{1F}"
        let format = ["%H", "%h", "%ad", "%an", "%s"].joined(separator: "%x1f")
        let verified = RecordIndex(repository: repository, trust: trust)
        let anyRecord = trust == nil ? verified : RecordIndex(repository: repository)
        let ledger = NotesLedger(repository: repository)
        var count = 0
        let result = try git.stream(["log", "--format=\(format)", "--date=short"] + gitArguments) { bytes in
            let fields = String(decoding: bytes, as: UTF8.self).components(separatedBy: separator)
            guard fields.count == 5, let commit = ObjectID(hex: fields[0]) else { return }
            count += 1
            write("\(fields[1]) \(fields[2]) \(fields[3])  \(fields[4])")
            write(
                "        "
                    + summary(
                        of: commit, verified: verified, anyRecord: anyRecord, ledger: ledger, trusted: trust != nil))
        }
        guard result.status == 0 else { throw ReportError("git log: \(result.reason)") }
        return count
    }

    static func summary(
        of commit: ObjectID, verified: RecordIndex, anyRecord: RecordIndex, ledger: NotesLedger, trusted: Bool
    ) -> String {
        guard ledger.note(on: commit) != nil else { return "no record" }
        let records = verified.records(of: commit)
        guard let attribution = records.attribution?.predicate else {
            if trusted, anyRecord.records(of: commit).attribution != nil {
                return "record does not verify against the trust file (git trace verify says why)"
            }
            // An estimate is said to be one, and never in the words of captured data.
            if let estimate = records.estimate?.predicate, let bp = estimate.probabilityBP {
                return "no attribution record · estimated \(percent(bp)) likely AI-written (\(estimate.model): "
                    + "an estimate, not captured data) · " + (trusted ? "verified" : "not checked against a trust file")
            }
            return "no valid attribution record"
        }
        var lines = LineCounts()
        var models = [String]()
        for file in attribution.files {
            for range in file.ranges {
                lines.add(range.contributor.type, range.lineCount)
                if range.contributor.type != .human, let agent = range.contributor.agent {
                    let name = "\(agent) \(range.contributor.modelID ?? "unknown/unknown")"
                    if !models.contains(name) { models.append(name) }
                }
            }
        }
        let added =
            attribution.totals?.added ?? (try? ledger.repository.lineStats(of: commit).added) ?? lines.total
        if let rest = attribution.rest, added > lines.total {
            // The lines no range lists are `rest`'s (version 2).
            lines.add(rest.contributor.type, added - lines.total)
            if rest.contributor.type != .human, let agent = rest.contributor.agent {
                let name = "\(agent) \(rest.contributor.modelID ?? "unknown/unknown")"
                if !models.contains(name) { models.append(name) }
            }
        }
        lines.unknown = max(0, added - lines.total)
        func share(_ part: Int) -> String { "\(Int((Double(part) * 100 / Double(max(1, lines.total))).rounded())) %" }
        var parts = [
            "ai \(share(lines.ai)) · mixed \(share(lines.mixed)) · human \(share(lines.human)) of \(lines.total) lines added"
        ]
        if lines.unknown > 0 { parts[0] += " (\(lines.unknown) unknown)" }
        if !models.isEmpty { parts.append(models.joined(separator: ", ")) }
        parts.append(trusted ? "verified" : "not checked against a trust file")
        return parts.joined(separator: " · ")
    }
}
