import Foundation
import Git
import Keys
import Ledger
import Records
import Signing
import TestSupport
import Testing
import Verification

/// Version 2 records verify as version 1 records do, beside them in one ledger.
@Suite struct RecordFormatV2VerificationTests {
    struct Fixture {
        let sandbox: Sandbox
        let repository: Repository
        let commits: [ObjectID]
        let key: SigningKey
        let trust: ChosenTrust

        var identity: SigningIdentity { SigningIdentity(key: key, email: "alice@example.com", keyPath: "memory") }

        /// A version 2 record of `claims` on `commit`, `rest` for the lines they leave.
        func version2(
            _ commit: ObjectID, _ claims: [LineClaim], rest: RangeLabel?, signer: SigningIdentity? = nil
        ) throws -> String {
            var statement = try RecordBuilder(repository: repository).attribution(
                for: commit, claims: claims, signer: signer ?? identity, recordedAt: 1_790_000_000)
            if case .attribution(var attribution) = statement.predicate {
                attribution.rest = rest
                statement.predicate = .attribution(attribution)
            }
            return try RecordBuilder.sign(statement.inVersion2, with: (signer ?? identity).key).line
        }

        func audit() throws -> Audit {
            try Audit.run(Audit.Request(), trust: trust, repository: repository) { _ in }
        }
    }

    static let agent = Contributor(type: .ai, agent: "claude-code", modelID: "anthropic/claude-sonnet-4-5")
    static let person = RangeLabel(contributor: Contributor(type: .human))

    /// c1 adds a.txt (3 lines); c2 adds 3 lines to it and b.txt (2 lines).
    func fixture() async throws -> Fixture {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write(numberedLines(3), to: "a.txt", in: directory)
        let first = ObjectID(hex: try await sandbox.commitAll("c1", in: directory))!
        try sandbox.write(numberedLines(6), to: "a.txt", in: directory)
        try sandbox.write("b1\nb2\n", to: "b.txt", in: directory)
        let second = ObjectID(hex: try await sandbox.commitAll("c2", in: directory))!
        let key = try SigningKey.generate()
        let trustFile = try sandbox.write(
            "alice@example.com \(key.publicKey.openSSH)\n", to: "allowed_signers", in: sandbox.root
        ).path
        let repository = try Repository(discoveringFrom: directory.path)
        let trust = try #require(
            try ChosenTrust.load(trustFile: trustFile, revokedFile: nil, repository: repository, warn: nil))
        return Fixture(sandbox: sandbox, repository: repository, commits: [first, second], key: key, trust: trust)
    }

    @Test func aMixedLedgerVerifies() async throws {
        let fixture = try await fixture()
        let v1 = try RecordBuilder.sign(
            try RecordBuilder(repository: fixture.repository).attribution(
                for: fixture.commits[0], claims: [LineClaim(path: "a.txt", lines: [1...3], contributor: Self.agent)],
                signer: fixture.identity, recordedAt: 1_790_000_000), with: fixture.key
        ).line
        let v2 = try fixture.version2(
            fixture.commits[1], [LineClaim(path: "a.txt", lines: [4...4], contributor: Self.agent)], rest: Self.person)
        #expect(v2.contains(#""payloadType":"application/vnd.sessiontrace.v2+json""#))
        // A record that is all rest lists no file: nothing for range-not-added to check.
        let allHuman = try fixture.version2(fixture.commits[1], [], rest: Self.person)
        try NotesLedger(repository: fixture.repository).append(
            [fixture.commits[0]: [v1], fixture.commits[1]: [v2, allHuman]], message: "records")
        let audit = try fixture.audit()
        #expect(audit.result.problems.isEmpty, "\(audit.result.problems)")
        #expect(audit.result.recordsChecked == 3 && audit.result.verified.count == 3)
    }

    @Test func version2RecordsFailTheChecksVersion1RecordsFail() async throws {
        let fixture = try await fixture()
        let (c1, c2) = (fixture.commits[0], fixture.commits[1])
        // Line 1 of a.txt was added by c1, not c2.
        var statement = try RecordBuilder(repository: fixture.repository).attribution(
            for: c2, claims: [LineClaim(path: "a.txt", lines: [4...6], contributor: Self.agent)],
            signer: fixture.identity, recordedAt: 1_790_000_000
        ).inVersion2
        if case .attribution(var attribution) = statement.predicate {
            attribution.files[0].ranges[0].startLine = 1
            statement.predicate = .attribution(attribution)
        }
        let claimsOldLines = try RecordBuilder.sign(statement, with: fixture.key).line
        let good = try fixture.version2(c2, [], rest: Self.person)
        let tampered = good.replacingOccurrences(of: "\"payload\":\"", with: "\"payload\":\"A")
        let stranger = SigningIdentity(key: try SigningKey.generate(), email: "alice@example.com", keyPath: "memory")
        let untrusted = try fixture.version2(c2, [], rest: Self.person, signer: stranger)
        let wrongPrincipal = try fixture.version2(
            c2, [], rest: Self.person,
            signer: SigningIdentity(key: fixture.key, email: "mallory@example.com", keyPath: "memory"))
        try NotesLedger(repository: fixture.repository).append(
            [c1: [good], c2: [claimsOldLines, tampered, untrusted, wrongPrincipal]], message: "records")
        let codes = Set(try fixture.audit().result.problems.map { "\($0.commit.shortHex) \($0.code.rawValue)" })
        #expect(
            codes == [
                "\(c1.shortHex) subject-mismatch", "\(c2.shortHex) range-not-added", "\(c2.shortHex) untrusted-key",
                "\(c2.shortHex) principal-mismatch",
                "\(c2.shortHex) \(codes.contains("\(c2.shortHex) payload-altered") ? "payload-altered" : "bad-signature")",
            ], "\(codes)")
    }
}
