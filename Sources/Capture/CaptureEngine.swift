import Foundation
import Git
import Hex
import Keys
import Ledger
import Signing

/// What one hook call changed in the working log.
package struct CaptureSummary: Sendable, Equatable {
    package var files: [String] = []
    package var linesWritten = 0
    package var ignored = false
}

/// Applies agent events to the working log (spec/capture.md §2–§3). Edits are
/// handled without libgit2, whose start-up costs more than the rest of a hook call;
/// it is opened only for shell commands and for staged content.
package final class CaptureEngine {
    package let layout: GitLayout
    package let log: WorkingLog
    let snapshots: SnapshotStore
    private var openedRepository: Repository?

    package init(layout: GitLayout) {
        self.layout = layout
        log = WorkingLog(gitDirectory: layout.gitDirectory)
        snapshots = SnapshotStore(logDirectory: log.directory)
    }

    convenience init(repository: Repository) throws {
        guard let layout = repository.layout else {
            throw WorkingLogError(description: "capture needs a working tree; this repository is bare")
        }
        self.init(layout: layout)
        openedRepository = repository
    }

    var repository: Repository {
        get throws {
            if let openedRepository { return openedRepository }
            let opened = try Repository(discoveringFrom: layout.workTree)
            openedRepository = opened
            return opened
        }
    }

    /// `hmac-sha256:<hex>` of a prompt under this repository's prompt key
    /// (`.git/sessiontrace/prompt-key`, never in a record or the tree): a plain SHA-256
    /// would let anyone holding the notes confirm a guessed short prompt.
    func promptDigest(_ text: String) throws -> String {
        let key = try SecretFile.loadOrCreate(at: log.directory + "/prompt-key", describing: "the prompt key")
        return "hmac-sha256:" + HMACSHA256.authenticationCode(key: key, data: Array(text.utf8)).hexString
    }

    /// Handles `event` in the repository each of its files belongs to: a file inside a
    /// submodule (any repository nested in `layout`'s work tree) goes to that
    /// repository's working log, so that the commit made there records it
    /// (spec/capture.md §2). Shell commands and prompts stay with `layout`.
    package static func handle(_ event: AgentEvent, in layout: GitLayout) throws {
        let files: [String]
        switch event.action {
        case .edit(let named): files = named
        case .personText(let file, _), .textEdit(let file, _, _): files = [file]
        default: files = []
        }
        guard !files.isEmpty else {
            try CaptureEngine(layout: layout).handle(event)
            return
        }
        let base = event.cwd ?? FileManager.default.currentDirectoryPath
        var groups = [(layout: GitLayout, files: [String])]()
        for file in files {
            let absolute = file.hasPrefix("/") ? file : base + "/" + file
            let owner = nestedRepository(holding: absolute, below: layout) ?? layout
            if let index = groups.firstIndex(where: { $0.layout == owner }) {
                groups[index].files.append(file)
            } else {
                groups.append((owner, [file]))
            }
        }
        for group in groups {
            var part = event
            // An editor's event names one file: it is its group's whole event.
            if case .edit = event.action { part.action = .edit(files: group.files) }
            try CaptureEngine(layout: group.layout).handle(part)
        }
    }

    /// The repository nested in `layout`'s work tree that holds `path` (a submodule):
    /// the innermost directory between the file and the work tree with a `.git`.
    private static func nestedRepository(holding path: String, below layout: GitLayout) -> GitLayout? {
        var directory = (path as NSString).deletingLastPathComponent
        while directory.count > layout.workTree.count, directory.hasPrefix(layout.workTree + "/") {
            var status = stat()
            if lstat(directory + "/.git", &status) == 0 {
                return GitLayout.discover(from: directory).flatMap {
                    $0.workTree.hasPrefix(layout.workTree + "/") ? $0 : nil
                }
            }
            directory = (directory as NSString).deletingLastPathComponent
        }
        return nil
    }

    @discardableResult
    package func handle(_ event: AgentEvent, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> CaptureSummary
    {
        // A read or a search changes nothing: the working log is not even opened, unless
        // the event names the session's model (remembered for its later events).
        if case .ignored = event.action, event.model == nil { return CaptureSummary(ignored: true) }
        return try log.update { state in
            if let model = event.model { state.sessionModels[sessionKey(event)] = model }
            switch event.action {
            case .ignored:
                return CaptureSummary(ignored: true)
            case .prompt(let text):
                rejectUnfinishedActions(of: event, state: &state)
                state.pending["prompt:" + sessionKey(event)] = WorkingState.PendingEdit(
                    agent: event.agent, session: event.session, model: event.model, prompt: try promptDigest(text),
                    files: [:], startedAt: now)
                return CaptureSummary()
            case .edit(let files):
                let paths = capturable(files.compactMap { repositoryPath($0, event: event) })
                switch event.phase {
                case .before: return try before(paths: paths, event: event, state: &state, now: now)
                case .after: return try after(paths: paths, event: event, state: &state)
                }
            case .shell:
                switch event.phase {
                case .before: return try shellBefore(event: event, state: &state, now: now)
                case .after: return try shellAfter(event: event, state: &state)
                }
            case .personText(let file, let text):
                guard let path = capturablePath(file, event: event) else { return CaptureSummary(ignored: true) }
                try reconcile(path, with: text, state: &state)
                return CaptureSummary(files: [path])
            case .textEdit(let file, let before, let after):
                guard let path = capturablePath(file, event: event) else { return CaptureSummary(ignored: true) }
                var summary = CaptureSummary(files: [path])
                summary.linesWritten = try applyAgentEdit(
                    path, before: before, after: after, event: event, state: &state)
                countAction(of: event, accepted: true, state: &state)
                return summary
            }
        }
    }

    // MARK: Events

    private func before(paths: [String], event: AgentEvent, state: inout WorkingState, now: Int64) throws
        -> CaptureSummary
    {
        var snapshot = [String: String]()
        for path in paths {
            let current = layout.readWorkingFile(path)
            try reconcile(path, with: current ?? [], state: &state)
            snapshot[path] = current == nil ? "" : try snapshots.write(current!)
        }
        state.pending[pairingKey(event, paths: paths)] = WorkingState.PendingEdit(
            agent: event.agent, session: event.session, model: event.model, prompt: nil, files: snapshot, startedAt: now
        )
        return CaptureSummary(files: paths)
    }

    private func after(paths: [String], event: AgentEvent, state: inout WorkingState) throws -> CaptureSummary {
        let pending = state.pending.removeValue(forKey: pairingKey(event, paths: paths))
        defer { countAction(of: event, accepted: true, state: &state) }
        var summary = CaptureSummary(files: paths)
        for path in Set(paths).union(pending?.files.keys ?? [:].keys).sorted() {
            let afterContent = layout.readWorkingFile(path) ?? []
            let beforeContent: [UInt8]
            if let blob = pending?.files[path] {
                beforeContent = try content(ofBlob: blob)
            } else {
                // No before event: the last content capture saw, else what git has staged
                // (read only when needed: it starts libgit2).
                var lastSeen = try state.files[path].map { try content(ofBlob: $0.blob) }
                var rebuilt = rebuild(afterContent, undoing: event.replacements, lastSeen: lastSeen)
                if rebuilt == nil, lastSeen == nil {
                    lastSeen = try stagedContent(path)
                    if lastSeen != nil {
                        rebuilt = rebuild(afterContent, undoing: event.replacements, lastSeen: lastSeen)
                    }
                }
                if let rebuilt {
                    beforeContent = rebuilt
                } else if !event.replacements.isEmpty {
                    // The replacements cannot be placed: what changed since the last
                    // content seen has no known author, rather than a wrong one.
                    try applyUnplacedEdit(path, lastSeen: lastSeen ?? [], after: afterContent, state: &state)
                    continue
                } else {
                    beforeContent = lastSeen ?? []
                }
            }
            summary.linesWritten += try applyAgentEdit(
                path, before: beforeContent, after: afterContent, event: event, state: &state)
        }
        return summary
    }

    /// Lines an after-only edit changed that cannot be told from a person's edit made
    /// before it (spec/capture.md §3): `unknown`, never the agent's nor the person's.
    private func applyUnplacedEdit(_ path: String, lastSeen: [UInt8], after: [UInt8], state: inout WorkingState) throws
    {
        if state.files[path] == nil {
            state.track(
                path, blob: try snapshots.write(lastSeen),
                provenance: Array(repeating: .base, count: FileLines(lastSeen).count))
        }
        let tracked = state.files[path]!
        let labels = try LineOrigins.afterAgentEdit(
            state.provenance(of: tracked), old: try content(ofBlob: tracked.blob), new: after,
            agent: Provenance(kind: .unknown))
        state.track(path, blob: try snapshots.write(after), provenance: labels)
    }

    private func shellBefore(event: AgentEvent, state: inout WorkingState, now: Int64) throws -> CaptureSummary {
        var baseline = [String: String]()
        for path in try repository.dirtyPaths() {
            let current = layout.readWorkingFile(path)
            baseline[path] = current == nil ? "" : try snapshots.write(current!)
        }
        state.pending[pairingKey(event, paths: [])] = WorkingState.PendingEdit(
            agent: event.agent, session: event.session, model: event.model, prompt: nil, files: [:],
            shellBaseline: baseline, trackedAtStart: state.files.mapValues(\.blob), startedAt: now)
        return CaptureSummary()
    }

    private func shellAfter(event: AgentEvent, state: inout WorkingState) throws -> CaptureSummary {
        guard let pending = state.pending.removeValue(forKey: pairingKey(event, paths: [])),
            let baseline = pending.shellBaseline
        else {
            throw WorkingLogError(
                description: "shell command ended without its start event: its changes are not attributed")
        }
        countAction(of: event, accepted: true, state: &state)
        var summary = CaptureSummary()
        for path in Set(baseline.keys).union(try repository.dirtyPaths()).sorted() {
            let current = layout.readWorkingFile(path)
            let currentID = current.map(GitObjectHash.blobID) ?? ""
            // A file another capture reported while the command ran (another agent's
            // edit, a Cursor tab completion) keeps that edit's origin: the command is
            // credited only with what changed after it (spec/capture.md §3).
            let reported = pending.trackedAtStart.flatMap { atStart in
                state.files[path].flatMap { $0.blob != atStart[path] ? $0.blob : nil }
            }
            let beforeID = try reported ?? baseline[path] ?? (repository.indexBlob(path: path)?.hex ?? "")
            guard currentID != beforeID else { continue }
            summary.files.append(path)
            summary.linesWritten += try applyAgentEdit(
                path, before: try content(ofBlob: beforeID), after: current ?? [], event: event, state: &state)
        }
        return summary
    }

    // MARK: Actions accepted and rejected

    /// One edit or command of `event`'s session that ran (`accepted`) or was turned down.
    private func countAction(of event: AgentEvent, accepted: Bool, state: inout WorkingState) {
        let key = sessionKey(event)
        var activity =
            state.sessions[key]
            ?? WorkingState.SessionActivity(
                agent: event.agent, session: event.session ?? "unknown",
                model: event.model ?? state.sessionModels[key] ?? defaultModel(event.agent), linesWritten: 0)
        if accepted { activity.actionsAccepted += 1 } else { activity.actionsRejected += 1 }
        state.sessions[key] = activity
    }

    /// A new prompt ends the session's previous turn: an edit or command announced before
    /// it whose after event never came was turned down (a permission refused), and is
    /// counted so; its snapshots are let go (spec/capture.md §2).
    private func rejectUnfinishedActions(of event: AgentEvent, state: inout WorkingState) {
        let unfinished = state.pending.filter { key, edit in
            !key.hasPrefix("prompt:") && edit.agent == event.agent && edit.session == event.session
        }
        for key in unfinished.keys.sorted() {
            state.pending.removeValue(forKey: key)
            countAction(of: event, accepted: false, state: &state)
        }
    }

    // MARK: Provenance bookkeeping

    /// Folds a person's edits since capture last saw `path` into its provenance.
    func reconcile(_ path: String, with current: [UInt8], state: inout WorkingState) throws {
        let currentID = GitObjectHash.blobID(current)
        if let tracked = state.files[path] {
            guard tracked.blob != currentID else { return }
            let previous = try content(ofBlob: tracked.blob)
            let labels = try LineOrigins.afterPersonEdit(state.provenance(of: tracked), old: previous, new: current)
            state.track(path, blob: try snapshots.write(current), provenance: labels)
        } else {
            state.track(
                path, blob: try snapshots.write(current),
                provenance: Array(repeating: .base, count: FileLines(current).count))
        }
    }

    /// Applies one agent edit of `path`; returns how many lines the agent wrote.
    private func applyAgentEdit(
        _ path: String, before: [UInt8], after: [UInt8], event: AgentEvent, state: inout WorkingState
    ) throws -> Int {
        try reconcile(path, with: before, state: &state)
        let key = sessionKey(event)
        let agentLabel = Provenance(
            kind: .ai, agent: event.agent, model: event.model ?? state.sessionModels[key] ?? defaultModel(event.agent),
            session: event.session, prompt: state.pending["prompt:" + key]?.prompt)
        let tracked = state.files[path]!
        // One diff for both the labels and the count (on a 5,000-line file, a diff is
        // a tenth of a hook call).
        let hunks = LineDiff.hunks(old: before, new: after)
        let labels = try LineOrigins.afterAgentEdit(
            state.provenance(of: tracked), old: before, hunks: hunks, agent: agentLabel)
        state.track(path, blob: try snapshots.write(after), provenance: labels)
        let written = hunks.reduce(0) { $0 + $1.newCount }
        if written > 0 || state.sessions[key] == nil {
            var activity =
                state.sessions[key]
                ?? WorkingState.SessionActivity(
                    agent: event.agent, session: event.session ?? "unknown", model: agentLabel.model, linesWritten: 0)
            activity.linesWritten += written
            activity.model = agentLabel.model
            state.sessions[key] = activity
        }
        return written
    }

    /// The text before an edit reported only afterwards (Cursor: which text replaced
    /// which), by undoing each replacement where it was made. `new` can occur more than
    /// once (`return x`, `}`): the occurrence is the one whose undoing gives back what
    /// capture last saw of the file, else the one closest to it, and when two are as
    /// close (or nothing was seen) the edit cannot be placed: nil, never a guess that
    /// credits another session's line to this agent. A deletion (empty `new`) is placed
    /// only where removing `old` from the last-seen text gives the text after.
    private func rebuild(_ after: [UInt8], undoing replacements: [AgentEvent.Replacement], lastSeen: [UInt8]?)
        -> [UInt8]?
    {
        guard !replacements.isEmpty else { return nil }
        var text = String(decoding: after, as: UTF8.self)
        let seen = lastSeen.map { String(decoding: $0, as: UTF8.self) }
        for replacement in replacements.reversed() {
            if replacement.new.isEmpty {
                guard let seen, let placed = Self.reinserted(replacement.old, into: text, giving: seen) else {
                    return nil
                }
                text = placed
                continue
            }
            var candidates = [String]()
            var searchFrom = text.startIndex
            while let range = text.range(of: replacement.new, range: searchFrom..<text.endIndex) {
                var undone = text
                undone.replaceSubrange(range, with: replacement.old)
                candidates.append(undone)
                searchFrom = text.index(after: range.lowerBound)
            }
            guard !candidates.isEmpty else { return nil }
            if candidates.count == 1 { text = candidates[0]; continue }
            guard let seen else { return nil }
            if let exact = candidates.first(where: { $0 == seen }) { text = exact; continue }
            let distances = candidates.map {
                LineDiff.hunks(old: Array(seen.utf8), new: Array($0.utf8)).reduce(0) { $0 + $1.oldCount + $1.newCount }
            }
            let best = distances.min()!
            guard distances.filter({ $0 == best }).count == 1 else { return nil }
            text = candidates[distances.firstIndex(of: best)!]
        }
        return Array(text.utf8)
    }

    /// `text` with `removed` put back where it was deleted, when the last-seen text is
    /// exactly that; nil otherwise.
    private static func reinserted(_ removed: String, into text: String, giving seen: String) -> String? {
        let a = Array(text.utf8), b = Array(seen.utf8), gap = Array(removed.utf8)
        guard b.count == a.count + gap.count else { return nil }
        var prefix = 0
        while prefix < a.count, a[prefix] == b[prefix] { prefix += 1 }
        // The deletion starts at or before the first difference; every start that fits
        // gives the same text back, the last-seen one.
        for start in stride(from: prefix, through: max(0, prefix - gap.count), by: -1)
        where Array(b[start..<start + gap.count]) == gap
            && Array(b[start + gap.count..<b.count]) == Array(a[start..<a.count])
        {
            return seen
        }
        return nil
    }

    /// A snapshot's content, or a blob's from git's object store (staged content).
    func content(ofBlob hex: String) throws -> [UInt8] {
        guard !hex.isEmpty else { return [] }
        if let stored = snapshots.read(hex) { return stored }
        guard let id = ObjectID(hex: hex) else { return [] }
        return try repository.blobContent(id)
    }

    /// What git has staged for `path`; nil when nothing is.
    private func stagedContent(_ path: String) throws -> [UInt8]? {
        try repository.indexBlob(path: path).map { try repository.blobContent($0) }
    }

    private func repositoryPath(_ path: String, event: AgentEvent) -> String? {
        let base = event.cwd ?? FileManager.default.currentDirectoryPath
        guard let relative = layout.repositoryPath(forUserPath: path, currentDirectory: base),
            !relative.isEmpty, relative != ".git", !relative.hasPrefix(".git/")
        else { return nil }
        return relative
    }

    /// The repository path of an editor event's file, when capture may copy it.
    private func capturablePath(_ file: String, event: AgentEvent) -> String? {
        repositoryPath(file, event: event).flatMap { capturable([$0]).first }
    }

    /// The paths capture may copy: a file git ignores (`.env`, build output) is never
    /// snapshotted, unless the user asks with `git config sessiontrace.captureIgnored
    /// true` (spec/capture.md §2). Shell commands only look at paths git reports, which
    /// leave ignored files out already.
    private func capturable(_ paths: [String]) -> [String] {
        let ignoredFiles = IgnoredFiles(layout: layout)
        let ignored = Set(paths.filter(ignoredFiles.isIgnored))
        guard !ignored.isEmpty else { return paths }
        let asked = try? GitCommand(directory: layout.workTree).run([
            "config", "--type=bool", "--get", "sessiontrace.captureIgnored",
        ])
        if asked?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "true" { return paths }
        return paths.filter { !ignored.contains($0) }
    }

    private func sessionKey(_ event: AgentEvent) -> String { "\(event.agent)/\(event.session ?? "unknown")" }

    private func pairingKey(_ event: AgentEvent, paths: [String]) -> String {
        if let id = event.toolUseID { return "tool:\(event.agent):\(id)" }
        if case .shell = event.action { return "shell:" + sessionKey(event) }
        return "edit:\(sessionKey(event)):\(paths.sorted().joined(separator: "\u{0}"))"
    }

    private func defaultModel(_ agent: String) -> String {
        switch agent {
        case "claude-code": return "anthropic/unknown"
        case "codex": return "openai/unknown"
        case "gemini": return "google/unknown"
        default: return "unknown/unknown"
        }
    }
}
