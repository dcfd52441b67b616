import ArgumentParser
import Capture
import Foundation
import Git
import Signing

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Read a coding agent's hook payload on stdin and log its edit.",
        discussion: """
            Called by the agents' hooks ('git trace hooks install --agent NAME' sets them
            up). Before an edit the files are snapshotted, so that what changed since the
            last snapshot counts as the person's; after it, what changed is the agent's.
            Shell commands: files changed between the before and after events are the
            agent's. Nothing is signed here: the post-commit hook turns the log into a
            record of each commit.

            Agents: claude-code, cursor, codex, gemini, copilot, windsurf, cline,
            opencode, amp, droid, kiro, augment and continue (their hooks and plugins
            call this), and generic for any other tool, which sends {"event": "before"|"after", "agent": NAME,
            "model": "provider/model", "session": ID, "files": [PATHS]}
            (or "shell": true instead of files; see spec/capture.md); editor for the
            VS Code extension's events, which carry the text itself:
            {"event": "person", "file": PATH, "text": TEXT} says the text is the
            person's, {"event": "edit", "agent": NAME, "file": PATH, "before": TEXT,
            "after": TEXT} that an accepted completion made it.

            Capture fails open: on bad input it prints one line on stderr and exits 1,
            which agents treat as a non-blocking error; it never blocks an edit.
            """
    )

    @Option(help: ArgumentHelp("The agent whose payload this is.", valueName: "agent"))
    var agent: AgentKind

    @Option(
        help: ArgumentHelp(
            "before or after, for agents whose payload does not say (copilot, augment).", valueName: "event"))
    var event: AgentEvent.Phase?

    func run() throws {
        try CaptureCommand.capture(agent: agent, event: event)
    }

    /// Agents run capture on every tool call, so its arguments are also read without
    /// ArgumentParser, whose command tree (built by reflection over every command)
    /// costs more than the rest of the call. Anything but `capture --agent A [--event E]`
    /// returns nil and goes through ArgumentParser, help and errors included.
    static func fastArguments(_ arguments: [String]) -> (AgentKind, AgentEvent.Phase?)? {
        guard arguments.first == "capture" else { return nil }
        var agent: AgentKind?, event: AgentEvent.Phase?
        var rest = arguments.dropFirst()
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { return nil }
            switch option {
            case "--agent": agent = AgentKind(rawValue: value)
            case "--event": guard let phase = AgentEvent.Phase(rawValue: value) else { return nil }; event = phase
            default: return nil
            }
        }
        return agent.map { ($0, event) }
    }

    static func capture(agent: AgentKind, event: AgentEvent.Phase?) throws {
        GitObjectHash.startOpenSSLForHashingOnly()
        let payload = FileHandle.standardInput.readDataToEndOfFile()
        let environment = ProcessInfo.processInfo.environment
        // Continue CLI running our Claude Code hook beside its own: nothing to do here.
        guard let agent = agent.caller(environment: environment, home: environment["HOME"]) else { return }
        do {
            let parsed = try agent.event(from: Array(payload), declaredPhase: event)
            let directory = parsed.cwd ?? FileManager.default.currentDirectoryPath
            guard let layout = GitLayout.discover(from: directory) else {
                if let bare = GitLayout.bareRepository(containing: directory) {
                    printError(
                        "git-trace capture: \(bare) is a bare repository: no working tree, so nothing to capture")
                }
                return  // An agent working outside git: nothing to attribute.
            }
            try CaptureEngine.handle(parsed, in: layout)
            if agent == .cursor || agent == .gemini { print("{}") }
        } catch {
            printError("git-trace capture: \(error) (this edit is not attributed)")
            throw ExitCode(1)
        }
    }
}

extension AgentKind: ExpressibleByArgument {}
extension AgentEvent.Phase: ExpressibleByArgument {}
