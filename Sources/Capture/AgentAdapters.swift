import CanonicalJSON
import Foundation
import Ledger
import Records

/// One adapter per agent's documented hook payload (spec/capture.md §1; samples in
/// Tests/Fixtures/agents/).
enum AgentAdapters {
    // MARK: Claude Code (.claude/settings.json, PreToolUse / PostToolUse / UserPromptSubmit)

    static func claudeCode(_ payload: Payload) throws -> AgentEvent {
        try toolHook(
            payload,
            ToolHookDialect(
                agent: "claude-code", promptEvent: "UserPromptSubmit", beforeEvent: "PreToolUse",
                afterEvent: "PostToolUse",
                editTools: ["Write", "Edit", "MultiEdit", "NotebookEdit"], shellTools: ["Bash"],
                toolUseKeys: ["tool_use_id"]),
            model: payload.string("transcript_path").flatMap(modelFromClaudeTranscript))
    }

    /// Claude Code's payload names no model; its transcript does, on assistant lines
    /// (`message.model`). Only the file's tail is read: the latest model is what counts.
    static func modelFromClaudeTranscript(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let window: UInt64 = 256 * 1024
        try? handle.seek(toOffset: size > window ? size - window : 0)
        guard let data = try? handle.readToEnd() else { return nil }
        for line in data.split(separator: UInt8(ascii: "\n")).reversed() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let message = object["message"] as? [String: Any],
                let model = message["model"] as? String, !model.isEmpty, model != "<synthetic>"
            else { continue }
            if let qualified = ModelID.qualified(model) { return qualified }
        }
        return nil
    }

    // MARK: Cursor (.cursor/hooks.json: afterFileEdit, afterTabFileEdit, before/afterShellExecution, beforeSubmitPrompt)

    static func cursor(_ payload: Payload) throws -> AgentEvent {
        let eventName = payload.string("hook_event_name") ?? ""
        let session = payload.string("conversation_id")
        let model = payload.string("model").flatMap(ModelID.qualified)
        let cwd = (payload.array("workspace_roots").first as? String) ?? payload.string("cwd")
        let generation = payload.string("generation_id")
        switch eventName {
        case "afterFileEdit", "afterTabFileEdit":
            let path = try required(payload, "file_path", agent: "cursor")
            let replacements = payload.replacements
            return AgentEvent(
                agent: "cursor", phase: .after, action: .edit(files: [path]),
                session: eventName == "afterTabFileEdit" ? "tab:" + (session ?? "completion") : session,
                model: model, toolUseID: generation.map { "cursor:\($0):\(path)" }, cwd: cwd, replacements: replacements
            )
        case "beforeShellExecution", "afterShellExecution":
            return AgentEvent(
                agent: "cursor", phase: eventName.hasPrefix("before") ? .before : .after, action: .shell,
                session: session, model: model, toolUseID: generation.map { "cursor:\($0):shell" },
                cwd: payload.string("cwd") ?? cwd)
        case "beforeSubmitPrompt", "UserPromptSubmit":
            let prompt = payload.string("prompt") ?? ""
            return AgentEvent(
                agent: "cursor", phase: .before, action: .prompt(text: prompt), session: session, model: model)
        case "preToolUse", "postToolUse", "PreToolUse", "PostToolUse":
            // Cursor's generic tool events: what it sends to the hooks of Claude Code's
            // settings files it also runs (spec/capture.md §1.2).
            let phase: AgentEvent.Phase = eventName.lowercased().hasPrefix("pre") ? .before : .after
            let tool = payload.string("tool_name") ?? ""
            let input = payload.object("tool_input") ?? Payload([:])
            let action: AgentEvent.Action
            if ["Shell", "Bash", "run_terminal_cmd"].contains(tool) {
                action = .shell
            } else if ["Write", "Edit", "MultiEdit", "StrReplace", "Delete", "edit_file", "write"].contains(tool),
                let files = input.editedFiles
            {
                action = .edit(files: files)
            } else {
                action = .ignored
            }
            return AgentEvent(
                agent: "cursor", phase: phase, action: action, session: session, model: model,
                toolUseID: payload.string("tool_use_id") ?? generation.map { "cursor:\($0):\(tool)" },
                cwd: payload.string("cwd") ?? cwd)
        default:
            throw PayloadError(
                description:
                    "cursor payload has hook_event_name '\(eventName)'; expected afterFileEdit, afterTabFileEdit, beforeShellExecution, afterShellExecution, preToolUse, postToolUse or beforeSubmitPrompt"
            )
        }
    }

    // MARK: Gemini CLI (.gemini/settings.json: BeforeTool / AfterTool / BeforeAgent)

    static func gemini(_ payload: Payload) throws -> AgentEvent {
        try toolHook(
            payload,
            ToolHookDialect(
                agent: "gemini", promptEvent: "BeforeAgent", beforeEvent: "BeforeTool", afterEvent: "AfterTool",
                editTools: ["write_file", "replace", "edit", "write_new_file"], shellTools: ["run_shell_command"],
                toolUseKeys: ["tool_call_id", "tool_use_id"]),
            model: (payload.string("model") ?? payload.object("llm_request")?.string("model")).flatMap(
                ModelID.qualified))
    }

    // MARK: Codex CLI (.codex/hooks.json: PreToolUse / PostToolUse / UserPromptSubmit; edits as apply_patch)

    static func codex(_ payload: Payload) throws -> AgentEvent {
        var event = try toolHook(
            payload,
            ToolHookDialect(
                agent: "codex", promptEvent: "UserPromptSubmit", beforeEvent: "PreToolUse", afterEvent: "PostToolUse",
                editTools: ["apply_patch"],
                shellTools: ["Bash", "shell", "exec_command", "local_shell", "unified_exec"],
                toolUseKeys: ["tool_use_id", "call_id"],
                editedFiles: { $0.patchPaths }),
            model: payload.string("model").flatMap(ModelID.qualified))
        if event.toolUseID == nil, let turn = payload.string("turn_id"), let tool = payload.string("tool_name") {
            event.toolUseID = "codex:\(turn):\(tool)"
        }
        return event
    }

    /// Paths an `apply_patch` patch touches: added, updated, deleted and moved-to files.
    static func patchedPaths(_ patch: String) -> [String] {
        var paths = [String]()
        for line in patch.split(separator: "\n") {
            for marker in ["*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: "]
            where line.hasPrefix(marker) {
                paths.append(String(line.dropFirst(marker.count)).trimmingCharacters(in: .whitespaces))
            }
        }
        return paths
    }

    // MARK: GitHub Copilot (CLI camelCase payloads, and VS Code's snake_case ones)

    static func copilot(_ payload: Payload, declaredPhase: AgentEvent.Phase?) throws -> AgentEvent {
        let eventName = payload.string("hookEventName", "hook_event_name") ?? ""
        let session = payload.string("sessionId", "session_id")
        let model = payload.string("model").flatMap(ModelID.qualified)
        if ["userPromptSubmitted", "UserPromptSubmit"].contains(eventName)
            || (payload.has("prompt") && !payload.has("toolName") && !payload.has("tool_name"))
        {
            let prompt = payload.string("prompt") ?? ""
            return AgentEvent(
                agent: "copilot", phase: .before, action: .prompt(text: prompt), session: session, model: model)
        }
        guard let tool = payload.string("toolName", "tool_name") else {
            throw PayloadError(description: "copilot payload has no toolName or tool_name")
        }
        let phase: AgentEvent.Phase
        if let named = self.phase(
            eventName, before: ["preToolUse", "PreToolUse"], after: ["postToolUse", "PostToolUse"])
        {
            phase = named
        } else if let declaredPhase {
            phase = declaredPhase
        } else {
            phase = payload.has("toolResult") || payload.has("tool_response") ? .after : .before
        }
        let arguments = payload.object("toolArgs") ?? payload.object("tool_input") ?? Payload([:])
        let action: AgentEvent.Action
        let lower = tool.lowercased()
        if let paths = arguments.patchPaths {
            action = .edit(files: paths)
        } else if ["bash", "shell", "powershell", "run_in_terminal", "runinterminal", "runterminalcommand"].contains(
            lower)
        {
            action = .shell
        } else if [
            "edit", "create", "write", "str_replace_editor", "editfiles", "createfile", "replace_string_in_file",
            "multi_replace_string_in_file", "insert_edit_into_file", "create_file", "edit_file",
        ].contains(lower) {
            action = .edit(files: arguments.filePaths)
        } else {
            action = .ignored
        }
        return AgentEvent(
            agent: "copilot", phase: phase, action: action, session: session, model: model,
            toolUseID: payload.string("toolCallId", "tool_use_id"), cwd: payload.string("cwd"))
    }

    // MARK: Windsurf (Cascade hooks: .windsurf/hooks.json, pre/post_write_code, pre/post_run_command, pre_user_prompt)

    static func windsurf(_ payload: Payload) throws -> AgentEvent {
        let eventName = payload.string("agent_action_name") ?? ""
        let session = payload.string("trajectory_id")
        // One agent turn: with the path, it pairs a write's pre and post hooks.
        let turn = payload.string("execution_id")
        let info = payload.object("tool_info") ?? Payload([:])
        switch eventName {
        case "pre_write_code", "post_write_code":
            guard let path = info.string("file_path") else {
                throw PayloadError(description: "windsurf \(eventName) payload has no tool_info.file_path")
            }
            return AgentEvent(
                agent: "windsurf", phase: eventName.hasPrefix("pre") ? .before : .after, action: .edit(files: [path]),
                session: session, toolUseID: turn.map { "windsurf:\($0):\(path)" }, replacements: info.replacements)
        case "pre_run_command", "post_run_command":
            return AgentEvent(
                agent: "windsurf", phase: eventName.hasPrefix("pre") ? .before : .after, action: .shell,
                session: session, toolUseID: turn.map { "windsurf:\($0):shell" }, cwd: info.string("cwd"))
        case "pre_user_prompt":
            return AgentEvent(
                agent: "windsurf", phase: .before, action: .prompt(text: info.string("user_prompt") ?? ""),
                session: session)
        case "pre_read_code", "post_read_code", "pre_mcp_tool_use", "post_mcp_tool_use", "post_cascade_response":
            return AgentEvent(agent: "windsurf", phase: .after, action: .ignored, session: session)
        default:
            throw PayloadError(
                description:
                    "windsurf payload has agent_action_name '\(eventName)'; expected pre_write_code, post_write_code, pre_run_command, post_run_command or pre_user_prompt"
            )
        }
    }

    // MARK: Factory Droid (.factory/hooks.json: Claude Code's format, its own tool names)

    static func droid(_ payload: Payload) throws -> AgentEvent {
        try toolHook(
            payload,
            ToolHookDialect(
                agent: "droid", promptEvent: "UserPromptSubmit", beforeEvent: "PreToolUse", afterEvent: "PostToolUse",
                editTools: ["Create", "Edit", "MultiEdit", "ApplyPatch"], shellTools: ["Execute"],
                toolUseKeys: ["tool_use_id"],
                editedFiles: \.editedFiles),
            model: payload.string("model").flatMap(ModelID.qualified))
    }

    // MARK: Continue CLI (`cn`; .continue/settings.json: Claude Code's format, its own tool names)

    /// Continue's payloads name the session but no model; its `SessionStart` event names
    /// the session's model, which capture remembers for the session's later events.
    static func continueCLI(_ payload: Payload) throws -> AgentEvent {
        let model = payload.string("model").flatMap(ModelID.qualified)
        if payload.string("hook_event_name") == "SessionStart" {
            return AgentEvent(
                agent: "continue", phase: .before, action: .ignored, session: payload.string("session_id"),
                model: model, cwd: payload.string("cwd"))
        }
        return try toolHook(
            payload,
            ToolHookDialect(
                agent: "continue", promptEvent: "UserPromptSubmit", beforeEvent: "PreToolUse",
                afterEvent: "PostToolUse", editTools: ["Edit", "MultiEdit", "Write"], shellTools: ["Bash"],
                toolUseKeys: ["tool_use_id"],
                // Edit and MultiEdit name `file_path`; Write names `filepath`.
                editedFiles: { input in
                    let paths = input.filePaths + (input.string("filepath").map { [$0] } ?? [])
                    return paths.isEmpty ? nil : paths
                }, otherEvents: ["SessionStart"]),
            model: model)
    }

    // MARK: Kiro CLI (hooks in .kiro/agents/NAME.json: preToolUse / postToolUse / userPromptSubmit)

    static func kiro(_ payload: Payload) throws -> AgentEvent {
        let eventName = payload.string("hook_event_name") ?? ""
        let cwd = payload.string("cwd")
        if eventName == "userPromptSubmit" {
            return AgentEvent(
                agent: "kiro", phase: .before, action: .prompt(text: payload.string("prompt") ?? ""), cwd: cwd)
        }
        guard let phase = phase(eventName, before: ["preToolUse"], after: ["postToolUse"]) else {
            throw PayloadError(
                description:
                    "kiro payload has hook_event_name '\(eventName)'; expected preToolUse, postToolUse or userPromptSubmit"
            )
        }
        let tool = try required(payload, "tool_name", agent: "kiro")
        let input = payload.object("tool_input") ?? Payload([:])
        let action: AgentEvent.Action
        switch tool {
        case "fs_write":
            guard let path = input.string("path") else {
                throw PayloadError(description: "kiro fs_write payload has no path")
            }
            action = .edit(files: [path])
        case "execute_bash", "execute_cmd":
            action = .shell
        default:
            action = .ignored
        }
        // Kiro names no session, tool call or model: its calls pair in order.
        return AgentEvent(agent: "kiro", phase: phase, action: action, cwd: cwd)
    }

    // MARK: Cline (.clinerules/hooks/PreToolUse, PostToolUse, UserPromptSubmit: executables)

    static func cline(_ payload: Payload) throws -> AgentEvent {
        let eventName = payload.string("hookName") ?? ""
        let session = payload.string("taskId")
        let cwd = payload.array("workspaceRoots").first as? String
        if eventName == "UserPromptSubmit" {
            let prompt = payload.object("userPromptSubmit")?.string("prompt") ?? ""
            return AgentEvent(agent: "cline", phase: .before, action: .prompt(text: prompt), session: session, cwd: cwd)
        }
        guard let phase = phase(eventName, before: ["PreToolUse"], after: ["PostToolUse"]) else {
            throw PayloadError(
                description:
                    "cline payload has hookName '\(eventName)'; expected PreToolUse, PostToolUse or UserPromptSubmit")
        }
        let call = payload.object(phase == .before ? "preToolUse" : "postToolUse") ?? Payload([:])
        guard let tool = call.string("toolName") else {
            throw PayloadError(description: "cline \(eventName) payload has no toolName")
        }
        let parameters = call.object("parameters") ?? Payload([:])
        let action: AgentEvent.Action
        switch tool {
        case "write_to_file", "replace_in_file", "new_rule":
            guard let path = parameters.string("path") else {
                throw PayloadError(description: "cline \(tool) payload names no path")
            }
            action = .edit(files: [path])
        case "apply_patch":
            action = .edit(files: parameters.patchPaths ?? [])
        case "execute_command":
            action = .shell
        default:
            action = .ignored
        }
        return AgentEvent(agent: "cline", phase: phase, action: action, session: session, cwd: cwd)
    }

    // MARK: Augment (Auggie CLI; .augment/settings.json: PreToolUse / PostToolUse / PromptSubmit scripts)

    /// Auggie runs each hook as a `.sh` script; ours pass `--event`, since the payloads
    /// of its before and after hooks otherwise look alike.
    static func augment(_ payload: Payload, declaredPhase: AgentEvent.Phase?) throws -> AgentEvent {
        let eventName = payload.string("hook_event_name") ?? ""
        let session = payload.string("conversation_id")
        let cwd = (payload.array("workspace_roots").first as? String) ?? payload.string("cwd")
        let model = payload.string("model").flatMap(ModelID.qualified)
        if eventName == "PromptSubmit" || (eventName.isEmpty && payload.has("user_prompt")) {
            return AgentEvent(
                agent: "augment", phase: .before, action: .prompt(text: payload.string("user_prompt") ?? ""),
                session: session, model: model, cwd: cwd)
        }
        guard
            let phase = phase(eventName, before: ["PreToolUse"], after: ["PostToolUse"])
                ?? (eventName.isEmpty ? declaredPhase : nil)
        else {
            throw PayloadError(
                description: eventName.isEmpty
                    ? "augment payload names no hook_event_name and no --event was given"
                    : "augment payload has hook_event_name '\(eventName)'; expected PreToolUse, PostToolUse or PromptSubmit"
            )
        }
        let tool = try required(payload, "tool_name", agent: "augment")
        let input = payload.object("tool_input") ?? Payload([:])
        let action: AgentEvent.Action
        switch tool {
        case "str-replace-editor", "save-file", "remove-files", "apply_patch":
            guard let files = input.editedFiles else {
                throw PayloadError(description: "augment \(tool) payload names no file it edits")
            }
            action = .edit(files: files)
        case "launch-process":
            action = .shell
        default:
            action = .ignored
        }
        // Auggie's documented payload names no tool call: without an id, calls pair in order.
        return AgentEvent(
            agent: "augment", phase: phase, action: action, session: session, model: model,
            toolUseID: payload.string("tool_use_id", "tool_call_id"), cwd: cwd)
    }

    // MARK: generic (spec/capture.md §1)

    static func generic(_ payload: Payload) throws -> AgentEvent {
        let eventName = try required(payload, "event", agent: "generic")
        guard let phase = phase(eventName, before: ["before"], after: ["after"]) else {
            throw PayloadError(description: "generic payload has event '\(eventName)'; expected before or after")
        }
        let agent = try required(payload, "agent", agent: "generic")
        let session = payload.string("session")
        let model = payload.string("model").flatMap(ModelID.qualified)
        if let prompt = payload.string("prompt"), !payload.has("files") {
            return AgentEvent(
                agent: agent, phase: .before, action: .prompt(text: prompt), session: session, model: model)
        }
        let action: AgentEvent.Action =
            (payload.object["shell"] as? Bool) == true ? .shell : .edit(files: payload.filePaths)
        if case .edit(let files) = action, files.isEmpty {
            throw PayloadError(description: "generic payload names no files (and is not \"shell\": true)")
        }
        return AgentEvent(
            agent: agent, phase: phase, action: action, session: session, model: model,
            toolUseID: payload.string("id"), cwd: payload.string("cwd"))
    }

    // MARK: editor (spec/capture.md §1.1): the VS Code extension, or any editor integration

    static func editor(bytes: [UInt8]) throws -> AgentEvent {
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: bytes)
        } catch {
            throw PayloadError(description: bytes.isEmpty ? "no hook payload on stdin" : "hook payload is not JSON")
        }
        guard tape.entries.first?.kind == .object else {
            throw PayloadError(description: "hook payload is not a JSON object")
        }
        // The top-level members that are strings (the payload names nothing else).
        var strings = [String: Int]()
        var key = 1
        while key < Int(tape.entries[0].end) {
            if tape.entries[key + 1].kind == .string { strings[tape.string(at: key)] = key + 1 }
            key = tape.next(after: key + 1)
        }
        func string(_ name: String) -> String? {
            strings[name].map { tape.string(at: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func required(_ name: String) throws -> String {
            guard let value = string(name) else { throw PayloadError(description: "editor payload has no \(name)") }
            return value
        }
        let eventName = try required("event")
        let file = try required("file")
        func text(_ name: String) throws -> [UInt8] {
            guard let index = strings[name] else {
                throw PayloadError(description: "editor \(eventName) payload has no \(name) text")
            }
            return Array(tape.stringBytes(at: index))
        }
        switch eventName {
        case "person":
            return AgentEvent(
                agent: "human", phase: .after, action: .personText(file: file, text: try text("text")),
                cwd: string("cwd"))
        case "edit":
            let agent = try required("agent")
            guard Self.isAgentName(agent), agent != "human" else {
                throw PayloadError(
                    description: "editor edit payload has agent '\(agent)'; expected a name such as copilot")
            }
            var model: String?
            if let named = string("model") {
                guard let qualified = ModelID.qualified(named) else {
                    throw PayloadError(description: "editor edit payload has model '\(named)'; expected provider/model")
                }
                model = qualified
            }
            return AgentEvent(
                agent: agent, phase: .after,
                action: .textEdit(file: file, before: try text("before"), after: try text("after")),
                session: string("session"), model: model, cwd: string("cwd"))
        default:
            throw PayloadError(description: "editor payload has event '\(eventName)'; expected person or edit")
        }
    }

    /// Lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit.
    static func isAgentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 64 else { return false }
        func allowed(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar)
        }
        return allowed(first) && !"._-".unicodeScalars.contains(first) && name.unicodeScalars.allSatisfy(allowed)
    }

    // MARK: helpers

    /// The shape Claude Code, Gemini CLI and Codex share: a prompt event, before and
    /// after events carrying `tool_name` and `tool_input`.
    struct ToolHookDialect {
        var agent: String
        var promptEvent: String
        var beforeEvent: String
        var afterEvent: String
        var editTools: Set<String>
        var shellTools: Set<String>
        var toolUseKeys: [String]
        /// The files an edit tool's input names (nil: the input has no readable edit).
        var editedFiles: (Payload) -> [String]? = { $0.filePaths }
        /// Events the agent's adapter reads before this dialect does (named when an
        /// unknown event is refused).
        var otherEvents: [String] = []
    }

    /// `A, B or C`.
    private static func oneOf(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    static func toolHook(_ payload: Payload, _ dialect: ToolHookDialect, model: String?) throws -> AgentEvent {
        let eventName = payload.string("hook_event_name") ?? ""
        let session = payload.string("session_id")
        if eventName == dialect.promptEvent, let prompt = payload.string("prompt") {
            return AgentEvent(
                agent: dialect.agent, phase: .before, action: .prompt(text: prompt), session: session, model: model)
        }
        guard let phase = phase(eventName, before: [dialect.beforeEvent], after: [dialect.afterEvent]) else {
            throw PayloadError(
                description:
                    "\(dialect.agent) payload has hook_event_name '\(eventName)'; expected "
                    + oneOf([dialect.beforeEvent, dialect.afterEvent, dialect.promptEvent] + dialect.otherEvents)
            )
        }
        let tool = try required(payload, "tool_name", agent: dialect.agent)
        let input = payload.object("tool_input") ?? Payload([:])
        let action: AgentEvent.Action
        if dialect.editTools.contains(tool) {
            guard let files = dialect.editedFiles(input) else {
                throw PayloadError(description: "\(dialect.agent) \(tool) payload names no file it edits")
            }
            action = .edit(files: files)
        } else if dialect.shellTools.contains(tool) {
            action = .shell
        } else {
            action = .ignored
        }
        var toolUseID: String?
        for key in dialect.toolUseKeys { toolUseID = toolUseID ?? payload.string(key) }
        return AgentEvent(
            agent: dialect.agent, phase: phase, action: action, session: session, model: model,
            toolUseID: toolUseID, cwd: payload.string("cwd"))
    }

    private static func phase(_ name: String, before: [String], after: [String]) -> AgentEvent.Phase? {
        before.contains(name) ? .before : after.contains(name) ? .after : nil
    }

    private static func required(_ payload: Payload, _ key: String, agent: String) throws -> String {
        guard let value = payload.string(key) else { throw PayloadError(description: "\(agent) payload has no \(key)") }
        return value
    }
}
