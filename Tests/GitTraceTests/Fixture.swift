import Foundation
import Git
import Ledger
import Records
import Signing
import TestSupport
import Testing

/// A user with a signing key and a repository with one committed file: the state
/// after the README's quick start up to `git trace init`.
struct Fixture {
    let sandbox: Sandbox
    let repository: URL
    /// The allowed_signers line `git trace keygen` printed.
    let signerLine: String
    let trustFile: URL
    let keyPath: String

    /// `commitHooks: false` removes the git hooks `init` installs, for tests of the
    /// ledger alone (records made by hand with `git trace record`).
    static func make(name: String = #function, commitHooks: Bool = false) async throws -> Fixture {
        let sandbox = try Sandbox(name: name)
        try await sandbox.configureIdentity()
        let keygen = try await sandbox.trace("keygen")
        try #require(keygen.status == 0, "\(keygen)")
        let signerLine = keygen.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let trustFile = try sandbox.write(signerLine + "\n", to: "auditor/allowed_signers", in: sandbox.root)
        let repository = try await sandbox.makeRepository()
        let initialised = try await sandbox.trace("init", in: repository)
        try #require(initialised.status == 0, "\(initialised)")
        if !commitHooks {
            for hook in ["post-checkout", "post-commit", "post-merge", "post-rewrite", "pre-push"] {
                try FileManager.default.removeItem(at: repository.appendingPathComponent(".git/hooks/\(hook)"))
            }
        }
        return Fixture(
            sandbox: sandbox, repository: repository, signerLine: signerLine, trustFile: trustFile,
            keyPath: sandbox.home.appendingPathComponent(".config/sessiontrace/signing_key.pem").path)
    }

    /// A fixture with one human record on a 5-line file (in record format `format`,
    /// else the default); returns it and the commit.
    static func recorded(name: String = #function, format: Int? = nil) async throws -> (Fixture, String) {
        let fixture = try await Fixture.make(name: name)
        if let format { try await fixture.git("config", "sessiontrace.recordFormat", "\(format)") }
        let commit = try await fixture.commit(numberedLines(5), to: "a.txt")
        let output = try await fixture.trace("record", "HEAD", "--file", "a.txt", "--lines", "1-5", "--origin", "human")
        try #require(output.status == 0, "\(output)")
        return (fixture, commit)
    }

    /// `count` commits, commit i adding f<i>.txt, each with a human record of its first line.
    func commitsWithRecords(_ count: Int) async throws -> [String] {
        var commits = [String]()
        for index in 1...count {
            let commit = try await self.commit(numberedLines(index + 1), to: "f\(index).txt")
            let output = try await trace(
                "record", commit, "--file", "f\(index).txt", "--lines", "1", "--origin", "human")
            try #require(output.status == 0, "\(output)")
            commits.append(commit)
        }
        return commits
    }

    /// A shallow clone of the repository (`depth` commits) in the sandbox as `name`,
    /// with the SessionTrace notes fetched into it unless `notes` is false; replaces an
    /// earlier one of that name.
    func shallowClone(depth: Int, named name: String = "shallow", notes: Bool = true) async throws -> URL {
        let clone = sandbox.root.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: clone)
        try await sandbox.git(
            "clone", "-q", "--depth", "\(depth)", "file://\(repository.path)", clone.path, in: sandbox.root)
        if notes {
            try await sandbox.git("fetch", "-q", "origin", "refs/notes/sessiontrace:refs/notes/sessiontrace", in: clone)
        }
        return clone
    }

    @discardableResult
    func trace(_ arguments: String...) async throws -> ProcessOutput {
        try await sandbox.traceArgs(arguments, in: repository)
    }

    @discardableResult
    func git(_ arguments: String...) async throws -> String {
        let output = try await sandbox.run("git", arguments, in: repository)
        guard output.status == 0 else { throw SandboxError(description: "git \(arguments) failed: \(output)") }
        return output.stdout
    }

    /// Commits `text` as `path` and returns the commit id.
    @discardableResult
    func commit(_ text: String, to path: String, message: String = "change") async throws -> String {
        try sandbox.write(text, to: path, in: repository)
        return try await sandbox.commitAll(message, in: repository)
    }

    /// The note lines of a commit, read with plain git.
    func noteLines(_ commit: String) async throws -> [String] {
        try await git("notes", "--ref", "sessiontrace", "show", commit).split(separator: "\n").map(String.init)
    }

    /// Replaces a commit's note with `lines`, as anyone with push access could, with plain git.
    func overwriteNote(_ commit: String, lines: [String]) async throws {
        try await overwriteNote(commit, bytes: Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// Replaces a commit's note with exactly `bytes` (`git notes add -C` stores a blob verbatim).
    func overwriteNote(_ commit: String, bytes: [UInt8]) async throws {
        let file = sandbox.root.appendingPathComponent("note-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        let blob = try await git("hash-object", "-w", file.path).trimmingCharacters(in: .newlines)
        try await git("notes", "--ref", "sessiontrace", "add", "-f", "-C", blob, commit)
    }

    func verify(_ extra: String...) async throws -> ProcessOutput {
        try await verify(extra)
    }

    func verify(_ extra: [String]) async throws -> ProcessOutput {
        try await sandbox.traceArgs(["verify", "--trust", trustFile.path] + extra, in: repository)
    }

    /// The signing key `git trace keygen` wrote.
    func signingKey() throws -> SigningKey { try SigningKey(contentsOfFile: keyPath) }
}

extension ProcessOutput {
    /// True when the command failed the way the product promises: a non-zero exit and
    /// exactly one line on stderr, with no Swift runtime trace.
    var failedCleanly: Bool {
        status != 0 && stderrLines.count == 1 && !stderr.contains("Fatal error") && !stderr.contains("Stack dump")
    }
}

/// Re-encodes an envelope line with a changed payload or signature, bypassing signing.
func tamper(_ line: String, payload: (inout [UInt8]) -> Void = { _ in }, signature: (inout [UInt8]) -> Void = { _ in })
    throws -> String
{
    let envelope = try Envelope(line: line)
    var payloadBytes = envelope.payload
    payload(&payloadBytes)
    var signatureBytes = envelope.signatures[0].bytes
    signature(&signatureBytes)
    return Envelope(
        payload: payloadBytes, payloadType: envelope.payloadType,
        signatures: [Envelope.Signature(keyID: envelope.signatures[0].keyID, bytes: signatureBytes)]
    ).line
}
