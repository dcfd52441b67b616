import Foundation
import Git
import Ledger

/// The attribution of one commit's new lines, derived from the working log
/// (spec/capture.md §4).
public struct CommitAttribution: Sendable {
    public var claims: [LineClaim]
    public var lineStats: (added: Int, deleted: Int)
    /// Working-log entries the attribution used: path in the log → path in the commit.
    var usedFiles: [String: String]
    public var sessions: [SessionAcceptance]

    /// Lines per (agent, model) that the AI wrote (ai + mixed), for trailers.
    public var aiLinesByModel: [(agent: String, model: String, lines: Int)] {
        var counts = [String: (String, String, Int)]()
        for claim in claims where claim.contributor.type != .human {
            let agent = claim.contributor.agent ?? "unknown", model = claim.contributor.modelID ?? "unknown/unknown"
            let lines = claim.lines.reduce(0) { $0 + $1.count }
            counts[agent + " " + model, default: (agent, model, 0)].2 += lines
        }
        return counts.values.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { (agent: $0.0, model: $0.1, lines: $0.2) }
    }
}

/// Turns commits into signed records from the working log, at post-commit.
public final class CommitRecorder {
    public let repository: Repository
    let engine: CaptureEngine

    public init(repository: Repository) throws {
        self.repository = repository
        engine = try CaptureEngine(repository: repository)
    }

