import CanonicalJSON
import Signing

/// Where a line came from (spec/records.md §4.1).
public enum Origin: String, Sendable, CaseIterable, Codable {
    case ai, human, mixed
}

public struct Contributor: Sendable, Equatable {
    public var type: Origin
    /// The coding agent (`claude-code`, `cursor`, …); present for `ai` and `mixed`.
    public var agent: String?
    /// `provider/model`; present for `ai` and `mixed`.
    public var modelID: String?

    public init(type: Origin, agent: String? = nil, modelID: String? = nil) {
        self.type = type
        self.agent = agent
        self.modelID = modelID
    }
}

public struct AttributedRange: Sendable, Equatable {
    public var startLine: Int
    public var endLine: Int
    public var contentHash: String
    public var contributor: Contributor
    public var sessionID: String?
    public var promptDigest: String?
    public var confidenceBasisPoints: Int

    public init(
        startLine: Int, endLine: Int, contentHash: String, contributor: Contributor,
        sessionID: String? = nil, promptDigest: String? = nil, confidenceBasisPoints: Int = 10_000
    ) {
        self.startLine = startLine
        self.endLine = endLine
        self.contentHash = contentHash
        self.contributor = contributor
        self.sessionID = sessionID
        self.promptDigest = promptDigest
        self.confidenceBasisPoints = confidenceBasisPoints
    }

    public var lineCount: Int { endLine - startLine + 1 }
}

public struct AttributedFile: Sendable, Equatable {
    public var path: String
    public var ranges: [AttributedRange]

    public init(path: String, ranges: [AttributedRange]) {
        self.path = path
        self.ranges = ranges
    }
}

public struct Totals: Sendable, Equatable {
    public var added: Int
    public var deleted: Int
    public var ai: Int
    public var human: Int
    public var mixed: Int

    public init(added: Int, deleted: Int, ai: Int, human: Int, mixed: Int) {
        self.added = added
        self.deleted = deleted
        self.ai = ai
        self.human = human
        self.mixed = mixed
    }
}

public struct CommitterStamp: Sendable, Equatable {
    public var name: String
    public var email: String
    public var time: String

    public init(name: String, email: String, time: String) {
        self.name = name
        self.email = email
        self.time = time
    }
}

public struct SignerInfo: Sendable, Equatable {
    public var email: String
    /// `ssh-ed25519 AAAA…`
    public var publicKey: String

    public init(email: String, publicKey: String) {
        self.email = email
        self.publicKey = publicKey
    }
}

public struct ToolInfo: Sendable, Equatable {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// How much of what one agent session wrote reached this commit (spec/records.md §4.1):
/// the data behind acceptance rates.
public struct SessionAcceptance: Sendable, Equatable {
    public var agent: String
    public var sessionID: String
    public var modelID: String
    /// Lines the session wrote since its previous record.
    public var linesWritten: Int
    /// Of the commit's lines, those the session wrote and nobody changed (`ai`).
    public var linesCommittedUnchanged: Int
    /// Of the commit's lines, those the session wrote and a person then edited (`mixed`).
    public var linesCommittedEdited: Int

    public init(
        agent: String, sessionID: String, modelID: String, linesWritten: Int, linesCommittedUnchanged: Int,
        linesCommittedEdited: Int
    ) {
        self.agent = agent
        self.sessionID = sessionID
        self.modelID = modelID
        self.linesWritten = linesWritten
        self.linesCommittedUnchanged = linesCommittedUnchanged
        self.linesCommittedEdited = linesCommittedEdited
    }
}

/// A record a derived record was made from (spec/records.md §4.1, rewrites).
public struct RecordReference: Sendable, Equatable {
    public var commit: String
    /// `sha256:…` record digest (spec/records.md §3).
    public var record: String

    public init(commit: String, record: String) {
        self.commit = commit
        self.record = record
    }
}

/// How a derived record's commit came from its sources.
public enum RewriteKind: String, Sendable, CaseIterable {
    case amend, rebase, squash, cherryPick = "cherry-pick", squashMerge = "squash-merge", carry
}

/// The attribution predicate (`https://sessiontrace.dev/attribution/v1`).
public struct Attribution: Sendable, Equatable {
    public static let predicateType = "https://sessiontrace.dev/attribution/v1"

