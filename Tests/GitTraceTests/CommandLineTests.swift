import Foundation
import Ledger
import Signing
import TestSupport
import Testing

/// keygen and init, as a new user meets them.
@Suite struct KeygenInitTests {
    /// `--version` has a path of its own before ArgumentParser: it must say what
    /// ArgumentParser's did, and anything after it still goes through the parser.
    @Test func versionIsTheToolVersionOnEitherPath() async throws {
        let sandbox = try Sandbox()
        let fast = try await sandbox.trace("--version")
        #expect(fast.status == 0 && fast.stdout == RecordBuilder.toolVersion + "\n" && fast.stderr.isEmpty, "\(fast)")
        let parsed = try await sandbox.trace("--version", "--help")
        #expect(parsed.status == 0 && !parsed.stdout.isEmpty, "\(parsed)")
    }

    @Test func keygenWritesAnOwnerOnlyKeyConfiguresGitAndPrintsTheTrustLine() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let output = try await sandbox.trace("keygen")
        #expect(output.status == 0, "\(output)")
        let keyPath = sandbox.home.appendingPathComponent(".config/sessiontrace/signing_key.pem").path
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let key = try SigningKey(contentsOfFile: keyPath)
        #expect(output.stdout == "alice@example.com \(key.publicKey.openSSH)\n")
        // The private key never reaches the terminal.
        let pem = try key.pkcs8PEM()
        let secretLine = pem.split(separator: "\n")[1]
        #expect(!output.stdout.contains(secretLine) && !output.stderr.contains(secretLine))
        #expect(!output.stderr.contains("PRIVATE KEY"))
        let configured = try await sandbox.git("config", "--global", "sessiontrace.signingKey", in: sandbox.root)
        #expect(configured == keyPath + "\n")
    }

    @Test func keygenRefusesToOverwriteAnExistingKey() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        #expect(try await sandbox.trace("keygen").status == 0)
        let keyPath = sandbox.home.appendingPathComponent(".config/sessiontrace/signing_key.pem").path
        let before = try Data(contentsOf: URL(fileURLWithPath: keyPath))
        let again = try await sandbox.trace("keygen")
        #expect(again.failedCleanly, "\(again)")
        #expect(again.stderr.contains("already exists: pass --force"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyPath)) == before)
        let forced = try await sandbox.trace("keygen", "--force")
        #expect(forced.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyPath)) != before)
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func keygenAdoptsAnExistingOpenSSHKey() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let sshKey = sandbox.home.appendingPathComponent(".ssh/id_ed25519").path
        try FileManager.default.createDirectory(
            atPath: (sshKey as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        #expect(try await sandbox.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", sshKey]).status == 0)
        let output = try await sandbox.trace("keygen", "--existing", "~/.ssh/id_ed25519")
        #expect(output.status == 0, "\(output)")
        let publicKey = try String(contentsOfFile: sshKey + ".pub", encoding: .utf8).split(separator: " ").prefix(2)
            .joined(separator: " ")
        #expect(output.stdout == "alice@example.com \(publicKey)\n")
        let repository = try await sandbox.makeRepository()
        try sandbox.write("x\n", to: "a.txt", in: repository)
        let commit = try await sandbox.commitAll("c", in: repository)
        #expect(
            try await sandbox.trace(
                "record", commit, "--file", "a.txt", "--lines", "1", "--origin", "human", in: repository
            ).status == 0)
        let trust = try sandbox.write(output.stdout, to: "trust", in: sandbox.root)
        let verified = try await sandbox.trace("verify", "--trust", trust.path, in: repository)
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func signsThroughSSHAgentWithAnEncryptedKeyItNeverReads() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let ssh = sandbox.home.appendingPathComponent(".ssh")
        try FileManager.default.createDirectory(at: ssh, withIntermediateDirectories: true)
        let keyPath = ssh.appendingPathComponent("id_ed25519").path
        #expect(
            try await sandbox.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "correct horse", "-f", keyPath]).status
                == 0)
        let socket = sandbox.root.appendingPathComponent("agent.sock").path
        let started = try await sandbox.run("ssh-agent", ["-a", socket, "-s"])
        let pid = try #require(
            started.stdout.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .first { $0.hasPrefix("SSH_AGENT_PID=") }.map { String($0.dropFirst(14)) }, "\(started)")
        defer { kill(pid_t(pid)!, SIGTERM) }
        let askpass = try sandbox.write("#!/bin/sh\necho 'correct horse'\n", to: "askpass.sh", in: sandbox.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: askpass.path)
        let agent = ["SSH_AUTH_SOCK": socket]
        let added = try await sandbox.run(
            "ssh-add", [keyPath],
            environment: agent.merging(["SSH_ASKPASS": askpass.path, "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"]) {
                $1
            })
        try #require(added.status == 0, "\(added)")
        let configured = try await sandbox.run(
            sandbox.binary, ["keygen", "--existing", keyPath + ".pub"], environment: agent)
        #expect(configured.status == 0, "\(configured)")
        let trust = try sandbox.write(configured.stdout, to: "trust", in: sandbox.root)
        let repository = try await sandbox.makeRepository()
        try sandbox.write("x\n", to: "a.txt", in: repository)
        let commit = try await sandbox.commitAll("c", in: repository)
        let recorded = try await sandbox.run(
            sandbox.binary, ["record", commit, "--file", "a.txt", "--lines", "1", "--origin", "human"], in: repository,
            environment: agent)
        #expect(recorded.status == 0, "\(recorded)")
        #expect(try await sandbox.trace("verify", "--trust", trust.path, in: repository).status == 0)
        // Without the agent, the same configuration fails cleanly.
        let noAgent = try await sandbox.run(
            sandbox.binary, ["record", commit, "--file", "a.txt", "--lines", "1", "--origin", "human"], in: repository,
            environment: ["SSH_AUTH_SOCK": ""])
        #expect(noAgent.failedCleanly, "\(noAgent)")
        #expect(noAgent.stderr.contains("no ssh-agent"))
    }

    @Test func initIsIdempotentAndNeverOverwritesLocalNotesOnFetch() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        #expect(try await sandbox.trace("keygen").status == 0)
        let repository = try await sandbox.makeRepository()
        try await sandbox.git("remote", "add", "origin", "/nonexistent/remote.git", in: repository)
        let first = try await sandbox.trace("init", in: repository)
        #expect(first.status == 0, "\(first)")
        let configAfterFirst = try await sandbox.git("config", "--local", "--list", in: repository)
        // git log stays readable: records are not shown under every commit.
        #expect(!configAfterFirst.contains("notes.displayref"))
        #expect(
            configAfterFirst.contains(
                "remote.origin.fetch=+refs/notes/sessiontrace:refs/notes/remotes/origin/sessiontrace"))
        #expect(!configAfterFirst.contains("notes.rewriteref"))
        let second = try await sandbox.trace("init", in: repository)
        #expect(second.status == 0)
        #expect(second.stdout.contains("already initialised"))
        #expect(try await sandbox.git("config", "--local", "--list", in: repository) == configAfterFirst)
    }

    @Test func initWithoutAKeySaysHowToMakeOne() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let repository = try await sandbox.makeRepository()
        let output = try await sandbox.trace("init", in: repository)
        #expect(output.status == 0)
        #expect(
            output.stderr
                == "warning: no signing key: run 'git trace keygen' (or set sessiontrace.signingKey to an Ed25519 key file)\n"
        )
    }

    @Test func initWarnsAboutRewriteRefCopyingSignedNotes() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let repository = try await sandbox.makeRepository()
        try await sandbox.git("config", "notes.rewriteRef", "refs/notes/*", in: repository)
        let output = try await sandbox.trace("init", in: repository)
        #expect(output.stderr.contains("warning: notes.rewriteRef includes refs/notes/sessiontrace"))
    }

    @Test func helpReadsLikeAManPage() async throws {
        let sandbox = try Sandbox()
        let help = try await sandbox.trace("--help")
        #expect(help.status == 0)
        for command in ["keygen", "init", "record", "show", "verify"] { #expect(help.stdout.contains(command)) }
        let recordHelp = try await sandbox.trace("record", "--help")
        #expect(recordHelp.stdout.contains("--lines <ranges>"))
    }
}

