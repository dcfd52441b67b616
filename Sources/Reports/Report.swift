import Git
import Ledger
import Records

/// Everything `git trace report` says, as data (spec/reports.md §3). The JSON form is
/// the reference; text, markdown, CSV and HTML render this same value.
package struct Report: Sendable {
    package struct Period: Sendable {
        package var range: String
        /// RFC 3339 bounds as given (since inclusive, until exclusive), nil when open.
        package var since: String?
        package var until: String?
        /// The last commit of the period on the range's first-parent line: the tree
        /// whose surviving lines are counted.
        package var endCommit: ObjectID?
    }

    package struct Developer: Sendable {
        package var name: String
        package var email: String
        package var commits = 0
        package var lines = LineCounts()
    }

    package struct Model: Sendable {
        package var agent: String
        package var model: String
        package var ai = 0
        package var mixed = 0
        package var commits = 0
        package var firstUse: Int64
        package var lastUse: Int64
    }

    package struct Session: Sendable {
        package var agent: String
        package var sessionID: String
        package var model: String
        package var written = 0
        package var committedUnchanged = 0
        package var committedEdited = 0
        /// The agent's edits and commands that ran, and those a person turned down.
        package var actionsAccepted = 0
        package var actionsRejected = 0
        package var actionsOffered: Int { actionsAccepted + actionsRejected }
        package var committed: Int { committedUnchanged + committedEdited }
        package var acceptanceBasisPoints: Int? { basisPoints(committed, of: written) }
    }

    /// How the AI-written lines of the period were reviewed.
    package struct ReviewCoverage: Sendable {
        /// AI-written lines (ai + mixed) in commits with a verified signed review by
        /// someone other than the author.
        package var signedIndependent = 0
        /// … with signed reviews by their own author only (separation of duties not met).
        package var selfReviewOnly = 0
        /// … with only unsigned `Reviewed-by:` trailers: evidence, not proof.
        package var unsignedOnly = 0
        package var unreviewed = 0
        package var commitsWithAI = 0
        package var commitsSignedIndependent = 0
        package var aiWritten: Int { signedIndependent + selfReviewOnly + unsignedOnly + unreviewed }
    }

    package struct RiskItem: Sendable {
        package var path: String
        /// AI-written lines in this path without a signed independent review.
        package var lines = 0
        package var commits: [ObjectID] = []
        package var models: [String] = []
    }

    package struct Integrity: Sendable {
        package var trustSource: String?
        package var trustFromRepository = false
        package var recordsUsed = 0
        package var recordsVerified = 0
        /// Records of the period that did not pass `git trace verify`: left out of every figure.
        package var recordsUnverified = 0
        package var problems: [String: Int] = [:]
        package var problemLines: [String] = []
        package var verifiedAll: Bool { recordsUnverified == 0 && problems.isEmpty && trustSource != nil }
    }

    package struct Control: Sendable {
        package var id: String
        package var title: String
        package var figures: [String]
        package var gaps: [String]
        package var status: String { gaps.isEmpty ? "supported" : "gaps" }
    }

    /// What the classifier's signed estimates say of the period's commits without an
    /// attribution record (spec/reports.md §3.3, `estimates`): never added to the
    /// figures of captured data.
    package struct Estimates: Sendable {
        package struct ByModel: Sendable {
            package var model: String
            package var modelSHA256: String
            /// The model's share calibration, when the report knows it.
            package var calibration: ShareCalibration?
            package var commits = 0
            package var tally = EstimateTally()
            package var figures: EstimateFigures { tally.figures(calibration) }
        }

        /// Commits without a (verified) attribution record that have an estimate.
        package var commits = 0
        /// Lines those commits added that their estimates did not score.
        package var unscoredLines = 0
        package var byModel: [ByModel] = []
        package var figures: EstimateFigures { byModel.reduce(EstimateFigures()) { $0 + $1.figures } }
    }

    package struct Evidence: Sendable {
        package var commit: ObjectID
        package var time: Int64
        package var author: String
        package var attributionDigest: String?
        package var reviewDigests: [String]
        package var waiverDigests: [String] = []
        /// The estimate used for the commit: only when it has no attribution record.
        package var estimateDigest: String? = nil
        package var verified: Bool
        package var lines: LineCounts
    }

    package var generatedAt: String
    package var period: Period
    package var commits = 0
    package var commitsWithRecords = 0
    package var added = LineCounts()
    /// Lines of the end commit's tree by origin; nil when not computed.
    package var surviving: LineCounts?
    package var survivingByDirectory: [(directory: String, lines: LineCounts)] = []
    /// Lines of the end commit's tree per author email of the commits that introduced them.
    package var survivingByDeveloper: [(email: String, lines: LineCounts)] = []
    /// AI-written lines of the end commit's tree per agent and model (any period's).
    package var survivingByModel: [(agent: String, model: String, ai: Int, mixed: Int)] = []
    package var excluded = LineCounts()
    package var excludedPaths: [String: String] = [:]
    package var includesGenerated = false
    package var byDeveloper: [Developer] = []
    package var byDirectory: [(directory: String, lines: LineCounts)] = []
    package var byMonth: [(month: String, lines: LineCounts)] = []
    package var models: [Model] = []
    package var sessions: [Session] = []
    package var reviews = ReviewCoverage()
    package var policySource: String = "none"
    package var sensitivePatterns: [String] = []
    package var risk: [RiskItem] = []
    /// The policy's rules judged on the period's commits (spec/policy.md §4), as
    /// `git trace check` judges them; nil without a trust file (rules are judged on
    /// verified records only).
    package var policyCheck: CheckResult?
    package var integrity = Integrity()
    package var framework: Framework?
    package var controls: [Control] = []
    package var evidence: [Evidence] = []
    /// nil: no estimate record of a commit without capture in the period.
    package var estimates: Estimates?

    /// True when no commit of the period has a record: the report then says
    /// "no attribution data" instead of any share.
    package var hasNoAttributionData: Bool { commitsWithRecords == 0 }

    /// The sentences that must be on the first page: missing data, unverifiable records.
    package var headlineWarnings: [String] {
        var warnings = [String]()
        if commits == 0 {
            warnings.append("no attribution data: there is no commit in this period")
        } else if hasNoAttributionData {
            warnings.append(
                "no attribution data: none of the \(commits) commits in this period has a SessionTrace record, so no AI share can be given"
            )
        }
        if integrity.trustSource == nil && integrity.recordsUsed > 0 {
            warnings.append(
                "records not verified: no trust file (pass --trust FILE, an allowed_signers file you trust)")
        } else if integrity.recordsUnverified > 0 {
            let count = integrity.recordsUnverified
            warnings.append(
                "left out \(count) record\(count == 1 ? "" : "s") that do\(count == 1 ? "es" : "") not verify against \(integrity.trustSource ?? "the trust file"): every figure uses verified records only (see Integrity)"
            )
        }
        let problems = integrity.problems.values.reduce(0, +)
        if problems > 0 {
            warnings.append(
                "verification found \(problems) problem\(problems == 1 ? "" : "s") in this period's records "
                    + "(\(integrity.problems.keys.sorted().joined(separator: ", "))): see Integrity")
        }
        if integrity.trustFromRepository {
            warnings.append(
                "trust file taken from the repository (\(integrity.trustSource ?? "")): whoever can push can edit it")
        }
        return warnings
    }

    /// Per-session acceptance summed per agent and model.
    package var acceptanceByModel: [Session] {
        var totals = [String: Session]()
        for session in sessions {
            let key = session.agent + "\u{0}" + session.model
            var total = totals[key] ?? Session(agent: session.agent, sessionID: "", model: session.model)
            total.written += session.written
            total.committedUnchanged += session.committedUnchanged
            total.committedEdited += session.committedEdited
            total.actionsAccepted += session.actionsAccepted
            total.actionsRejected += session.actionsRejected
            totals[key] = total
        }
        return totals.values.sorted { ($0.agent, $0.model) < ($1.agent, $1.model) }
    }
}

package enum Framework: String, Sendable, CaseIterable {
    case soc2
    case hipaa
    case pciDSS = "pci-dss"

    package var title: String {
        switch self {
        case .soc2: return "SOC 2 (Trust Services Criteria 2017, revised 2022)"
        case .hipaa: return "HIPAA Security Rule (45 CFR Part 164, Subpart C)"
        case .pciDSS: return "PCI DSS v4.0.1"
        }
    }
}
