import Diagnostics
import Foundation
import Git
import Ledger

package struct SyncError: UserFacingError {
    package let description: String
}

/// What one sync did (spec/sync.md).
package struct SyncReport: Sendable {
    package enum Merge: Sendable, Equatable { case upToDate, fastForward, merged }
    package var merge: Merge = .upToDate
    /// Record lines the remote held when this repository last fetched them and holds no
    /// longer (its notes were rewritten): kept here and pushed back. Records this
    /// repository made since, which the remote has not seen yet, are not counted: a
    /// teammate's push in between is the ordinary case, not a loss.
    package var recordsMissingOnRemote = 0
    package var pushed = false
    package var attempts = 0
}

/// Syncs `refs/notes/sessiontrace` with a remote as a union of records: fetch into a
/// remote-tracking ref, merge line by line (what `git notes merge -s cat_sort_uniq`
/// gives), push without force, and start again when another push got there first.
package final class NotesSync {
    package let repository: Repository
    package let remote: String
    private let git: GitCommand
    private let ref = NotesLedger.notesRef
    package var trackingRef: String { NotesLedger.trackingRef(remote: remote) }
    /// Set for git processes sync starts, so that our own pre-push hook stands aside.
    package static let reentryVariable = "SESSIONTRACE_SYNCING"

    package init(repository: Repository, remote: String) {
        self.repository = repository
        self.remote = remote
        git = GitCommand(repository: repository)
    }

    /// `progress`, when given, is shown on a terminal: git's own lines for the fetch and
    /// the push, and a meter for merging the records that differ.
    package func sync(push: Bool = true, attempts: Int = 10, progress: ((String, Int) -> ProgressMeter)? = nil)
        throws -> SyncReport
    {
        var report = SyncReport()
        for attempt in 1...attempts {
            report.attempts = attempt
            let lastSeen = try repository.referenceTarget(trackingRef)
            try fetch(progress: progress != nil)
            let (merge, missing) = try mergeRemote(lastSeen: lastSeen, progress: progress)
            if attempt == 1 || merge != .upToDate { report.merge = merge }
            report.recordsMissingOnRemote = missing
            guard push else { return report }
            let tip = try repository.notesTip(ref)
            if try pushLocal(tip, progress: progress != nil) {
                report.pushed = true
                // The remote now holds exactly what was pushed: the next sync compares
                // with that when it asks what the remote lost.
                if let tip {
                    let seen = try repository.referenceTarget(trackingRef)
                    try? repository.moveReference(
                        trackingRef, to: tip, expected: seen, logMessage: "git trace sync: pushed to \(remote)")
                }
                return report
            }
            // Someone pushed in between: back off a little, with jitter, and merge again.
            usleep(UInt32.random(in: 20_000...(60_000 * UInt32(attempt))))
        }
        throw SyncError(
            description: "gave up after \(attempts) attempts: \(remote)'s notes kept changing while pushing")
    }

    /// Fetches the remote's records into the remote-tracking ref (force: it mirrors the
    /// remote, whatever happened there; local records live in the local ref).
    package func fetch(progress: Bool = false) throws {
        // git's own fetch, killed, leaves the tracking ref's lock: every later fetch would fail.
        repository.removeStaleLock(ofReference: trackingRef)
        let result = try git.run(
            [
                "fetch", progress ? "--progress" : "--quiet", "--no-tags", "--no-write-fetch-head", remote,
                "+\(ref):\(trackingRef)",
            ],
            environment: [NotesSync.reentryVariable: "1"], echoingErrors: progress)
        if result.status == 0 { return }
        if result.stderr.contains("couldn't find remote ref") {
            // The remote has no records yet: nothing to merge.
            _ = try? git.run(["update-ref", "-d", trackingRef])
            return
        }
        throw SyncError(description: "cannot fetch records from \(remote): \(result.reason)")
    }

    /// Merges the remote-tracking ref into the local notes ref. Never drops a record:
    /// the union of both sides' lines per commit. Also counts the lines the remote held
    /// at `lastSeen` (the tracking ref before this fetch) and no longer holds.
    package func mergeRemote(lastSeen: ObjectID? = nil, progress: ((String, Int) -> ProgressMeter)? = nil) throws
        -> (SyncReport.Merge, Int)
    {
        let lost = try linesLost(since: lastSeen)
        while true {
            guard let remoteTip = try repository.referenceTarget(trackingRef) else { return (.upToDate, lost) }
            guard let localTip = try repository.notesTip(ref) else {
                do {
                    try repository.moveReference(
                        ref, to: remoteTip, expected: nil, logMessage: "git trace sync: records from \(remote)")
                    return (.fastForward, lost)
                } catch let error as GitError where error.kind == .modified {
                    usleep(UInt32.random(in: 5_000...20_000))
                    continue
                }
            }
            if repository.isAncestor(remoteTip, of: localTip) { return (.upToDate, lost) }
            // Only notes whose blobs differ can merge to something new: the others are
            // compared by id, without reading them.
            let local = try noteBlobs(at: localTip), remoteNotes = try noteBlobs(at: remoteTip)
            let differing = Set(local.keys).union(remoteNotes.keys).filter { local[$0] != remoteNotes[$0] }
            let meter = differing.isEmpty ? nil : progress?("Merging records", differing.count)
            var changes = [ObjectID: [UInt8]?]()
            for target in differing {
                let remoteNote = try content(remoteNotes[target])
                let merged = NotesSync.mergeNote(local: try content(local[target]), remote: remoteNote)
                if merged != remoteNote { changes[target] = merged }
                meter?.advance()
            }
            meter?.finish()
            do {
                if changes.isEmpty && repository.isAncestor(localTip, of: remoteTip) {
                    try repository.moveReference(
                        ref, to: remoteTip, expected: localTip, logMessage: "git trace sync: fast-forward to \(remote)")
                    return (.fastForward, lost)
                }
                let commit = try repository.writeNotesCommit(
                    baseTree: try repository.commit(remoteTip).treeID, changes: changes,
                    parents: [localTip, remoteTip],
                    message: "Notes merged by 'git trace sync' from \(remote) (union of records)")
                try repository.moveReference(
                    ref, to: commit, expected: localTip, logMessage: "git trace sync: merge \(remote)")
                return (.merged, lost)
            } catch let error as GitError where error.kind == .modified {
                // A local record was written meanwhile (or a killed writer's lock is not
                // yet stale): merge again, after a moment.
                usleep(UInt32.random(in: 5_000...20_000))
                continue
            }
        }
    }

    /// Pushes the local ref (as it was at `tip`) without force. False when the remote
    /// moved (non-fast-forward).
    package func pushLocal(_ tip: ObjectID?, progress: Bool = false) throws -> Bool {
        guard let tip else { return true }
        let result = try git.run(
            ["push", "--porcelain", "--no-verify"] + (progress ? ["--progress"] : []) + [
                remote, "\(tip.hex):\(ref)",
            ],
            environment: [NotesSync.reentryVariable: "1"], echoingErrors: progress)
        if result.status == 0 { return true }
        let text = result.stdout + result.stderr
        if text.contains("[rejected]") || text.contains("non-fast-forward") || text.contains("fetch first")
            || text.contains("[remote rejected]") && text.contains("lock")
        {
            return false
        }
        throw SyncError(description: "cannot push records to \(remote): \(result.reason)")
    }

    /// Lines the remote's notes held at `lastSeen` that its current tip lacks.
    private func linesLost(since lastSeen: ObjectID?) throws -> Int {
        guard let lastSeen, let remoteTip = try repository.referenceTarget(trackingRef), remoteTip != lastSeen,
            repository.hasObject(lastSeen)
        else { return 0 }
        let before = try noteBlobs(at: lastSeen), now = try noteBlobs(at: remoteTip)
        var lost = 0
        for (target, blobs) in before where now[target] != blobs {
            lost += NotesSync.lines(try content(blobs)).subtracting(NotesSync.lines(try content(now[target]))).count
        }
        return lost
    }

    // MARK: Merging notes

    /// Each commit's note blobs (one note may be split across a flat and a fanned-out
    /// entry): a walk of the notes tree, no blob read.
    private func noteBlobs(at notesCommit: ObjectID) throws -> [ObjectID: [ObjectID]] {
        var result = [ObjectID: [ObjectID]]()
        for entry in try repository.allNotes(ref: ref, notesCommit: notesCommit) { result[entry.target] = entry.blobs }
        return result
    }

    /// A note's text from its blobs, in order; nil for no note.
    private func content(_ blobs: [ObjectID]?) throws -> [UInt8]? {
        try blobs.map { try $0.flatMap { try repository.blobContent($0) } }
    }

    static func lines(_ note: [UInt8]?) -> Set<Substring> {
        guard let note else { return [] }
        return Set(String(decoding: note, as: UTF8.self).split(separator: "\n"))
    }

    /// One commit's note after merging: a side that holds every line of the other wins
    /// as it is (what git does for a one-sided change); otherwise both sides' lines,
    /// sorted and without duplicates (git's `cat_sort_uniq`).
    package static func mergeNote(local: [UInt8]?, remote: [UInt8]?) -> [UInt8]? {
        guard let local else { return remote }
        guard let remote else { return local }
        if local == remote { return local }
        let localLines = lines(local), remoteLines = lines(remote)
        if localLines.isSubset(of: remoteLines) { return remote }
        if remoteLines.isSubset(of: localLines) { return local }
        let union = localLines.union(remoteLines).map(String.init).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return Array((union.joined(separator: "\n") + "\n").utf8)
    }
}

extension NotesSync {
    /// Whether a push already carries the records: pre-push's stdin (githooks(5): one
    /// `<local ref> SP <local id> SP <remote ref> SP <remote id>` line per ref) names the
    /// notes ref as a remote ref, as `git push origin refs/notes/sessiontrace` and
    /// `sync` itself do. Then the hook must not sync again (it would push inside a push).
    package static func pushCarriesRecords(_ refList: String) -> Bool {
        refList.split(whereSeparator: \.isNewline).contains { line in
            line.split(separator: " ").dropFirst(2).first == Substring(NotesLedger.notesRef)
        }
    }
}
