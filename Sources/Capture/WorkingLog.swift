import CanonicalJSON
import Diagnostics
import Foundation
import Git
import Ledger

/// Capture's state between hook calls, kept under the worktree's git directory in
/// `sessiontrace/` (spec/capture.md §2). Read and written only while holding the
/// log's lock; every write replaces the file atomically (temporary file, fsync,
/// rename), so a killed process leaves either the old or the new state, never a torn one.
package struct WorkingState: Codable, Sendable {
    /// What capture last saw of a working file, and who wrote each of its lines.
    package struct TrackedFile: Codable, Sendable {
        /// Blob id of the content last seen ("" for a file that did not exist).
        package var blob: String
        /// Provenance per line, run-length encoded: [label index, line count] pairs.
        package var runs: [[Int]]
    }

    /// An agent's edit announced by a "before" event, waiting for its "after".
    package struct PendingEdit: Codable, Sendable {
        package var agent: String
        package var session: String?
        package var model: String?
        package var prompt: String?
        /// Repository path → blob id of the content before the edit ("" when absent).
        package var files: [String: String]
        /// For shell tools: every dirty path's blob id before the command.
        package var shellBaseline: [String: String]?
        /// For shell tools: the blob id the log held for each file when the command
        /// began, to tell which files another capture event reported during it.
        package var trackedAtStart: [String: String]?
        package var startedAt: Int64
    }

    /// Lines an agent session wrote since the last record, for acceptance rates.
    package struct SessionActivity: Codable, Sendable {
        package var agent: String
        package var session: String
        package var model: String?
        package var linesWritten: Int
        /// Edits and commands that completed, and those turned down (no after event
        /// before the session's next prompt).
        package var actionsAccepted = 0
        package var actionsRejected = 0

        init(agent: String, session: String, model: String?, linesWritten: Int) {
            self.agent = agent
            self.session = session
            self.model = model
            self.linesWritten = linesWritten
        }

        /// The counts are written only when not zero (and by versions before them, never).
        package init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            agent = try container.decode(String.self, forKey: .agent)
            session = try container.decode(String.self, forKey: .session)
            model = try container.decodeIfPresent(String.self, forKey: .model)
            linesWritten = try container.decode(Int.self, forKey: .linesWritten)
            actionsAccepted = try container.decodeIfPresent(Int.self, forKey: .actionsAccepted) ?? 0
            actionsRejected = try container.decodeIfPresent(Int.self, forKey: .actionsRejected) ?? 0
        }
    }

    package struct FailedRecord: Codable, Sendable {
        package var commit: String
        package var reason: String
        package var at: Int64
    }

    package var version = 1
    package var labels: [Provenance] = [.base]
    package var files: [String: TrackedFile] = [:]
    package var pending: [String: PendingEdit] = [:]
    package var sessions: [String: SessionActivity] = [:]
    /// Commits already recorded (newest last, bounded), so a commit is recorded once.
    package var recorded: [String] = []
    /// When capture began here (`git trace init`, else the first post-commit job): the
    /// commits made before it predate capture, and the job never records them.
    package var captureStarted: Int64?
    /// HEAD's newest reflog entry when capture began (`Repository.headReflogMark`): the
    /// commits its reflog lists after it were made under capture.
    package var captureReflogMark: String?
    /// Commits the post-commit hook could not record (fail-open), for `git trace status`.
    package var failed: [FailedRecord] = []
    /// The last model each session was seen with (Gemini and Codex name it only sometimes).
    package var sessionModels: [String: String] = [:]

    package init() {}

    mutating func labelIndex(_ provenance: Provenance) -> Int {
        if let index = labels.firstIndex(of: provenance) { return index }
        labels.append(provenance)
        return labels.count - 1
    }

    package func provenance(of file: TrackedFile) -> [Provenance] {
        file.runs.flatMap { run in Array(repeating: labels[run[0]], count: run[1]) }
    }

    mutating func track(_ path: String, blob: String, provenance: [Provenance]) {
        var runs = [[Int]]()
        // Neighbouring lines mostly share their label: compared with the last one
        // first, rather than searched for in the whole table for every line.
        var last: (label: Provenance, index: Int)?
        for line in provenance {
            let index: Int
            if let last, last.label == line {
                index = last.index
            } else {
                index = labelIndex(line)
                last = (line, index)
            }
            if let last = runs.last, last[0] == index {
                runs[runs.count - 1][1] += 1
            } else {
                runs.append([index, 1])
            }
        }
        files[path] = TrackedFile(blob: blob, runs: runs)
    }

    /// Drops labels no file uses any more, so the table does not grow without bound.
    mutating func compactLabels() {
        var used = Set(files.values.flatMap { $0.runs.map { $0[0] } })
        used.insert(0)
        guard used.count < labels.count else { return }
        let kept = labels.indices.filter(used.contains)
        let remap = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
        labels = kept.map { labels[$0] }
        for (path, file) in files {
            files[path]?.runs = file.runs.map { [remap[$0[0]]!, $0[1]] }
        }
    }
}

