import CanonicalJSON
import Foundation
import Git
import Ledger
import Records
import Signing
import TestSupport
import Testing

/// Each way of tampering with the ledger is caught by `git trace verify` with its own
/// message and exit status 1 (spec/records.md §7).
@Suite struct TamperTests {
    /// A fixture with one AI record on a 10-line file, in record format `format` (the
    /// tests of content hashes and other version 1 members pin 1); returns the commit
    /// and its line.
    func recorded(format: Int = 1) async throws -> (Fixture, String, String) {
        let fixture = try await Fixture.make()
        try await fixture.git("config", "sessiontrace.recordFormat", "\(format)")
        let commit = try await fixture.commit(numberedLines(10), to: "a.txt")
        let output = try await fixture.trace(
            "record", "HEAD", "--file", "a.txt", "--lines", "2-4", "--agent", "claude-code", "--model",
            "claude-sonnet-4-5")
        try #require(output.status == 0, "\(output)")
        let line = try #require(try await fixture.noteLines(commit).first)
        return (fixture, commit, line)
    }

    func expectProblem(
        _ fixture: Fixture, code: String, mentioning text: String, options: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let result = try await fixture.verify(options)
        #expect(result.status == 1, "\(result)", sourceLocation: sourceLocation)
        let problems = result.stdout.split(separator: "\n").filter { $0.contains(": \(code): ") }
        #expect(problems.count == 1, "\(result)", sourceLocation: sourceLocation)
        #expect(problems.first?.contains(text) == true, "\(result)", sourceLocation: sourceLocation)
    }

    /// Version 1 `"start_line":2` becomes 3, version 2's range list `"2-4"` becomes
    /// `"2-5"`: still well-formed statements, no longer what was signed.
    @Test(arguments: [(1, "\"start_line\":2", "\"start_line\":3"), (2, "\"2-4\"", "\"2-5\"")])
    func payloadByteChanged(format: Int, original: String, altered replacement: String) async throws {
        let (fixture, commit, line) = try await recorded(format: format)
        let altered = try tamper(
            line,
            payload: { payload in
                let text = String(decoding: payload, as: UTF8.self)
                #expect(text.contains(original), "\(text)")
                payload = Array(text.replacingOccurrences(of: original, with: replacement).utf8)
            })
        try await fixture.overwriteNote(commit, lines: [altered])
        try await expectProblem(fixture, code: "payload-altered", mentioning: "payload was changed after signing")
        // Machine-readable output names the altered record by its digest.
        let json = try JSONValue(parsing: try await fixture.verify("--json").stdout)
        let problem = try #require(json["problems"]?.arrayValue?.first)
        #expect(problem["digest"] == .string(Envelope.recordDigest(ofLine: altered)), "\(json)")
    }

    @Test func signatureByteChanged() async throws {
        let (fixture, commit, line) = try await recorded()
        try await fixture.overwriteNote(commit, lines: [try tamper(line, signature: { $0[5] ^= 0x01 })])
        try await expectProblem(fixture, code: "signature-altered", mentioning: "signature was changed after signing")
    }

    @Test func alteredRecordWithNoHistoryIsStillABadSignature() async throws {
        let (fixture, commit, line) = try await recorded()
        try await fixture.overwriteNote(commit, lines: [try tamper(line, signature: { $0[5] ^= 0x01 })])
        // Rewrite the notes history so that the original record is gone from it.
        let tree = try await fixture.git("rev-parse", "refs/notes/sessiontrace^{tree}").trimmingCharacters(
            in: .newlines)
        let orphan = try await fixture.git("commit-tree", tree, "-m", "rewritten").trimmingCharacters(in: .newlines)
        try await fixture.git("update-ref", "refs/notes/sessiontrace", orphan)
        try await expectProblem(fixture, code: "bad-signature", mentioning: "signature does not verify")
    }

    @Test func noteCopiedOntoAnotherCommit() async throws {
        let (fixture, commit, line) = try await recorded()
        let other = try await fixture.commit(numberedLines(12), to: "a.txt")
        try await fixture.overwriteNote(other, lines: [line])
        try await expectProblem(
            fixture, code: "subject-mismatch",
            mentioning: "record is about commit \(commit) but is attached to \(other)")
    }

