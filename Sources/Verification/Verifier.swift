import CanonicalJSON
import Diagnostics
import Foundation
import Git
import Ledger
import Records
import Signing

/// One failed check of one record (spec/records.md §7).
package struct Problem: Error, Sendable, Equatable {
    package enum Code: String, Sendable, CaseIterable {
        case unreadableNote = "unreadable-note"
        case notJSON = "not-json"
        case notEnvelope = "not-envelope"
        case payloadType = "payload-type"
        case untrustedKey = "untrusted-key"
        case payloadAltered = "payload-altered"
        case signatureAltered = "signature-altered"
        case badSignature = "bad-signature"
        case notCanonical = "not-canonical"
        case badSchema = "bad-schema"
        case subjectMismatch = "subject-mismatch"
        case principalMismatch = "principal-mismatch"
        case keyNotYetValid = "key-not-yet-valid"
        case keyExpired = "key-expired"
        case fileMissing = "file-missing"
        case rangeOutsideFile = "range-outside-file"
        case contentMismatch = "content-mismatch"
        case truncatedNote = "truncated-note"
        case duplicateRecord = "duplicate-record"
        case revokedKey = "revoked-key"
        case recordRemoved = "record-removed"
        case notesHistoryRewritten = "notes-history-rewritten"
        case checkpointMismatch = "checkpoint-mismatch"
        case reviewMismatch = "review-mismatch"
        case rangeNotAdded = "range-not-added"
        case estimateMismatch = "estimate-mismatch"
        // Warnings: reported, but the record still counts as verified.
        case selfReview = "self-review"
        case repositoryTrustEdited = "repository-trust-edited"
        case commitAbsent = "commit-absent"
        case estimateNotRemade = "estimate-not-remade"
        case waiverMismatch = "waiver-mismatch"

        package var isWarning: Bool {
            self == .selfReview || self == .repositoryTrustEdited || self == .commitAbsent || self == .estimateNotRemade
        }
    }

    package let commit: ObjectID
    /// 1-based position of the record among the note's lines; nil for the note as a whole.
    package let record: Int?
    package let recordDigest: String?
    package let code: Code
    package let message: String

    package init(commit: ObjectID, record: Int?, recordDigest: String?, code: Code, message: String) {
        self.commit = commit
        self.record = record
        self.recordDigest = recordDigest
        self.code = code
        self.message = message
    }

    /// `<commit> record <n>: <code>: <message>` (`warning: …` for warnings).
    package var line: String {
        let place = record.map { "\(commit.shortHex) record \($0)" } ?? commit.shortHex
        return (code.isWarning ? "warning: " : "") + "\(place): \(code.rawValue): \(message)"
    }
}

/// A record that passed every check. (Kept small: a long history has many.)
package struct VerifiedRecord: Sendable {
    package let commit: ObjectID
    package let record: Int
    package let predicateType: String
    package let trustLine: Int
    /// The reviewer, when the record is a review of the reviewer's own commit.
    package let selfReviewBy: String?
    /// The decoded statement, when the verifier was asked to keep it (reports).
    package var statement: Statement? { kept?.statement }
    /// `sha256:<hex>` of the record's line, kept with its statement (a verification
    /// that keeps neither spares a hash per record).
    package var recordDigest: String? { kept?.digest }
    /// Boxed: a statement is ~200 bytes, and results are copied record by record.
    private let kept: Kept?

    private final class Kept: Sendable {
        let statement: Statement
        let digest: String
        init(_ statement: Statement, _ digest: String) {
            self.statement = statement
            self.digest = digest
        }
    }

    init(
        commit: ObjectID, record: Int, predicateType: String, trustLine: Int,
        selfReviewBy: String?, kept: (statement: Statement, digest: String)?
    ) {
        self.commit = commit
        self.record = record
        self.predicateType = predicateType
        self.trustLine = trustLine
        self.selfReviewBy = selfReviewBy
        self.kept = kept.map { Kept($0.statement, $0.digest) }
    }
}

package struct VerificationResult: Sendable {
    package var commitsWithNotes = 0
    package var recordsChecked = 0
    package var verified: [VerifiedRecord] = []
    package var problems: [Problem] = []
    /// Findings that do not fail verification (self-reviews, an edited repository trust file).
    package var warnings: [Problem] = []
    /// Records counted from the cache instead of checked again.
    package var cachedRecords = 0
    /// The commits whose notes the cache vouched for (every record on them verified).
    package var cachedCommits: [ObjectID] = []
    /// Notes with neither problem nor warning (cache key, record count).
    var cleanNotes: [(String, Int)] = []

    package init() {}

    /// Adds the results of other parts of the work, in order, after this one's. (Room
    /// is made once: growing the arrays part by part was serial time after the workers.)
    mutating func absorb(_ parts: [VerificationResult]) {
        verified.reserveCapacity(verified.count + parts.reduce(0) { $0 + $1.verified.count })
        cachedCommits.reserveCapacity(cachedCommits.count + parts.reduce(0) { $0 + $1.cachedCommits.count })
        cleanNotes.reserveCapacity(cleanNotes.count + parts.reduce(0) { $0 + $1.cleanNotes.count })
        for part in parts {
            commitsWithNotes += part.commitsWithNotes
            recordsChecked += part.recordsChecked
            verified += part.verified
            problems += part.problems
            warnings += part.warnings
            cachedRecords += part.cachedRecords
            cachedCommits += part.cachedCommits
            cleanNotes += part.cleanNotes
        }
    }
}

