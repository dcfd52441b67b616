import CanonicalJSON
import Diagnostics
import Git
import Keys
import Records
import Signing

/// What a caller claims about some lines of one file in a commit.
package struct LineClaim: Sendable {
    package var path: String
    package var lines: [ClosedRange<Int>]
    package var contributor: Contributor
    package var sessionID: String?
    package var promptDigest: String?
    package var confidenceBasisPoints: Int

    package init(
        path: String, lines: [ClosedRange<Int>], contributor: Contributor, sessionID: String? = nil,
        promptDigest: String? = nil, confidenceBasisPoints: Int = 10_000
    ) {
        self.path = path
        self.lines = lines
        self.contributor = contributor
        self.sessionID = sessionID
        self.promptDigest = promptDigest
        self.confidenceBasisPoints = confidenceBasisPoints
    }
}

/// Why claims cannot become a record; the message names the file and lines.
package struct ClaimError: UserFacingError {
    package let message: String
    package var description: String { message }
}

/// Turns claims about a commit into a signed attribution record.
public struct RecordBuilder {
    package static let toolName = "git-trace"
    package static let toolVersion = "0.2.0"

    package let repository: Repository

    package init(repository: Repository) { self.repository = repository }

    /// The attribution statement for `commitID`, checked against the commit's files.
    /// `lineStats` overrides the diff against the first parent (merge commits count only
    /// what the merge itself introduced); `sessions` carries capture's acceptance data.
    package func attribution(
        for commitID: ObjectID, claims: [LineClaim], signer: SigningIdentity, recordedAt: Int64,
        lineStats: (added: Int, deleted: Int)? = nil, sessions: [SessionAcceptance] = [],
        rewrite: RewriteKind? = nil, derivedFrom: [RecordReference] = []
    ) throws -> Statement {
        let commit = try repository.commit(commitID)
        var rangesByPath = [String: [AttributedRange]]()
        var fileCache = [String: FileLines]()
        var addedCache = [String: AddedLines]()
        for claim in claims {
            let path = claim.path
            let lines: FileLines
            if let cached = fileCache[path] {
                lines = cached
            } else {
                switch try repository.content(ofPath: path, inCommit: commitID) {
                case .blob(let bytes): lines = FileLines(bytes)
                case .missing: throw ClaimError(message: "\(path) does not exist in commit \(commitID.shortHex)")
                case .notAFile: throw ClaimError(message: "\(path) is not a file in commit \(commitID.shortHex)")
                }
                fileCache[path] = lines
            }
            for range in claim.lines {
                guard range.upperBound <= lines.count else {
                    throw ClaimError(
                        message:
                            "\(path) has \(lines.count) lines in commit \(commitID.shortHex); lines \(range.lowerBound)-\(range.upperBound) are beyond its end"
                    )
                }
                // A record speaks of the lines its commit added (verify: range-not-added).
                let added = addedCache[path] ?? repository.addedLines(ofPath: path, inCommit: commitID)
                addedCache[path] = added
                if let failure = added.uncovered(range, path: path, commit: commitID) {
                    throw ClaimError(message: failure + ": a record claims only lines its commit added")
                }
                rangesByPath[path, default: []].append(
                    AttributedRange(
                        startLine: range.lowerBound, endLine: range.upperBound,
                        contentHash: lines.contentHash(ofLines: range), contributor: claim.contributor,
                        sessionID: claim.sessionID, promptDigest: claim.promptDigest,
                        confidenceBasisPoints: claim.confidenceBasisPoints))
            }
        }
        var files = [AttributedFile]()
        for path in rangesByPath.keys.sorted(by: JSONValue.codePointOrder) {
            let ranges = rangesByPath[path]!.sorted { $0.startLine < $1.startLine }
            for (previous, next) in zip(ranges, ranges.dropFirst()) where next.startLine <= previous.endLine {
                throw ClaimError(
                    message:
                        "\(path): lines \(previous.startLine)-\(previous.endLine) and \(next.startLine)-\(next.endLine) overlap"
                )
            }
            files.append(AttributedFile(path: path, ranges: ranges))
        }
        let stats = try lineStats ?? repository.lineStats(of: commitID)
        let allRanges = files.flatMap(\.ranges)
        func covered(_ origin: Origin) -> Int {
            allRanges.filter { $0.contributor.type == origin }.reduce(0) { $0 + $1.lineCount }
        }
        let attribution = Attribution(
            tool: ToolInfo(name: RecordBuilder.toolName, version: RecordBuilder.toolVersion),
            signer: SignerInfo(email: signer.email, publicKey: signer.key.publicKey.openSSH),
            committer: CommitterStamp(
                name: commit.committer.name, email: commit.committer.email,
                time: Timestamp.format(unixSeconds: commit.committer.time)),
            recordedAt: Timestamp.format(unixSeconds: laterThanEarlierRecords(recordedAt, on: commitID)),
            files: files,
            totals: Totals(
                added: stats.added, deleted: stats.deleted, ai: covered(.ai), human: covered(.human),
                mixed: covered(.mixed)),
            sessions: sessions, rewrite: rewrite, derivedFrom: derivedFrom)
        let statement = Statement(commit: commitID.hex, predicate: .attribution(attribution))
        guard try recordFormat() == .v2 else { return statement }
        var compact = statement.inVersion2
        if commit.parentIDs.count <= 1,
            let rest = try restLabel(for: commitID, claims: files, added: addedCache)
        {
            // The model is what is signed: rest's lines are not listed (§8).
            compact.predicate = .attribution(compact.attribution!.withRest(rest))
        }
        return compact
    }