    @Test func recordSignedByAKeyNotInTheTrustFile() async throws {
        let (fixture, _, _) = try await recorded()
        let otherKey = fixture.sandbox.root.appendingPathComponent("mallory.pem").path
        #expect(try await fixture.trace("keygen", "--output", otherKey, "--no-config").status == 0)
        let output = try await fixture.trace(
            "record", "HEAD", "--file", "a.txt", "--lines", "5", "--origin", "human", "--key", otherKey)
        #expect(output.status == 0, "\(output)")
        let mallory = try SigningKey(contentsOfFile: otherKey).publicKey.fingerprint
        try await expectProblem(
            fixture, code: "untrusted-key", mentioning: "signed by \(mallory), which is not in the trust file")
    }

    @Test func keyWhoseValidBeforeLiesBeforeTheRecord() async throws {
        let (fixture, _, _) = try await recorded()
        let fields = fixture.signerLine.split(separator: " ", maxSplits: 1)
        try Data("\(fields[0]) valid-before=\"20200101Z\" \(fields[1])\n".utf8).write(to: fixture.trustFile)
        try await expectProblem(
            fixture, code: "key-expired", mentioning: "expired at 2020-01-01T00:00:00Z (valid-before)")
    }

    @Test func keyNotYetValidAtTheRecord() async throws {
        let (fixture, _, _) = try await recorded()
        let fields = fixture.signerLine.split(separator: " ", maxSplits: 1)
        try Data("\(fields[0]) valid-after=\"29990101Z\" \(fields[1])\n".utf8).write(to: fixture.trustFile)
        try await expectProblem(fixture, code: "key-not-yet-valid", mentioning: "valid only from 2999-01-01T00:00:00Z")
    }

    @Test func signerEmailNotAllowedForTheKey() async throws {
        let (fixture, _, _) = try await recorded()
        let fields = fixture.signerLine.split(separator: " ", maxSplits: 1)
        try Data("someone-else@example.com \(fields[1])\n".utf8).write(to: fixture.trustFile)
        try await expectProblem(
            fixture, code: "principal-mismatch", mentioning: "not allowed to sign as alice@example.com")
    }

    /// Replaces the record with one correctly signed by the trusted key but with its
    /// first range changed: the forgery only an insider with the key could make.
    func forgeFirstRange(format: Int = 1, _ change: (inout Attribution) -> Void) async throws -> Fixture {
        let (fixture, commit, line) = try await recorded(format: format)
        var statement = try Statement(envelope: try Envelope(line: line))
        var attribution = try #require(statement.attribution)
        change(&attribution)
        statement.predicate = .attribution(attribution)
        let forged = try RecordBuilder.sign(statement, with: try fixture.signingKey())
        try await fixture.overwriteNote(commit, lines: [forged.line])
        return fixture
    }

    @Test(arguments: [1, 2]) func lineRangeBeyondTheEndOfTheFile(format: Int) async throws {
        let fixture = try await forgeFirstRange(format: format) { attribution in
            attribution.files[0].ranges[0].endLine = 11
            attribution.totals?.ai = 10
        }
        try await expectProblem(
            fixture, code: "range-outside-file",
            mentioning: "a.txt: lines 2-11 are outside the file, which has 10 lines",
            options: ["--content"])
    }

    @Test func rangeContentDoesNotMatchTheCommit() async throws {
        let fixture = try await forgeFirstRange { attribution in
            attribution.files[0].ranges[0].contentHash = "sha256:" + String(repeating: "0", count: 64)
        }
        try await expectProblem(
            fixture, code: "content-mismatch", mentioning: "a.txt: lines 2-4 do not match their content_hash",
            options: ["--content"])
    }

