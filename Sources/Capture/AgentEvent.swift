import Diagnostics
import Foundation
import Git
import Ledger
import Signing

/// One agent hook call, reduced to what capture needs (spec/capture.md §1).
public struct AgentEvent: Sendable, Equatable {
    public enum Phase: String, Sendable { case before, after }

    package enum Action: Sendable, Equatable {
        /// The agent is about to edit, or has edited, these files.
        case edit(files: [String])
        /// The agent runs a shell command: whatever files change meanwhile are its work.
        case shell
        /// The user gave the agent a prompt; capture keeps only a keyed digest of it
        /// (attached to the lines the session writes next), never its text.
        case prompt(text: String)
        /// Something capture does not track (reads, searches, web fetches).
        case ignored
        /// An editor says a file's text, as it holds it now, is the person's own
        /// (spec/capture.md §1.1): whatever changed since capture last saw it is theirs.
        case personText(file: String, text: [UInt8])
        /// An edit whose text before and after the editor gives (an accepted inline
        /// completion): the file on disk may not hold either yet.
        case textEdit(file: String, before: [UInt8], after: [UInt8])
    }

    package var agent: String
    package var phase: Phase
    package var action: Action
    package var session: String?
    /// `provider/model` when the payload names one.
    package var model: String?
    /// Pairs a before event with its after event.
    package var toolUseID: String?
    /// The directory relative paths are relative to.
    package var cwd: String?
    /// For agents that announce an edit only afterwards (Cursor): the replacements the
    /// edit made, so that the text before it can be rebuilt.
    package var replacements: [Replacement] = []

    package struct Replacement: Sendable, Equatable {
        package var old: String
        package var new: String

        package init(old: String, new: String) {
            self.old = old
            self.new = new
        }
    }

    package init(
        agent: String, phase: Phase, action: Action, session: String? = nil, model: String? = nil,
        toolUseID: String? = nil, cwd: String? = nil, replacements: [Replacement] = []
    ) {
        self.agent = agent
        self.phase = phase
        self.action = action
        self.session = session
        self.model = model
        self.toolUseID = toolUseID
        self.cwd = cwd
        self.replacements = replacements
    }
}

package struct PayloadError: UserFacingError {
    package let description: String
}

/// The agents whose hook payloads capture reads (`git trace capture --agent NAME`).
public enum AgentKind: String, CaseIterable, Sendable {
    case claudeCode = "claude-code"
    case cursor, codex, gemini, copilot, windsurf, cline, opencode, amp, droid, kiro, augment
    case continueCLI = "continue"
    case generic, editor

    /// Parses one hook payload. `declaredPhase` is what the hook configuration says
    /// (for agents whose payload does not name its event).
    public func event(from bytes: [UInt8], declaredPhase: AgentEvent.Phase? = nil) throws -> AgentEvent {
        // The editor's payloads carry whole files: read without building Foundation
        // objects, which took a quarter of such a call (BENCHMARKS.md).
        if self == .editor { return try AgentAdapters.editor(bytes: bytes) }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw PayloadError(description: "hook payload is not a JSON object")
            }
            object = parsed
        } catch let error as PayloadError {
            throw error
        } catch {
            throw PayloadError(description: bytes.isEmpty ? "no hook payload on stdin" : "hook payload is not JSON")
        }
        return try event(from: Payload(object), declaredPhase: declaredPhase)
    }

    func event(from payload: Payload, declaredPhase: AgentEvent.Phase?) throws -> AgentEvent {
        switch self {
        case .claudeCode:
            switch Self.claudeHookCaller(payload, home: ProcessInfo.processInfo.environment["HOME"]) {
            case .claudeCode: return try AgentAdapters.claudeCode(payload)
            case .other(let agent): return try agent.event(from: payload, declaredPhase: declaredPhase)
            case .otherWithItsOwnHook: return AgentEvent(agent: "claude-code", phase: .after, action: .ignored)
            }
        case .cursor: return try AgentAdapters.cursor(payload)
        case .codex: return try AgentAdapters.codex(payload)
        case .gemini: return try AgentAdapters.gemini(payload)
        case .copilot: return try AgentAdapters.copilot(payload, declaredPhase: declaredPhase)
        case .windsurf: return try AgentAdapters.windsurf(payload)
        case .cline: return try AgentAdapters.cline(payload)
        case .droid: return try AgentAdapters.droid(payload)
        case .kiro: return try AgentAdapters.kiro(payload)
        case .continueCLI: return try AgentAdapters.continueCLI(payload)
        case .augment: return try AgentAdapters.augment(payload, declaredPhase: declaredPhase)
        case .opencode, .amp:
            // The plugins send the generic payload; the agent is theirs whatever it says.
            var event = try AgentAdapters.generic(Payload(payload.object.merging(["agent": rawValue]) { $1 }))
            event.agent = rawValue
            return event
        case .generic: return try AgentAdapters.generic(payload)
        case .editor: throw PayloadError(description: "the editor's payload is read from its bytes")
        }
    }
}

