import CanonicalJSON
import Signing

/// Where a line came from (spec/records.md §4.1).
package enum Origin: String, Sendable, CaseIterable, Codable {
    case ai, human, mixed
}

package struct Contributor: Sendable, Hashable {
    package var type: Origin
    /// The coding agent (`claude-code`, `cursor`, …); present for `ai` and `mixed`.
    package var agent: String?
    /// `provider/model`; present for `ai` and `mixed`.
    package var modelID: String?

    package init(type: Origin, agent: String? = nil, modelID: String? = nil) {
        self.type = type
        self.agent = agent
        self.modelID = modelID
    }
}

package struct AttributedRange: Sendable, Equatable {
    package var startLine: Int
    package var endLine: Int
    /// `sha256:<hex>` of the lines (version 1); version 2 records carry none.
    package var contentHash: String?
    package var contributor: Contributor
    package var sessionID: String?
    package var promptDigest: String?
    package var confidenceBasisPoints: Int

    package init(
        startLine: Int, endLine: Int, contentHash: String?, contributor: Contributor,
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

    package var lineCount: Int { endLine - startLine + 1 }

    /// Who wrote the lines, with what the range says about how.
    package var label: RangeLabel {
        RangeLabel(
            contributor: contributor, sessionID: sessionID, promptDigest: promptDigest,
            confidenceBasisPoints: confidenceBasisPoints)
    }

    package init(_ lines: ClosedRange<Int>, _ label: RangeLabel, contentHash: String? = nil) {
        self.init(
            startLine: lines.lowerBound, endLine: lines.upperBound, contentHash: contentHash,
            contributor: label.contributor, sessionID: label.sessionID, promptDigest: label.promptDigest,
            confidenceBasisPoints: label.confidenceBasisPoints)
    }
}

/// Everything a range says about its lines except where they are: the contributor,
/// the session, the prompt's digest and the confidence. Version 2 records list each
/// label once and refer to it by index (spec/records.md §8).
package struct RangeLabel: Sendable, Hashable {
    package var contributor: Contributor
    package var sessionID: String?
    package var promptDigest: String?
    package var confidenceBasisPoints: Int

    package init(
        contributor: Contributor, sessionID: String? = nil, promptDigest: String? = nil,
        confidenceBasisPoints: Int = 10_000
    ) {
        self.contributor = contributor
        self.sessionID = sessionID
        self.promptDigest = promptDigest
        self.confidenceBasisPoints = confidenceBasisPoints
    }
}

package struct AttributedFile: Sendable, Equatable {
    package var path: String
    package var ranges: [AttributedRange]

    package init(path: String, ranges: [AttributedRange]) {
        self.path = path
        self.ranges = ranges
    }
}

package struct Totals: Sendable, Equatable {
    package var added: Int
    package var deleted: Int
    package var ai: Int
    package var human: Int
    package var mixed: Int

    package init(added: Int, deleted: Int, ai: Int, human: Int, mixed: Int) {
        self.added = added
        self.deleted = deleted
        self.ai = ai
        self.human = human
        self.mixed = mixed
    }
}

package struct CommitterStamp: Sendable, Equatable {
    package var name: String
    package var email: String
    package var time: String

    package init(name: String, email: String, time: String) {
        self.name = name
        self.email = email
        self.time = time
    }
}

package struct SignerInfo: Sendable, Equatable {
    package var email: String
    /// `ssh-ed25519 <base64>` (version 1, for displays); version 2 names the key only by
    /// the envelope's keyid.
    package var publicKey: String?

    package init(email: String, publicKey: String?) {
        self.email = email
        self.publicKey = publicKey
    }
}

package struct ToolInfo: Sendable, Equatable {
    package var name: String
    package var version: String

    package init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// How much of what one agent session wrote reached this commit (spec/records.md §4.1):
/// the data behind acceptance rates.
package struct SessionAcceptance: Sendable, Equatable {
    package var agent: String
    package var sessionID: String
    package var modelID: String
    /// Lines the session wrote since its previous record.
    package var linesWritten: Int
    /// Of the commit's lines, those the session wrote and nobody changed (`ai`).
    package var linesCommittedUnchanged: Int
    /// Of the commit's lines, those the session wrote and a person then edited (`mixed`).
    package var linesCommittedEdited: Int
    /// File edits and shell commands the session proposed since its previous record that
    /// ran, and that were turned down (a permission refused: never completed).
    package var actionsAccepted: Int
    package var actionsRejected: Int

    package init(
        agent: String, sessionID: String, modelID: String, linesWritten: Int, linesCommittedUnchanged: Int,
        linesCommittedEdited: Int, actionsAccepted: Int = 0, actionsRejected: Int = 0
    ) {
        self.actionsAccepted = actionsAccepted
        self.actionsRejected = actionsRejected
        self.agent = agent
        self.sessionID = sessionID
        self.modelID = modelID
        self.linesWritten = linesWritten
        self.linesCommittedUnchanged = linesCommittedUnchanged
        self.linesCommittedEdited = linesCommittedEdited
    }
}

/// A record a derived record was made from (spec/records.md §4.1, rewrites).
package struct RecordReference: Sendable, Equatable {
    package var commit: String
    /// `sha256:…` record digest (spec/records.md §3).
    package var record: String

    package init(commit: String, record: String) {
        self.commit = commit
        self.record = record
    }
}

/// How a derived record's commit came from its sources.
package enum RewriteKind: String, Sendable, CaseIterable {
    case amend, rebase, squash, cherryPick = "cherry-pick", squashMerge = "squash-merge", carry
}

/// The attribution predicate (`https://sessiontrace.dev/attribution/v1`).
package struct Attribution: Sendable, Equatable {
    package static let predicateType = "https://sessiontrace.dev/attribution/v1"

    package var tool: ToolInfo
    package var signer: SignerInfo
    /// Copied from the commit by version 1; version 2 leaves it to the commit.
    package var committer: CommitterStamp?
    package var recordedAt: String
    package var files: [AttributedFile]
    /// Version 1's stated totals; version 2 states none (they follow from the ranges,
    /// `rest` and the commit's diff).
    package var totals: Totals?
    /// Version 2: the label of every line the commit added that `files` does not list.
    package var rest: RangeLabel?
    /// Present when the record was made by capture (omitted when empty).
    package var sessions: [SessionAcceptance]
    /// For a record derived through a history rewrite: how, and from which records.
    package var rewrite: RewriteKind?
    package var derivedFrom: [RecordReference]

    package init(
        tool: ToolInfo, signer: SignerInfo, committer: CommitterStamp?, recordedAt: String,
        files: [AttributedFile], totals: Totals?, rest: RangeLabel? = nil, sessions: [SessionAcceptance] = [],
        rewrite: RewriteKind? = nil, derivedFrom: [RecordReference] = []
    ) {
        self.tool = tool
        self.signer = signer
        self.committer = committer
        self.recordedAt = recordedAt
        self.files = files
        self.totals = totals
        self.rest = rest
        self.sessions = sessions
        self.rewrite = rewrite
        self.derivedFrom = derivedFrom
    }

    /// The record with `rest` as its rest label and no range of that label listed:
    /// rest says every such line (spec/records.md §8), so version 2 never lists them.
    package func withRest(_ rest: RangeLabel?) -> Attribution {
        var result = self
        result.rest = rest
        guard let rest else { return result }
        result.files = files.compactMap { file in
            let ranges = file.ranges.filter { $0.label != rest }
            return ranges.isEmpty ? nil : AttributedFile(path: file.path, ranges: ranges)
        }
        return result
    }

    /// The label of line `line` of `path`, a line this commit added (as blame says):
    /// the range that lists it, else `rest`.
    package func label(ofAddedLine line: Int, in path: String) -> RangeLabel? {
        if let range = files.first(where: { $0.path == path })?.ranges.first(where: {
            $0.startLine <= line && line <= $0.endLine
        }) {
            return range.label
        }
        return rest
    }

    /// The lines the record claims, by path: each must be a line the commit added.
    package var claimedLines: [(path: String, lines: [ClosedRange<Int>])] {
        files.map { file in (file.path, file.ranges.map { $0.startLine...$0.endLine }) }
    }

    /// The ranges of `path`, with `rest` spread over the added lines no range lists:
    /// every line the record attributes, given the lines the commit added (`added`,
    /// sorted and disjoint, from its diff).
    package func ranges(of path: String, added: [ClosedRange<Int>]) -> [AttributedRange] {
        let listed = files.first(where: { $0.path == path })?.ranges ?? []
        guard let rest else { return listed }
        var result = listed
        for block in added {
            var next = block.lowerBound
            for range in listed where range.endLine >= next && range.startLine <= block.upperBound {
                if range.startLine > next { result.append(AttributedRange(next...(range.startLine - 1), rest)) }
                next = range.endLine + 1
            }
            if next <= block.upperBound { result.append(AttributedRange(next...block.upperBound, rest)) }
        }
        return result.sorted { $0.startLine < $1.startLine }
    }
}

extension Attribution {
    /// Whether record `a` (digest `aDigest`) governs a commit rather than `b`: the newer
    /// `recorded_at`; on equal times, the greater record digest (spec/reports.md), which
    /// every clone computes alike, whatever order sync's merge left the note's lines in.
    package static func governs(_ a: Attribution, _ aDigest: String, over b: Attribution, _ bDigest: String) -> Bool {
        a.recordedAt != b.recordedAt ? a.recordedAt > b.recordedAt : aDigest > bDigest
    }
}

/// The review predicate (`https://sessiontrace.dev/review/v1`): a person attests that
/// they reviewed the commit (spec/records.md §4.2).
package struct Review: Sendable, Equatable {
    package static let predicateType = "https://sessiontrace.dev/review/v1"

    package var tool: ToolInfo
    /// The reviewer, who signs.
    package var signer: SignerInfo
    package var reviewedAt: String
    /// The commit's author, copied from it.
    package var author: CommitterStamp
    /// True when the reviewer is the commit's author (separation of duties not met).
    package var selfReview: Bool
    package var comment: String?
    /// The commit's change identity (spec/records.md §8.2), version 2 only: what was
    /// reviewed, so that the review also holds for a rewrite that replays it unaltered.
    package var change: String?

    package init(
        tool: ToolInfo, signer: SignerInfo, reviewedAt: String, author: CommitterStamp, selfReview: Bool,
        comment: String?, change: String? = nil
    ) {
        self.tool = tool
        self.signer = signer
        self.reviewedAt = reviewedAt
        self.author = author
        self.selfReview = selfReview
        self.comment = comment
        self.change = change
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

/// The waiver predicate (`https://sessiontrace.dev/waiver/v1`, spec/records.md §8.1):
/// an approver accepts that one commit breaks one policy rule, and says why. Version 2
/// only: waivers came after version 1.
package struct Waiver: Sendable, Equatable {
    package static let predicateType = "https://sessiontrace.dev/waiver/v1"
    /// The rules a waiver may name (spec/policy.md §3).
    package static let rules = ["max_ai_share", "sensitive_review", "models", "agents", "require_records"]

    package var tool: ToolInfo
    /// The approver, who signs.
    package var signer: SignerInfo
    package var waivedAt: String
    /// The commit's author, copied from it (verify checks the copy; an approver who is
    /// the author waives nothing).
    package var author: CommitterStamp
    package var rule: String
    package var reason: String
    /// The commit's change identity (spec/records.md §8.2): what was waived.
    package var change: String?

    package init(
        tool: ToolInfo, signer: SignerInfo, waivedAt: String, author: CommitterStamp, rule: String, reason: String,
        change: String? = nil
    ) {
        self.tool = tool
        self.signer = signer
        self.waivedAt = waivedAt
        self.author = author
        self.rule = rule
        self.reason = reason
        self.change = change
    }
}

/// An in-toto Statement v1 about one commit (spec/records.md §4).
public struct Statement: Sendable, Equatable {
    package static let type = "https://in-toto.io/Statement/v1"

    package enum Predicate: Sendable, Equatable {
        case attribution(Attribution)
        case review(Review)
        case waiver(Waiver)
        case estimate(Estimate)

        package var type: String {
            switch self {
            case .attribution: return Attribution.predicateType
            case .review: return Review.predicateType
            case .waiver: return Waiver.predicateType
            case .estimate: return Estimate.predicateType
            }
        }
    }

    /// Full lower-case id of the commit the statement is about.
    package var commit: String
    package var predicate: Predicate
    /// Which version of the format the record is written in (spec/records.md §4, §8).
    public var format: RecordFormat

    package init(commit: String, predicate: Predicate, format: RecordFormat = .v1) {
        self.commit = commit
        self.predicate = predicate
        self.format = format
    }

    package var attribution: Attribution? {
        if case .attribution(let value) = predicate { return value }
        return nil
    }

    package var review: Review? {
        if case .review(let value) = predicate { return value }
        return nil
    }

    package var waiver: Waiver? {
        if case .waiver(let value) = predicate { return value }
        return nil
    }

    package var estimate: Estimate? {
        if case .estimate(let value) = predicate { return value }
        return nil
    }

    /// The change identity a review or waiver approved (spec/records.md §8.2), when it
    /// states one: such an approval may be carried to a commit with the same change.
    package var approvedChange: String? { review?.change ?? waiver?.change }

    /// Who signed, as the predicate states it.
    package var signer: SignerInfo {
        switch predicate {
        case .attribution(let value): return value.signer
        case .review(let value): return value.signer
        case .waiver(let value): return value.signer
        case .estimate(let value): return value.signer
        }
    }

    /// When it was signed, as the predicate states it (`recorded_at`, `reviewed_at`).
    package var tool: ToolInfo {
        switch predicate {
        case .attribution(let value): return value.tool
        case .review(let value): return value.tool
        case .waiver(let value): return value.tool
        case .estimate(let value): return value.tool
        }
    }

    package var signedAt: String {
        switch predicate {
        case .attribution(let value): return value.recordedAt
        case .review(let value): return value.reviewedAt
        case .waiver(let value): return value.waivedAt
        case .estimate(let value): return value.estimatedAt
        }
    }
}

// MARK: - Encoding

extension Statement {
    public var json: JSONValue {
        if format == .v2 { return v2JSON }
        let predicateJSON: JSONValue
        switch predicate {
        case .attribution(let attribution): predicateJSON = attribution.json
        case .review(let review): predicateJSON = review.json
        case .waiver, .estimate: return v2JSON  // only in version 2
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
            "committer": (committer ?? CommitterStamp(name: "", email: "", time: recordedAt)).json,
            "recorded_at": .string(recordedAt),
            "files": .array(
                files.map { file in
                    .object(["path": .string(file.path), "ranges": .array(file.ranges.map(\.json))])
                }),
        ]
        if let totals {
            members["totals"] = .object([
                "added": .integer(Int64(totals.added)), "deleted": .integer(Int64(totals.deleted)),
                "ai": .integer(Int64(totals.ai)), "human": .integer(Int64(totals.human)),
                "mixed": .integer(Int64(totals.mixed)),
            ])
        }
        addHistory(to: &members)
        return .object(members)
    }
}

extension Attribution {
    /// `sessions`, `rewrite` and `derived_from`, written alike by both versions.
    func addHistory(to members: inout JSONObject) {
        if !sessions.isEmpty {
            members["sessions"] = .array(
                sessions.map { session in
                    var entry: JSONObject = [
                        "agent": .string(session.agent), "session_id": .string(session.sessionID),
                        "model_id": .string(session.modelID),
                        "lines_written": .integer(Int64(session.linesWritten)),
                        "lines_committed_unchanged": .integer(Int64(session.linesCommittedUnchanged)),
                        "lines_committed_edited": .integer(Int64(session.linesCommittedEdited)),
                    ]
                    if session.actionsAccepted > 0 {
                        entry["actions_accepted"] = .integer(Int64(session.actionsAccepted))
                    }
                    if session.actionsRejected > 0 {
                        entry["actions_rejected"] = .integer(Int64(session.actionsRejected))
                    }
                    return .object(entry)
                })
        }
        if let rewrite {
            members["rewrite"] = .string(rewrite.rawValue)
            members["derived_from"] = .array(
                derivedFrom.map { .object(["commit": .string($0.commit), "record": .string($0.record)]) })
        }
    }
}

// The members Attribution and Review share, encoded as StatementDecoding reads them.
extension ToolInfo {
    var json: JSONValue { .object(["name": .string(name), "version": .string(version)]) }
}

extension SignerInfo {
    var json: JSONValue { .object(["email": .string(email), "public_key": .string(publicKey ?? "")]) }
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
            "contributor": .object(contributorMembers),
            "confidence_bp": .integer(Int64(confidenceBasisPoints)),
        ]
        if let contentHash { members["content_hash"] = .string(contentHash) }
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
package struct PromptDigest: Sendable, Equatable {
    package enum Kind: String, Sendable { case sha256 = "sha256", hmac = "hmac-sha256" }
    package let kind: Kind
    package let hex: String

    /// From its tagged text; a bare 64-digit hex (working logs of older versions) is a SHA-256.
    package init?(_ tagged: String) {
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

    package var tagged: String { "\(kind.rawValue):\(hex)" }
    /// The statement member holding it.
    package var member: String { kind == .sha256 ? "prompt_sha256" : "prompt_hmac_sha256" }
}