    @Test func contentChecksAreOptInAndSaySo() async throws {
        let fixture = try await forgeFirstRange { attribution in
            attribution.files[0].ranges[0].contentHash = "sha256:" + String(repeating: "0", count: 64)
        }
        // The signature, binding and trust hold: the signer really made this claim.
        let quick = try await fixture.verify()
        #expect(quick.status == 0, "\(quick)")
        #expect(!quick.stdout.contains("line ranges checked"), "\(quick)")
        let json = try JSONValue(parsing: try await fixture.verify("--json").stdout)
        #expect(json["content_checked"] == .bool(false))
        // A clean record says that its ranges were checked too.
        let (clean, _, _) = try await recorded()
        let full = try await clean.verify("--content")
        #expect(full.status == 0 && full.stdout.contains("line ranges checked against the files"), "\(full)")
    }

    @Test func cacheFromAQuickRunDoesNotVouchForContent() async throws {
        let fixture = try await forgeFirstRange { attribution in
            attribution.files[0].ranges[0].contentHash = "sha256:" + String(repeating: "0", count: 64)
        }
        #expect(try await fixture.verify("--cache").status == 0)
        let deep = try await fixture.verify("--cache", "--content")
        #expect(deep.status == 1 && deep.stdout.contains("content-mismatch"), "\(deep)")
    }

    @Test func noteLineThatIsNotJSON() async throws {
        let (fixture, commit, _) = try await recorded()
        // `git notes append` is how a plain git user would add text to the note.
        try await fixture.git("notes", "--ref", "sessiontrace", "append", "-m", "looks good to me", commit)
        try await expectProblem(fixture, code: "not-json", mentioning: "record 2: not-json: not JSON")
        let shown = try await fixture.trace("show", commit)
        #expect(shown.status == 1)
        #expect(shown.stdout.contains("unreadable: not JSON"))
    }

    @Test func nonCanonicalEnvelopeLine() async throws {
        let (fixture, commit, line) = try await recorded()
        try await fixture.overwriteNote(
            commit, lines: [line.replacingOccurrences(of: "\",\"payloadType\"", with: "\", \"payloadType\"")])
        try await expectProblem(fixture, code: "not-canonical", mentioning: "envelope line is not canonical JSON")
    }

    @Test func unreadableNoteBlob() async throws {
        let (fixture, commit, _) = try await recorded()
        try await fixture.overwriteNote(commit, bytes: [0xff, 0xfe, 0x00, 0x81, 0x0a])
        let result = try await fixture.verify()
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(commit.prefix(12)): unreadable-note: note cannot be read: not UTF-8 text"))
        let shown = try await fixture.trace("show", commit)
        #expect(shown.failedCleanly, "\(shown)")
        #expect(shown.stderr.contains("cannot be read"))
    }

    /// Verifier threads verify in OpenSSL library contexts of their own, configured as
    /// the default one is: a configuration given in OPENSSL_CONF is loaded into them.
    @Test func verificationRunsUnderTheSystemOpenSSLConfiguration() async throws {
        let (fixture, _, _) = try await recorded()
        let configuration = fixture.sandbox.root.appendingPathComponent("openssl.cnf")
        try """
        openssl_conf = openssl_init
        [openssl_init]
        providers = provider_sect
        [provider_sect]
        default = default_sect
        [default_sect]
        activate = 1

        """.write(to: configuration, atomically: true, encoding: .utf8)
        let result = try await fixture.sandbox.run(
            fixture.sandbox.binary, ["verify", "--trust", fixture.trustFile.path, "--jobs", "2"],
            in: fixture.repository,
            environment: ["OPENSSL_CONF": configuration.path])
        #expect(result.status == 0 && result.stdout.contains("1 of 1 records"), "\(result)")
    }

    @Test func untamperedRecordsStillVerifyBesideATamperedOne() async throws {
        let (fixture, commit, line) = try await recorded()
        let second = try await fixture.commit(numberedLines(11), to: "a.txt")
        #expect(
            try await fixture.trace("record", second, "--file", "a.txt", "--lines", "11", "--origin", "human").status
                == 0)
        try await fixture.overwriteNote(commit, lines: [try tamper(line, signature: { $0[0] ^= 0x40 })])
        let result = try await fixture.verify()
        #expect(result.status == 1)
        #expect(
            result.stdout.hasSuffix("1 problem: 1 of 2 records on 2 commits verified with \(fixture.trustFile.path)\n"))
    }
}