extension AgentKind {
    /// The agent a hook call really comes from, or nil when the call is to be skipped.
    /// Continue CLI also runs the hooks in Claude Code's settings files, with our Claude
    /// Code command, beside those in its own (spec/capture.md §1.2): it sets
    /// `CONTINUE_PROJECT_DIR` for every hook it runs, and Claude Code does not. Such a
    /// call is read as Continue's payload, unless Continue's own hooks are installed:
    /// Continue runs those too, for the same tool call, so this one is skipped. (VS Code
    /// and Cursor are told apart by their payloads: `claudeHookCaller`.)
    package func caller(environment: [String: String], home: String?) -> AgentKind? {
        guard self == .claudeCode, let project = environment["CONTINUE_PROJECT_DIR"], !project.isEmpty else {
            return self
        }
        let files =
            [project + "/.continue/settings.json", project + "/.continue/settings.local.json"]
            + (home.map { [$0 + "/.continue/settings.json"] } ?? [])
        return Self.anyMentions(files, "capture --agent continue") ? nil : .continueCLI
    }

    /// Who sent a payload to our Claude Code hook.
    enum ClaudeHookCaller: Equatable {
        case claudeCode
        /// Another agent, whose own capture hook is not installed.
        case other(AgentKind)
        /// Another agent whose own capture hook is installed and captures this call.
        case otherWithItsOwnHook
    }

    /// VS Code's agent and Cursor also run the hooks of Claude Code's settings files,
    /// with their own payloads (spec/capture.md §1.2): VS Code names its event
    /// `hookEventName`, where Claude Code writes `hook_event_name`; Cursor's payloads
    /// carry `cursor_version` and `generation_id`.
    static func claudeHookCaller(_ fields: Payload, home: String?) -> ClaudeHookCaller {
        // Claude Code's own calls (every call, in its sessions) look at no file.
        var folders: [String] {
            projectFolders(fields.string("cwd") ?? (fields.array("workspace_roots").first as? String))
        }
        if fields.has("hookEventName") && !fields.has("hook_event_name") {
            let files =
                folders.flatMap { jsonFiles(in: $0 + "/.github/hooks") }
                + (home.map { jsonFiles(in: $0 + "/.copilot/hooks") } ?? [])
            return anyMentions(files, "capture --agent copilot") ? .otherWithItsOwnHook : .other(.copilot)
        }
        if fields.has("cursor_version") || (fields.has("generation_id") && fields.has("conversation_id")) {
            let files = folders.map { $0 + "/.cursor/hooks.json" } + (home.map { [$0 + "/.cursor/hooks.json"] } ?? [])
            return anyMentions(files, "capture --agent cursor") ? .otherWithItsOwnHook : .other(.cursor)
        }
        return .claudeCode
    }

    /// The folders whose agent configurations apply to a call made in `directory`: it,
    /// and the root of the work tree holding it.
    private static func projectFolders(_ directory: String?) -> [String] {
        guard let directory else { return [] }
        guard let root = GitLayout.discover(from: directory)?.workTree, root != directory else { return [directory] }
        return [directory, root]
    }

    private static func jsonFiles(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }
            .map { directory + "/" + $0 }
    }

    private static func anyMentions(_ files: [String], _ text: String) -> Bool {
        files.contains { path in
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self).contains(text) }
                ?? false
        }
    }
}

/// Typed access to a decoded JSON object.
struct Payload {
    let object: [String: Any]
    init(_ object: [String: Any]) { self.object = object }

    func string(_ keys: String...) -> String? {
        for key in keys { if let value = object[key] as? String, !value.isEmpty { return value } }
        return nil
    }

    func object(_ key: String) -> Payload? {
        if let value = object[key] as? [String: Any] { return Payload(value) }
        // Some agents pass tool arguments as a JSON string.
        if let text = object[key] as? String, let data = text.data(using: .utf8),
            let value = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            return Payload(value)
        }
        return nil
    }

    func array(_ key: String) -> [Any] { object[key] as? [Any] ?? [] }

    /// The paths of an `apply_patch` patch anywhere in this object (nil: it holds none).
    var patchPaths: [String]? {
        allStrings.first { $0.contains("*** Begin Patch") }.map(AgentAdapters.patchedPaths)
    }

    /// The files an edit tool's input names: an `apply_patch` patch's, else the paths
    /// under the usual keys (nil: it names none).
    var editedFiles: [String]? { patchPaths ?? (filePaths.isEmpty ? nil : filePaths) }

    /// `edits`: `[{"old_string", "new_string"}]`, the replacements an after-only edit
    /// report lists (Cursor, Windsurf).
    var replacements: [AgentEvent.Replacement] {
        array("edits").compactMap { entry in
            guard let edit = entry as? [String: Any] else { return nil }
            return AgentEvent.Replacement(
                old: edit["old_string"] as? String ?? "", new: edit["new_string"] as? String ?? "")
        }
    }

    func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    /// File paths named in tool arguments under the keys agents use for them.
    var filePaths: [String] {
        var paths = [String]()
        for key in ["file_path", "filePath", "path", "notebook_path", "target_file", "filename", "absolute_path"] {
            if let value = string(key) { paths.append(value) }
        }
        for key in ["files", "paths", "filePaths", "file_paths"] {
            for entry in array(key) {
                if let text = entry as? String { paths.append(text) }
                if let nested = entry as? [String: Any] { paths += Payload(nested).filePaths }
            }
        }
        return paths
    }

    /// Every string value anywhere below this object (for patches passed in varying places).
    var allStrings: [String] {
        func collect(_ value: Any) -> [String] {
            switch value {
            case let text as String: return [text]
            case let list as [Any]: return list.flatMap(collect)
            case let map as [String: Any]: return map.values.flatMap(collect)
            default: return []
            }
        }
        return collect(object)
    }
}
