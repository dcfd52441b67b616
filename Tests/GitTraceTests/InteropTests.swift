import Foundation
import TestSupport
import Testing

/// Records made by `git trace` verify with securesystemslib's DSSE implementation
/// (installed by `make test` into .build/interop-venv, or SESSIONTRACE_INTEROP_PYTHON).
@Suite struct InteropTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func python() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["SESSIONTRACE_INTEROP_PYTHON"], !explicit.isEmpty {
            return explicit
        }
        let venv = InteropTests.packageRoot.appendingPathComponent(".build/interop-venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            throw SandboxError(
                description: "securesystemslib is not installed: run 'make interop-venv' (make test does)")
        }
        return venv
    }

    /// Both record formats: version 2 is SessionTrace's own statement in the same DSSE
    /// envelope, so any DSSE implementation verifies it.
    @Test(arguments: [1, 2]) func envelopesVerifyWithSecuresystemslib(format: Int) async throws {
        let python = try python()
        let script = InteropTests.packageRoot.appendingPathComponent("Tests/Interop/dsse_verify.py").path
        let fixture = try await Fixture.make()
        try await fixture.git("config", "sessiontrace.recordFormat", "\(format)")
        let commit = try await fixture.commit(numberedLines(30), to: "src/ünïcode name.swift")
        #expect(
            try await fixture.trace(
                "record", "HEAD", "--file", "src/ünïcode name.swift", "--lines", "1-10,12", "--agent", "claude-code",
                "--model", "claude-sonnet-4-5", "--session", "s\"1"
            ).status == 0)
        #expect(
            try await fixture.trace(
                "record", "HEAD", "--file", "src/ünïcode name.swift", "--lines", "20-30", "--origin", "human"
            ).status == 0)
        let lines = try await fixture.noteLines(commit)
        #expect(lines.count == 2)
        let accepted = try await fixture.sandbox.run(
            python, [script, fixture.trustFile.path, commit], input: lines.joined(separator: "\n") + "\n")
        #expect(accepted.status == 0, "\(accepted)")
        #expect(accepted.stdout == "verified 2\n")

        // The same independent check rejects a tampered record, so it is not a rubber stamp.
        let altered = try tamper(lines[0], signature: { $0[1] ^= 0x10 })
        let rejected = try await fixture.sandbox.run(
            python, [script, fixture.trustFile.path, commit], input: altered + "\n")
        #expect(rejected.status == 1, "\(rejected)")
        #expect(rejected.stdout.hasPrefix("line 1: "))
    }

    @Test func specVectorVerifiesWithSecuresystemslib() async throws {
        let python = try python()
        let script = InteropTests.packageRoot.appendingPathComponent("Tests/Interop/dsse_verify.py").path
        let vectors = InteropTests.packageRoot.appendingPathComponent("spec/vectors/attribution-v1")
        let line = try String(contentsOf: vectors.appendingPathComponent("envelope.jsonl"), encoding: .utf8)
        let sandbox = try Sandbox()
        let result = try await sandbox.run(
            python,
            [
                script, vectors.appendingPathComponent("allowed_signers").path,
                "0123456789abcdef0123456789abcdef01234567",
            ], input: line)
        #expect(result.stdout == "verified 1\n", "\(result)")
    }
}
