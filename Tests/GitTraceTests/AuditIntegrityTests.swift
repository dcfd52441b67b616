import Foundation
import Ledger
import Signing
import Testing
import TestSupport

/// What `verify` and the reports say must hold under attack and accident: each test
/// here is a way the audit trail was once bent (issue 11), on a real repository with
/// the real binary.
@Suite struct AuditIntegrityTests {
    /// A fixture with one human record on a 5-line file.
    func recorded() async throws -> (Fixture, String) {
        let fixture = try await Fixture.make()
        let commit = try await fixture.commit(numberedLines(5), to: "a.txt")
        let output = try await fixture.trace("record", "HEAD", "--file", "a.txt", "--lines", "1-5", "--origin", "human")
        try #require(output.status == 0, "\(output)")
        return (fixture, commit)
    }

    // MARK: Revoked keys and trust files are read strictly

    @Test func revocationWithCRLFLineEndingsStillRevokes() async throws {
        let (fixture, _) = try await recorded()
        let key = fixture.signerLine.split(separator: " ", maxSplits: 1)[1]
        let fingerprint = try fixture.signingKey().publicKey.fingerprint
        for (name, text) in [
            ("crlf-key", "# compromised\r\n\(key) laptop\r\n"),
            ("crlf-fingerprint", "# compromised\r\n\(fingerprint)\r\n"),
            ("tab-comment", "\(fingerprint)\t# laptop, stolen\n"),
            ("tab-key", "\t\(key)\t# laptop\n"),
        ] {
            let file = try fixture.sandbox.write(text, to: name, in: fixture.sandbox.root)
            let result = try await fixture.verify("--revoked", file.path)
            #expect(result.status == 1, "\(name): \(result)")
            #expect(result.stdout.contains(": revoked-key: signed by \(fingerprint), which is revoked"), "\(name): \(result)")
        }
    }

    @Test func repositoryRevocationFileWithCRLFRevokes() async throws {
        let (fixture, _) = try await recorded()
        let fingerprint = try fixture.signingKey().publicKey.fingerprint
        try fixture.sandbox.write(fixture.signerLine + "\r\n", to: ".sessiontrace/allowed_signers", in: fixture.repository)
        try fixture.sandbox.write("# revoked\r\n\(fingerprint)\r\n", to: ".sessiontrace/revoked_keys", in: fixture.repository)
        try await fixture.sandbox.commitAll("trust", in: fixture.repository)
        let result = try await fixture.trace("verify")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("revoked-key"), "\(result)")
    }

    @Test func malformedRevocationLineIsRefusedNamingFileAndLine() async throws {
        let (fixture, _) = try await recorded()
        let fingerprint = try fixture.signingKey().publicKey.fingerprint
        for (text, line) in [
            ("# ok\n\(fingerprint.dropLast())\n", 2),        // one character short
            ("\(fingerprint.dropLast())!\n", 1),             // not base64
            ("SHA256:\n", 1),
            ("\(fingerprint) trailing words\n", 1),         // not a comment
            ("laptop key\n", 1),                             // no key at all
            ("ssh-ed25519 AAAAnotakey\n", 1),
        ] {
            let file = try fixture.sandbox.write(text, to: "revoked", in: fixture.sandbox.root)
            let result = try await fixture.verify("--revoked", file.path)
            #expect(result.status == 2, "\(text): \(result)")
            #expect(result.failedCleanly, "\(text): \(result)")
            #expect(result.stderr.hasPrefix("fatal: \(file.path):\(line): "), "\(text): \(result)")
        }
    }

    @Test func trustFileWithCRLFTrustsEveryLine() async throws {
        let (fixture, _) = try await recorded()
        let laptopKey = fixture.sandbox.root.appendingPathComponent("laptop.pem").path
        let laptop = try await fixture.trace("keygen", "--output", laptopKey, "--no-config")
        #expect(try await fixture.trace("record", "HEAD", "--file", "a.txt", "--lines", "2", "--origin", "human", "--key", laptopKey).status == 0)
        // The second key's line last: with CRLF read as one line, only the first entry was trusted.
        let text = "# team\r\n\(fixture.signerLine)\r\n\(laptop.stdout.trimmingCharacters(in: .newlines))\r\n"
        try Data(text.utf8).write(to: fixture.trustFile)
        let result = try await fixture.verify()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("ok: 2 of 2 records"), "\(result)")
    }

    @Test func impossibleDateInTrustFileIsRefused() async throws {
        let (fixture, _) = try await recorded()
        let key = fixture.signerLine.split(separator: " ", maxSplits: 1)[1]
        for date in ["20260231", "20250229", "20261301", "20260100", "202602311200Z", "20260230Z"] {
            try Data("alice@example.com valid-before=\"\(date)\" \(key)\n".utf8).write(to: fixture.trustFile)
            let result = try await fixture.verify()
            #expect(result.status == 2, "\(date): \(result)")
            #expect(result.failedCleanly, "\(date): \(result)")
            #expect(result.stderr.contains("\(fixture.trustFile.path):1: valid-before '\(date)' is not a date"), "\(date): \(result)")
        }
        // A real leap day is a date.
        try Data("alice@example.com valid-after=\"20240229\" \(key)\n".utf8).write(to: fixture.trustFile)
        #expect(try await fixture.verify().status == 0)
    }
}
