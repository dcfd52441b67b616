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
        // The project's hooks name this checkout's scripts by absolute path: they are
        // personal, so they go in the file Augment keeps out of version control.
        case .augment: return scope == .user ? ".augment/settings.json" : ".augment/settings.local.json"
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

    /// Our entries, event by event, in the agent's own format. `base` is where they are
    /// installed (for the agents whose hooks are scripts named by path).
    package func entries(base: String) -> [String: [[String: Any]]] {
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
        case .augment:
            func group(_ hook: AugmentHook, matcher: String?) -> [String: Any] {
                let script: [String: Any] = ["type": "command", "command": hook.path(base: base), "timeout": 10_000]
                var group: [String: Any] = ["hooks": [script]]
                if let matcher { group["matcher"] = matcher }
                return group
            }
            let tools = "str-replace-editor|save-file|remove-files|apply_patch|launch-process"
            return Dictionary(
                uniqueKeysWithValues: AugmentHook.allCases.map { hook in
                    (hook.rawValue, [group(hook, matcher: hook == .promptSubmit ? nil : tools)])
                })
        case .cline, .opencode, .amp, .generic, .editor:
            return [:]
        }
    }

    /// Auggie runs a hook only as a `.sh` script named by path: one of ours per event,
    /// each passing its phase, since the payloads do not always say it.
    package enum AugmentHook: String, CaseIterable, Sendable {
        case preToolUse = "PreToolUse"
        case postToolUse = "PostToolUse"
        case promptSubmit = "PromptSubmit"

        package var fileName: String {
            switch self {
            case .preToolUse: return "sessiontrace-pre-tool-use.sh"
            case .postToolUse: return "sessiontrace-post-tool-use.sh"
            case .promptSubmit: return "sessiontrace-prompt-submit.sh"
            }
        }

        package static let directory = ".augment/hooks"

        package func path(base: String) -> String { base + "/" + Self.directory + "/" + fileName }

        package var script: String {
            let phase = self == .postToolUse ? "after" : "before"
            return """
                #!/bin/sh
                # SessionTrace: hands Auggie's \(rawValue) payload to 'git trace capture', which
                # snapshots the files around each tool call. Installed by 'git trace hooks
                # install --agent augment'. Capture never blocks Auggie: what it has to say goes
                # to stderr, and this script always exits 0.
                git-trace capture --agent augment --event \(phase) >/dev/null || true

                """
        }
    }

    /// Merges our entries into `existing` (a parsed config file, or empty).
    /// Returns the merged object and whether anything changed.
    package func merged(into existing: [String: Any], base: String) -> ([String: Any], Bool) {
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
        for (event, ours) in entries(base: base) {
            var list = hooks[event] as? [Any] ?? []
            if agent == .augment {
                // Our scripts named from where this checkout used to be: replaced.
                let path = AugmentHook(rawValue: event)?.path(base: base) ?? ""
                let count = list.count
                list.removeAll { Self.mentionsCapture($0) && !Self.mentions($0, exactly: path) }
                if list.count != count {
                    hooks[event] = list
                    changed = true
                }
            }
            if !list.contains(where: Self.mentionsCapture) {
                list += ours as [Any]
                hooks[event] = list
                changed = true
            }
        }
        config["hooks"] = hooks
        return (config, changed)
    }

    /// Whether `value` holds the string `text` anywhere.
    static func mentions(_ value: Any, exactly text: String) -> Bool {
        switch value {
        case let string as String: return string == text
        case let list as [Any]: return list.contains { mentions($0, exactly: text) }
        case let map as [String: Any]: return map.values.contains { mentions($0, exactly: text) }
        default: return false
        }
    }

    static func mentionsCapture(_ value: Any) -> Bool {
        switch value {
        case let text as String:
            return text.contains("git-trace capture") || text.contains("git trace capture")
                || AugmentHook.allCases.contains { text.hasSuffix("/" + AugmentHook.directory + "/" + $0.fileName) }
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

    /// The hook scripts the agent runs (Cline, Augment): file name and text.
    private var scripts: [(name: String, text: String)] {
        switch agent {
        case .cline: return Self.clineHooks.map { ($0, Self.clineScript) }
        case .augment: return AugmentHook.allCases.map { ($0.fileName, $0.script) }
        default: return []
        }
    }

    /// The folder the agent's hook scripts go in.
    private func scriptDirectory(base: String) -> String {
        base + "/" + (agent == .augment ? AugmentHook.directory : relativePath)
    }

    /// Writes the agent's hook scripts into `directory`; a hook file that is not ours is
    /// left alone and refused before anything is written.
    private func installScripts(in shownDirectory: String, base: String) throws -> (path: String, changed: Bool) {
        let manager = FileManager.default
        let directory = try destination(shownDirectory, base: base)
        var missing = [(path: String, text: String)]()
        for (name, text) in scripts {
            let path = try destination(directory + "/" + name, base: base)
            guard let data = manager.contents(atPath: path) else {
                missing.append((path, text))
                continue
            }
            guard Self.mentionsCapture(String(decoding: data, as: UTF8.self)) else {
                throw SetupError(
                    "\(path) is a hook script but not SessionTrace's: add 'git-trace capture --agent \(agent.rawValue)' to it (it gets the payload on stdin), or move it, then run this again (nothing was changed)"
                )
            }
        }
        guard !missing.isEmpty else { return (shownDirectory, false) }
        try AtomicFile.makeDirectory(directory)
        for (path, text) in missing {
            try AtomicFile.replace(path, with: Array(text.utf8), mode: 0o755)
            chmod(path, 0o755)
        }
        return (shownDirectory, true)
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
    private func installPlugin(at shownPath: String, base: String, _ plugin: (text: String, marker: String)) throws
        -> (path: String, changed: Bool)
    {
        let path = try destination(shownPath, base: base)
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self)
            if text == plugin.text { return (shownPath, false) }
            guard text.contains(plugin.marker) else {
                throw SetupError(
                    "\(path) exists and is not SessionTrace's plugin: move it, then run this again (nothing was changed)"
                )
            }
        }
        try AtomicFile.makeDirectory((path as NSString).deletingLastPathComponent)
        try AtomicFile.replace(path, with: Array(plugin.text.utf8), mode: 0o644)
        return (shownPath, true)
    }

    /// Where writing `path` writes: every symbolic link followed, so that a user's
    /// settings kept in a dotfiles repository stay linked and get our hooks. In a
    /// repository (project scope), a link that leads out of it is refused: the merge
    /// would copy the target's contents (a user's tokens, say) into a file that gets
    /// committed, or write a file outside the repository.
    private func destination(_ path: String, base: String) throws -> String {
        let resolved = GitLayout.canonicalPath(path)
        guard scope == .project else { return resolved }
        let root = GitLayout.canonicalPath(base)
        guard resolved.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw SetupError(
                "\(path) leads out of the repository (to \(resolved)) through a symbolic link: not followed, nothing was changed; replace the link with a file, or install with --user"
            )
        }
        return resolved
    }

    /// Installs into `base` (repository root or home); returns the file and whether it changed.
    package func install(base: String) throws -> (path: String, changed: Bool) {
        if agent == .cline { return try installScripts(in: scriptDirectory(base: base), base: base) }
        if agent == .augment {
            // The settings file is checked before any script is written, so that a broken
            // one leaves nothing half installed.
            try Self.readJSONObject(at: try destination(base + "/" + relativePath, base: base))
            let scripts = try installScripts(in: scriptDirectory(base: base), base: base)
            let settings = try installJSON(at: base + "/" + relativePath, base: base)
            return (settings.path, scripts.changed || settings.changed)
        }
        if let plugin { return try installPlugin(at: base + "/" + relativePath, base: base, plugin) }
        if agent == .kiro { return try installIntoAgents(in: base + "/" + relativePath, base: base) }
        return try installJSON(at: base + "/" + relativePath, base: base)
    }

    /// Kiro CLI reads hooks from each agent's configuration (`.kiro/agents/NAME.json`):
    /// ours go into every one there; with none, there is nowhere to put them.
    private func installIntoAgents(in directory: String, base: String) throws -> (path: String, changed: Bool) {
        let files = Self.agentConfigurations(in: try destination(directory, base: base))
        guard !files.isEmpty else {
            throw SetupError(
                "no Kiro agent configuration in \(directory): create one ('kiro-cli agent create'), then run this again"
            )
        }
        for file in files { _ = try destination(directory + "/" + file, base: base) }  // all refused, or none
        var changed = false
        for file in files { changed = try installJSON(at: directory + "/" + file, base: base).changed || changed }
        return (directory, changed)
    }

    /// Merges our entries into the JSON configuration at `path` (created when absent).
    private func installJSON(at shownPath: String, base: String) throws -> (path: String, changed: Bool) {
        let path = try destination(shownPath, base: base)
        let existing = try Self.readJSONObject(at: path)
        let (config, changed) = merged(into: existing, base: base)
        guard changed else { return (shownPath, false) }
        try AtomicFile.makeDirectory((path as NSString).deletingLastPathComponent)
        let data = try JSONSerialization.data(
            withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        // The agent's own file keeps its mode (a settings file may be private).
        var status = stat()
        let mode = stat(path, &status) == 0 ? status.st_mode & 0o7777 : 0o644
        try AtomicFile.replace(path, with: Array(data + Data("\n".utf8)), mode: mode)
        chmod(path, mode)
        return (shownPath, true)
    }

    /// The JSON object in the file at `path` (empty when there is none).
    @discardableResult
    private static func readJSONObject(at path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return [:] }
        guard let parsed = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SetupError("\(path) is not a JSON object: fix or move it, then run this again (nothing was changed)")
        }
        return parsed
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
        let scriptsInstalled = scripts.allSatisfy { script in
            FileManager.default.contents(atPath: scriptDirectory(base: base) + "/" + script.name).map {
                Self.mentionsCapture(String(decoding: $0, as: UTF8.self))
            } ?? false
        }
        if agent == .cline { return scriptsInstalled }
        return scriptsInstalled && Self.jsonHooksCallCapture(at: base + "/" + relativePath)
    }

    /// Whether the `hooks` of the JSON configuration at `path` call capture.
    private static func jsonHooksCallCapture(at path: String) -> Bool {
        guard let hooks = (try? readJSONObject(at: path))?["hooks"] else { return false }
        return mentionsCapture(hooks)
    }

    /// Kiro's agent configurations: the `.json` files in `directory`, in name order.
    private static func agentConfigurations(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }
            .sorted()
    }
}
