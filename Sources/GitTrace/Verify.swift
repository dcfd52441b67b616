import ArgumentParser
import CanonicalJSON
import Foundation
import Git
import Hex
import Ledger
import Records
import Signing
import Verification

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify every SessionTrace record against the keys you trust.",
        discussion: """
            Checks each record on the commits in <range> (default: every note): the
            signature is by a key in the trust file, valid for the signer's email at the
            record's time (valid-after/valid-before), the record names the commit it is
            attached to, its bytes are canonical and its schema holds (spec/records.md §7).
            With --content, each line range is also checked against the commit's file: it
            lies inside the file and matches its content hash. That reads every file a
            record names, as `git log -p` does, so it takes several times longer.

            The trust file is OpenSSH's allowed_signers format. Without --trust, the
            repository's own .sessiontrace/allowed_signers at HEAD is used, with a warning:
            anyone who can push can edit it.

              git trace verify --trust ~/audit/allowed_signers
              git trace verify main~50..main --json

            Exit status: 0 when every record holds, 1 with one line per problem,
            2 when verification could not run.
            """
    )

    @Argument(help: ArgumentHelp("Commits to check, as 'A..B' or a revision and its ancestors (default: all notes).", valueName: "range"))
    var range: String?

    @OptionGroup var trustOptions: TrustOptions

    @Option(name: .customLong("since-checkpoint"), help: ArgumentHelp("Also prove that every record this checkpoint covered is still there.", valueName: "file"))
    var checkpoint: String?


    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }

    @Option(help: ArgumentHelp("text (default), json or sarif.", valueName: "format"))
    var format: Format = .text

    @Flag(help: "Same as --format json.")
    var json = false

    @Flag(help: ArgumentHelp("Remember verified notes (in .git/sessiontrace/verify-cache) and skip them next time.",
                             discussion: "Keyed by each note's blobs and by the trust file, revoked keys and tool version in use."))
    var cache = false

    @Flag(help: "Also check every attributed line range against the file in its commit.")
    var content = false

    @Option(help: ArgumentHelp("Threads to verify on (default: all cores).", valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs \(jobs): give a number of threads of 1 or more") }
    }

    func run() throws {
        let repository = try openRepository()
        guard let loaded = try trustOptions.load(repository: repository) else {
            throw CommandFailure("no trust file: pass --trust FILE (an allowed_signers file) or commit \(TrustFile.repositoryPath)")
        }
        let signers = loaded.signers, source = loaded.source, revokedKeys = loaded.revoked
        let commits: [ObjectID]?
        let boundary = try repository.shallowBoundary()
        if let range {
            if repository.hasNoCommits { throw CommandFailure("repository has no commits yet") }
            commits = try repository.commits(inRange: range)
        } else {
            commits = nil
        }
        // A shallow clone (CI checkouts are, by default) has no history past its
        // boundary: the range walk stops there, and says so.
        let reached = commits.map { Set($0) } ?? []
        let stoppedAt = boundary.filter { reached.contains($0) }.sorted { $0.hex < $1.hex }
        if !stoppedAt.isEmpty {
            let names = stoppedAt.prefix(3).map(\.shortHex).joined(separator: ", ") + (stoppedAt.count > 3 ? ", …" : "")
            printError("warning: shallow clone: verified \(range!) down to its boundary (\(names)); the commits before it are not in this clone and were not verified: run 'git fetch --unshallow' to verify them")
        }
        let format = json ? .json : self.format
        let verificationCache = cache
            ? VerificationCache(gitDirectory: repository.gitDirectory, trust: signers, revoked: revokedKeys, checksContent: content) : nil
        if let why = verificationCache?.ignoredBecause { printError("warning: \(why)") }
        var opened: Checkpoint?
        var coverage: Verifier.Coverage?
        if let checkpoint {
            guard let data = FileManager.default.contents(atPath: checkpoint), let text = String(data: data, encoding: .utf8) else {
                throw CommandFailure("cannot read checkpoint \(checkpoint)")
            }
            let (checkpointRead, signer) = try Checkpoint.open(text, trust: signers)
            opened = checkpointRead
            if format == .text { print("checkpoint of \(checkpointRead.size) records at \(checkpointRead.time), signed by \(signer)") }
            if let notesCommit = ObjectID(hex: checkpointRead.notesCommit), (try? repository.commit(notesCommit)) != nil {
                let digests = try Checkpoint.leaves(repository: repository, notesCommit: notesCommit).map { "sha256:" + $0.hexString }
                coverage = Verifier.Coverage(time: Timestamp.parse(checkpointRead.time)!, digests: Set(digests))
            }
        }
        var result = try Verifier(ledger: NotesLedger(repository: repository), trust: signers, revoked: revokedKeys, coverage: coverage,
                                  checksContent: content)
            .verify(commits: commits, workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount, cache: coverage == nil ? verificationCache : nil)
        verificationCache?.save()
        if trustOptions.trust != nil { result.warnings += try TrustFile.repositoryDifferences(from: signers, repository: repository) }
        if let opened { result.problems += try opened.audit(repository: repository) }
        if format == .sarif {
            print(SARIF.document(result).canonicalString)
        } else if format == .json {
            print(JSONValue.object([
                "trust_file": .string(signers.source),
                "trust_file_from_repository": .bool(source != .file(signers.source)),
                "commits_with_notes": .integer(Int64(result.commitsWithNotes)),
                "records": .integer(Int64(result.recordsChecked)),
                "verified": .integer(Int64(result.verified.count + result.cachedRecords)),
                "cached": .integer(Int64(result.cachedRecords)),
                "content_checked": .bool(content),
                "shallow_boundary": .array(stoppedAt.map { .string($0.hex) }),
                "problems": .array(result.problems.map(problemJSON)),
                "warnings": .array(result.warnings.map(problemJSON)),
            ]).canonicalString)
        } else {
            for problem in result.problems { print(problem.line) }
            for warning in result.warnings { print(warning.line) }
            let verifiedCount = result.verified.count + result.cachedRecords
            let cached = result.cachedRecords > 0 ? " (\(result.cachedRecords) from the cache)" : ""
            let scope = content ? ", line ranges checked against the files" : ""
            let summary = "\(verifiedCount) of \(result.recordsChecked) records on \(result.commitsWithNotes) commits verified with \(signers.source)\(scope)\(cached)"
            if result.problems.isEmpty {
                print("ok: \(summary)")
            } else {
                print("\(result.problems.count) problem\(result.problems.count == 1 ? "" : "s"): \(summary)")
            }
        }
        if !result.problems.isEmpty { throw ExitCode(1) }
    }

    private func problemJSON(_ problem: Problem) -> JSONValue {
        var members: JSONObject = [
            "commit": .string(problem.commit.hex), "code": .string(problem.code.rawValue), "message": .string(problem.message),
        ]
        if let record = problem.record { members["record"] = .integer(Int64(record)) }
        if let digest = problem.recordDigest { members["digest"] = .string(digest) }
        return .object(members)
    }
}

