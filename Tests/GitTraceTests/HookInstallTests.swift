import Capture
import Foundation
import Records
import Setup
import TestSupport
import Testing

/// Agent hook configurations and git hooks: installed, merged, chained and removed
/// without disturbing what users already have.
@Suite struct HookInstallTests {
    static let references = InteropTests.packageRoot.appendingPathComponent("git-extensions")

    func json(_ url: URL) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? NSDictionary)
    }

    @Test func installedAgentConfigsMatchTheReferenceFiles() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        for (agent, path) in [
            ("claude-code", ".claude/settings.json"), ("cursor", ".cursor/hooks.json"),
            ("gemini", ".gemini/settings.json"),
            ("codex", ".codex/hooks.json"), ("copilot", ".github/hooks/sessiontrace.json"),
            ("windsurf", ".windsurf/hooks.json"), ("droid", ".factory/hooks.json"),
            ("continue", ".continue/settings.json"),
        ] {
            let output = try await fixture.trace("hooks", "install", "--agent", agent)
            #expect(output.status == 0, "\(output)")
            let installed = try json(fixture.repository.appendingPathComponent(path))
            let reference = try json(HookInstallTests.references.appendingPathComponent("agents/\(agent).json"))
            #expect(installed == reference, "\(agent)")
        }
        let status = try await fixture.trace("hooks", "status")
        #expect(status.stdout.contains("claude-code  project"))
        #expect(status.stdout.contains("git post-commit        installed"))
    }

    /// Kiro CLI keeps hooks in each agent's configuration: ours go into every one, the
    /// rest of each kept; without an agent configuration there is nowhere to put them.
    @Test func kiroHooksGoIntoEveryAgentConfiguration() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        let none = try await fixture.trace("hooks", "install", "--agent", "kiro")
        #expect(none.failedCleanly && none.stderr.contains("no Kiro agent configuration in"), "\(none)")
        for name in ["dev", "review"] {
            try fixture.sandbox.write(
                #"{"name": "\#(name)", "tools": ["*"], "hooks": {"agentSpawn": [{"command": "git status"}]}}"#,
                to: ".kiro/agents/\(name).json", in: fixture.repository)
        }
        let output = try await fixture.trace("hooks", "install", "--agent", "kiro")
        #expect(output.status == 0, "\(output)")
        let reference = try json(HookInstallTests.references.appendingPathComponent("agents/kiro.json"))
        for name in ["dev", "review"] {
            let installed = try json(fixture.repository.appendingPathComponent(".kiro/agents/\(name).json"))
            #expect(installed["name"] as? String == name)
            let hooks = try #require(installed["hooks"] as? NSDictionary)
            #expect((hooks["agentSpawn"] as? NSArray)?.count == 1, "their own hook stays")
            for event in ["preToolUse", "postToolUse", "userPromptSubmit"] {
                #expect(
                    hooks[event] as? NSArray == (reference["hooks"] as? NSDictionary)?[event] as? NSArray, "\(event)")
            }
        }
        #expect(try await fixture.trace("hooks", "status").stdout.contains("kiro         project"))
        #expect(try await fixture.trace("hooks", "install", "--agent", "kiro").stdout.contains("already in"))
    }

    /// The plugin file of OpenCode and of Amp is the reference copy; one that is someone
    /// else's stays.
    @Test(arguments: [
        ("opencode", ".opencode/plugins/sessiontrace.js", "agents/opencode/sessiontrace.js"),
        ("amp", ".amp/plugins/sessiontrace.ts", "agents/amp/sessiontrace.ts"),
    ])
    func pluginIsTheReferenceAndAForeignOneIsKept(agent: String, path: String, referencePath: String) async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        let output = try await fixture.trace("hooks", "install", "--agent", agent)
        #expect(output.status == 0, "\(output)")
        let plugin = fixture.repository.appendingPathComponent(path)
        let reference = HookInstallTests.references.appendingPathComponent(referencePath)
        #expect(try Data(contentsOf: plugin) == Data(contentsOf: reference))
        #expect(try await fixture.trace("hooks", "install", "--agent", agent).stdout.contains("already in"))
        let listed = agent.padding(toLength: 12, withPad: " ", startingAt: 0) + " project"
        #expect(try await fixture.trace("hooks", "status").stdout.contains(listed))
        try fixture.sandbox.write("export const Mine = async () => ({})\n", to: path, in: fixture.repository)
        let foreign = try await fixture.trace("hooks", "install", "--agent", agent)
        #expect(foreign.failedCleanly && foreign.stderr.contains("is not SessionTrace's plugin"), "\(foreign)")
        #expect(try String(contentsOf: plugin, encoding: .utf8) == "export const Mine = async () => ({})\n")
    }

    /// A misspelt agent gets one line that names every agent there is.
    @Test func aMisspeltAgentIsToldEveryNameInOneLine() async throws {
        let fixture = try await Fixture.make()
        for arguments in [["hooks", "install", "--agent", "contnue"], ["capture", "--agent", "contnue"]] {
            let output = try await fixture.sandbox.traceArgs(arguments, in: fixture.repository)
            #expect(output.failedCleanly && output.stderr.split(separator: "\n").count == 1, "\(output)")
            for agent in AgentKind.allCases {
                #expect(output.stderr.contains(" \(agent.rawValue),") || output.stderr.contains(" \(agent.rawValue) ("))
            }
        }
    }

    /// Amp loads plugins only when asked to: installing says so.
    @Test func ampsInstallSaysPluginsMustBeEnabled() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        let output = try await fixture.trace("hooks", "install", "--agent", "amp", "--user")
        #expect(output.status == 0, "\(output)")
        #expect(output.stderr.contains("PLUGINS=all amp"), "\(output)")
        #expect(output.stdout.contains(".config/amp/plugins/sessiontrace.ts"), "\(output)")
        #expect(try await fixture.trace("hooks", "status").stdout.contains("amp          user"))
    }

    @Test func allDetectedInstallsForTheAgentsWhoseFoldersExistAndNoOthers() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        for folder in [".claude", ".windsurf", ".clinerules"] {
            try FileManager.default.createDirectory(
                at: fixture.repository.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try fixture.sandbox.write("not a folder\n", to: ".cursor", in: fixture.repository)
        let output = try await fixture.trace("hooks", "install", "--all-detected")
        #expect(output.status == 0, "\(output)")
        #expect(
            output.stdout.split(separator: "\n").map { String($0.split(separator: " ")[1]) }.sorted()
                == ["claude-code", "cline", "windsurf"], "\(output.stdout)")
        let status = try await fixture.trace("hooks", "status")
        for (agent, state) in [
            ("claude-code", "project"), ("windsurf", "project"), ("cline", "project"), ("cursor", "not installed"),
            ("codex", "not installed"), ("copilot", "not installed"), ("gemini", "not installed"),
        ] {
            #expect(
                status.stdout.contains("\(agent.padding(toLength: 12, withPad: " ", startingAt: 0)) \(state)"),
                "\(agent): \(status.stdout)")
        }
        #expect(try await fixture.trace("hooks", "install", "--all-detected").stdout.contains("already in"))
        // In the user's home: the folders there.
        try FileManager.default.createDirectory(
            at: fixture.sandbox.home.appendingPathComponent(".codeium/windsurf"), withIntermediateDirectories: true)
        let user = try await fixture.trace("hooks", "install", "--all-detected", "--user")
        #expect(user.status == 0 && user.stdout.contains("installed windsurf hooks in"), "\(user)")
        #expect(
            FileManager.default.fileExists(
                atPath: fixture.sandbox.home.appendingPathComponent(".codeium/windsurf/hooks.json").path))
        #expect(try await fixture.trace("hooks", "status").stdout.contains("windsurf     project, user"))
        let both = try await fixture.trace("hooks", "install", "--all-detected", "--agent", "cursor")
        #expect(both.failedCleanly && both.stderr.contains("give --agent NAME or --all-detected"), "\(both)")
        let neither = try await fixture.trace("hooks", "install")
        #expect(neither.failedCleanly && neither.stderr.contains("give --agent NAME or --all-detected"), "\(neither)")
    }

    @Test func agentConfigMergesWithExistingHooksAndIsIdempotent() async throws {
        let fixture = try await Fixture.make()
        let existing = """
            {"model": "opus", "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./lint.sh"}]}]}}
            """
        try fixture.sandbox.write(existing, to: ".claude/settings.json", in: fixture.repository)
        #expect(try await fixture.trace("hooks", "install", "--agent", "claude-code").status == 0)
        let merged = try json(fixture.repository.appendingPathComponent(".claude/settings.json"))
        #expect(merged["model"] as? String == "opus")
        let pre = try #require((merged["hooks"] as? NSDictionary)?["PreToolUse"] as? [NSDictionary])
        #expect(pre.count == 2)
        #expect(((pre[0]["hooks"] as? [NSDictionary])?.first?["command"] as? String) == "./lint.sh")
        let before = try Data(contentsOf: fixture.repository.appendingPathComponent(".claude/settings.json"))
        let again = try await fixture.trace("hooks", "install", "--agent", "claude-code")
        #expect(again.stdout.contains("already in"))
        #expect(try Data(contentsOf: fixture.repository.appendingPathComponent(".claude/settings.json")) == before)
    }

    @Test func invalidAgentConfigIsNeverClobbered() async throws {
        let fixture = try await Fixture.make()
        try fixture.sandbox.write("{ not json", to: ".cursor/hooks.json", in: fixture.repository)
        let output = try await fixture.trace("hooks", "install", "--agent", "cursor")
        #expect(output.failedCleanly, "\(output)")
        #expect(output.stderr.contains("is not a JSON object"))
        #expect(
            try String(contentsOf: fixture.repository.appendingPathComponent(".cursor/hooks.json"), encoding: .utf8)
                == "{ not json")
    }

    /// A repository's agent configuration that is a symbolic link out of it (to a
    /// user's own settings, tokens and all, or to a folder outside) is refused: merging
    /// into it would copy the target into a file that gets committed, or write outside.
    /// Links inside the repository, and a user's settings linked to their dotfiles, are
    /// written through, the links kept.
    @Test(arguments: [
        ("claude-code", ".claude/settings.json", false), ("claude-code", ".claude", true),
        ("opencode", ".opencode/plugins/sessiontrace.js", false), ("cline", ".clinerules/hooks", true),
        ("augment", ".augment/hooks", true), ("kiro", ".kiro/agents/dev.json", false),
    ])
    func linksOutOfTheRepositoryAreRefusedAndOthersFollowed(agent: String, linked: String, isFolder: Bool)
        async throws
    {
        let fixture = try await Fixture.make()
        let outside = fixture.sandbox.root.appendingPathComponent("outside-\(agent)")
        let secret = #"{"env": {"API_TOKEN": "s3cret"}}"#
        if isFolder {
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try secret.write(to: outside.appendingPathComponent("settings.json"), atomically: true, encoding: .utf8)
        } else {
            try secret.write(to: outside, atomically: true, encoding: .utf8)
        }
        let link = fixture.repository.appendingPathComponent(linked)
        try FileManager.default.createDirectory(
            at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)
        let refused = try await fixture.trace("hooks", "install", "--agent", agent)
        #expect(
            refused.failedCleanly && refused.stderr.contains("leads out of the repository"), "\(agent): \(refused)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == outside.path)
        let target = isFolder ? outside.appendingPathComponent("settings.json") : outside
        #expect(try String(contentsOf: target, encoding: .utf8) == secret, "\(agent): the target is untouched")
        if isFolder {
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["settings.json"])
        }
        // Nothing else written in the repository either (Augment's settings file, say).
        let status = try await fixture.git("status", "--porcelain", "--untracked-files=all")
        #expect(status == "?? \(linked)\n", "\(agent): \(status)")

        // Inside the repository: written through, the link kept.
        if agent == "claude-code" && !isFolder {
            try FileManager.default.removeItem(at: link)
            try fixture.sandbox.write(#"{"model": "opus"}"#, to: "config/claude.json", in: fixture.repository)
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "../config/claude.json")
            let installed = try await fixture.trace("hooks", "install", "--agent", agent)
            #expect(installed.status == 0, "\(installed)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "../config/claude.json")
            let merged = try json(fixture.repository.appendingPathComponent("config/claude.json"))
            #expect(merged["model"] as? String == "opus" && merged["hooks"] != nil)

            // A user's settings linked to their dotfiles: written through too.
            let dotfiles = fixture.sandbox.root.appendingPathComponent("dotfiles/claude.json")
            try FileManager.default.createDirectory(
                at: dotfiles.deletingLastPathComponent(), withIntermediateDirectories: true)
            try #"{"theme": "dark"}"#.write(to: dotfiles, atomically: true, encoding: .utf8)
            let userSettings = fixture.sandbox.home.appendingPathComponent(".claude/settings.json")
            try FileManager.default.createDirectory(
                at: userSettings.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: userSettings, withDestinationURL: dotfiles)
            let user = try await fixture.trace("hooks", "install", "--agent", agent, "--user")
            #expect(user.status == 0, "\(user)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: userSettings.path) == dotfiles.path)
            let dotfilesSettings = try json(dotfiles)
            #expect(dotfilesSettings["theme"] as? String == "dark" && dotfilesSettings["hooks"] != nil)
        }
    }

    @Test func userScopeWritesToHome() async throws {
        let fixture = try await Fixture.make()
        #expect(try await fixture.trace("hooks", "install", "--agent", "gemini", "--user").status == 0)
        let settings = try json(fixture.sandbox.home.appendingPathComponent(".gemini/settings.json"))
        #expect((settings["hooksConfig"] as? NSDictionary)?["enabled"] as? Bool == true)
        let copilot = try await fixture.trace("hooks", "install", "--agent", "copilot", "--user")
        #expect(copilot.failedCleanly)
    }

    @Test func gitHookScriptsAreTheOnesInGitExtensions() throws {
        for (name, script) in GitHookInstaller.scripts {
            let reference = try String(
                contentsOf: HookInstallTests.references.appendingPathComponent("hooks/\(name)"), encoding: .utf8)
            #expect(script == reference, "\(name)")
        }
    }

    @Test func existingHooksAreChainedAndRestoredByUninstall() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        #expect(try await sandbox.trace("keygen").status == 0)
        let repository = try await sandbox.makeRepository()
        let mine = "#!/bin/sh\necho \"my post-commit ran\" >> \"$(git rev-parse --git-dir)/mine.log\"\n"
        let hook = try sandbox.write(mine, to: ".git/hooks/post-commit", in: repository)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        let initialised = try await sandbox.trace("init", in: repository)
        #expect(initialised.stdout.contains("(the existing hook runs first)"), "\(initialised)")
        #expect(try await sandbox.trace("init", in: repository).stdout.contains("already initialised"))
        try sandbox.write("x\n", to: "a.txt", in: repository)
        try await sandbox.git("add", "-A", in: repository)
        try await sandbox.git("commit", "-q", "-m", "c", in: repository)
        #expect(
            try String(contentsOf: repository.appendingPathComponent(".git/mine.log"), encoding: .utf8)
                == "my post-commit ran\n")
        let removed = try await sandbox.trace("uninstall", in: repository)
        #expect(removed.status == 0, "\(removed)")
        #expect(try String(contentsOf: hook, encoding: .utf8) == mine)
        #expect(!FileManager.default.fileExists(atPath: hook.path + ".sessiontrace-chained"))
        let config = try await sandbox.git("config", "--local", "--list", in: repository)
        #expect(!config.contains("sessiontrace"))
    }

    @Test func hooksGoWhereCoreHooksPathSays() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let repository = try await sandbox.makeRepository()
        try await sandbox.git("config", "core.hooksPath", ".husky/_", in: repository)
        #expect(try await sandbox.trace("init", in: repository).status == 0)
        #expect(
            FileManager.default.isExecutableFile(atPath: repository.appendingPathComponent(".husky/_/post-commit").path)
        )
        #expect(
            !FileManager.default.fileExists(atPath: repository.appendingPathComponent(".git/hooks/post-commit").path))
    }
}

