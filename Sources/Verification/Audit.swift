import CanonicalJSON
import Diagnostics
import Foundation
import Git
import Hex
import Ledger
import Records

/// The keys an auditor chose to trust (`--trust`, `--revoked`; spec/records.md §6),
/// else the repository's own trust file at HEAD, which anyone who can push can edit:
/// loading it says so through `warn`.
package struct ChosenTrust: Sendable {
    package let signers: AllowedSigners
    package let source: TrustSource
    package let revoked: Set<String>

    /// Whether the signers came from the repository rather than a file the auditor named.
    package var fromRepository: Bool { source != .file(signers.source) }
    package var recordTrust: RecordTrust { RecordTrust(signers: signers, revoked: revoked) }

    /// The trust file named (else the repository's at HEAD) and the revoked keys; nil
    /// when there is no trust file at all. Warnings (the repository's file is used, lines
    /// ignored) go to `warn` when it is given.
    package static func load(
        trustFile: String?, revokedFile: String?, repository: Repository,
        warn: ((String) -> Void)?
    ) throws -> ChosenTrust? {
        guard let (signers, source) = try TrustFile.load(explicitPath: trustFile, repository: repository) else {
            if revokedFile != nil {
                _ = try RevokedKeys.load(explicitPath: revokedFile, repository: repository, fromRepository: false)
            }
            return nil
        }
        if let warn {
            if case .repository(let commit) = source {
                warn(
                    "trusting \(TrustFile.repositoryPath) from HEAD (\(commit.prefix(12))): anyone who can push can edit it; pass --trust FILE to choose the keys yourself"
                )
            }
            for ignored in signers.ignored { warn(ignored) }
        }
        let revoked = try RevokedKeys.load(
            explicitPath: revokedFile, repository: repository, fromRepository: trustFile == nil)
        return ChosenTrust(signers: signers, source: source, revoked: revoked)
    }
}

/// Why `Audit.run` could not verify at all (exit 2), as opposed to the problems it found.
package struct AuditError: UserFacingError {
    package let description: String
}

