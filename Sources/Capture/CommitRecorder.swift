import Foundation
import Git
import Hex
import Keys
import Ledger
import Provenance
import Records
import Verification

/// The attribution of one commit's new lines, derived from the working log
/// (spec/capture.md §4).
package struct CommitAttribution: Sendable {
    package var claims: [LineClaim]
    package var lineStats: (added: Int, deleted: Int)
    /// Working-log entries the attribution used: path in the log → path in the commit.
    var usedFiles: [String: String]
    package var sessions: [SessionAcceptance]

    /// Lines per (agent, model) that the AI wrote (ai + mixed), for trailers.
    package var aiLinesByModel: [(agent: String, model: String, lines: Int)] {
        var counts = [String: (String, String, Int)]()
        for claim in claims where claim.contributor.type != .human {
            let agent = claim.contributor.agent ?? "unknown", model = claim.contributor.modelID ?? "unknown/unknown"
            let lines = claim.lines.reduce(0) { $0 + $1.count }
            counts[agent + " " + model, default: (agent, model, 0)].2 += lines
        }
        return counts.values.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { (agent: $0.0, model: $0.1, lines: $0.2) }
    }
}

/// Records signed but not yet written, to be written together in one notes commit.
final class RecordBatch {
    var lines = [ObjectID: [String]]()
}

