import CanonicalJSON
import Foundation
import Git
import Keys
import Ledger
import Records
import Signing
import TestSupport
import Testing
import Verification

/// `git trace verify` as a use case, in process: what each output format says about a
/// ledger with a good record, a tampered one and one by a key nobody trusts.
@Suite struct AuditTests {
    struct Ledger {
        let sandbox: Sandbox
        let directory: URL
        let repository: Repository
        let commits: [ObjectID]
        let trustFile: String
    }

    /// Three commits each adding one line, each with a record: by the trusted key, by
    /// the trusted key but altered after signing, by a key not in the trust file.
    func makeLedger() async throws -> Ledger {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        var commits = [ObjectID]()
        for index in 1...3 {
            try sandbox.write(numberedLines(index), to: "a.txt", in: directory)
            commits.append(ObjectID(hex: try await sandbox.commitAll("c\(index)", in: directory))!)
        }
        let repository = try Repository(discoveringFrom: directory.path)
        let trusted = try SigningKey.generate(), stranger = try SigningKey.generate()
        var lines = [ObjectID: [String]]()
        for (index, commit) in commits.enumerated() {
            let key = index == 2 ? stranger : trusted
            let statement = try RecordBuilder(repository: repository).attribution(
                for: commit,
                claims: [
                    LineClaim(path: "a.txt", lines: [(index + 1)...(index + 1)], contributor: Contributor(type: .human))
                ],
                signer: SigningIdentity(key: key, email: "alice@example.com", keyPath: "memory"),
                recordedAt: 1_790_000_000)
            var line = try RecordBuilder.sign(statement, with: key).line
            if index == 1 { line = line.replacingOccurrences(of: "\"payload\":\"", with: "\"payload\":\"A") }
            lines[commit] = [line]
        }
        try NotesLedger(repository: repository).append(lines, message: "records")
        let trustFile = try sandbox.write(
            "alice@example.com \(trusted.publicKey.openSSH)\n", to: "allowed_signers", in: sandbox.root
        ).path
        return Ledger(
            sandbox: sandbox, directory: directory, repository: repository, commits: commits, trustFile: trustFile)
    }

    @Test func eachFormatReportsEveryProblemOnItsCommit() async throws {
        let ledger = try await makeLedger()
        var warnings = [String]()
        let trust = try #require(
            try ChosenTrust.load(trustFile: ledger.trustFile, revokedFile: nil, repository: ledger.repository) {
                warnings.append($0)
            })
        #expect(!trust.fromRepository)
        let audit = try Audit.run(Audit.Request(), trust: trust, repository: ledger.repository) { warnings.append($0) }
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(!audit.succeeded)
        #expect(audit.result.recordsChecked == 3 && audit.result.verified.count == 1)
        let problems = Dictionary(
            audit.result.problems.map { ($0.commit, $0.code) }, uniquingKeysWith: { first, _ in first })
        #expect(problems[ledger.commits[0]] == nil)
        #expect(problems[ledger.commits[2]] == .untrustedKey, "\(audit.result.problems)")
        #expect(problems[ledger.commits[1]] != nil, "\(audit.result.problems)")

        // Text: one line per problem, then the summary.
        let text = audit.textLines
        #expect(text.count == audit.result.problems.count + 1)
        #expect(
            text.last
                == "\(audit.result.problems.count) problems: 1 of 3 records on 3 commits verified with \(ledger.trustFile)"
        )

        // JSON: the counts and each problem with its commit and code.
        let json = try JSONValue(parsing: audit.json.canonicalString)
        #expect(
            json["records"] == .integer(3) && json["verified"] == .integer(1)
                && json["trust_file_from_repository"] == .bool(false))
        let listed = json["problems"]?.arrayValue ?? []
        #expect(listed.count == audit.result.problems.count)
        #expect(
            listed.contains {
                $0["commit"]?.stringValue == ledger.commits[2].hex && $0["code"]?.stringValue == "untrusted-key"
            })

        // SARIF 2.1.0: one error result per problem, at its commit, every rule declared.
        let sarif = audit.sarif
        #expect(sarif["version"] == .string("2.1.0"))
        let run = try #require(sarif["runs"]?.arrayValue?.first)
        let results = run["results"]?.arrayValue ?? []
        #expect(results.count == audit.result.problems.count)
        let rules = Set((run["tool"]?["driver"]?["rules"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
        #expect(rules == Set(Problem.Code.allCases.map(\.rawValue)))
        for result in results {
            #expect(result["level"] == .string("error"))
            #expect(rules.contains(result["ruleId"]?.stringValue ?? ""))
            let location = result["locations"]?.arrayValue?.first?["logicalLocations"]?.arrayValue?.first
            #expect(location?["kind"] == .string("commit"))
            #expect(ledger.commits.map(\.hex).contains(location?["name"]?.stringValue ?? ""))
        }
    }

    @Test func aRangeOfGoodRecordsSucceedsAndBadInputIsAnAuditError() async throws {
        let ledger = try await makeLedger()
        let trust = try #require(
            try ChosenTrust.load(
                trustFile: ledger.trustFile, revokedFile: nil, repository: ledger.repository, warn: nil))
        let first = try Audit.run(
            Audit.Request(range: ledger.commits[0].hex), trust: trust, repository: ledger.repository
        ) { _ in }
        #expect(first.succeeded, "\(first.result.problems)")
        #expect(first.textLines == ["ok: 1 of 1 records on 1 commits verified with \(ledger.trustFile)"])
        #expect(throws: AuditError.self) {
            _ = try Audit.run(
                Audit.Request(checkpointFile: "/nonexistent/checkpoint"), trust: trust, repository: ledger.repository
            ) { _ in }
        }
        // Without a trust file anywhere there is nothing to verify against.
        #expect(try ChosenTrust.load(trustFile: nil, revokedFile: nil, repository: ledger.repository, warn: nil) == nil)
    }
}