/// `git trace verify` as a use case: which commits, the checkpoint to hold the ledger
/// to, the cache, the content check; and the result in each output format.
package struct Audit {
    package struct Request: Sendable {
        /// `A..B` or a revision and its ancestors; nil for every note.
        package var range: String?
        /// A signed checkpoint file whose records must all still be on their commits.
        package var checkpointFile: String?
        package var usesCache = false
        package var checksContent = false
        /// Makes estimates again under the content checks (spec/records.md §8.3).
        package var remaker: (any EstimateRemaking)?
        package var workers = ProcessInfo.processInfo.activeProcessorCount
        /// Shows how far the checks have come (`ProgressMeter.wanted`); nil for none.
        package var progress: (@Sendable (Int) -> ProgressMeter)?

        package init(range: String? = nil, checkpointFile: String? = nil) {
            self.range = range
            self.checkpointFile = checkpointFile
        }
    }

    /// What a checkpoint held the ledger to.
    package struct CheckpointUsed: Sendable {
        package let size: Int
        package let time: String
        package let signer: String
    }

    package let trust: ChosenTrust
    package let result: VerificationResult
    package let checksContent: Bool
    /// The shallow clone's boundary commits the range walk stopped at (nothing before
    /// them was verified).
    package let shallowBoundary: [ObjectID]
    package let checkpoint: CheckpointUsed?

    package var succeeded: Bool { result.problems.isEmpty }

    /// Verifies; warnings that are not findings (a cache not used, the shallow boundary)
    /// go to `warn` as they arise.
    package static func run(
        _ request: Request, trust: ChosenTrust, repository: Repository,
        warn: (String) -> Void
    ) throws -> Audit {
        let commits: [ObjectID]?
        if let range = request.range {
            if repository.hasNoCommits { throw AuditError(description: "repository has no commits yet") }
            commits = try repository.commits(inRange: range)
        } else {
            commits = nil
        }
        // A shallow clone (CI checkouts are, by default) has no history past its
        // boundary: the range walk stops there, and says so.
        let reached = commits.map { Set($0) } ?? []
        let stoppedAt = try repository.shallowBoundary().filter { reached.contains($0) }.sorted { $0.hex < $1.hex }
        if let range = request.range, !stoppedAt.isEmpty {
            let names = stoppedAt.prefix(3).map(\.shortHex).joined(separator: ", ") + (stoppedAt.count > 3 ? ", …" : "")
            warn(
                "shallow clone: verified \(range) down to its boundary (\(names)); the commits before it are not in this clone and were not verified: run 'git fetch --unshallow' to verify them"
            )
        }
        let cache =
            request.usesCache
            ? VerificationCache(
                gitDirectory: repository.gitDirectory, trust: trust.signers, revoked: trust.revoked,
                checksContent: request.checksContent)
            : nil
        if let why = cache?.ignoredBecause { warn(why) }
        var opened: Checkpoint?
        var used: CheckpointUsed?
        var coverage: Verifier.Coverage?
        if let path = request.checkpointFile {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else {
                throw AuditError(description: "cannot read checkpoint \(path)")
            }
            let (checkpoint, signer) = try Checkpoint.open(text, trust: trust.signers)
            opened = checkpoint
            used = CheckpointUsed(size: checkpoint.size, time: checkpoint.time, signer: signer)
            if let notesCommit = ObjectID(hex: checkpoint.notesCommit), (try? repository.commit(notesCommit)) != nil {
                let digests = try Checkpoint.leaves(repository: repository, notesCommit: notesCommit).map {
                    "sha256:" + $0.hexString
                }
                coverage = Verifier.Coverage(time: Timestamp.parse(checkpoint.time)!, digests: Set(digests))
            }
        }
        var result = try Verifier(
            ledger: NotesLedger(repository: repository), trust: trust.signers, revoked: trust.revoked,
            coverage: coverage, checksContent: request.checksContent, remaker: request.remaker
        )
        .verify(
            commits: commits, workers: request.workers, cache: coverage == nil ? cache : nil,
            progress: request.progress)
        cache?.save()
        if !trust.fromRepository {
            result.warnings += try TrustFile.repositoryDifferences(from: trust.signers, repository: repository)
        }
        if let opened { result.problems += try opened.audit(repository: repository) }
        return Audit(
            trust: trust, result: result, checksContent: request.checksContent, shallowBoundary: stoppedAt,
            checkpoint: used)
    }

    /// The text output: the checkpoint used, one line per problem and warning, a summary.
    package var textLines: [String] {
        var lines = [String]()
        if let checkpoint {
            lines.append(
                "checkpoint of \(checkpoint.size) records at \(checkpoint.time), signed by \(checkpoint.signer)")
        }
        lines += result.problems.map(\.line) + result.warnings.map(\.line)
        let verifiedCount = result.verified.count + result.cachedRecords
        let cached = result.cachedRecords > 0 ? " (\(result.cachedRecords) from the cache)" : ""
        let scope = checksContent ? ", line ranges checked against the files" : ""
        let summary =
            "\(verifiedCount) of \(result.recordsChecked) records on \(result.commitsWithNotes) commits verified with \(trust.signers.source)\(scope)\(cached)"
        let problems = result.problems.count
        lines.append(problems == 0 ? "ok: \(summary)" : "\(problems) problem\(problems == 1 ? "" : "s"): \(summary)")
        return lines
    }

    /// The JSON output (spec/records.md §7).
    package var json: JSONValue {
        .object([
            "trust_file": .string(trust.signers.source),
            "trust_file_from_repository": .bool(trust.fromRepository),
            "commits_with_notes": .integer(Int64(result.commitsWithNotes)),
            "records": .integer(Int64(result.recordsChecked)),
            "verified": .integer(Int64(result.verified.count + result.cachedRecords)),
            "cached": .integer(Int64(result.cachedRecords)),
            "content_checked": .bool(checksContent),
            "shallow_boundary": .array(shallowBoundary.map { .string($0.hex) }),
            "problems": .array(result.problems.map(\.json)),
            "warnings": .array(result.warnings.map(\.json)),
        ])
    }

    /// SARIF 2.1.0, for code-scanning dashboards: one result per problem or warning,
    /// located at the commit (a logical location) with the record digest as fingerprint.
    package var sarif: JSONValue {
        let rules = Problem.Code.allCases.map { code in
            JSONValue.object([
                "id": .string(code.rawValue),
                "shortDescription": .object(["text": .string("SessionTrace \(code.rawValue)")]),
            ])
        }
        let results = (result.problems + result.warnings).map { finding -> JSONValue in
            var members: JSONObject = [
                "ruleId": .string(finding.code.rawValue),
                "level": .string(finding.code.isWarning ? "warning" : "error"),
                "message": .object(["text": .string(finding.line)]),
                "locations": .array([
                    .object([
                        "logicalLocations": .array([
                            .object([
                                "name": .string(finding.commit.hex), "kind": .string("commit"),
                                "fullyQualifiedName": .string(
                                    finding.record.map { "\(finding.commit.hex)/record/\($0)" } ?? finding.commit.hex),
                            ])
                        ])
                    ])
                ]),
            ]
            if let digest = finding.recordDigest {
                members["partialFingerprints"] = .object(["recordDigest": .string(digest)])
            }
            return .object(members)
        }
        return SARIF.log(rules: rules, results: results, automationID: "sessiontrace/verify/")
    }
}

/// The SARIF 2.1.0 log that `verify` and `check` write: one run of git-trace.
package enum SARIF {
    /// `automationID` (`sessiontrace/check/`) keeps one command's results apart from the
    /// other's in code scanning.
    package static func log(
        rules: [JSONValue], results: [JSONValue], automationID: String, informationURI: String? = nil
    ) -> JSONValue {
        var driver: JSONObject = [
            "name": .string("git-trace"), "version": .string(RecordBuilder.toolVersion), "rules": .array(rules),
        ]
        if let informationURI { driver["informationUri"] = .string(informationURI) }
        return .object([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"),
            "version": .string("2.1.0"),
            "runs": .array([
                .object([
                    "tool": .object(["driver": .object(driver)]),
                    "automationDetails": .object(["id": .string(automationID)]),
                    "results": .array(results),
                ])
            ]),
        ])
    }
}

extension Problem {
    /// A problem or warning in verify's JSON output.
    package var json: JSONValue {
        var members: JSONObject = [
            "commit": .string(commit.hex), "code": .string(code.rawValue), "message": .string(message),
        ]
        if let record { members["record"] = .integer(Int64(record)) }
        if let recordDigest { members["digest"] = .string(recordDigest) }
        return .object(members)
    }
}