/// Fail-open behaviour, trailers and merges at commit time.
@Suite struct CommitHookTests {
    @Test func missingSigningKeyNeverBlocksACommit() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.git("config", "--global", "--unset", "sessiontrace.signingKey")
        try fixture.sandbox.write("x\n", to: "a.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        let commit = try await fixture.sandbox.run(
            "git", ["commit", "-q", "-m", "unsigned"], in: fixture.repository,
            environment: ["SESSIONTRACE_FOREGROUND": "1"])
        #expect(commit.status == 0, "\(commit)")
        #expect(commit.stderrLines.count == 1, "\(commit)")
        #expect(commit.stderr.contains("not recorded: no signing key: run 'git trace keygen'"), "\(commit)")
        let status = try await fixture.trace("status")
        #expect(status.stdout.contains("HEAD has no SessionTrace record"))
        #expect(status.stdout.contains("unrecorded   "))
    }

    @Test func trailersSummariseTheStagedAILines() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.git("config", "sessiontrace.trailers", "true")
        let initialised = try await fixture.trace("init")
        #expect(
            initialised.stdout.contains("installed hook \(fixture.repository.path)/.git/hooks/prepare-commit-msg"),
            "\(initialised)")
        try await fixture.commit("seed\n", to: "README")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "a.txt", write: numberedLines(3))
        try fixture.sandbox.write("by hand\n", to: "b.txt", in: fixture.repository)
        let commit = try await fixture.commitRecorded("feature\n\nBody text.")
        let message = try await fixture.git("log", "-1", "--format=%B", commit)
        #expect(message == "feature\n\nBody text.\n\nAI-Assisted: claude-code claude-sonnet-4-5-20250929 3/4 lines\n\n")
    }

    @Test func automaticMergeCommitsAreRecordedWithNothingAttributed() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit(numberedLines(3), to: "a.txt")
        try await fixture.git("checkout", "-q", "-b", "topic")
        try await fixture.commit("topic\n", to: "t.txt")
        try await fixture.git("checkout", "-q", "main")
        try await fixture.commit("main\n", to: "m.txt")
        let merged = try await fixture.sandbox.run(
            "git", ["merge", "-q", "--no-edit", "topic"], in: fixture.repository,
            environment: ["SESSIONTRACE_FOREGROUND": "1"])
        #expect(merged.status == 0, "\(merged)")
        let merge = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines)
        let record = try await fixture.attribution(merge)
        #expect(record.files.isEmpty)
        #expect(record.totals?.added == 0)
        // Version 2: nothing to label, so no label, no file and no rest.
        let line = try #require(try await fixture.noteLines(merge).last)
        #expect(String(decoding: try Envelope(line: line).payload, as: UTF8.self).contains(#""by":[],"#), "\(line)")
    }

    @Test func mergeCommitsAttributeOnlyWhatTheMergeIntroduced() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit(numberedLines(5), to: "a.txt")
        try await fixture.git("checkout", "-q", "-b", "topic")
        try await fixture.commit(numberedLines(5) + "topic 6\n", to: "a.txt")
        try await fixture.git("checkout", "-q", "main")
        try await fixture.commit("other\n", to: "b.txt")
        try await fixture.git("merge", "-q", "--no-commit", "topic")
        try fixture.sandbox.write(numberedLines(5) + "topic 6\nresolution 7\n", to: "a.txt", in: fixture.repository)
        let merge = try await fixture.commitRecorded("merge topic")
        let record = try await fixture.attribution(merge)
        #expect(record.origins("a.txt") == lines((7...7, "human")))
        #expect(record.totals?.added == 1)
    }
}
