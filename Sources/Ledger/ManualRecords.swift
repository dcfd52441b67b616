import Foundation
import Git
import Keys
import Records

/// What a person states about one file of a commit with `git trace record`, as given:
/// the executable checks the values' spelling, this turns them into a claim.
package struct ClaimRequest: Sendable {
    package var path: String
    package var lines: [ClosedRange<Int>]
    package var origin: Origin
    package var agent: String?
    /// `provider/model` or a bare model name (ModelID qualifies it).
    package var model: String?
    package var session: String?
    /// 64 hex digits, either case.
    package var promptSHA256: String?
    package var confidenceBasisPoints: Int?

    package init(
        path: String, lines: [ClosedRange<Int>], origin: Origin, agent: String? = nil, model: String? = nil,
        session: String? = nil, promptSHA256: String? = nil, confidenceBasisPoints: Int? = nil
    ) {
        self.path = path
        self.lines = lines
        self.origin = origin
        self.agent = agent
        self.model = model
        self.session = session
        self.promptSHA256 = promptSHA256
        self.confidenceBasisPoints = confidenceBasisPoints
    }

    /// The claim: a person's lines name no agent, model or session (spec/records.md
    /// §4.1); a prompt digest is written as `sha256:<lower-case hex>`.
    package var claim: LineClaim {
        let contributor =
            origin == .human
            ? Contributor(type: .human)
            : Contributor(type: origin, agent: agent, modelID: model.flatMap(ModelID.qualified))
        return LineClaim(
            path: path, lines: lines, contributor: contributor, sessionID: origin == .human ? nil : session,
            promptDigest: promptSHA256.map { "sha256:" + $0.lowercased() },
            confidenceBasisPoints: confidenceBasisPoints ?? 10_000)
    }
}

extension RecordBuilder {
    /// Signs one attribution record of `requests` about `commit` and appends it to the
    /// commit's note; its digest and totals, for the user.
    package func record(_ requests: [ClaimRequest], on commit: ObjectID, signer: SigningIdentity, at time: Int64)
        throws -> (digest: String, totals: Totals)
    {
        let statement = try attribution(
            for: commit, claims: requests.map(\.claim), signer: signer, recordedAt: time)
        let envelope = try Self.sign(statement, with: signer.key)
        try NotesLedger(repository: repository).append(
            [commit: [envelope.line]], message: "git trace record \(commit.shortHex)")
        return (Envelope.recordDigest(ofLine: envelope.line), statement.attribution!.totals!)
    }

    /// Signs a review of each commit and appends them all in one notes commit; the
    /// commits that are the signer's own (recorded as self-reviews).
    package func recordReviews(of commits: [ObjectID], signer: SigningIdentity, comment: String?, at time: Int64)
        throws -> [ObjectID]
    {
        var lines = [ObjectID: [String]]()
        var ownCommits = [ObjectID]()
        for commit in commits {
            let statement = try review(of: commit, signer: signer, comment: comment, reviewedAt: time)
            lines[commit] = [try Self.sign(statement, with: signer.key).line]
            if statement.review?.selfReview == true { ownCommits.append(commit) }
        }
        try NotesLedger(repository: repository).append(lines, message: "git trace review: \(commits.count) commit(s)")
        return ownCommits
    }
}