/// SARIF 2.1.0, for code-scanning dashboards: one result per problem or warning,
/// located at the commit (a logical location) with the record digest as fingerprint.
enum SARIF {
    static func document(_ result: VerificationResult) -> JSONValue {
        let findings = result.problems + result.warnings
        let rules = Problem.Code.allCases.map { code in
            JSONValue.object(["id": .string(code.rawValue), "shortDescription": .object(["text": .string("SessionTrace \(code.rawValue)")])])
        }
        let results = findings.map { finding -> JSONValue in
            var members: JSONObject = [
                "ruleId": .string(finding.code.rawValue),
                "level": .string(finding.code.isWarning ? "warning" : "error"),
                "message": .object(["text": .string(finding.line)]),
                "locations": .array([.object(["logicalLocations": .array([.object([
                    "name": .string(finding.commit.hex), "kind": .string("commit"),
                    "fullyQualifiedName": .string(finding.record.map { "\(finding.commit.hex)/record/\($0)" } ?? finding.commit.hex),
                ])])])]),
            ]
            if let digest = finding.recordDigest { members["partialFingerprints"] = .object(["recordDigest": .string(digest)]) }
            return .object(members)
        }
        return .object([
            "version": .string("2.1.0"),
            "runs": .array([.object([
                "tool": .object(["driver": .object([
                    "name": .string("git-trace"), "version": .string(RecordBuilder.toolVersion), "rules": .array(rules),
                ])]),
                "results": .array(results),
            ])]),
        ])
    }
}
