import Capture
import Foundation
import Git

extension AgentKind {
    /// Whether the agent is set up through a hook configuration file (the generic and
    /// editor payloads come from the user's tool or the editor extension instead).
    package var hasHookConfiguration: Bool { self != .generic && self != .editor }
}

/// Writes each agent's hook configuration so that it calls `git trace capture`
/// (spec/capture.md §1). Merges into what is there, never replacing other hooks; the
/// reference configurations are in `git-extensions/agents/`.
package struct AgentHookConfig {
    package enum Scope: String, Sendable, CaseIterable { case project, user }

    package let agent: AgentKind
    package let scope: Scope

    package init(agent: AgentKind, scope: Scope) throws {
        guard agent.hasHookConfiguration else {
            throw SetupError(
                agent == .editor
                    ? "the editor events come from the VS Code extension (git-extensions/vscode/), which has no hook configuration"
                    : "the generic agent has no hook configuration: call 'git trace capture --agent generic' from your tool"
            )
        }
        if agent == .copilot && scope == .user {
            throw SetupError("copilot reads hooks from the repository's .github/hooks/ only: use --project")
        }
        self.agent = agent
        self.scope = scope
    }

    package static func command(_ agent: AgentKind, phase: String? = nil) -> String {
        "git-trace capture --agent \(agent.rawValue)" + (phase.map { " --event \($0)" } ?? "")
    }

    /// The configuration file, relative to the repository root (project) or home (user).
    package var relativePath: String {
        switch agent {
        case .claudeCode: return ".claude/settings.json"
        case .cursor: return ".cursor/hooks.json"
        case .gemini: return ".gemini/settings.json"
        case .codex: return ".codex/hooks.json"
        case .copilot: return ".github/hooks/sessiontrace.json"
        case .windsurf: return scope == .user ? ".codeium/windsurf/hooks.json" : ".windsurf/hooks.json"
        case .cline: return scope == .user ? "Documents/Cline/Hooks" : ".clinerules/hooks"
        case .opencode:
            return scope == .user ? ".config/opencode/plugins/sessiontrace.js" : ".opencode/plugins/sessiontrace.js"
        case .amp: return scope == .user ? ".config/amp/plugins/sessiontrace.ts" : ".amp/plugins/sessiontrace.ts"
        case .droid: return ".factory/hooks.json"
        case .continueCLI: return ".continue/settings.json"
        case .kiro: return ".kiro/agents"
        case .generic, .editor: return ""
        }
    }

    /// The folder whose presence says the agent is used here (`hooks install --all-detected`).
    package var detectionDirectory: String {
        switch agent {
        case .copilot: return ".github/hooks"
        case .windsurf: return scope == .user ? ".codeium/windsurf" : ".windsurf"
        case .cline: return scope == .user ? "Documents/Cline" : ".clinerules"
        case .opencode: return scope == .user ? ".config/opencode" : ".opencode"
        case .amp: return scope == .user ? ".config/amp" : ".amp"
        default: return String(relativePath.split(separator: "/").first ?? "")
        }
    }

    /// The agents configured in `base` for `scope`: those whose folder exists there.
    package static func detected(in base: String, scope: Scope) -> [AgentHookConfig] {
        AgentKind.allCases.compactMap { agent in
            guard let config = try? AgentHookConfig(agent: agent, scope: scope) else { return nil }
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(
                atPath: base + "/" + config.detectionDirectory, isDirectory: &isDirectory)
            return exists && isDirectory.boolValue ? config : nil
        }
    }

    /// Our entries, event by event, in the agent's own format.
    package var entries: [String: [[String: Any]]] {
        let command = AgentHookConfig.command(agent)
        func matcherGroup(_ matcher: String?) -> [String: Any] {
            var group: [String: Any] = ["hooks": [["type": "command", "command": command, "timeout": 10]]]
            if let matcher { group["matcher"] = matcher }
            return group
        }
        switch agent {
        case .claudeCode:
            let tools = "Write|Edit|MultiEdit|NotebookEdit|Bash"
            return [
                "PreToolUse": [matcherGroup(tools)], "PostToolUse": [matcherGroup(tools)],
                "UserPromptSubmit": [matcherGroup(nil)],
            ]
        case .gemini:
            let tools = "write_file|replace|run_shell_command"
            return [
                "BeforeTool": [matcherGroup(tools)], "AfterTool": [matcherGroup(tools)],
                "BeforeAgent": [matcherGroup(nil)],
            ]
        case .kiro:
            func hook(_ matcher: String?) -> [String: Any] {
                var entry: [String: Any] = ["command": command, "timeout_ms": 10_000]
                if let matcher { entry["matcher"] = matcher }
                return entry
            }
            return [
                "preToolUse": [hook("fs_write"), hook("execute_bash")],
                "postToolUse": [hook("fs_write"), hook("execute_bash")], "userPromptSubmit": [hook(nil)],
            ]
        case .droid:
            let tools = "Create|Edit|MultiEdit|ApplyPatch|Execute"
            return [
                "PreToolUse": [matcherGroup(tools)], "PostToolUse": [matcherGroup(tools)],
                "UserPromptSubmit": [matcherGroup(nil)],
            ]
        case .continueCLI:
            // Continue's matchers are regular expressions, anchored as its documentation shows.
            let tools = "^(Edit|MultiEdit|Write|Bash)$"
            return [
                "PreToolUse": [matcherGroup(tools)], "PostToolUse": [matcherGroup(tools)],
                "UserPromptSubmit": [matcherGroup(nil)], "SessionStart": [matcherGroup(nil)],
            ]
        case .codex:
            let tools = "apply_patch|Bash|shell|exec_command"
            return [
                "PreToolUse": [matcherGroup(tools)], "PostToolUse": [matcherGroup(tools)],
                "UserPromptSubmit": [matcherGroup(nil)],
            ]
        case .cursor:
            let events = [
                "afterFileEdit", "afterTabFileEdit", "beforeShellExecution", "afterShellExecution",
                "beforeSubmitPrompt",
            ]
            return Dictionary(uniqueKeysWithValues: events.map { ($0, [["command": command]]) })
        case .windsurf:
            let events = [
                "pre_write_code", "post_write_code", "pre_run_command", "post_run_command", "pre_user_prompt",
            ]
            return Dictionary(uniqueKeysWithValues: events.map { ($0, [["command": command, "show_output": false]]) })
        case .copilot:
            func entry(_ phase: String) -> [String: Any] {
                ["type": "command", "bash": AgentHookConfig.command(.copilot, phase: phase), "timeoutSec": 10]
            }
            return [
                "preToolUse": [entry("before")], "postToolUse": [entry("after")],
                "userPromptSubmitted": [entry("before")],
            ]
        case .cline, .opencode, .amp, .generic, .editor:
            return [:]
        }
    }

    /// Merges our entries into `existing` (a parsed config file, or empty).
    /// Returns the merged object and whether anything changed.
    package func merged(into existing: [String: Any]) -> ([String: Any], Bool) {
        var config = existing
        var changed = false
        if agent == .cursor || agent == .copilot, config["version"] == nil {
            config["version"] = 1
            changed = true
        }
        if agent == .gemini {
            var hooksConfig = config["hooksConfig"] as? [String: Any] ?? [:]
            if hooksConfig["enabled"] as? Bool != true {
                hooksConfig["enabled"] = true
                config["hooksConfig"] = hooksConfig
                changed = true
            }
        }
        var hooks = config["hooks"] as? [String: Any] ?? [:]
        for (event, ours) in entries {
            var list = hooks[event] as? [Any] ?? []
            if !list.contains(where: Self.mentionsCapture) {
                list += ours as [Any]
                hooks[event] = list
                changed = true
            }
        }
        config["hooks"] = hooks
        return (config, changed)
    }

    static func mentionsCapture(_ value: Any) -> Bool {
        switch value {
        case let text as String: return text.contains("git-trace capture") || text.contains("git trace capture")
        case let list as [Any]: return list.contains(where: mentionsCapture)
        case let map as [String: Any]: return map.values.contains(where: mentionsCapture)
        default: return false
        }
    }

    /// Cline runs one executable per hook, named after it, from its hooks directory; ours
    /// hands the payload to capture and always answers that Cline may go on.
    package static let clineHooks = ["PreToolUse", "PostToolUse", "UserPromptSubmit"]
    package static let clineScript = #"""
        #!/bin/sh
        # SessionTrace: hands Cline's hook payload to 'git trace capture', which snapshots the
        # files around each tool call. Installed by 'git trace hooks install --agent cline'.
        # Capture never blocks Cline: what it has to say goes to stderr, and the answer on
        # stdout is always to go on.
        git-trace capture --agent cline >/dev/null || true
        printf '{"cancel":false,"contextModification":"","errorMessage":""}\n'

        """#

    /// Writes Cline's hook scripts into `directory`; a hook file that is not ours is left
    /// alone and refused before anything is written.
    private func installScripts(in directory: String) throws -> (path: String, changed: Bool) {
        let manager = FileManager.default
        var missing = [String]()
        for name in Self.clineHooks {
            let path = directory + "/" + name
            guard let data = manager.contents(atPath: path) else {
                missing.append(path)
                continue
            }
            guard Self.mentionsCapture(String(decoding: data, as: UTF8.self)) else {
                throw SetupError(
                    "\(path) is Cline's hook but not SessionTrace's: add 'git-trace capture --agent cline' to it (it gets the payload on stdin), then run this again (nothing was changed)"
                )
            }
        }
        guard !missing.isEmpty else { return (directory, false) }
        try AtomicFile.makeDirectory(directory)
        for path in missing {
            try AtomicFile.replace(path, with: Array(Self.clineScript.utf8), mode: 0o755)
            chmod(path, 0o755)
        }
        return (directory, true)
    }

    /// The plugin file of an agent that is extended by a plugin rather than configured
    /// with hook commands (OpenCode, Amp), and the line that marks it as ours.
    private var plugin: (text: String, marker: String)? {
        switch agent {
        case .opencode: return (Self.openCodePlugin, "SessionTrace for OpenCode")
        case .amp: return (Self.ampPlugin, "SessionTrace for Amp")
        default: return nil
        }
    }

    /// Writes the agent's plugin file; one there that is not ours is refused, an older
    /// one of ours replaced.
    private func installPlugin(at path: String, _ plugin: (text: String, marker: String)) throws -> (
        path: String, changed: Bool
    ) {
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self)
            if text == plugin.text { return (path, false) }
            guard text.contains(plugin.marker) else {
                throw SetupError(
                    "\(path) exists and is not SessionTrace's plugin: move it, then run this again (nothing was changed)"
                )
            }
        }
        try AtomicFile.makeDirectory((path as NSString).deletingLastPathComponent)
        try AtomicFile.replace(path, with: Array(plugin.text.utf8), mode: 0o644)
        return (path, true)
    }

    /// Installs into `base` (repository root or home); returns the file and whether it changed.
    package func install(base: String) throws -> (path: String, changed: Bool) {
        if agent == .cline { return try installScripts(in: base + "/" + relativePath) }
        if let plugin { return try installPlugin(at: base + "/" + relativePath, plugin) }
        if agent == .kiro { return try installIntoAgents(in: base + "/" + relativePath) }
        return try installJSON(at: base + "/" + relativePath)
    }

    /// Kiro CLI reads hooks from each agent's configuration (`.kiro/agents/NAME.json`):
    /// ours go into every one there; with none, there is nowhere to put them.
    private func installIntoAgents(in directory: String) throws -> (path: String, changed: Bool) {
        let files = Self.agentConfigurations(in: directory)
        guard !files.isEmpty else {
            throw SetupError(
                "no Kiro agent configuration in \(directory): create one ('kiro-cli agent create'), then run this again"
            )
        }
        var changed = false
        for file in files { changed = try installJSON(at: directory + "/" + file).changed || changed }
        return (directory, changed)
    }

    /// Merges our entries into the JSON configuration at `path` (created when absent).
    private func installJSON(at path: String) throws -> (path: String, changed: Bool) {
        var existing: [String: Any] = [:]
        if let data = FileManager.default.contents(atPath: path), !data.isEmpty {
            guard let parsed = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw SetupError(
                    "\(path) is not a JSON object: fix or move it, then run this again (nothing was changed)")
            }
            existing = parsed
        }
        let (config, changed) = merged(into: existing)
        guard changed else { return (path, false) }
        try AtomicFile.makeDirectory((path as NSString).deletingLastPathComponent)
        let data = try JSONSerialization.data(
            withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        // The agent's own file keeps its mode (a settings file may be private).
        var status = stat()
        let mode = stat(path, &status) == 0 ? status.st_mode & 0o7777 : 0o644
        try AtomicFile.replace(path, with: Array(data + Data("\n".utf8)), mode: mode)
        chmod(path, mode)
        return (path, true)
    }

    /// Whether the configuration in `base` calls capture.
    package func isInstalled(base: String) -> Bool {
        if agent == .kiro {
            let directory = base + "/" + relativePath
            let files = Self.agentConfigurations(in: directory)
            return !files.isEmpty && files.allSatisfy { Self.jsonHooksCallCapture(at: directory + "/" + $0) }
        }
        if let plugin {
            return FileManager.default.contents(atPath: base + "/" + relativePath).map {
                String(decoding: $0, as: UTF8.self).contains(plugin.marker)
            } ?? false
        }
        if agent == .cline {
            return Self.clineHooks.allSatisfy { name in
                FileManager.default.contents(atPath: base + "/" + relativePath + "/" + name).map {
                    Self.mentionsCapture(String(decoding: $0, as: UTF8.self))
                } ?? false
            }
        }
        return Self.jsonHooksCallCapture(at: base + "/" + relativePath)
    }

    /// Whether the `hooks` of the JSON configuration at `path` call capture.
    private static func jsonHooksCallCapture(at path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path),
            let parsed = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let hooks = parsed["hooks"]
        else { return false }
        return mentionsCapture(hooks)
    }

    /// Kiro's agent configurations: the `.json` files in `directory`, in name order.
    private static func agentConfigurations(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }
            .sorted()
    }
}
