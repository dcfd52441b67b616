import Git
import Ledger

/// Everything `git trace report` says, as data (spec/reports.md §3). The JSON form is
/// the reference; text, markdown, CSV and HTML render this same value.
public struct Report: Sendable {
    public struct Period: Sendable {
        public var range: String
        /// RFC 3339 bounds as given (since inclusive, until exclusive), nil when open.
        public var since: String?
        public var until: String?
        /// The last commit of the period on the range's first-parent line: the tree
        /// whose surviving lines are counted.
        public var endCommit: ObjectID?
    }

    public struct Developer: Sendable {
        public var name: String
        public var email: String
        public var commits = 0
        public var lines = LineCounts()
    }

    public struct Model: Sendable {
        public var agent: String
        public var model: String
        public var ai = 0
        public var mixed = 0
        public var commits = 0
        public var firstUse: Int64
        public var lastUse: Int64
    }

    public struct Session: Sendable {
        public var agent: String
        public var sessionID: String
        public var model: String
        public var written = 0
        public var committedUnchanged = 0
        public var committedEdited = 0
        public var committed: Int { committedUnchanged + committedEdited }
        public var acceptanceBasisPoints: Int? { basisPoints(committed, of: written) }
    }

    /// How the AI-written lines of the period were reviewed.
    public struct ReviewCoverage: Sendable {
        /// AI-written lines (ai + mixed) in commits with a verified signed review by
        /// someone other than the author.
        public var signedIndependent = 0
        /// … with signed reviews by their own author only (separation of duties not met).
        public var selfReviewOnly = 0
        /// … with only unsigned `Reviewed-by:` trailers: evidence, not proof.
        public var unsignedOnly = 0
        public var unreviewed = 0
        public var commitsWithAI = 0
        public var commitsSignedIndependent = 0
        public var aiWritten: Int { signedIndependent + selfReviewOnly + unsignedOnly + unreviewed }
    }

    public struct RiskItem: Sendable {
        public var path: String
        /// AI-written lines in this path without a signed independent review.
        public var lines = 0
        public var commits: [ObjectID] = []
        public var models: [String] = []
    }

    public struct Integrity: Sendable {
        public var trustSource: String?
        public var trustFromRepository = false
        public var recordsUsed = 0
        public var recordsVerified = 0
        /// Records of the period that did not pass `git trace verify`: left out of every figure.
        public var recordsUnverified = 0
        public var problems: [String: Int] = [:]
        public var problemLines: [String] = []
        public var verifiedAll: Bool { recordsUnverified == 0 && problems.isEmpty && trustSource != nil }
    }

    public struct Control: Sendable {
        public var id: String
        public var title: String
        public var figures: [String]
        public var gaps: [String]
        public var status: String { gaps.isEmpty ? "supported" : "gaps" }
    }

    public struct Evidence: Sendable {
        public var commit: ObjectID
        public var time: Int64
        public var author: String
        public var attributionDigest: String?
        public var reviewDigests: [String]
        public var verified: Bool
        public var lines: LineCounts
    }

    public var generatedAt: String
    public var period: Period
    public var commits = 0
    public var commitsWithRecords = 0
    public var added = LineCounts()
    /// Lines of the end commit's tree by origin; nil when not computed.
    public var surviving: LineCounts?
    public var survivingByDirectory: [(directory: String, lines: LineCounts)] = []
    /// Lines of the end commit's tree per author email of the commits that introduced them.
    public var survivingByDeveloper: [(email: String, lines: LineCounts)] = []
    /// AI-written lines of the end commit's tree per agent and model (any period's).
    public var survivingByModel: [(agent: String, model: String, ai: Int, mixed: Int)] = []
    public var excluded = LineCounts()
    public var excludedPaths: [String: String] = [:]
    public var includesGenerated = false
    public var byDeveloper: [Developer] = []
    public var byDirectory: [(directory: String, lines: LineCounts)] = []
    public var byMonth: [(month: String, lines: LineCounts)] = []
    public var models: [Model] = []
    public var sessions: [Session] = []
    public var reviews = ReviewCoverage()
    public var policySource: String = "none"
    public var sensitivePatterns: [String] = []
    public var risk: [RiskItem] = []
    public var integrity = Integrity()
    public var framework: Framework?
    public var controls: [Control] = []
    public var evidence: [Evidence] = []

    /// True when no commit of the period has a record: the report then says
    /// "no attribution data" instead of any share.
    public var hasNoAttributionData: Bool { commitsWithRecords == 0 }

    /// The sentences that must be on the first page: missing data, unverifiable records.
    public var headlineWarnings: [String] {
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
    public var acceptanceByModel: [Session] {
        var totals = [String: Session]()
        for session in sessions {
            let key = session.agent + "\u{0}" + session.model
            var total = totals[key] ?? Session(agent: session.agent, sessionID: "", model: session.model)
            total.written += session.written
            total.committedUnchanged += session.committedUnchanged
            total.committedEdited += session.committedEdited
            totals[key] = total
        }
        return totals.values.sorted { ($0.agent, $0.model) < ($1.agent, $1.model) }
    }
}

public enum Framework: String, Sendable, CaseIterable {
    case soc2
    case hipaa
    case pciDSS = "pci-dss"

    public var title: String {
        switch self {
        case .soc2: return "SOC 2 (Trust Services Criteria 2017, revised 2022)"
        case .hipaa: return "HIPAA Security Rule (45 CFR Part 164, Subpart C)"
        case .pciDSS: return "PCI DSS v4.0.1"
        }
    }
}
