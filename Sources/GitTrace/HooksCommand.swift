import ArgumentParser
import Capture
import Foundation
import Setup

struct HooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "Set up and inspect the coding agents' hooks that feed capture.",
        subcommands: [Install.self, Status.self]
    )

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add 'git trace capture' to an agent's hook configuration.",
            discussion: """
                Merges into the agent's configuration file, keeping every other hook:
                  claude-code  .claude/settings.json      cursor   .cursor/hooks.json
                  gemini       .gemini/settings.json      codex    .codex/hooks.json
                  copilot      .github/hooks/sessiontrace.json (also VS Code's agent mode)
                  windsurf     .windsurf/hooks.json (user: ~/.codeium/windsurf/hooks.json)
                  cline        .clinerules/hooks/ (user: ~/Documents/Cline/Hooks/), one script per hook
                  opencode     .opencode/plugins/sessiontrace.js (user: ~/.config/opencode/plugins/)
                  amp          .amp/plugins/sessiontrace.ts (user: ~/.config/amp/plugins/); run 'PLUGINS=all amp'
                  droid        .factory/hooks.json                continue .continue/settings.json
                  kiro         every agent configuration in .kiro/agents/
                  augment      .augment/settings.local.json (user: ~/.augment/settings.json), naming
                               the scripts it puts in .augment/hooks/ (Auggie runs only scripts)
                --project (default) writes the repository's file, --user the one in your
                home directory. --all-detected installs for every agent whose folder
                (.claude/, .cursor/, .windsurf/, …) is there. Running it again changes nothing.
                """
        )

        @Option(
            help: ArgumentHelp(
                "claude-code, cursor, codex, gemini, copilot, windsurf, cline, opencode, amp, droid, kiro, augment or continue.",
                valueName: "agent"))
        var agent: AgentKind?

        @Flag(help: "Install for every agent whose configuration folder exists (instead of --agent).")
        var allDetected = false

        @Flag(help: "Configure the agent for this repository (default) or for your user account.")
        var scope: AgentHookConfig.Scope = .project

        func validate() throws {
            guard (agent != nil) != allDetected else {
                throw ValidationError("give --agent NAME or --all-detected (one of them)")
            }
        }

        func run() throws {
            let base = try self.base()
            let configs =
                try agent.map { [try AgentHookConfig(agent: $0, scope: scope)] }
                ?? AgentHookConfig.detected(in: base, scope: scope)
            if configs.isEmpty {
                printError("no agent's configuration folder in \(base): nothing installed (use --agent NAME)")
                return
            }
            for config in configs {
                let (path, changed) = try config.install(base: base)
                let name = config.agent.rawValue
                print(changed ? "installed \(name) hooks in \(path)" : "\(name) hooks already in \(path)")
                if config.agent == .codex {
                    printError("note: Codex runs hooks only with '[features] codex_hooks = true' in its config.toml")
                }
                if config.agent == .amp {
                    printError(
                        "note: Amp loads plugins only when started as 'PLUGINS=all amp' (its plugin API is experimental)"
                    )
                }
            }
        }

        private func base() throws -> String {
            let base: String
            switch scope {
            case .project:
                let repository = try openRepository()
                guard let root = repository.workingDirectory else {
                    throw CommandFailure("this repository has no working tree")
                }
                base = String(root.dropLast())
            case .user:
                base = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            }
            return base
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show which agents' and which git hooks call git trace.")

        func run() throws {
            let repository = try openRepository()
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            let root = repository.workingDirectory.map { String($0.dropLast()) }
            for agent in AgentKind.allCases where agent.hasHookConfiguration {
                var places = [String]()
                if let root, (try? AgentHookConfig(agent: agent, scope: .project))?.isInstalled(base: root) == true {
                    places.append("project")
                }
                if (try? AgentHookConfig(agent: agent, scope: .user))?.isInstalled(base: home) == true {
                    places.append("user")
                }
                print(
                    "\(agent.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(places.isEmpty ? "not installed" : places.joined(separator: ", "))"
                )
            }
            let installer = GitHookInstaller(repository: repository, binaryPath: currentBinaryPath())
            let wanted = try installer.wantedHooks()
            for (name, ours) in try installer.installedHooks().sorted(by: { $0.key < $1.key }) {
                let state =
                    ours
                    ? "installed"
                    : wanted.contains(name)
                        ? "not installed: run 'git trace init'" : "not needed (sessiontrace.trailers is off)"
                print("git \(name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(state)")
            }
        }
    }
}

extension AgentHookConfig.Scope: EnumerableFlag {}