/// Bad input anywhere: one clear line on stderr, a non-zero exit, nothing changed.
@Suite struct MalformedInputTests {
    @Test func outsideARepository() async throws {
        let sandbox = try Sandbox()
        for arguments in [
            ["show"], ["verify", "--trust", "/dev/null"],
            ["record", "HEAD", "--file", "a", "--lines", "1", "--origin", "human"], ["init"],
            ["review", "HEAD"], ["checkpoint"], ["carry", "HEAD", "--from", "HEAD~1"], ["sync"], ["blame", "a.txt"],
            ["stats"],
            ["status"], ["uninstall"], ["hooks", "status"],
        ] {
            let output = try await sandbox.traceArgs(arguments, in: sandbox.root)
            #expect(output.failedCleanly, "\(arguments): \(output)")
            #expect(output.status == 2)
            #expect(output.stderr.hasPrefix("fatal: not a git repository"), "\(output)")
        }
    }

    @Test func emptyRepository() async throws {
        let fixture = try await Fixture.make()
        for arguments in [
            ["show"], ["record", "HEAD", "--file", "a", "--lines", "1", "--origin", "human"],
            ["verify", "HEAD", "--trust", fixture.trustFile.path],
        ] {
            let output = try await fixture.sandbox.traceArgs(arguments, in: fixture.repository)
            #expect(output.failedCleanly, "\(arguments): \(output)")
            #expect(output.stderr.contains("no commits yet"), "\(output)")
        }
        for arguments in [
            ["review", "HEAD"], ["checkpoint"], ["stats"], ["carry", "HEAD", "--from", "HEAD"], ["sync"],
        ] {
            let output = try await fixture.sandbox.traceArgs(arguments, in: fixture.repository)
            #expect(output.failedCleanly, "\(arguments): \(output)")
        }
        let noTrust = try await fixture.trace("verify")
        #expect(noTrust.failedCleanly)
        #expect(noTrust.stderr.contains("no trust file: pass --trust FILE"))
        #expect(noTrust.status == 2)
    }