    /// The format records are written in: `sessiontrace.recordFormat` (1 for a team
    /// whose members still run a version that reads only version 1), else version 2.
    package func recordFormat() throws -> RecordFormat {
        guard let value = try repository.config().string("sessiontrace.recordFormat") else { return .v2 }
        guard let number = Int(value), let format = RecordFormat(rawValue: number) else {
            throw ClaimError(message: "sessiontrace.recordFormat is '\(value)': set it to 1 or 2 (the default)")
        }
        return format
    }

    /// Version 2's `rest` (spec/records.md §8): when the claims cover every line the
    /// commit added, in every file it changed, the label of the most lines, which the
    /// record then need not list; nil when some added line is claimed by nobody (rest
    /// would claim it) or nothing is claimed.
    /// `added` holds the added lines of the paths the claims named, already computed.
    func restLabel(for commitID: ObjectID, claims files: [AttributedFile], added known: [String: AddedLines]) throws
        -> RangeLabel?
    {
        var claimed = [String: Int]()
        var linesByLabel = [RangeLabel: Int]()
        for file in files {
            for range in file.ranges {
                claimed[file.path, default: 0] += range.lineCount
                linesByLabel[range.label, default: 0] += range.lineCount
            }
        }
        for path in try repository.pathsChanged(by: commitID) {
            guard case .ranges(let added) = known[path] ?? repository.addedLines(ofPath: path, inCommit: commitID)
            else { return nil }
            // Claims are added lines and do not overlap (checked above): equal counts
            // mean every added line is claimed.
            guard added.reduce(0, { $0 + $1.count }) == claimed[path] ?? 0 else { return nil }
        }
        return linesByLabel.max { a, b in
            a.value != b.value
                ? a.value < b.value
                : !a.key.v2JSON.canonicalBytes.lexicographicallyPrecedes(b.key.v2JSON.canonicalBytes)
        }?.key
    }

    /// `time`, or one second after the newest attribution record already on `commitID`
    /// when that is as new: two records this clone wrote in the same second (the
    /// automatic one, then `git trace record`) must never tie, since the tie-break
    /// (spec/reports.md) cannot depend on line order, which sync's merge changes.
    func laterThanEarlierRecords(_ time: Int64, on commitID: ObjectID) -> Int64 {
        guard case .lines(let lines, _)? = NotesLedger(repository: repository).note(on: commitID) else { return time }
        var newest = Int64.min
        for line in lines {
            guard let envelope = try? Envelope(line: line), let statement = try? Statement(envelope: envelope),
                statement.commit == commitID.hex, let attribution = statement.attribution,
                let recorded = Timestamp.parse(attribution.recordedAt)
            else { continue }
            newest = max(newest, recorded)
        }
        return newest >= time ? newest + 1 : time
    }

    /// A review of `commitID` by `signer` (spec/records.md §4.2); a review of one's own
    /// commit is marked as such.
    package func review(of commitID: ObjectID, signer: SigningIdentity, comment: String?, reviewedAt: Int64) throws
        -> Statement
    {
        let commit = try repository.commit(commitID)
        let format = try recordFormat()
        let review = Review(
            tool: ToolInfo(name: RecordBuilder.toolName, version: RecordBuilder.toolVersion),
            signer: SignerInfo(email: signer.email, publicKey: signer.key.publicKey.openSSH),
            reviewedAt: Timestamp.format(unixSeconds: reviewedAt),
            author: CommitterStamp(
                name: commit.author.name, email: commit.author.email,
                time: Timestamp.format(unixSeconds: commit.author.time)),
            selfReview: commit.author.email.lowercased() == signer.email.lowercased(),
            comment: comment, change: format == .v2 ? try repository.changeID(of: commitID) : nil)
        let statement = Statement(commit: commitID.hex, predicate: .review(review))
        return format == .v2 ? statement.inVersion2 : statement
    }

    /// Signs a statement into a note line. The ledger is append-only, so a record that
    /// verification would refuse (`bad-schema`) would fail for ever: the payload is
    /// first read back through verification's own decoder, and nothing is signed
    /// unless it passes.
    public static func sign(_ statement: Statement, with key: any MessageSigner) throws -> Envelope {
        let payload = statement.json.canonicalBytes
        do {
            _ = try Statement(payload: payload, format: statement.format)
        } catch {
            throw ClaimError(message: "refusing to sign a record that verification would reject: \(error)")
        }
        return try Envelope.sign(payload: payload, payloadType: statement.format.payloadType, with: key)
    }
}