    public var tool: ToolInfo
    public var signer: SignerInfo
    public var committer: CommitterStamp
    public var recordedAt: String
    public var files: [AttributedFile]
    public var totals: Totals
    /// Present when the record was made by capture (omitted when empty).
    public var sessions: [SessionAcceptance]
    /// For a record derived through a history rewrite: how, and from which records.
    public var rewrite: RewriteKind?
    public var derivedFrom: [RecordReference]

    public init(
        tool: ToolInfo, signer: SignerInfo, committer: CommitterStamp, recordedAt: String,
        files: [AttributedFile], totals: Totals, sessions: [SessionAcceptance] = [],
        rewrite: RewriteKind? = nil, derivedFrom: [RecordReference] = []
    ) {
        self.tool = tool
        self.signer = signer
        self.committer = committer
        self.recordedAt = recordedAt
        self.files = files
        self.totals = totals
        self.sessions = sessions
        self.rewrite = rewrite
        self.derivedFrom = derivedFrom
    }
}

extension Attribution {
    /// Whether record `a` (digest `aDigest`) governs a commit rather than `b`: the newer
    /// `recorded_at`; on equal times, the greater record digest (spec/reports.md), which
    /// every clone computes alike, whatever order sync's merge left the note's lines in.
    public static func governs(_ a: Attribution, _ aDigest: String, over b: Attribution, _ bDigest: String) -> Bool {
        a.recordedAt != b.recordedAt ? a.recordedAt > b.recordedAt : aDigest > bDigest
    }
}

/// The review predicate (`https://sessiontrace.dev/review/v1`): a person attests that
/// they reviewed the commit (spec/records.md §4.2).
public struct Review: Sendable, Equatable {
    public static let predicateType = "https://sessiontrace.dev/review/v1"

    public var tool: ToolInfo
    /// The reviewer, who signs.
    public var signer: SignerInfo
    public var reviewedAt: String
    /// The commit's author, copied from it.
    public var author: CommitterStamp
    /// True when the reviewer is the commit's author (separation of duties not met).
    public var selfReview: Bool
    public var comment: String?

    public init(
        tool: ToolInfo, signer: SignerInfo, reviewedAt: String, author: CommitterStamp, selfReview: Bool,
        comment: String?
    ) {
        self.tool = tool
        self.signer = signer
        self.reviewedAt = reviewedAt
        self.author = author
        self.selfReview = selfReview
        self.comment = comment
    }

    var json: JSONValue {
        var members: JSONObject = [
            "tool": tool.json,
            "signer": signer.json,
            "reviewed_at": .string(reviewedAt),
            "author": author.json,
            "self_review": .bool(selfReview),
        ]
        if let comment { members["comment"] = .string(comment) }
        return .object(members)
    }
}

/// An in-toto Statement v1 about one commit (spec/records.md §4).
public struct Statement: Sendable, Equatable {
    public static let type = "https://in-toto.io/Statement/v1"

    public enum Predicate: Sendable, Equatable {
        case attribution(Attribution)
        case review(Review)

        public var type: String {
            switch self {
            case .attribution: return Attribution.predicateType
            case .review: return Review.predicateType
            }
        }
    }

    /// Full lower-case id of the commit the statement is about.
    public var commit: String
    public var predicate: Predicate

    public init(commit: String, predicate: Predicate) {
        self.commit = commit
        self.predicate = predicate
    }

    public var attribution: Attribution? {
        if case .attribution(let value) = predicate { return value }
        return nil
    }

    public var review: Review? {
        if case .review(let value) = predicate { return value }
        return nil
    }

    /// Who signed, as the predicate states it.
    public var signer: SignerInfo {
        switch predicate {
        case .attribution(let value): return value.signer
        case .review(let value): return value.signer
        }
    }