    @Test func unknownRevision() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit("x\n", to: "a.txt")
        for arguments in [
            ["show", "nonexistent"], ["record", "v9.9", "--file", "a.txt", "--lines", "1", "--origin", "human"],
            ["verify", "HEAD..nope", "--trust", fixture.trustFile.path],
        ] {
            let output = try await fixture.sandbox.traceArgs(arguments, in: fixture.repository)
            #expect(output.failedCleanly, "\(arguments): \(output)")
            #expect(output.stderr.contains("unknown revision"), "\(output)")
        }
    }

    @Test func badOrMissingSigningKeys() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit("x\n", to: "a.txt")
        try Data("-----BEGIN PRIVATE KEY-----\nnot really a key\n-----END PRIVATE KEY-----\n".utf8).write(
            to: URL(fileURLWithPath: fixture.keyPath))
        let bad = try await fixture.trace("record", "HEAD", "--file", "a.txt", "--lines", "1", "--origin", "human")
        #expect(bad.failedCleanly, "\(bad)")
        #expect(bad.stderr == "fatal: \(fixture.keyPath) is not a PEM PKCS#8 or OpenSSH private key\n")
        let missing = try await fixture.trace(
            "record", "HEAD", "--file", "a.txt", "--lines", "1", "--origin", "human", "--key", "/nonexistent/key.pem")
        #expect(missing.failedCleanly)
        #expect(missing.stderr == "fatal: cannot read key file /nonexistent/key.pem: no such file\n")
        try await fixture.git("config", "--global", "--unset", "sessiontrace.signingKey")
        let unset = try await fixture.trace("record", "HEAD", "--file", "a.txt", "--lines", "1", "--origin", "human")
        #expect(unset.failedCleanly)
        #expect(unset.stderr.contains("no signing key: run 'git trace keygen'"))
        // Nothing was written by any failed attempt.
        let notes = try await fixture.sandbox.run(
            "git", ["rev-parse", "--verify", "-q", "refs/notes/sessiontrace"], in: fixture.repository)
        #expect(notes.status != 0)
    }

    @Test func badRecordArguments() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(numberedLines(5), to: "a.txt")
        let cases: [([String], String)] = [
            (["--file", "a.txt"], "give --lines once per --file"),
            (["--file", "a.txt", "--lines", "3-1"], "is not a list of line ranges"),
            (["--file", "a.txt", "--lines", "1", "--origin", "ai"], "needs --agent and --model"),
            (["--file", "a.txt", "--lines", "1", "--origin", "robot"], "robot"),
            (["--file", "a.txt", "--lines", "9", "--origin", "human"], "a.txt has 5 lines"),
            (["--file", "missing.txt", "--lines", "1", "--origin", "human"], "missing.txt does not exist in commit"),
            (["--file", "../outside", "--lines", "1", "--origin", "human"], "outside the repository"),
            (["--file", "a.txt", "--lines", "1-3", "--file", "a.txt", "--lines", "2", "--origin", "human"], "overlap"),
            (["--file", "a.txt", "--lines", "1", "--origin", "human", "--prompt-sha256", "xyz"], "not 64 hex digits"),
            (
                [
                    "--file", "a.txt", "--lines", "1", "--file", "a.txt", "--lines", "2", "--file", "a.txt", "--lines",
                    "3", "--origin", "human", "--origin", "human",
                ], "--origin is given 2 times for 3 files"
            ),
        ]
        for (arguments, message) in cases {
            let output = try await fixture.sandbox.traceArgs(["record", "HEAD"] + arguments, in: fixture.repository)
            #expect(output.status == 2, "\(arguments): \(output)")
            #expect(output.stderr.contains(message), "\(arguments): \(output)")
            #expect(!output.stderr.contains("Fatal error"))
        }
        let notes = try await fixture.sandbox.run(
            "git", ["rev-parse", "--verify", "-q", "refs/notes/sessiontrace"], in: fixture.repository)
        #expect(notes.status != 0)
    }

    @Test func malformedTrustFile() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit("x\n", to: "a.txt")
        try Data("alice@example.com ssh-ed25519 !!!notbase64\n".utf8).write(to: fixture.trustFile)
        let output = try await fixture.verify()
        #expect(output.failedCleanly, "\(output)")
        #expect(output.stderr.hasPrefix("fatal: \(fixture.trustFile.path):1: "))
        let missing = try await fixture.trace("verify", "--trust", "/nonexistent/allowed_signers")
        #expect(missing.failedCleanly)
        #expect(missing.stderr == "fatal: cannot read trust file /nonexistent/allowed_signers\n")
    }

    @Test func recordRelativeToASubdirectory() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(numberedLines(3), to: "src/deep/a.txt")
        let output = try await fixture.sandbox.traceArgs(
            ["record", "HEAD", "--file", "a.txt", "--lines", "2", "--origin", "human"],
            in: fixture.repository.appendingPathComponent("src/deep"))
        #expect(output.status == 0, "\(output)")
        let shown = try await fixture.trace("show")
        #expect(shown.stdout.contains("  src/deep/a.txt\n"))
    }
}