/// Turns commits into signed records from the working log, at post-commit.
package final class CommitRecorder {
    package let repository: Repository
    let engine: CaptureEngine

    package init(repository: Repository) throws {
        self.repository = repository
        engine = try CaptureEngine(repository: repository)
    }

    /// Records of earlier commits, for lines a person changed in files capture did not see.
    private lazy var recordIndex = RecordIndex(repository: repository)

    /// The working log as it stands.
    package func workingState() throws -> WorkingState { try engine.log.snapshot() }

    /// What the commit being made would be attributed: the index against HEAD, from
    /// the working log (`state`, else read now) — prepare-commit-msg's trailers,
    /// pre-commit's policy check.
    package func stagedAttribution(state: WorkingState? = nil) throws -> CommitAttribution {
        let parents = repository.hasNoCommits ? [] : [try repository.resolveCommit("HEAD")]
        return try attribution(tree: try repository.indexTree(), parents: parents, state: try state ?? workingState())
    }

    /// Attribution of the change from `parents` (first parent first) to `tree`.
    /// Only lines the change introduces relative to every parent are attributed. With
    /// `inherited`, lines followed from earlier records keep the provenance those
    /// records give them; the working log decides the others (spec/capture.md §6).
    package func attribution(tree: ObjectID, parents: [ObjectID], state: WorkingState, inherited: RewriteSources? = nil)
        throws -> CommitAttribution
    {
        let parentTree = try parents.first.map { try repository.treeID(ofCommit: $0) }
        var claims = [LineClaim]()
        var usedFiles = [String: String]()
        // Lines an earlier commit already held as AI lines (a person edited them since):
        // their session's acceptance was counted then.
        var recommitted = [String: Set<Int>]()
        var added = 0, deleted = 0
        var consumedOrphans = Set<String>()
        var otherVersions: [(commit: ObjectID, evidence: LineOrigins.Evidence)]?
        for change in try repository.changes(from: parentTree, to: tree) {
            let oldContent = try change.oldBlob.map { try repository.blobContent($0) } ?? []
            guard let path = change.newPath, let newBlob = change.newBlob else {
                deleted += FileLines(oldContent).count
                continue
            }
            let content = try repository.blobContent(newBlob)
            if isBinaryContent(content) || isBinaryContent(oldContent) { continue }
            let hunks = LineDiff.hunks(old: oldContent, new: content)
            var addedLines = LineOrigins.addedLines(hunks)
            deleted += hunks.reduce(0) { $0 + $1.oldCount }
            for otherParent in parents.dropFirst() where !addedLines.isEmpty {
                let theirs: [UInt8]
                if case .blob(let bytes) = try repository.content(ofPath: path, inCommit: otherParent) {
                    theirs = bytes
                } else {
                    theirs = []
                }
                addedLines.formIntersection(try LineOrigins.addedLines(old: theirs, new: content))
            }
            added += addedLines.count
            guard !addedLines.isEmpty else { continue }

            // Provenance of the committed content: the log's view of this file (or of the
            // file it was renamed from), carried over the edits made since.
            var logPath: String? = state.files[path] != nil ? path : nil
            if logPath == nil, let old = change.oldPath, state.files[old] != nil { logPath = old }
            if logPath == nil,
                let orphan = try orphanMatching(content, state: state, tree: tree, excluding: consumedOrphans)
            {
                logPath = orphan
                consumedOrphans.insert(orphan)
            }
            var labels = Array(repeating: Provenance.base, count: FileLines(content).count)
            if let logPath, let tracked = state.files[logPath] {
                // The log holds working-tree bytes; the commit, git's stored form.
                let snapshot = repository.storedForm(try engine.content(ofBlob: tracked.blob), path: path)
                let traced = try LineOrigins.afterPersonEditTracingBase(
                    state.provenance(of: tracked), old: snapshot, new: content)
                labels = traced.labels
                usedFiles[logPath] = path
                let rewritten = traced.replacedBase.filter { addedLines.contains($0.key + 1) }
                if inherited == nil, !rewritten.isEmpty, let oldPath = change.oldPath, let parent = parents.first {
                    let seeded = try seedRewrittenBaseLines(
                        &labels, rewritten, snapshot: snapshot, oldPath: oldPath, old: oldContent, parent: parent)
                    recommitted[path, default: []].formUnion(seeded)
                }
                // Lines the log holds as `base` although the commit added them: a person
                // wrote them after the last commit, before capture first saw the file (an
                // agent's before-snapshot). A rewrite of an earlier AI line is `mixed`.
                if inherited == nil, let oldPath = change.oldPath, change.oldBlob != nil, let parent = parents.first {
                    let unseen = Set(labels.indices.filter { labels[$0] == .base && addedLines.contains($0 + 1) })
                    let seeded = try seedFromEarlierRecords(
                        &labels, oldPath: oldPath, old: oldContent, new: content, parent: parent,
                        only: unseen.contains)
                    recommitted[path, default: []].formUnion(seeded)
                }
            } else if inherited == nil, let oldPath = change.oldPath, change.oldBlob != nil, let parent = parents.first
            {
                recommitted[path] = try seedFromEarlierRecords(
                    &labels, oldPath: oldPath, old: oldContent, new: content, parent: parent)
            }
            if let inherited {
                for (line, provenance) in try inherited.provenance(
                    path: path, content: content, newTree: tree, repository: repository)
                {
                    // A line an agent's captured edit wrote during an amend stays the agent's;
                    // what the working log knows of a line beats a source nobody recorded.
                    if provenance.edited, labels[line - 1].kind == .ai { continue }
                    if provenance.provenance.kind == .unknown, labels[line - 1].kind != .base { continue }
                    labels[line - 1] = provenance.provenance
                }
            } else {
                let unseen = addedLines.filter { labels[$0 - 1].kind == .base }
                if !unseen.isEmpty {
                    try inheritFromOtherVersions(
                        &labels, lines: unseen, path: path, content: content, parents: parents,
                        parentContent: change.oldPath == path && change.oldBlob != nil ? oldContent : nil,
                        candidates: &otherVersions)
                }
            }
            claims += Self.claims(path: path, lines: addedLines.sorted(), labels: labels)
        }
        let sessions = Self.acceptance(claims: claims, state: state, recommitted: recommitted)
        return CommitAttribution(claims: claims, lineStats: (added, deleted), usedFiles: usedFiles, sessions: sessions)
    }

    /// Lines the commit added that nothing in the working log explains (`base`), taken
    /// from other versions of the file, whose lines' origins the records give (`git
    /// blame` there): blocks the person moved within the file (the parent's version);
    /// lines of a commit a `git reset` undid — committed again, squashed by `reset
    /// --soft HEAD~2`, split over two commits — unchanged, moved or edited; and blocks
    /// copied unchanged from a local branch (`git checkout other -- file`); for a merge,
    /// lines a person wrote resolving a conflict over another parent's AI line. A line a
    /// reset commit held with no record saying who wrote it is `unknown`, never the
    /// person's (spec/capture.md §4).
    private func inheritFromOtherVersions(
        _ labels: inout [Provenance], lines: Set<Int>, path: String, content: [UInt8], parents: [ObjectID],
        parentContent: [UInt8]?, candidates: inout [(commit: ObjectID, evidence: LineOrigins.Evidence)]?
    ) throws {
        if candidates == nil {
            let head = try? repository.resolveCommit("HEAD")
            var left = repository.commitsLeftByReset()
            // Without a reflog (core.logAllRefUpdates off), ORIG_HEAD names what the last
            // reset (or merge, rebase: those are in the commit's history) left.
            if left.isEmpty, !repository.hasHeadReflog, let original = try? repository.resolveCommit("ORIG_HEAD") {
                left = [original]
            }
            var found = left.map { (commit: $0, evidence: LineOrigins.Evidence.source) }
            for tip in repository.localBranchTips() where !left.contains(tip) { found.append((tip, .copy)) }
            // Versions in this commit's own line of history say nothing new.
            candidates = found.filter { candidate in
                !(head.map { repository.isAncestor(candidate.commit, of: $0) } ?? false)
                    && !parents.contains { repository.isAncestor(candidate.commit, of: $0) }
            }
        }
        var versions = [(commit: ObjectID, evidence: LineOrigins.Evidence)]()
        // The parent: for moves only (its unchanged lines were not added).
        if let parent = parents.first, parentContent != nil { versions.append((parent, .copy)) }
        // A merge's other parents: a conflict resolved by editing their AI line is `mixed`.
        versions += parents.dropFirst().map { ($0, .source) }
        versions += candidates ?? []
        var open = lines.map { $0 - 1 }.sorted()
        var unknown = Set<Int>()
        for version in versions where !open.isEmpty {
            guard case .blob(let old)? = try? repository.content(ofPath: path, inCommit: version.commit),
                version.commit == parents.first || old != parentContent
            else { continue }
            // Which open lines this version could explain, before asking blame about it:
            // then blame once, over the span of the old lines they correspond to.
            let correspondence = LineOrigins.correspondence(from: old, new: content, evidence: version.evidence)
            let explained = open.filter { correspondence[$0] != nil }
            guard let first = explained.map({ correspondence[$0]!.old }).min(),
                let last = explained.map({ correspondence[$0]!.old }).max()
            else { continue }
            let origins = try blameOrigins(path: path, in: version.commit, lines: Set(first...last))
            var settled = Set<Int>()
            for index in explained {
                let found = correspondence[index]!
                guard let origin = origins[found.old], !found.edited || origin.isAI else { continue }
                let provenance = found.edited ? origin.editedByPerson : origin
                if provenance.kind != .unknown {
                    labels[index] = provenance
                    settled.insert(index)
                } else if version.evidence == .source {
                    unknown.insert(index)  // another version may still know it
                }
            }
            open = open.filter { !settled.contains($0) }
        }
        for index in open where unknown.contains(index) { labels[index] = Provenance(kind: .unknown) }
    }

    /// The origins the records give lines `lines` (0-based) of `path` in `commit`:
    /// `git blame` there, over each run of wanted lines only.
    private func blameOrigins(path: String, in commit: ObjectID, lines: Set<Int>) throws -> [Int: Provenance] {
        var runs = [ClosedRange<Int>]()
        for index in lines.sorted() {
            if let last = runs.last, last.upperBound + 1 == index {
                runs[runs.count - 1] = last.lowerBound...index
            } else {
                runs.append(index...index)
            }
        }
        var origins = [Int: Provenance]()
        for run in runs {
            let blamed = try Blame.lines(
                path: path, revision: commit.hex, repository: repository,
                lines: (run.lowerBound + 1)...(run.upperBound + 1), index: recordIndex)
            for (offset, line) in blamed.prefix(run.count).enumerated() {
                origins[run.lowerBound + offset] = Provenance(line)
            }
        }
        return origins
    }

    /// A file capture did not see: a person edited it. A line that replaced an AI line
    /// of an earlier commit (paired as in spec/capture.md §3) is `mixed`, which the
    /// records of the commits that introduced the old lines say. Returns the 1-based new
    /// lines made mixed.
    private func seedFromEarlierRecords(
        _ labels: inout [Provenance], oldPath: String, old: [UInt8], new: [UInt8],
        parent: ObjectID, only wanted: (Int) -> Bool = { _ in true }
    ) throws -> Set<Int> {
        var pairs = [Int: Int]()
        for hunk in LineDiff.hunks(old: old, new: new) where hunk.oldCount > 0 && hunk.newCount > 0 {
            for offset in 0..<min(hunk.oldCount, hunk.newCount) where wanted(hunk.newIndex + offset) {
                pairs[hunk.newIndex + offset] = hunk.oldIndex + offset
            }
        }
        guard !pairs.isEmpty else { return [] }
        return try markEarlierAILines(&labels, pairs, oldPath: oldPath, parent: parent)
    }

    /// Lines a person rewrote from lines capture found already in the file (`base`):
    /// when the parent commit had such a line from an agent, the rewrite is `mixed`.
    /// `rewritten` maps new line indexes to indexes in `snapshot`; lines of the snapshot
    /// are found in the parent's version `old` where the two agree. Returns the 1-based
    /// new lines made mixed.
    private func seedRewrittenBaseLines(
        _ labels: inout [Provenance], _ rewritten: [Int: Int], snapshot: [UInt8], oldPath: String,
        old: [UInt8], parent: ObjectID
    ) throws -> Set<Int> {
        // Snapshot line → parent line, for the lines the two share.
        var toParent = [Int: Int]()
        var snapshotPosition = 0, parentPosition = 0
        let wanted = Set(rewritten.values)
        func skipEqual(until snapshotEnd: Int) {
            while snapshotPosition < snapshotEnd {
                if wanted.contains(snapshotPosition) { toParent[snapshotPosition] = parentPosition }
                snapshotPosition += 1
                parentPosition += 1
            }
        }
        for hunk in LineDiff.hunks(old: old, new: snapshot) {
            skipEqual(until: hunk.newIndex)
            snapshotPosition = hunk.newIndex + hunk.newCount
            parentPosition = hunk.oldIndex + hunk.oldCount
        }
        skipEqual(until: FileLines(snapshot).count)
        return try markEarlierAILines(
            &labels, rewritten.compactMapValues { toParent[$0] }, oldPath: oldPath, parent: parent)
    }

    /// Makes `mixed` each new line (index) whose paired line of the parent (index in
    /// `oldPath` there) an agent wrote, as the records of the commits that introduced
    /// those lines say: `git blame -L` on the parent, over each run of paired lines
    /// only. Returns the 1-based new lines made mixed.
    private func markEarlierAILines(
        _ labels: inout [Provenance], _ pairs: [Int: Int], oldPath: String, parent: ObjectID
    ) throws -> Set<Int> {
        let origins = try blameOrigins(path: oldPath, in: parent, lines: Set(pairs.values))
        var marked = Set<Int>()
        for (newIndex, parentIndex) in pairs {
            guard let origin = origins[parentIndex], origin.isAI else { continue }
            labels[newIndex] = origin.editedByPerson
            marked.insert(newIndex + 1)
        }
        return marked
    }

    /// Groups consecutive lines of the same provenance into claims.
    static func claims(path: String, lines: [Int], labels: [Provenance]) -> [LineClaim] {
        var claims = [LineClaim]()
        var runStart: Int?
        var previous: Int?
        var runLabel: Provenance?
        func flush() {
            guard let start = runStart, let end = previous, let label = runLabel else { return }
            let contributor = label.contributor
            if let last = claims.last, last.path == path, last.contributor == contributor,
                last.sessionID == (contributor.type == .human ? nil : label.session), last.promptDigest == label.prompt
            {
                claims[claims.count - 1].lines.append(start...end)
            } else {
                claims.append(
                    LineClaim(
                        path: path, lines: [start...end], contributor: contributor,
                        sessionID: contributor.type == .human ? nil : label.session,
                        promptDigest: contributor.type == .human ? nil : label.prompt))
            }
        }
        for line in lines {
            let label = labels[line - 1]
            // No record says who wrote it: left out, so reports count it `unknown`.
            if label.kind == .unknown {
                flush()
                (runStart, previous, runLabel) = (nil, nil, nil)
                continue
            }
            let sameRun =
                previous == line - 1
                && runLabel.map {
                    $0.contributor == label.contributor && $0.session == label.session && $0.prompt == label.prompt
                } == true
            if !sameRun {
                flush()
                runStart = line
                runLabel = label
            }
            previous = line
        }
        flush()
        return claims
    }

    /// Per session: lines written since the previous record, and this commit's AI and
    /// mixed lines of the session — each line counted once, at the first commit that
    /// holds it (`recommitted` lines were counted before).
    static func acceptance(claims: [LineClaim], state: WorkingState, recommitted: [String: Set<Int>] = [:])
        -> [SessionAcceptance]
    {
        var result = [String: SessionAcceptance]()
        for activity in state.sessions.values {
            let key = activity.agent + "/" + activity.session
            result[key] = SessionAcceptance(
                agent: activity.agent, sessionID: activity.session, modelID: activity.model ?? "unknown/unknown",
                linesWritten: activity.linesWritten, linesCommittedUnchanged: 0, linesCommittedEdited: 0,
                actionsAccepted: activity.actionsAccepted, actionsRejected: activity.actionsRejected)
        }
        for claim in claims where claim.contributor.type != .human {
            let key = (claim.contributor.agent ?? "unknown") + "/" + (claim.sessionID ?? "unknown")
            let earlier = recommitted[claim.path] ?? []
            let lines = claim.lines.reduce(0) { total, range in total + range.filter { !earlier.contains($0) }.count }
            guard lines > 0 else { continue }
            var entry =
                result[key]
                ?? SessionAcceptance(
                    agent: claim.contributor.agent ?? "unknown", sessionID: claim.sessionID ?? "unknown",
                    modelID: claim.contributor.modelID ?? "unknown/unknown", linesWritten: 0,
                    linesCommittedUnchanged: 0, linesCommittedEdited: 0)
            if claim.contributor.type == .ai {
                entry.linesCommittedUnchanged += lines
            } else {
                entry.linesCommittedEdited += lines
            }
            result[key] = entry
        }
        return result.values.sorted { ($0.agent, $0.sessionID) < ($1.agent, $1.sessionID) }
    }

    /// A logged file that no longer exists under its own name and whose content best
    /// matches `content`: the source of a rename git could not see (the old path was
    /// never committed).
    private func orphanMatching(_ content: [UInt8], state: WorkingState, tree: ObjectID, excluding: Set<String>) throws
        -> String?
    {
        let committedLines = FileLines(content).count
        guard committedLines > 0 else { return nil }
        var best: (path: String, shared: Int)?
        for (path, tracked) in state.files where !excluding.contains(path) && !repository.hasWorkingFile(path) {
            let logged = repository.storedForm(try engine.content(ofBlob: tracked.blob), path: path)
            let changed = LineDiff.hunks(old: logged, new: content).reduce(0) { $0 + $1.newCount }
            let shared = committedLines - changed
            if shared * 2 >= committedLines, shared > (best?.shared ?? 0) { best = (path, shared) }
        }
        return best?.path
    }

    // MARK: post-commit

    package struct Outcome: Sendable {
        package var recorded: [(commit: ObjectID, digest: String)] = []
        package var failures: [(commit: ObjectID, reason: String)] = []
        /// Reviews and waivers carried verbatim to rewritten commits (spec/records.md §8.2).
        package var approvalsCarried = 0
    }

    /// Records the commits made since the last recorded one (normally just HEAD), oldest
    /// first. A failure is kept in the working log for `git trace status` and does not
    /// stop later commits from being recorded.
    package func recordNewCommits(
        signer: () throws -> SigningIdentity, now: Int64 = Int64(Date().timeIntervalSince1970)
    )
        throws -> Outcome
    {
        guard !repository.hasNoCommits else { return Outcome() }
        let head = try repository.resolveCommit("HEAD")
        return try engine.log.update { state in
            var outcome = Outcome()
            defer {
                if state.captureStarted == nil {
                    (state.captureStarted, state.captureReflogMark) = (now, repository.headReflogMark())
                }
            }
            for commit in try self.unrecordedCommits(head: head, state: state) {
                // An amend is recorded by the post-rewrite hook, from the amended record.
                if commit == head, repository.headReflogMessage()?.hasPrefix("commit (amend)") == true { continue }
                do {
                    let inferred = try inferredSources(commit, isHead: commit == head)
                    let digest = try record(
                        commit, state: &state, signer: signer(), now: now,
                        inherited: inferred?.sources, rewrite: inferred?.kind)
                    outcome.recorded.append((commit, digest))
                    if let sources = inferred?.sources.commits {
                        outcome.approvalsCarried += try carryApprovals(to: commit, from: sources)
                    }
                } catch {
                    Self.fail(commit, error, at: now, state: &state, outcome: &outcome)
                }
                state.recorded.append(commit.hex)
            }
            state.recorded = Array(state.recorded.suffix(200))
            if !outcome.recorded.isEmpty { collectSnapshots(state) }
            return outcome
        }
    }

    /// Does now, in this process, what the post-commit job of a commit just made would
    /// do, when capture is on here (`postCommitHookInstalled`: Setup's installer says):
    /// `git trace record` and `review` call it first, so their record always comes after the automatic one
    /// and never races the background job (which then finds nothing left to do, or is
    /// waited for, holding the working log's lock).
    package func recordPendingCommits(postCommitHookInstalled: Bool, signer: () throws -> SigningIdentity) throws
        -> Outcome
    {
        guard postCommitHookInstalled, !repository.rebaseInProgress
        else { return Outcome() }
        return try recordNewCommits(signer: signer)
    }

    /// What a commit made by git itself from other commits came from: a cherry-pick
    /// (`-x` line, else the reflog and a commit with the same summary and changes) or a
    /// `git merge --squash` (the commit list git writes into the message).
    func inferredSources(_ commitID: ObjectID, isHead: Bool) throws -> (sources: RewriteSources, kind: RewriteKind)? {
        let commit = try repository.commit(commitID)
        let ledger = NotesLedger(repository: repository)
        let lines = commit.message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let picked = lines.compactMap { line -> ObjectID? in
            guard line.hasPrefix("(cherry picked from commit "), line.hasSuffix(")") else { return nil }
            return ObjectID(hex: String(line.dropFirst("(cherry picked from commit ".count).dropLast()))
        }
        if !picked.isEmpty { return (RewriteSources(commits: picked, ledger: ledger), .cherryPick) }
        if commit.message.hasPrefix("Squashed commit of the following:") {
            let squashed = lines.compactMap { line -> ObjectID? in
                line.hasPrefix("commit ") ? ObjectID(hex: String(line.dropFirst(7).prefix(40))) : nil
            }
            if !squashed.isEmpty { return (RewriteSources(commits: squashed.reversed(), ledger: ledger), .squashMerge) }
        }
        if isHead, repository.headReflogMessage()?.hasPrefix("cherry-pick") == true,
            let original = try commitWithSameChange(as: commit, ledger: ledger)
        {
            return (RewriteSources(commits: [original], ledger: ledger), .cherryPick)
        }
        return nil
    }

    /// A recorded commit with the same summary that changes the same lines (the same
    /// change identity, spec/records.md §8.2).
    private func commitWithSameChange(as commit: Commit, ledger: NotesLedger) throws -> ObjectID? {
        let change = try repository.changeID(of: commit.id)
        for entry in try repository.allNotes(ref: ledger.ref).prefix(5_000) where entry.target != commit.id {
            guard let candidate = try? repository.commit(entry.target), candidate.summary == commit.summary,
                try repository.changeID(of: candidate.id) == change
            else { continue }
            return candidate.id
        }
        return nil
    }

    /// Records commits a rewrite made (post-rewrite: `amend` or `rebase`, with the
    /// old → new pairs git lists), each derived from its sources' records. Rewrites of
    /// commits that had no record get none ("no data" stays no data), except amends,
    /// which the working log can attribute.
    package func recordRewrite(
        _ rewrite: PostRewrite, signer: () throws -> SigningIdentity,
        now: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws -> Outcome {
        var order = [ObjectID]()
        var sourcesByNew = [ObjectID: [ObjectID]]()
        for (old, new) in rewrite.pairs {
            if sourcesByNew[new] == nil { order.append(new) }
            sourcesByNew[new, default: []].append(old)
        }
        let ledger = NotesLedger(repository: repository)
        let batch = RecordBatch()
        return try engine.log.update { state in
            var outcome = Outcome()
            for new in order {
                let olds = sourcesByNew[new]!
                do {
                    let approvals = try ledger.approvalsToCarry(to: new, from: olds)
                    if !approvals.isEmpty { batch.lines[new, default: []] += approvals }
                    outcome.approvalsCarried += approvals.count
                } catch {
                    Self.fail(new, error, at: now, state: &state, outcome: &outcome)
                }
                let sources = RewriteSources(commits: olds, ledger: ledger)
                let amend = rewrite.command == .amend
                guard amend || !sources.sources.isEmpty else { continue }
                let rewrite: RewriteKind = amend ? .amend : olds.count > 1 ? .squash : .rebase
                do {
                    let digest: String
                    if amend {
                        digest = try record(
                            new, state: &state, signer: signer(), now: now, inherited: sources, rewrite: rewrite,
                            batch: batch)
                    } else {
                        // Replayed commits: the working log says nothing about them.
                        var scratch = WorkingState()
                        digest = try record(
                            new, state: &scratch, signer: signer(), now: now, inherited: sources, rewrite: rewrite,
                            batch: batch)
                    }
                    outcome.recorded.append((new, digest))
                } catch {
                    Self.fail(new, error, at: now, state: &state, outcome: &outcome)
                }
                state.recorded.append(new.hex)
            }
            // One notes commit for the whole rewrite.
            if !batch.lines.isEmpty {
                do {
                    try ledger.append(
                        batch.lines, message: "git trace: records of \(batch.lines.count) rewritten commit(s)")
                } catch {
                    for commit in batch.lines.keys {
                        Self.fail(commit, error, at: now, state: &state, outcome: &outcome)
                    }
                    outcome.recorded.removeAll()
                }
            }
            state.recorded = Array(state.recorded.suffix(200))
            if !outcome.recorded.isEmpty { collectSnapshots(state) }
            return outcome
        }
    }

    /// post-merge: records HEAD when `git merge` just made it as a merge commit (not for
    /// a fast-forward, whose commits came from elsewhere).
    package func recordMergeCommit(
        signer: () throws -> SigningIdentity, now: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws -> Outcome {
        guard !repository.hasNoCommits else { return Outcome() }
        let head = try repository.resolveCommit("HEAD")
        guard try repository.commit(head).parentIDs.count > 1 else { return Outcome() }
        return try engine.log.update { state in
            var outcome = Outcome()
            guard !state.recorded.contains(head.hex) else { return outcome }
            do {
                outcome.recorded.append((head, try record(head, state: &state, signer: signer(), now: now)))
            } catch {
                Self.fail(head, error, at: now, state: &state, outcome: &outcome)
            }
            state.recorded.append(head.hex)
            return outcome
        }
    }

    /// `git trace carry`: a record for `commit` derived from the records of `sources`
    /// (oldest first), for squash or rebase merges made where no hook runs, and the
    /// sources' reviews and waivers of exactly its change, carried as they are.
    package func recordCarry(
        _ commit: ObjectID, from sources: [ObjectID], signer: SigningIdentity,
        now: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws -> (digest: String?, sources: Int, approvals: Int) {
        let ledger = NotesLedger(repository: repository)
        let inherited = RewriteSources(commits: sources, ledger: ledger)
        let approvals = try carryApprovals(to: commit, from: sources)
        guard !inherited.sources.isEmpty else {
            guard approvals > 0 else {
                throw WorkingLogError(
                    description: "none of the \(sources.count) source commit(s) has a record to carry")
            }
            return (nil, 0, approvals)
        }
        var scratch = WorkingState()
        return (
            try record(commit, state: &scratch, signer: signer, now: now, inherited: inherited, rewrite: .carry),
            inherited.sources.count, approvals
        )
    }

    /// Appends to `commit`'s note the approvals of `sources` it can carry; how many.
    private func carryApprovals(to commit: ObjectID, from sources: [ObjectID]) throws -> Int {
        let ledger = NotesLedger(repository: repository)
        let approvals = try ledger.approvalsToCarry(to: commit, from: sources)
        if !approvals.isEmpty {
            try ledger.append(
                [commit: approvals], message: "git trace: \(approvals.count) approval(s) carried to \(commit.shortHex)")
        }
        return approvals.count
    }

    /// A commit that could not be recorded: reported now, and kept (the last 100) for
    /// `git trace status`.
    private static func fail(
        _ commit: ObjectID, _ error: Error, at now: Int64, state: inout WorkingState, outcome: inout Outcome
    ) {
        outcome.failures.append((commit, "\(error)"))
        state.failed.append(WorkingState.FailedRecord(commit: commit.hex, reason: "\(error)", at: now))
        state.failed = Array(state.failed.suffix(100))
    }

    /// The commits to record now, oldest first: HEAD and the first-parent commits before
    /// it that were made here since capture began (HEAD's reflog) and have no record yet.
    /// Two quick commits start two jobs, and the first may find HEAD already moved on; a
    /// job that failed (a full disk) leaves its commit to the next. The walk stops at a
    /// recorded commit, one made elsewhere (a teammate's, fetched or pulled), or one
    /// older than capture: those are not this job's to record, and never as "human".
    private func unrecordedCommits(head: ObjectID, state: WorkingState) throws -> [ObjectID] {
        let recorded = Set(state.recorded)
        let ledger = NotesLedger(repository: repository)
        // A record already on HEAD (`git trace record` ran first) is left to stand alone.
        guard !recorded.contains(head.hex), !ledger.hasAttributionRecord(on: head) else { return [] }
        guard let since = state.captureStarted else { return [head] }
        // Without a reflog, commits by this user's email count as made here.
        let createdHere = repository.commitsCreatedHere(after: state.captureReflogMark)
        let email = repository.defaultIdentity()?.email
        func madeHere(_ commit: ObjectID) throws -> Bool {
            if let createdHere { return createdHere.contains(commit) }
            let committer = try repository.commit(commit).committer
            return committer.email == email && committer.time >= since
        }
        // HEAD too: `git trace record` runs this for a commit that may predate capture.
        guard try madeHere(head) else { return [] }
        var chain = [head]
        var current = head
        while chain.count < Self.longestChain, let parent = try repository.commit(current).parentIDs.first {
            if recorded.contains(parent.hex) || ledger.hasAttributionRecord(on: parent) { break }
            guard try madeHere(parent) else { break }
            chain.append(parent)
            current = parent
        }
        return chain.reversed()
    }

    /// At most this many commits are recorded by one job (the rest by the next).
    static let longestChain = 200

    /// First-parent commits from HEAD made here since capture began that have no record
    /// (newest first, at most `limit`), for `git trace status`.
    package func commitsWithoutRecord(limit: Int = 50) throws -> [ObjectID] {
        guard !repository.hasNoCommits else { return [] }
        let state = try engine.log.snapshot()
        guard state.captureStarted != nil,
            let createdHere = repository.commitsCreatedHere(after: state.captureReflogMark)
        else { return [] }
        let ledger = NotesLedger(repository: repository)
        var missing = [ObjectID]()
        var current: ObjectID? = try repository.resolveCommit("HEAD")
        var walked = 0
        while let commit = current, walked < 10 * limit, missing.count < limit {
            walked += 1
            if createdHere.contains(commit), !ledger.hasAttributionRecord(on: commit) { missing.append(commit) }
            current = try repository.commit(commit).parentIDs.first
        }
        return missing
    }

    /// Signs the record of `commitID` and writes it to its note, or into `batch` for
    /// the caller to write with others in one notes commit.
    func record(
        _ commitID: ObjectID, state: inout WorkingState, signer: SigningIdentity, now: Int64,
        inherited: RewriteSources? = nil, rewrite: RewriteKind? = nil, batch: RecordBatch? = nil
    ) throws -> String {
        let commit = try repository.commit(commitID)
        let attribution = try attribution(
            tree: commit.treeID, parents: commit.parentIDs, state: state, inherited: inherited)
        let derived = rewrite != nil && !(inherited?.sources.isEmpty ?? true)
        let statement = try RecordBuilder(repository: repository).attribution(
            for: commitID, claims: attribution.claims, signer: signer, recordedAt: now,
            lineStats: attribution.lineStats, sessions: attribution.sessions,
            rewrite: derived ? rewrite : nil, derivedFrom: derived ? inherited!.references : [])
        let envelope = try RecordBuilder.sign(statement, with: signer.key)
        if let batch {
            batch.lines[commitID, default: []].append(envelope.line)
        } else {
            try NotesLedger(repository: repository).append(
                [commitID: [envelope.line]], message: "git trace: record \(commitID.shortHex)")
        }
        // Forget what this commit settled: files whose working copy and whose last
        // logged text are both what was committed, and the sessions' counts. Uncommitted
        // AI lines stay logged — also those only an editor's buffer holds yet (an
        // accepted completion not saved), which the working copy does not show.
        for (logPath, committedPath) in attribution.usedFiles {
            guard let tracked = state.files.removeValue(forKey: logPath) else { continue }
            let working = repository.readWorkingFile(committedPath).map {
                repository.storedForm($0, path: committedPath)
            }
            let logged = try? repository.storedForm(engine.content(ofBlob: tracked.blob), path: committedPath)
            if case .blob(let committed)? = try? repository.content(ofPath: committedPath, inCommit: commitID),
                working == committed, logged == committed
            {
                continue
            }
            state.files[committedPath] = tracked
        }
        state.sessions.removeAll()
        state.pending = state.pending.filter { now - $0.value.startedAt < 24 * 3600 }
        state.compactLabels()
        return Envelope.recordDigest(ofLine: envelope.line)
    }

    /// Removes snapshots the working log no longer refers to.
    private func collectSnapshots(_ state: WorkingState) {
        var referenced = Set(state.files.values.map(\.blob))
        for edit in state.pending.values {
            referenced.formUnion(edit.files.values)
            referenced.formUnion(edit.shellBaseline?.values ?? [:].values)
        }
        engine.snapshots.collect(keeping: referenced)
    }
}