package struct WorkingLogError: UserFacingError {
    package let description: String
}

/// The on-disk working log of one worktree.
package final class WorkingLog {
    package let directory: String
    private var statePath: String { directory + "/state.json" }
    private var lockPath: String { directory + "/lock" }

    package init(gitDirectory: String) {
        directory = StateDirectory.path(inGitDirectory: gitDirectory)
    }

    package convenience init(repository: Repository) {
        self.init(gitDirectory: repository.gitDirectory)
    }

    /// Runs `body` on the state while holding the lock, then saves what it left.
    /// The lock is an flock(2) lock, released by the kernel if the process dies.
    @discardableResult
    package func update<T>(_ body: (inout WorkingState) throws -> T) throws -> T {
        try AtomicFile.makePrivateDirectory(directory)  // also when made 0755 by versions before this one
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else {
            throw WorkingLogError(description: "cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else {
            throw WorkingLogError(description: "cannot lock \(lockPath): \(String(cString: strerror(errno)))")
        }
        var state = try load()
        let result = try body(&state)
        try save(state)
        return result
    }

    /// Messages of the hooks that ran in the background, where nobody reads their stderr
    /// (a job holding git's stdout or stderr open would make every program reading git
    /// through a pipe wait for it): one line each, newest last, for `git trace status`.
    private var messagesPath: String { directory + "/messages.log" }
    static let keptMessages = 50

    /// Appends `message` (one line) with its time, keeping the newest `keptMessages`.
    package func appendMessage(_ message: String, at now: Int64 = Int64(Date().timeIntervalSince1970)) throws {
        try update { _ in
            let line = "\(now) " + message.replacingOccurrences(of: "\n", with: " ")
            let kept =
                (try? String(contentsOfFile: messagesPath, encoding: .utf8))?.split(separator: "\n").map(String.init)
                ?? []
            let text = (kept + [line]).suffix(Self.keptMessages).joined(separator: "\n") + "\n"
            do { try AtomicFile.replace(messagesPath, with: Array(text.utf8)) } catch {
                throw WorkingLogError(description: "\(error)")
            }
        }
    }

    /// The background hooks' messages, oldest first: (time, text).
    package func messages() -> [(time: Int64, text: String)] {
        guard let text = try? String(contentsOfFile: messagesPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let time = Int64(parts[0]) else { return nil }
            return (time, String(parts[1]))
        }
    }

    /// Notes that capture begins now (`git trace init`), unless it already began.
    package func markCaptureStarted(reflogMark: String?, at now: Int64 = Int64(Date().timeIntervalSince1970)) throws {
        try update { state in
            guard state.captureStarted == nil else { return }
            state.captureStarted = now
            state.captureReflogMark = reflogMark
        }
    }

    /// Reads the state without locking (for displays such as `git trace status`).
    package func snapshot() throws -> WorkingState { try load() }

    private func load() throws -> WorkingState {
        guard let data = FileManager.default.contents(atPath: statePath) else { return WorkingState() }
        do {
            return try WorkingState(json: try JSONValue(parsing: [UInt8](data)))
        } catch {
            // A state file from a future version or damaged by hand: keep it for
            // inspection and start afresh rather than failing every hook from now on.
            let aside = statePath + ".unreadable-\(Int(Date().timeIntervalSince1970))"
            try? FileManager.default.moveItem(atPath: statePath, toPath: aside)
            throw WorkingLogError(description: "working log was unreadable and was moved to \(aside)")
        }
    }

    private func save(_ state: WorkingState) throws {
        do { try AtomicFile.replace(statePath, with: state.json.canonicalBytes) } catch {
            throw WorkingLogError(description: "\(error)")
        }
    }
}

extension WorkingState {
    /// Whether the log holds anything an agent wrote or is writing: without it no staged
    /// line can be a new agent line, and the pre-commit hook has nothing to attribute
    /// (attribution blames every line a person changed).
    package var holdsAgentLines: Bool {
        !pending.isEmpty || files.values.contains { file in file.runs.contains { $0.first.map { $0 != 0 } ?? false } }
    }
}