/// A wrong argument gets what every other failure gets: one `fatal:` line naming the
/// problem and exit status 2, not ArgumentParser's usage block under it.
@Suite struct ArgumentErrorTests {
    @Test(arguments: [
        ["verify", "--jobs", "0"], ["verify", "--jobs", "x"], ["record", "HEAD"], ["--bogus"], ["nosuchcommand"],
        ["report", "--format", "pdfx"], ["stats", "--nope"],
    ])
    func aWrongArgumentIsOneLine(arguments: [String]) async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit("seed\n", to: "README")
        let result = try await fixture.sandbox.run(fixture.sandbox.binary, arguments, in: fixture.repository)
        #expect(result.status == 2, "\(result)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("fatal: "), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Usage:"))
    }

    /// Whichever module a failure comes from (the work tree, an agent's settings, an
    /// output file), it is one `fatal:` line naming the path, exit 2, and not
    /// mistaken for a wrong argument.
    @Test func failuresFromEveryModuleAreOneFatalLine() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit("seed\n", to: "README")
        let claude = fixture.repository.appendingPathComponent(".claude")
        try Data("not a directory\n".utf8).write(to: claude)
        let blocked = try await fixture.trace("hooks", "install", "--agent", "claude-code", "--project")
        #expect(blocked.status == 2, "\(blocked)")
        #expect(
            blocked.stderrLines.count == 1 && blocked.stderr.hasPrefix("fatal: cannot create directory ")
                && blocked.stderr.hasSuffix("/.claude is not a directory\n"), "\(blocked)")
        try FileManager.default.removeItem(at: claude)
        try FileManager.default.createDirectory(
            at: claude.appendingPathComponent("settings.json"), withIntermediateDirectories: true)
        let directory = try await fixture.trace("hooks", "install", "--agent", "claude-code", "--project")
        #expect(directory.status == 2, "\(directory)")
        #expect(
            directory.stderrLines.count == 1 && directory.stderr.hasPrefix("fatal: cannot write ")
                && directory.stderr.hasSuffix("/.claude/settings.json: Is a directory\n"), "\(directory)")
        let output = try await fixture.trace("report", "--no-tree", "--output", "/nonexistent-dir/report.txt")
        #expect(output.status == 2, "\(output)")
        #expect(
            output.stderr == "fatal: cannot write /nonexistent-dir/report.txt: No such file or directory\n", "\(output)"
        )
        for result in [blocked, directory, output] { #expect(!result.stderr.contains("--help"), "\(result)") }
    }

    @Test func helpStillPrintsTheUsage() async throws {
        let fixture = try await Fixture.make()
        let help = try await fixture.sandbox.run(fixture.sandbox.binary, ["verify", "--help"], in: fixture.repository)
        #expect(help.status == 0 && help.stdout.contains("USAGE:"), "\(help)")
    }
}
