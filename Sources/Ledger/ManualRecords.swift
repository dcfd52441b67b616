import CanonicalJSON
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
    /// commit's note; its digest and the lines claimed per origin, for the user.
    package func record(_ requests: [ClaimRequest], on commit: ObjectID, signer: SigningIdentity, at time: Int64)
        throws -> (digest: String, lines: [Origin: Int])
    {
        let statement = try attribution(
            for: commit, claims: requests.map(\.claim), signer: signer, recordedAt: time)
        let envelope = try Self.sign(statement, with: signer.key)
        try NotesLedger(repository: repository).append(
            [commit: [envelope.line]], message: "git trace record \(commit.shortHex)")
        var lines = [Origin: Int]()
        for request in requests { lines[request.origin, default: 0] += request.lines.reduce(0) { $0 + $1.count } }
        return (Envelope.recordDigest(ofLine: envelope.line), lines)
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

    /// Signs a waiver of `rule` for `commit` (spec/records.md §8.1) and appends it to the
    /// commit's note. Always version 2, whatever `sessiontrace.recordFormat` says: there
    /// are no version 1 waivers.
    package func recordWaiver(
        of commit: ObjectID, rule: String, reason: String, signer: SigningIdentity, at time: Int64
    )
        throws -> Statement
    {
        let info = try repository.commit(commit)
        let waiver = Waiver(
            tool: ToolInfo(name: RecordBuilder.toolName, version: RecordBuilder.toolVersion),
            signer: SignerInfo(email: signer.email, publicKey: nil), waivedAt: Timestamp.format(unixSeconds: time),
            author: CommitterStamp(
                name: info.author.name, email: info.author.email,
                time: Timestamp.format(unixSeconds: info.author.time)),
            rule: rule, reason: reason, change: try repository.changeID(of: commit))
        let statement = Statement(commit: commit.hex, predicate: .waiver(waiver), format: .v2)
        try NotesLedger(repository: repository).append(
            [commit: [try Self.sign(statement, with: signer.key).line]], message: "git trace waive: \(rule)")
        return statement
    }
}

extension RecordBuilder {
    /// Signs an estimate record of each commit (spec/records.md §8.3) and appends them
    /// all in one notes commit. Always version 2: there are no version 1 estimates.
    package func recordEstimates(_ estimates: [(commit: ObjectID, estimate: Estimate)], signer: SigningIdentity)
        throws
    {
        guard !estimates.isEmpty else { return }
        var lines = [ObjectID: [String]]()
        for (commit, estimate) in estimates {
            let statement = Statement(commit: commit.hex, predicate: .estimate(estimate), format: .v2)
            lines[commit, default: []].append(try Self.sign(statement, with: signer.key).line)
        }
        try NotesLedger(repository: repository).append(
            lines, message: "git trace classify --record: \(estimates.count) estimate(s)")
    }
}

extension Attribution {
    /// The record with `rest` spelled out (spec/records.md §8): its label on every line
    /// `commit` added that no range lists, in every file it changed, and the totals
    /// counted from those ranges and the commit's diff. A version 1 record, or one
    /// without `rest` and with totals, is returned as it is.
    package func expanded(on commit: ObjectID, in repository: Repository) throws -> Attribution {
        guard rest != nil || totals == nil else { return self }
        var result = self
        if rest != nil {
            var files = [AttributedFile]()
            let paths = Set(try repository.pathsChanged(by: commit)).union(self.files.map(\.path))
            for path in paths.sorted(by: JSONValue.codePointOrder) {
                guard case .ranges(let added) = repository.addedLines(ofPath: path, inCommit: commit) else { continue }
                let ranges = self.ranges(of: path, added: added)
                if !ranges.isEmpty { files.append(AttributedFile(path: path, ranges: ranges)) }
            }
            result.files = files
            result.rest = nil
        }
        if result.totals == nil {
            func count(_ origin: Origin) -> Int {
                result.files.flatMap(\.ranges).filter { $0.contributor.type == origin }.reduce(0) { $0 + $1.lineCount }
            }
            let (ai, human, mixed) = (count(.ai), count(.human), count(.mixed))
            // A merge's record attributes exactly the lines the merge itself introduced
            // (spec/capture.md §4); its diff against the first parent would count the
            // other branch's lines too.
            let stats =
                try repository.commit(commit).parentIDs.count > 1
                ? (added: ai + human + mixed, deleted: 0) : repository.lineStats(of: commit)
            result.totals = Totals(added: stats.added, deleted: stats.deleted, ai: ai, human: human, mixed: mixed)
        }
        return result
    }
}