/// Checks records against a trust file the auditor chose (spec/records.md §7).
package final class Verifier {
    package let ledger: NotesLedger
    package let trust: AllowedSigners
    /// Fingerprints of revoked keys: their records fail whatever the trust file says.
    package let revoked: Set<String>
    private var repository: Repository { ledger.repository }
    /// Files of the commit being checked (records on one commit often share them);
    /// dropped when the next commit starts, so memory does not grow with history.
    private var fileCache = PerCommitCache<FileLines?>()
    /// The lines each file of the commit being checked added (same lifetime).
    private var addedCache = PerCommitCache<AddedLines>()
    private var changeIDs = [ObjectID: String?]()
    /// `ssh-ed25519 <base64>` of each trusted key met so far, by key id.
    private var keyLines: [String: String] = [:]
    /// This verifier's OpenSSL contexts (each worker thread has its own verifier), in
    /// a library context of its own so that the threads share no OpenSSL lock.
    private let signatureContext = SignatureContext(isolated: true)
    /// How many notes commits the forensic search reads back (only on a failed signature).
    private let historyLimit = 5_000

    /// What a checkpoint the auditor holds says about when records existed
    /// (spec/checkpoints.md §5): the records it covered existed by its time; any other
    /// record entered this ledger after it, whatever time it claims.
    package struct Coverage: Sendable {
        package let time: Int64
        package let digests: Set<String>

        package init(time: Int64, digests: Set<String>) {
            self.time = time
            self.digests = digests
        }
    }

    package let coverage: Coverage?
    /// Whether each attribution range is also checked against the commit's file
    /// (`file-missing`, `range-outside-file`, `content-mismatch`): that reads every
    /// file a record names, so it costs more than the signatures.
    package let checksContent: Bool
    /// Whether each verified record keeps its decoded statement (for reports, which
    /// would otherwise parse every record a second time).
    package let keepsStatements: Bool
    /// Makes estimates again under the content checks; nil: they are not made again
    /// (and the content checks say so).
    package let remaker: (any EstimateRemaking)?

    package init(
        ledger: NotesLedger, trust: AllowedSigners, revoked: Set<String> = [], coverage: Coverage? = nil,
        checksContent: Bool = false, keepsStatements: Bool = false, remaker: (any EstimateRemaking)? = nil
    ) {
        self.ledger = ledger
        self.trust = trust
        self.revoked = revoked
        self.coverage = coverage
        self.checksContent = checksContent
        self.keepsStatements = keepsStatements
        self.remaker = remaker
    }

    /// A note to verify: its commit and its blobs, and where the commit stands once
    /// that has been read (when the notes were put in history order).
    struct PendingNote: Sendable {
        let commit: ObjectID
        let blobs: [ObjectID]
        var standing: CommitStanding? = nil

        /// What the verification cache knows this note by: commit and blobs.
        var cacheKey: String { commit.hex + " " + blobs.map(\.hex).joined(separator: ",") }
    }

    /// Verifies the notes of `commits`, or of every annotated object when nil, on
    /// `workers` threads (each with its own repository handle). Notes the `cache`
    /// already holds as verified under the same trust are counted but not re-checked.
    /// `progress`, given the number of notes to check, makes what shows how far the
    /// checks have come.
    package func verify(
        commits: [ObjectID]?, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        cache: VerificationCache? = nil, progress: ((Int) -> ProgressMeter)? = nil
    ) throws -> VerificationResult {
        var entries = [(ObjectID, [ObjectID])]()
        if let commits {
            // A range's walk is already in history order.
            for commit in commits {
                let blobs = try repository.noteBlobIDs(for: commit, ref: ledger.ref)
                if !blobs.isEmpty { entries.append((commit, blobs)) }
            }
        } else {
            entries = try allNotes(workers: workers)
        }
        var (pending, result) = Verifier.notYetVerified(entries, cache: cache)
        if commits == nil { pending = try newestFirst(pending, workers: workers) }
        // Notes are read by the workers themselves, a chunk at a time, so memory stays
        // flat however long the history is.
        let shown = progress?(pending.count)
        self.progress = shown
        defer { self.progress = nil }
        result.absorb(try verifyInParallel(pending, workers: workers, hasCache: cache != nil))
        shown?.finish()
        if let cache {
            for (key, records) in result.cleanNotes { cache.insert(key, records: records) }
        }
        return result
    }

    /// Every note, in object-id order. The fan-out directories are listed by the
    /// workers, so that a long ledger's listing is spread over the cores too.
    private func allNotes(workers: Int) throws -> [(ObjectID, [ObjectID])] {
        if workers > 1, let shards = try repository.noteShards(ref: ledger.ref), shards.count >= 8 * workers {
            return try inParallel(count: shards.count, workers: workers) { verifier, index in
                try verifier.repository.notes(in: shards[index]).map { ($0.target, $0.blobs) }
            }.flatMap { $0 }
        }
        return try repository.allNotes(ref: ledger.ref).map { ($0.target, $0.blobs) }
    }

    /// `pending` newest commit first (commits this repository lacks last), ties by id.
    /// The order is for speed: checking which lines a commit added reads its tree, its
    /// parent's tree and the file's two versions, all stored as deltas against their
    /// neighbours in history. In the notes' own order (by object id, so random in
    /// history) libgit2's small delta-base cache misses nearly every time: 4.1 s instead
    /// of 2.2 s for 40,000 records' reads. Only the notes still to check are dated (the
    /// cache's are not read at all); the workers read the commit times.
    /// In a shallow clone the same read tells where each commit stands
    /// (`CommitStanding`: the clone's boundary), which the check of its note then need
    /// not read again. A complete repository decides that as the records are checked
    /// (present or not; a missing parent is said when a line check needs it), and when
    /// it has a commit-graph (`git gc` writes one) the times come from the graph without
    /// reading the commits: a graph is anyone's to write, but a false time only costs
    /// speed, and the findings are the same with a graph or without.
    private func newestFirst(_ pending: [PendingNote], workers: Int) throws -> [PendingNote] {
        let chunk = 4_096
        let shallow = isShallow
        let graph = shallow ? nil : repository.commitGraph()
        @Sendable func dating(_ verifier: Verifier, _ commit: ObjectID) -> (time: Int64, standing: CommitStanding?) {
            if shallow { return verifier.standing(of: commit) }
            return (graph?.time(of: commit) ?? verifier.repository.timeAndFirstParent(of: commit)?.time ?? .min, nil)
        }
        let dated: [(time: Int64, standing: CommitStanding?)] =
            pending.count <= chunk || workers < 2
            ? pending.map { dating(self, $0.commit) }
            : try inParallel(count: (pending.count + chunk - 1) / chunk, workers: workers) { verifier, index in
                pending[(index * chunk)..<min(pending.count, (index + 1) * chunk)].map {
                    dating(verifier, $0.commit)
                }
            }.flatMap { $0 }
        return pending.indices.sorted { a, b in
            dated[a].time != dated[b].time ? dated[a].time > dated[b].time : pending[a].commit < pending[b].commit
        }.map {
            var note = pending[$0]
            note.standing = dated[$0].standing
            return note
        }
    }

    /// Whether a note's commit, and the parent its added lines are found against, are
    /// in this repository (a shallow clone holds notes on commits it lacks, and its
    /// boundary commits lack their parents).
    enum CommitStanding: Sendable {
        case present, absent, parentAbsent
    }

    /// A commit's committer time (`Int64.min` when it cannot be read: sorted last) and
    /// its standing, from one read of the commit.
    private func standing(of commit: ObjectID) -> (time: Int64, standing: CommitStanding) {
        guard let (time, parent) = repository.timeAndFirstParent(of: commit) else {
            // Present but unreadable is left to the checks that read it, as before.
            return (.min, repository.hasObject(commit) ? .present : .absent)
        }
        if let parent, !repository.hasObject(parent) { return (time, .parentAbsent) }
        return (time, .present)
    }

    /// The notes of `entries` still to check; those the cache vouches for are counted
    /// in the result instead.
    private static func notYetVerified(_ entries: [(ObjectID, [ObjectID])], cache: VerificationCache?) -> (
        [PendingNote], VerificationResult
    ) {
        var result = VerificationResult()
        var pending = [PendingNote]()
        pending.reserveCapacity(entries.count)
        for (commit, blobs) in entries {
            let note = PendingNote(commit: commit, blobs: blobs)
            if let cached = cache?.records(for: note.cacheKey) {
                result.commitsWithNotes += 1
                result.recordsChecked += cached
                result.cachedRecords += cached
                result.cachedCommits.append(commit)
                continue
            }
            pending.append(note)
        }
        return (pending, result)
    }

    /// Worker verifiers, one per thread, kept for the next call.
    private var workerVerifiers: [Verifier] = []
    /// Whether this is a shallow clone, asked once: libgit2 looks for the `shallow` file
    /// at every call, and the check of every note needs the answer.
    private lazy var isShallow = repository.isShallow
    /// Whether a line check of the note being checked could not read what it needed
    /// (the commit's parent, a file version): said once per note, as a warning.
    private var addedLinesUnread = false
    /// Estimates of the note being checked that could not be made again (record, model).
    private var estimatesNotRemade = [(record: Int, why: String)]()
    /// What the remaker read ahead for this thread's next estimates, and the commits of
    /// the notes after the one being checked.
    private var readAhead: (any EstimateRemaking)?
    private var upcomingCommits = ArraySlice<ObjectID>()
    static let readAheadCount = 32
    /// Advanced once per note checked, by whichever thread checked it.
    private var progress: ProgressMeter?

    /// `hasCache`: whether to note the notes that passed cleanly, for the cache.
    private func verifyInParallel(_ pending: [PendingNote], workers: Int, hasCache: Bool) throws -> [VerificationResult]
    {
        guard workers > 1 && pending.count >= 2 * workers else { return [verifyLoaded(pending, hasCache: hasCache)] }
        let chunks = Verifier.chunks(count: pending.count, workers: workers)
        return try inParallel(count: chunks.count, workers: workers) { verifier, chunk in
            verifier.verifyLoaded(Array(pending[chunks[chunk]]), hasCache: hasCache)
        }
    }

    /// How `count` notes are cut into chunks handed out in turn (results are kept per
    /// chunk in order, so output is stable). Large first, at most an eighth of a
    /// worker's share: a chunk is a stretch of history, and a file version read as one
    /// commit's parent is reused when the next commit in the chunk that wrote it is
    /// checked (CarriedVersions), which small chunks split between threads would miss.
    /// Then smaller as the end nears, down to 128, so that no thread waits long for a
    /// slower one's last chunk (80,000 notes in equal chunks left one core idle for
    /// 0.4 s of 8).
    package static func chunks(count: Int, workers: Int) -> [Range<Int>] {
        let largest = max(128, count / (8 * workers))
        var chunks = [Range<Int>]()
        var start = 0
        while start < count {
            let size = min(largest, max(128, (count - start) / (4 * workers)), count - start)
            chunks.append(start..<(start + size))
            start += size
        }
        return chunks
    }

    /// Runs `work` for items 0..<count on `workers` threads, each with its own verifier
    /// (and so its own repository handle), items handed out in turn; the results in
    /// item order.
    private func inParallel<Value>(
        count: Int, workers: Int,
        _ work: @escaping @Sendable (Verifier, Int) throws -> Value
    ) throws -> [Value] {
        if workerVerifiers.count != workers {
            workerVerifiers = try (0..<workers).map { _ in
                Verifier(
                    ledger: NotesLedger(
                        repository: try Repository(discoveringFrom: repository.gitDirectory), ref: ledger.ref),
                    trust: trust, revoked: revoked, coverage: coverage, checksContent: checksContent,
                    keepsStatements: keepsStatements, remaker: remaker)
            }
        }
        for verifier in workerVerifiers { verifier.progress = progress }
        let verifiers = PerWorker(workerVerifiers)
        return try Parallel.map(count: count, workers: workers) { worker, item in
            try work(verifiers.items[worker], item)
        }
    }

    /// Reads and checks notes on this thread (each thread has its own repository
    /// handle, so reading the notes is spread over the cores too); records which notes
    /// had neither problem nor warning.
    func verifyLoaded(_ notes: [PendingNote], hasCache: Bool) -> VerificationResult {
        var result = VerificationResult()
        let commits = notes.map(\.commit)
        defer {
            readAhead = nil
            upcomingCommits = []
        }
        for (position, loaded) in notes.enumerated() {
            defer { progress?.advance() }
            upcomingCommits = commits[(position + 1)...]
            let commit = loaded.commit
            let before = (result.problems.count, result.warnings.count)
            result.commitsWithNotes += 1
            let note: (lines: [ArraySlice<UInt8>], truncated: Bool)
            do {
                guard let split = NotesLedger.lineSlices(noteBytes: try ledger.noteBytes(fromBlobs: loaded.blobs))
                else {
                    result.problems.append(
                        Problem(
                            commit: commit, record: nil, recordDigest: nil, code: .unreadableNote,
                            message: "note cannot be read: not UTF-8 text"))
                    continue
                }
                note = split
            } catch {
                result.problems.append(
                    Problem(
                        commit: commit, record: nil, recordDigest: nil, code: .unreadableNote,
                        message: "note cannot be read: \(error)"))
                continue
            }
            do {
                let (lines, truncated) = note
                // A record is named by its line's digest, which costs a hash: taken only
                // where something needs it (a second record to compare with, a problem
                // to name, the checkpoint's list, a report).
                var firstIndex = lines.count > 1 ? [String: Int]() : nil
                // A shallow clone holds notes on commits it does not have (and its boundary
                // commits lack their parents): their records are checked, but not which
                // lines the commit added, nor (--content) its files.
                // In a complete repository every present commit's parent is there too,
                // unless it is damaged: then the line checks that need the parent say so
                // (`addedLinesUnread`, below). A shallow clone's boundary is known first.
                let standing =
                    loaded.standing
                    ?? (isShallow
                        ? standing(of: commit).standing : repository.hasObject(commit) ? .present : .absent)
                addedLinesUnread = false
                estimatesNotRemade = []
                let checksContent = self.checksContent && standing != .absent
                if standing == .absent {
                    result.warnings.append(
                        Problem(
                            commit: commit, record: nil, recordDigest: nil, code: .commitAbsent,
                            message:
                                "commit \(commit.hex) is not in this repository (a shallow clone?): its records' line ranges were not checked against it"
                        ))
                } else if standing == .parentAbsent {
                    result.warnings.append(
                        Problem(
                            commit: commit, record: nil, recordDigest: nil, code: .commitAbsent,
                            message:
                                "the parent of commit \(commit.shortHex) is not in this repository (a shallow clone's boundary): which lines the commit added was not checked"
                        ))
                }
                for (offset, line) in lines.enumerated() {
                    let index = offset + 1
                    result.recordsChecked += 1
                    let digest = firstIndex != nil ? Envelope.recordDigest(ofLineBytes: line) : nil
                    if let digest, let earlier = firstIndex?[digest] {
                        result.problems.append(
                            Problem(
                                commit: commit, record: index, recordDigest: digest, code: .duplicateRecord,
                                message: "record \(index) repeats record \(earlier) (a note holds each record once)"))
                        continue
                    }
                    if let digest { firstIndex?[digest] = index }
                    switch check(line: line, digest: digest, index: index, on: commit, checksContent: checksContent) {
                    case .success(let record):
                        result.verified.append(record)
                        if let reviewer = record.selfReviewBy {
                            result.warnings.append(
                                Problem(
                                    commit: commit, record: index,
                                    recordDigest: record.recordDigest ?? Envelope.recordDigest(ofLineBytes: line),
                                    code: .selfReview,
                                    message: "\(reviewer) reviewed their own commit (separation of duties not met)"))
                        }
                    case .failure(var problem):
                        if truncated, offset == lines.count - 1, problem.code == .notJSON {
                            problem = Problem(
                                commit: commit, record: index, recordDigest: problem.recordDigest, code: .truncatedNote,
                                message: "the note ends in the middle of record \(index): it was cut short")
                        }
                        result.problems.append(problem)
                    }
                }
                for (record, why) in estimatesNotRemade {
                    result.warnings.append(
                        Problem(
                            commit: commit, record: record,
                            recordDigest: Envelope.recordDigest(ofLineBytes: lines[record - 1]),
                            code: .estimateNotRemade,
                            message: why))
                }
                if addedLinesUnread, standing == .present {
                    result.warnings.append(
                        Problem(
                            commit: commit, record: nil, recordDigest: nil, code: .commitAbsent,
                            message:
                                "the parent of commit \(commit.shortHex), or a version of a file its records name, cannot be read in this repository: which lines the commit added was not checked"
                        ))
                }
                if hasCache, (result.problems.count, result.warnings.count) == before {
                    result.cleanNotes.append((loaded.cacheKey, lines.count))
                }
            }
        }
        return result
    }

    private func check(
        line: ArraySlice<UInt8>, digest knownDigest: String?, index: Int, on commit: ObjectID,
        checksContent: Bool
    ) -> Result<VerifiedRecord, Problem> {
        // Hashed at most once, and only when a problem, the checkpoint or a report asks.
        lazy var digest = knownDigest ?? Envelope.recordDigest(ofLineBytes: line)
        func problem(_ code: Problem.Code, _ message: String) -> Result<VerifiedRecord, Problem> {
            .failure(Problem(commit: commit, record: index, recordDigest: digest, code: code, message: message))
        }
        let envelope: Envelope
        let lineIsCanonical: Bool
        do {
            (envelope, lineIsCanonical) = try Envelope.parse(bytes: line)
        } catch EnvelopeError.notJSON(let why) {
            return problem(.notJSON, "not JSON: \(why)")
        } catch {
            return problem(.notEnvelope, "\(error)")
        }
        guard let format = RecordFormat(payloadType: envelope.payloadType) else {
            return problem(
                .payloadType,
                "payloadType is \"\(envelope.payloadType)\", expected "
                    + RecordFormat.allCases.map { "\"\($0.payloadType)\"" }.joined(separator: " or "))
        }
        let signature = envelope.signatures[0]
        if revoked.contains(signature.keyID) {
            return problem(.revokedKey, "signed by \(signature.keyID), which is revoked")
        }
        guard let key = trust.key(forKeyID: signature.keyID) else {
            return problem(
                .untrustedKey, "signed by \(signature.keyID), which is not in the trust file \(trust.source)")
        }
        guard key.isValidSignature(signature.bytes, for: envelope.preAuthenticationEncoding, using: signatureContext)
        else {
            let (code, message) = explainBadSignature(envelope, key: key, on: commit)
            return problem(code, message)
        }
        let payload: JSONTape
        do {
            payload = try JSONTape(parsing: envelope.payload)
        } catch {
            return problem(.notJSON, "payload is not JSON: \(error)")
        }
        guard payload.canonical else {
            return problem(.notCanonical, "payload is not canonical JSON (spec/records.md §2)")
        }
        guard lineIsCanonical else {
            return problem(.notCanonical, "envelope line is not canonical JSON (spec/records.md §3)")
        }
        let statement: Statement
        do {
            statement = try format == .v1 ? Statement(tape: payload) : Statement(v2Tape: payload)
        } catch {
            return problem(.badSchema, "invalid statement: \(error)")
        }
        let signer = statement.signer
        // The signing key's own OpenSSH line is by far the usual spelling: compared as
        // text first, parsed only when it differs (a comment, another key).
        let signingKeyLine = keyLines[signature.keyID] ?? key.openSSH
        keyLines[signature.keyID] = signingKeyLine
        // Version 1 also names the key in the statement (version 2 only in the envelope).
        if let publicKey = signer.publicKey, publicKey != signingKeyLine,
            (try? PublicKey.cached(openSSH: publicKey))?.fingerprint != signature.keyID
        {
            return problem(.badSchema, "signer.public_key does not match the signing key \(signature.keyID)")
        }
        if statement.commit != commit.hex, let failure = carriedApprovalFailure(statement, on: commit) {
            return problem(.subjectMismatch, failure)
        }
        var signedAt = statement.signedAt
        var recordTime = Timestamp.parse(signedAt)!
        if let coverage {
            // A record the checkpoint covers existed by its time; one it does not cover
            // was added after it, so a claimed earlier time cannot be believed.
            let adjusted =
                coverage.digests.contains(digest) ? min(recordTime, coverage.time) : max(recordTime, coverage.time)
            if adjusted != recordTime {
                recordTime = adjusted
                signedAt =
                    Timestamp.format(unixSeconds: adjusted)
                    + " (bounded by the checkpoint; the record claims \(statement.signedAt))"
            }
        }
        switch trust.decide(keyID: signature.keyID, email: signer.email, at: recordTime) {
        case .trusted(let trustLine):
            if let attribution = statement.attribution {
                if checksContent, let failure = checkFiles(attribution, on: commit) {
                    return problem(failure.0, failure.1)
                }
                if let failure = checkAdded(attribution.claimedLines, on: commit) {
                    return problem(.rangeNotAdded, failure)
                }
            }
            if let estimate = statement.estimate {
                let claims = estimate.claimedLines
                if let failure = checkAdded(claims, on: commit) { return problem(.rangeNotAdded, failure) }
                // The estimate made again (--content): a signer cannot state numbers the
                // model it names does not give. Not where the commit's diff is unknown.
                if checksContent, !claims.contains(where: { addedLines($0.path, commit) == .unknown }) {
                    switch remake(estimate, of: commit) {
                    case .success(let difference?): return problem(.estimateMismatch, difference)
                    case .success(nil): break
                    case .failure(let why): estimatesNotRemade.append((index, why.message))
                    }
                }
            }
            if let waiver = statement.waiver, let mismatch = authorMismatch(waiver.author, of: commit, in: "waiver") {
                return problem(.waiverMismatch, mismatch)
            }
            var selfReviewBy: String?
            if let review = statement.review {
                switch checkReview(review, on: commit) {
                case .failure(let mismatch): return problem(.reviewMismatch, mismatch.message)
                case .success(let isSelfReview): selfReviewBy = isSelfReview ? review.signer.email : nil
                }
            }
            return .success(
                VerifiedRecord(
                    commit: commit, record: index, predicateType: statement.predicate.type, trustLine: trustLine,
                    selfReviewBy: selfReviewBy,
                    kept: keepsStatements ? (statement, digest) : nil))
        case .untrustedKey:
            return problem(
                .untrustedKey, "signed by \(signature.keyID), which is not in the trust file \(trust.source)")
        case .principalMismatch:
            return problem(
                .principalMismatch,
                "key \(signature.keyID) is not allowed to sign as \(signer.email) in \(trust.source)")
        case .notYetValid(let after):
            return problem(
                .keyNotYetValid,
                "key \(signature.keyID) is valid only from \(Timestamp.format(unixSeconds: after)) but the record was made at \(signedAt)"
            )
        case .expired(let before):
            return problem(
                .keyExpired,
                "key \(signature.keyID) expired at \(Timestamp.format(unixSeconds: before)) (valid-before) but the record was made at \(signedAt)"
            )
        }
    }

    /// Why a record about another commit is not a carried approval of this one (spec/records.md
    /// §8.2), or nil when it is: a version 2 review or waiver stating the change identity
    /// this commit has (its author is checked as for any review or waiver).
    private func carriedApprovalFailure(_ statement: Statement, on commit: ObjectID) -> String? {
        let misplaced =
            "record is about commit \(statement.commit) but is attached to \(commit.hex) (copied from another commit?)"
        guard let change = statement.approvedChange else { return misplaced }
        guard let here = changeID(of: commit) else {
            return misplaced + "; commit \(commit.shortHex) is not in the repository to compare the change it approved"
        }
        guard here == change else {
            return misplaced + "; the change it approved (\(change)) is not this commit's (\(here))"
        }
        return nil
    }

    private func changeID(of commit: ObjectID) -> String? {
        if let known = changeIDs[commit] { return known }
        let computed = repository.hasObject(commit) ? try? repository.changeID(of: commit) : nil
        changeIDs[commit] = computed
        return computed
    }

    private struct ReviewMismatch: Error { let message: String }

    /// Whether a review is its author's own, derived from the commit (spec/records.md
    /// §4.2), never taken from the record: an author who signs `self_review: false`
    /// must not pass as an independent reviewer. The record's copy of the author and
    /// its flag must agree with the commit. (A shallow clone may lack the commit: then
    /// the record's flag is all there is.)
    private func checkReview(_ review: Review, on commit: ObjectID) -> Result<Bool, ReviewMismatch> {
        guard repository.hasObject(commit), let author = try? repository.commit(commit).author else {
            return .success(review.selfReview)
        }
        let isSelfReview = author.email.lowercased() == review.signer.email.lowercased()
        if let mismatch = authorMismatch(review.author, of: commit, in: "review") {
            return .failure(ReviewMismatch(message: mismatch))
        }
        guard review.selfReview == isSelfReview else {
            return .failure(
                ReviewMismatch(
                    message:
                        "self_review is \(review.selfReview), but the reviewer \(review.signer.email) \(isSelfReview ? "is" : "is not") the commit's author \(author.email)"
                ))
        }
        return .success(isSelfReview)
    }

    /// Why a record's copy of the commit's author is not the commit's author, or nil
    /// when it is (or the commit is past a shallow clone's boundary: nothing to compare).
    private func authorMismatch(_ recorded: CommitterStamp, of commit: ObjectID, in what: String) -> String? {
        guard repository.hasObject(commit), let author = try? repository.commit(commit).author else { return nil }
        let authorStamp = "\(author.name) <\(author.email)> \(Timestamp.format(unixSeconds: author.time))"
        let copy = "\(recorded.name) <\(recorded.email)> \(recorded.time)"
        guard copy != authorStamp else { return nil }
        return "the \(what) names the author as \(copy), but commit \(commit.shortHex) was written by \(authorStamp)"
    }

    /// Every claimed range must be lines the commit added (spec/records.md §7): a
    /// record claiming lines 1-1000000 of a 3-line change would otherwise count a
    /// million AI lines in every report.
    /// An estimate's blocks too: an estimate of lines the commit did not add would count
    /// them in the report's estimated lines.
    private func checkAdded(_ claims: [(path: String, lines: [ClosedRange<Int>])], on commit: ObjectID) -> String? {
        for (path, lines) in claims {
            let added = addedLines(path, commit)
            if added == .unknown { addedLinesUnread = true }
            if added == .notAFile {
                return "\(path) is not a file in commit \(commit.shortHex), so none of its lines were added by it"
            }
            for range in lines {
                if let failure = added.uncovered(range, path: path, commit: commit) { return failure }
            }
        }
        return nil
    }

    private struct NotRemade: Error { let message: String }

    /// How the estimate differs from the one its model gives now (nil: it does not), or
    /// why it cannot be made again: no remaker, another model's, or the commit unread.
    private func remake(_ estimate: Estimate, of commit: ObjectID) -> Result<String?, NotRemade> {
        guard let remaker else {
            return .failure(NotRemade(message: "this verification does not make estimates again"))
        }
        // The commit and the next few of this thread's notes are read in one pass: in a
        // ledger of estimates most of them hold one, and a commit without one costs
        // only its diff in a run that is already going.
        if readAhead?.hasReadAhead(commit) != true {
            readAhead = (readAhead ?? remaker).readingAhead(
                [commit]
                    + upcomingCommits.prefix(Self.readAheadCount - 1).filter {
                        $0 != commit && repository.hasObject($0)  // a shallow clone's notes name absent commits
                    }, in: repository)
        }
        let made: Estimate?
        do {
            made = try (readAhead ?? remaker).remake(estimate, of: commit, in: repository)
        } catch {
            return .failure(
                NotRemade(message: "the commit's diff cannot be read (\(error)): the estimate was not made again"))
        }
        guard let made else {
            return .failure(
                NotRemade(
                    message:
                        "the estimate was made by model \(estimate.model), not this git-trace's \(remaker.modelName): its numbers were not made again"
                ))
        }
        return .success(
            estimate.difference(from: made).map {
                "the estimate does not match what \(estimate.model) gives for this commit: \($0)"
            })
    }

    private func addedLines(_ path: String, _ commit: ObjectID) -> AddedLines {
        addedCache.value(path, on: commit) { repository.addedLines(ofPath: path, inCommit: commit) }
    }

    private func checkFiles(_ attribution: Attribution, on commit: ObjectID) -> (Problem.Code, String)? {
        for file in attribution.files {
            guard let lines = fileLines(file.path, commit) else {
                return (.fileMissing, "\(file.path) does not exist in commit \(commit.shortHex)")
            }
            for range in file.ranges {
                guard range.endLine <= lines.count else {
                    return (
                        .rangeOutsideFile,
                        "\(file.path): lines \(range.startLine)-\(range.endLine) are outside the file, which has \(lines.count) lines"
                    )
                }
                // Version 2 ranges carry no content hash: the commit id binds the content.
                guard
                    range.contentHash.map({ lines.contentHash(ofLines: range.startLine...range.endLine) == $0 }) ?? true
                else {
                    return (
                        .contentMismatch,
                        "\(file.path): lines \(range.startLine)-\(range.endLine) do not match their content_hash"
                    )
                }
            }
        }
        return nil
    }

    private func fileLines(_ path: String, _ commit: ObjectID) -> FileLines? {
        fileCache.value(path, on: commit) {
            if case .blob(let bytes)? = try? repository.content(ofPath: path, inCommit: commit) {
                return FileLines(bytes)
            }
            return nil
        }
    }

    /// Every version of each note in the notes history (up to `historyLimit` notes
    /// commits back), built on the first failed signature by reading only what each
    /// notes commit changed: one pass over the history, however many records fail.
    private var noteVersions: [ObjectID: [(notesCommit: ObjectID, blob: ObjectID)]]?
    /// The earlier records of a note, parsed once per note, not once per failed line.
    private var earlierRecords: [ObjectID: [(notesCommit: ObjectID, envelope: Envelope)]] = [:]
    /// How many notes commits the forensic search has read (each at most once).
    package private(set) var notesCommitsSearched = 0

    private func earlierVersions(of commit: ObjectID) -> [(notesCommit: ObjectID, envelope: Envelope)] {
        if let known = earlierRecords[commit] { return known }
        if noteVersions == nil {
            var versions = [ObjectID: [(notesCommit: ObjectID, blob: ObjectID)]]()
            for notesCommit in (try? repository.notesHistory(ledger.ref, limit: historyLimit)) ?? [] {
                notesCommitsSearched += 1
                for change in (try? repository.notesChanged(in: notesCommit)) ?? [] {
                    versions[change.target, default: []].append((notesCommit, change.blob))
                }
            }
            noteVersions = versions
        }
        var seen = Set<[UInt8]>()
        var records = [(notesCommit: ObjectID, envelope: Envelope)]()
        for version in noteVersions?[commit] ?? [] {
            guard let bytes = try? repository.blobContent(version.blob) else { continue }
            for line in bytes.split(separator: 0x0A) where seen.insert(Array(line)).inserted {
                if let envelope = try? Envelope(line: String(decoding: line, as: UTF8.self)) {
                    records.append((version.notesCommit, envelope))
                }
            }
        }
        earlierRecords[commit] = records
        return records
    }

    /// A signature failed: look back through the notes history for this record as it
    /// was first written, to tell whether its payload or its signature was changed.
    private func explainBadSignature(_ envelope: Envelope, key: PublicKey, on commit: ObjectID) -> (
        Problem.Code, String
    ) {
        let signature = envelope.signatures[0]
        for (notesCommit, earlier) in earlierVersions(of: commit) {
            // Compared first, verified only when one half matches: at most a few
            // signature checks per failed record.
            guard earlier != envelope, earlier.payloadType == envelope.payloadType,
                let earlierSignature = earlier.signatures.first, earlierSignature.keyID == signature.keyID,
                earlierSignature.bytes == signature.bytes || earlier.payload == envelope.payload,
                key.isValidSignature(earlierSignature.bytes, for: earlier.preAuthenticationEncoding)
            else { continue }
            if earlierSignature.bytes == signature.bytes {
                return (
                    .payloadAltered,
                    "payload was changed after signing; the signed version is in notes commit \(notesCommit.shortHex)"
                )
            }
            return (
                .signatureAltered,
                "signature was changed after signing; the original is in notes commit \(notesCommit.shortHex)"
            )
        }
        return (
            .badSignature,
            "signature does not verify with key \(signature.keyID): the payload or the signature was altered"
        )
    }
}

/// Values per path for the commit being checked: records on one commit often name the
/// same files, and the cache is emptied when the next commit starts, so memory does
/// not grow with history.
private struct PerCommitCache<Value> {
    private var commit: ObjectID?
    private var values: [String: Value] = [:]

    mutating func value(_ path: String, on commit: ObjectID, _ make: () -> Value) -> Value {
        if self.commit != commit {
            values.removeAll(keepingCapacity: true)
            self.commit = commit
        }
        if let known = values[path] { return known }
        let made = make()
        values[path] = made
        return made
    }
}
