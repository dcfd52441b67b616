import Foundation
import Git
import Keys
import Setup
import Signing
import TestSupport
import Testing

/// Use cases the executable only prints, run in process.
@Suite struct InitialisationTests {
    @Test func initSetsUpTheRepositoryAndEachSubmoduleOnceOnly() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let library = try await sandbox.makeRepository("library")
        try sandbox.write("lib\n", to: "lib.txt", in: library)
        try await sandbox.commitAll("library", in: library)
        let directory = try await sandbox.makeRepository()
        try sandbox.write("top\n", to: "top.txt", in: directory)
        try await sandbox.git(
            "-c", "protocol.file.allow=always", "submodule", "add", "-q", library.path, "lib", in: directory)
        try await sandbox.commitAll("with a submodule", in: directory)
        let repository = try Repository(discoveringFrom: directory.path)

        let first = try RepositorySetup.initialise(repository, binaryPath: "/usr/local/bin/git-trace")
        #expect(first.map(\.submodule) == [nil, directory.appendingPathComponent("lib").path])
        for initialised in first {
            #expect(initialised.changes.contains { $0.hasPrefix("installed hook ") && $0.hasSuffix("post-commit") })
        }
        let hook = try String(contentsOfFile: directory.path + "/.git/hooks/post-commit", encoding: .utf8)
        #expect(hook.contains("/usr/local/bin/git-trace"))
        let again = try RepositorySetup.initialise(repository, binaryPath: "/usr/local/bin/git-trace")
        #expect(again.count == 2 && again.allSatisfy { $0.changes.isEmpty }, "\(again)")
    }

    @Test func aHookChangeSaysWhatHappenedToWhichHook() {
        #expect(
            GitHookInstaller.Change.chained("/r/.git/hooks/pre-push").description
                == "installed hook /r/.git/hooks/pre-push (the existing hook runs first)")
        #expect(GitHookInstaller.Change.removed("/h").description == "removed hook /h (sessiontrace.trailers is off)")
    }
}

@Suite struct KeyEnrolmentTests {
    @Test func aNewKeyIsWrittenPrivatelyAndNeverOverAnotherUnlessAsked() throws {
        let sandbox = try Sandbox()
        let path = sandbox.root.appendingPathComponent("key.pem").path
        let enrolled = try EnrolledKey.generate(at: path, replace: false)
        #expect(enrolled.path == path && enrolled.warning == nil)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: (any Error).self) { try EnrolledKey.generate(at: path, replace: false) }
        #expect(try SigningKey(contentsOfFile: path).publicKey == enrolled.key.publicKey)
        let replaced = try EnrolledKey.generate(at: path, replace: true)
        #expect(replaced.key.publicKey != enrolled.key.publicKey)
    }

    @Test func anAdoptedKeyOthersCanReadIsAdoptedWithAWarning() throws {
        let sandbox = try Sandbox()
        let path = sandbox.root.appendingPathComponent("key.pem").path
        let written = try EnrolledKey.generate(at: path, replace: false)
        #expect(try EnrolledKey.adopt(path).warning == nil)
        chmod(path, 0o644)
        let adopted = try EnrolledKey.adopt(path)
        #expect(adopted.key.publicKey == written.key.publicKey)
        #expect(adopted.warning?.contains(path) == true, "\(adopted.warning ?? "no warning")")
    }
}

/// Long work shows git-style progress on a terminal, and only there (scale issue, goal 7).
@Suite struct ProgressTests {
    @Test func verifyShowsProgressOnATerminalOnly() async throws {
        let fixture = try await Fixture.make()
        _ = try await fixture.commitsWithRecords(3)
        // Through pipes (scripts, CI logs): nothing but the result.
        let piped = try await fixture.verify()
        #expect(piped.status == 0 && piped.stderr.isEmpty, "\(piped)")
        // Forced, as with git's --progress.
        let forced = try await fixture.verify("--progress")
        #expect(forced.status == 0, "\(forced)")
        #expect(forced.stderr.hasSuffix("Verifying records: 100% (3/3), done.   \n"), "\(forced)")
        #expect(forced.stdout == piped.stdout)
        #expect(try await fixture.verify("--progress", "--quiet").stderr.isEmpty)
        // On a terminal (script(1) gives the command a pseudo-terminal).
        let command = "git trace verify --trust '\(fixture.trustFile.path)'"
        let terminal = try await fixture.sandbox.run(
            "script", ["-q", "-e", "-c", command, "/dev/null"], in: fixture.repository)
        #expect(terminal.status == 0, "\(terminal)")
        #expect(terminal.stdout.contains("Verifying records: 100% (3/3), done."), "\(terminal)")
        let quiet = try await fixture.sandbox.run(
            "script", ["-q", "-e", "-c", command + " --quiet", "/dev/null"], in: fixture.repository)
        #expect(!quiet.stdout.contains("Verifying records"), "\(quiet)")
    }

    @Test func reportAndStatsShowEachStep() async throws {
        let fixture = try await Fixture.make()
        _ = try await fixture.commitsWithRecords(2)
        let trust = fixture.trustFile.path
        let report = try await fixture.trace("report", "--trust", trust, "--format", "json", "--progress")
        #expect(report.status == 0, "\(report)")
        #expect(report.stderr.contains("Verifying records: 100% (2/2), done."), "\(report)")
        #expect(report.stderr.contains("Blaming files: 100% (2/2), done."), "\(report)")
        let quiet = try await fixture.trace("report", "--trust", trust, "--format", "json", "-q")
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet)")
        let stats = try await fixture.trace("stats", "--trust", trust, "--progress")
        #expect(stats.stderr.contains("Verifying records: 100% (2/2), done."), "\(stats)")
        #expect(try await fixture.trace("stats", "--trust", trust).stderr.isEmpty)
    }
}