    /// When it was signed, as the predicate states it (`recorded_at`, `reviewed_at`).
    public var signedAt: String {
        switch predicate {
        case .attribution(let value): return value.recordedAt
        case .review(let value): return value.reviewedAt
        }
    }
}

// MARK: - Encoding

extension Statement {
    public var json: JSONValue {
        let predicateJSON: JSONValue
        switch predicate {
        case .attribution(let attribution): predicateJSON = attribution.json
        case .review(let review): predicateJSON = review.json
        }
        return .object([
            "_type": .string(Statement.type),
            "subject": .array([.object(["name": .string(commit), "digest": .object(["gitCommit": .string(commit)])])]),
            "predicateType": .string(predicate.type),
            "predicate": predicateJSON,
        ])
    }
}

extension Attribution {
    var json: JSONValue {
        var members: JSONObject = [
            "tool": tool.json,
            "signer": signer.json,
            "committer": committer.json,
            "recorded_at": .string(recordedAt),
            "files": .array(
                files.map { file in
                    .object(["path": .string(file.path), "ranges": .array(file.ranges.map(\.json))])
                }),
            "totals": .object([
                "added": .integer(Int64(totals.added)), "deleted": .integer(Int64(totals.deleted)),
                "ai": .integer(Int64(totals.ai)), "human": .integer(Int64(totals.human)),
                "mixed": .integer(Int64(totals.mixed)),
            ]),
        ]
        if !sessions.isEmpty {
            members["sessions"] = .array(
                sessions.map { session in
                    .object([
                        "agent": .string(session.agent), "session_id": .string(session.sessionID),
                        "model_id": .string(session.modelID),
                        "lines_written": .integer(Int64(session.linesWritten)),
                        "lines_committed_unchanged": .integer(Int64(session.linesCommittedUnchanged)),
                        "lines_committed_edited": .integer(Int64(session.linesCommittedEdited)),
                    ])
                })
        }
        if let rewrite {
            members["rewrite"] = .string(rewrite.rawValue)
            members["derived_from"] = .array(
                derivedFrom.map { .object(["commit": .string($0.commit), "record": .string($0.record)]) })
        }
        return .object(members)
    }
}

// The members Attribution and Review share, encoded as StatementDecoding reads them.
extension ToolInfo {
    var json: JSONValue { .object(["name": .string(name), "version": .string(version)]) }
}

extension SignerInfo {
    var json: JSONValue { .object(["email": .string(email), "public_key": .string(publicKey)]) }
}

extension CommitterStamp {
    var json: JSONValue { .object(["name": .string(name), "email": .string(email), "time": .string(time)]) }
}

extension AttributedRange {
    var json: JSONValue {
        var contributorMembers: JSONObject = ["type": .string(contributor.type.rawValue)]
        if let agent = contributor.agent { contributorMembers["agent"] = .string(agent) }
        if let model = contributor.modelID { contributorMembers["model_id"] = .string(model) }
        var members: JSONObject = [
            "start_line": .integer(Int64(startLine)),
            "end_line": .integer(Int64(endLine)),
            "content_hash": .string(contentHash),
            "contributor": .object(contributorMembers),
            "confidence_bp": .integer(Int64(confidenceBasisPoints)),
        ]
        if let sessionID { members["session_id"] = .string(sessionID) }
        // Two kinds (spec/records.md §4.1): a plain SHA-256 of the prompt, or an HMAC
        // under the repository's prompt key, which nobody without that key can test
        // guesses against.
        if let promptDigest, let kind = PromptDigest(promptDigest) { members[kind.member] = .string(kind.hex) }
        return .object(members)
    }
}

/// A prompt's digest as records carry it: `sha256:<hex>` (given by hand, and in older
/// records) or `hmac-sha256:<hex>` (captured: keyed by the repository's prompt key).
public struct PromptDigest: Sendable, Equatable {
    public enum Kind: String, Sendable { case sha256 = "sha256", hmac = "hmac-sha256" }
    public let kind: Kind
    public let hex: String

    /// From its tagged text; a bare 64-digit hex (working logs of older versions) is a SHA-256.
    public init?(_ tagged: String) {
        if tagged.hasPrefix("hmac-sha256:") {
            kind = .hmac
            hex = String(tagged.dropFirst(12))
        } else if tagged.hasPrefix("sha256:") {
            kind = .sha256
            hex = String(tagged.dropFirst(7))
        } else {
            kind = .sha256
            hex = tagged
        }
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
    }

    public var tagged: String { "\(kind.rawValue):\(hex)" }
    /// The statement member holding it.
    public var member: String { kind == .sha256 ? "prompt_sha256" : "prompt_hmac_sha256" }
}