    /// Attribution of the change from `parents` (first parent first) to `tree`.
    /// Only lines the change introduces relative to every parent are attributed.
    public func attribution(tree: ObjectID, parents: [ObjectID], state: WorkingState) throws -> CommitAttribution {
        let parentTrees = try parents.map { try repository.commit($0).treeID }
        var claims = [LineClaim]()
        var usedFiles = [String: String]()
        var added = 0, deleted = 0
        var consumedOrphans = Set<String>()
        for change in try repository.changes(from: parentTrees.first, to: tree) {
            let oldContent = try change.oldBlob.map { try repository.blobContent($0) } ?? []
            guard let path = change.newPath, let newBlob = change.newBlob else {
                deleted += FileLines(oldContent).count
                continue
            }
            let content = try repository.blobContent(newBlob)
            if isBinary(content) || isBinary(oldContent) { continue }
            var addedLines = try LineOrigins.addedLines(old: oldContent, new: content)
            deleted += LineDiff.hunks(old: oldContent, new: content).reduce(0) { $0 + $1.oldCount }
            for otherParent in parents.dropFirst() where !addedLines.isEmpty {
                let theirs: [UInt8]
                if case .blob(let bytes) = try repository.content(ofPath: path, inCommit: otherParent) { theirs = bytes } else { theirs = [] }
                addedLines.formIntersection(try LineOrigins.addedLines(old: theirs, new: content))
            }
            added += addedLines.count
            guard !addedLines.isEmpty else { continue }

            // Provenance of the committed content: the log's view of this file (or of the
            // file it was renamed from), carried over the edits made since.
            var logPath: String? = state.files[path] != nil ? path : nil
            if logPath == nil, let old = change.oldPath, state.files[old] != nil { logPath = old }
            if logPath == nil, let orphan = try orphanMatching(content, state: state, tree: tree, excluding: consumedOrphans) {
                logPath = orphan
                consumedOrphans.insert(orphan)
            }
            var labels = Array(repeating: Provenance.base, count: FileLines(content).count)
            if let logPath, let tracked = state.files[logPath] {
                labels = try LineOrigins.afterPersonEdit(state.provenance(of: tracked), old: try engine.content(ofBlob: tracked.blob), new: content)
                usedFiles[logPath] = path
            }
            claims += Self.claims(path: path, lines: addedLines.sorted(), labels: labels)
        }
        let sessions = Self.acceptance(claims: claims, state: state)
        return CommitAttribution(claims: claims, lineStats: (added, deleted), usedFiles: usedFiles, sessions: sessions)
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
               last.sessionID == (contributor.type == .human ? nil : label.session), last.promptSHA256 == label.prompt {
                claims[claims.count - 1].lines.append(start...end)
            } else {
                claims.append(LineClaim(
                    path: path, lines: [start...end], contributor: contributor,
                    sessionID: contributor.type == .human ? nil : label.session,
                    promptSHA256: contributor.type == .human ? nil : label.prompt))
            }
        }
        for line in lines {
            let label = labels[line - 1]
            let sameRun = previous == line - 1 && runLabel.map { $0.contributor == label.contributor && $0.session == label.session && $0.prompt == label.prompt } == true
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

    static func acceptance(claims: [LineClaim], state: WorkingState) -> [SessionAcceptance] {
        var result = [String: SessionAcceptance]()
        for activity in state.sessions.values {
            let key = activity.agent + "/" + activity.session
            result[key] = SessionAcceptance(
                agent: activity.agent, sessionID: activity.session, modelID: activity.model ?? "unknown/unknown",
                linesWritten: activity.linesWritten, linesCommittedUnchanged: 0, linesCommittedEdited: 0)
        }
        for claim in claims where claim.contributor.type != .human {
            let key = (claim.contributor.agent ?? "unknown") + "/" + (claim.sessionID ?? "unknown")
            let lines = claim.lines.reduce(0) { $0 + $1.count }
            var entry = result[key] ?? SessionAcceptance(
                agent: claim.contributor.agent ?? "unknown", sessionID: claim.sessionID ?? "unknown",
                modelID: claim.contributor.modelID ?? "unknown/unknown", linesWritten: 0,
                linesCommittedUnchanged: 0, linesCommittedEdited: 0)
            if claim.contributor.type == .ai { entry.linesCommittedUnchanged += lines } else { entry.linesCommittedEdited += lines }
            result[key] = entry
        }
        return result.values.sorted { ($0.agent, $0.sessionID) < ($1.agent, $1.sessionID) }
    }

    /// A logged file that no longer exists under its own name and whose content best
    /// matches `content`: the source of a rename git could not see (the old path was
    /// never committed).
    private func orphanMatching(_ content: [UInt8], state: WorkingState, tree: ObjectID, excluding: Set<String>) throws -> String? {
        let committedLines = FileLines(content).count
        guard committedLines > 0 else { return nil }
        var best: (path: String, shared: Int)?
        for (path, tracked) in state.files where !excluding.contains(path) && repository.readWorkingFile(path) == nil {
            let logged = try engine.content(ofBlob: tracked.blob)
            let changed = LineDiff.hunks(old: logged, new: content).reduce(0) { $0 + $1.newCount }
            let shared = committedLines - changed
            if shared * 2 >= committedLines, shared > (best?.shared ?? 0) { best = (path, shared) }
        }
        return best?.path
    }

    private func isBinary(_ bytes: [UInt8]) -> Bool { bytes.prefix(8000).contains(0) }

    // MARK: post-commit

    public struct Outcome: Sendable {
        public var recorded: [(commit: ObjectID, digest: String)] = []
        public var failures: [(commit: ObjectID, reason: String)] = []
    }

    /// Records the commits made since the last recorded one (normally just HEAD), oldest
    /// first. A failure is kept in the working log for `git trace status` and does not
    /// stop later commits from being recorded.
    public func recordNewCommits(signer: () throws -> SigningIdentity, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> Outcome {
        guard !repository.hasNoCommits else { return Outcome() }
        let head = try repository.resolveCommit("HEAD")
        return try engine.log.update { state in
            var outcome = Outcome()
            for commit in try self.unrecordedCommits(head: head, state: state) {
                do {
                    let digest = try record(commit, state: &state, signer: signer(), now: now)
                    outcome.recorded.append((commit, digest))
                } catch {
                    outcome.failures.append((commit, "\(error)"))
                    state.failed.append(WorkingState.FailedRecord(commit: commit.hex, reason: "\(error)", at: now))
                    state.failed = Array(state.failed.suffix(100))
                }
                state.recorded.append(commit.hex)
            }
            state.recorded = Array(state.recorded.suffix(200))
            return outcome
        }
    }

    /// HEAD and, when post-commit hooks raced, the first-parent commits before it up to
    /// the last recorded one.
    private func unrecordedCommits(head: ObjectID, state: WorkingState) throws -> [ObjectID] {
        let recorded = Set(state.recorded)
        guard !recorded.contains(head.hex) else { return [] }
        var chain = [head]
        var current = head
        while chain.count < 50, let parent = try repository.commit(current).parentIDs.first {
            if recorded.contains(parent.hex) { return chain.reversed() }
            chain.append(parent)
            current = parent
        }
        return [head]
    }

    private func record(_ commitID: ObjectID, state: inout WorkingState, signer: SigningIdentity, now: Int64) throws -> String {
        let commit = try repository.commit(commitID)
        let attribution = try attribution(tree: commit.treeID, parents: commit.parentIDs, state: state)
        let statement = try RecordBuilder(repository: repository).attribution(
            for: commitID, claims: attribution.claims, signer: signer, recordedAt: now,
            lineStats: attribution.lineStats, sessions: attribution.sessions)
        let envelope = try RecordBuilder.sign(statement, with: signer.key)
        try NotesLedger(repository: repository).append([commitID: [envelope.line]], message: "git trace: record \(commitID.shortHex)")
        // Forget what this commit settled: files whose working copy is what was
        // committed, and the sessions' counts. Uncommitted AI lines stay logged.
        for (logPath, committedPath) in attribution.usedFiles {
            guard let tracked = state.files.removeValue(forKey: logPath) else { continue }
            let working = repository.readWorkingFile(committedPath)
            if case .blob(let committed)? = try? repository.content(ofPath: committedPath, inCommit: commitID), working == committed {
                continue
            }
            state.files[committedPath] = tracked
        }
        state.sessions.removeAll()
        state.pending = state.pending.filter { now - $0.value.startedAt < 24 * 3600 }
        state.compactLabels()
        var referenced = Set(state.files.values.map(\.blob))
        for edit in state.pending.values {
            referenced.formUnion(edit.files.values)
            referenced.formUnion(edit.shellBaseline?.values ?? [:].values)
        }
        engine.snapshots.collect(keeping: referenced)
        return Envelope.recordDigest(ofLine: envelope.line)
    }
}
