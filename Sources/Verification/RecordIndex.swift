import Git
import Ledger
import Records
import Signing

/// The keys a display or report trusts: with them, only records that pass every check
/// of `git trace verify` are used (spec/reports.md §3.4).
package struct RecordTrust: Sendable {
    package let signers: AllowedSigners
    package let revoked: Set<String>

    package init(signers: AllowedSigners, revoked: Set<String> = []) {
        self.signers = signers
        self.revoked = revoked
    }
}

/// The records of each commit, decoded, for displays and reports (blame, stats,
/// report). With a `RecordTrust`, only records that verify under it are used; without
/// one, records whose signature holds for the key they name, which proves only that
/// they were not altered (callers say that nothing was checked against trust).
package final class RecordIndex {
    /// A record with the digest that names it (spec/records.md §3).
    package struct Signed<Predicate: Sendable>: Sendable {
        package let predicate: Predicate
        package let digest: String
    }

    /// What one commit's note holds.
    package struct CommitRecords: Sendable {
        /// The newest attribution record (by `recorded_at`).
        package var attribution: Signed<Attribution>?
        package var reviews: [Signed<Review>] = []
        package var waivers: [Signed<Waiver>] = []
        /// The newest estimate (spec/records.md §8.3): used only where no attribution is.
        package var estimate: Signed<Estimate>?

        package init() {}

        package var isEmpty: Bool { attribution == nil && reviews.isEmpty && waivers.isEmpty && estimate == nil }

        /// Every record kept, by digest.
        package var digests: [String] {
            [attribution?.digest, estimate?.digest].compactMap { $0 } + reviews.map(\.digest) + waivers.map(\.digest)
        }

        /// Takes in one record: the newest attribution wins (equal times: the greater
        /// record digest, so that every clone picks the same one whatever the order of
        /// the note's lines), every review is kept.
        package mutating func add(_ statement: Statement, digest: String) {
            if let new = statement.attribution {
                if attribution.map({ Attribution.governs(new, digest, over: $0.predicate, $0.digest) }) ?? true {
                    attribution = Signed(predicate: new, digest: digest)
                }
            } else if let review = statement.review {
                reviews.append(Signed(predicate: review, digest: digest))
            } else if let waiver = statement.waiver {
                waivers.append(Signed(predicate: waiver, digest: digest))
            } else if let new = statement.estimate {
                if estimate.map({ Estimate.governs(new, digest, over: $0.predicate, $0.digest) }) ?? true {
                    estimate = Signed(predicate: new, digest: digest)
                }
            }
        }
    }

    private let ledger: NotesLedger
    private var cache = [ObjectID: CommitRecords]()
    /// The notes commit read from, resolved once: every lookup sees the same ledger.
    package let notesCommit: ObjectID?
    /// OpenSSL contexts reused across the records read (an index is used by one
    /// thread at a time).
    private let signatureContext = SignatureContext()

    /// Checks each commit's note as `git trace verify` does, when there is a trust.
    private let verifier: Verifier?

    package init(repository: Repository, trust: RecordTrust? = nil) {
        let ledger = NotesLedger(repository: repository)
        self.ledger = ledger
        notesCommit = try? repository.notesTip(NotesLedger.notesRef)
        verifier = trust.map { Verifier(ledger: ledger, trust: $0.signers, revoked: $0.revoked, keepsStatements: true) }
    }

    package func attribution(of commit: ObjectID) -> Attribution? {
        records(of: commit).attribution?.predicate
    }

    /// Takes what a verification of `commit`'s note already found (under this index's
    /// trust), so that lookups do not verify it again.
    package func remember(_ records: CommitRecords, of commit: ObjectID) {
        cache[commit] = records
    }

    /// The records of `commit`, kept for the next lookup (blame asks again and again).
    package func records(of commit: ObjectID) -> CommitRecords {
        if let cached = cache[commit] { return cached }
        let found = readRecords(of: commit)
        cache[commit] = found
        return found
    }

    /// The records of `commit`, read afresh and not kept: for one pass over a long
    /// history, which would otherwise hold every record in memory.
    /// `verified` holds digests of records `Verifier` passed (`allVerified`: every record
    /// of this note passed, as a verification cache says): their signatures are not
    /// checked a second time.
    package func readRecords(of commit: ObjectID, verified: Set<String> = [], allVerified: Bool = false)
        -> CommitRecords
    {
        var found = CommitRecords()
        if let verifier, !allVerified {
            for record in (try? verifier.verify(commits: [commit], workers: 1))?.verified ?? [] {
                if let statement = record.statement, let digest = record.recordDigest {
                    found.add(statement, digest: digest)
                }
            }
            return found
        }
        if let notesCommit, case .lines(let lines, _)? = ledger.note(on: commit, notesCommit: notesCommit) {
            for line in lines {
                let digest = Envelope.recordDigest(ofLine: line)
                let vouched = allVerified || verified.contains(digest)
                guard let envelope = try? Envelope(line: line),
                    let statement = try? Statement(envelope: envelope),
                    statement.commit == commit.hex || isCarriedApproval(statement, on: commit, vouched: vouched)
                else { continue }
                // Without a trust: a version 1 record is checked against the key it
                // names; a version 2 record names none, and displays say that nothing
                // was checked against trust.
                if !allVerified && !verified.contains(digest), let publicKey = statement.signer.publicKey {
                    guard let key = try? PublicKey.cached(openSSH: publicKey),
                        key.fingerprint == envelope.signatures[0].keyID,
                        key.isValidSignature(
                            envelope.signatures[0].bytes, for: envelope.preAuthenticationEncoding,
                            using: signatureContext)
                    else { continue }
                }
                found.add(clipped(statement, on: commit), digest: digest)
            }
        }
        return found
    }

    /// A review or waiver of another commit carried to this one (spec/records.md §8.2):
    /// the change it approved is this commit's. `vouched`: verification already said so.
    private func isCarriedApproval(_ statement: Statement, on commit: ObjectID, vouched: Bool) -> Bool {
        guard let change = statement.approvedChange else { return false }
        return vouched || (try? ledger.repository.changeID(of: commit)) == change
    }

    /// Without a trust, a record's claims are cut to the lines its commit added: a
    /// record claiming lines 1-1000000 of a 3-line change counts 3 lines at most
    /// (with a trust, such a record fails verification and is not used at all).
    private func clipped(_ statement: Statement, on commit: ObjectID) -> Statement {
        if var estimate = statement.estimate {
            // An estimate's blocks likewise: its estimated lines are lines the commit added.
            let blocks = Estimate.cut(estimate.blocks) {
                ledger.repository.addedLines(ofPath: $0, inCommit: commit).clip
            }
            guard blocks != estimate.blocks else { return statement }
            estimate.blocks = blocks
            var result = statement
            result.predicate = .estimate(estimate)
            return result
        }
        guard var attribution = statement.attribution else { return statement }
        var changed = false
        for (fileIndex, file) in attribution.files.enumerated() {
            let added = ledger.repository.addedLines(ofPath: file.path, inCommit: commit)
            var ranges = [AttributedRange]()
            for range in file.ranges {
                let pieces = added.clip(range.startLine...range.endLine)
                if pieces != [range.startLine...range.endLine] { changed = true }
                ranges += pieces.map { piece in
                    var cut = range
                    (cut.startLine, cut.endLine) = (piece.lowerBound, piece.upperBound)
                    return cut
                }
            }
            attribution.files[fileIndex].ranges = ranges
        }
        guard changed else { return statement }
        var result = statement
        result.predicate = .attribution(attribution)
        return result
    }
}
