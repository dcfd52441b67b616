import CanonicalJSON
import Ledger
import Records

extension Report {
    /// The report as canonical JSON (spec/reports.md §3.7): the reference every other
    /// format renders.
    package var json: JSONValue {
        func integer(_ value: Int) -> JSONValue { .integer(Int64(value)) }
        func share(_ value: Int?) -> JSONValue { value.map { .integer(Int64($0)) } ?? .null }
        func time(_ seconds: Int64) -> JSONValue { .string(Timestamp.format(unixSeconds: seconds)) }
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        var members: JSONObject = [
            "report": .string("sessiontrace-report/v1"),
            "generated_at": .string(generatedAt),
            "period": .object([
                "range": .string(period.range), "since": optional(period.since), "until": optional(period.until),
                "end_commit": optional(period.endCommit?.hex),
            ]),
            "attribution_data": .bool(!hasNoAttributionData),
            "warnings": .array(headlineWarnings.map(JSONValue.string)),
            "commits": integer(commits),
            "commits_with_records": integer(commitsWithRecords),
            "lines_added": added.json,
            "lines_surviving": surviving?.json ?? .null,
            "lines_surviving_by_developer": .array(
                survivingByDeveloper.map { .object(["email": .string($0.email), "lines": $0.lines.json]) }),
            "lines_surviving_by_directory": .array(
                survivingByDirectory.map { .object(["directory": .string($0.directory), "lines": $0.lines.json]) }),
            "lines_surviving_by_model": .array(
                survivingByModel.map {
                    .object([
                        "agent": .string($0.agent), "model_id": .string($0.model), "ai": integer($0.ai),
                        "mixed": integer($0.mixed),
                    ])
                }),
            "excluded": .object([
                "included_by_flag": .bool(includesGenerated),
                "lines": excluded.json,
                "paths": .array(
                    excludedPaths.sorted { $0.key < $1.key }.map {
                        .object(["path": .string($0.key), "reason": .string($0.value)])
                    }),
            ]),
            "by_developer": .array(
                byDeveloper.map {
                    .object([
                        "name": .string($0.name), "email": .string($0.email), "commits": integer($0.commits),
                        "lines": $0.lines.json,
                    ])
                }),
            "by_directory": .array(
                byDirectory.map { .object(["directory": .string($0.directory), "lines": $0.lines.json]) }),
            "by_month": .array(byMonth.map { .object(["month": .string($0.month), "lines": $0.lines.json]) }),
            "models": .array(
                models.map {
                    .object([
                        "agent": .string($0.agent), "model_id": .string($0.model), "ai": integer($0.ai),
                        "mixed": integer($0.mixed),
                        "commits": integer($0.commits), "first_use": time($0.firstUse), "last_use": time($0.lastUse),
                    ])
                }),
            "acceptance": .object([
                "sessions": .array(sessions.map { sessionJSON($0, naming: true) }),
                "by_model": .array(acceptanceByModel.map { sessionJSON($0, naming: false) }),
            ]),
            "reviews": .object([
                "ai_written_lines": integer(reviews.aiWritten),
                "signed_independent": integer(reviews.signedIndependent),
                "signed_independent_bp": share(basisPoints(reviews.signedIndependent, of: reviews.aiWritten)),
                "self_review_only": integer(reviews.selfReviewOnly),
                "unsigned_trailer_only": integer(reviews.unsignedOnly),
                "unreviewed": integer(reviews.unreviewed),
                "commits_with_ai": integer(reviews.commitsWithAI),
                "commits_signed_independent": integer(reviews.commitsSignedIndependent),
            ]),
            "risk": .object([
                "policy": .string(policySource),
                "sensitive_paths": .array(sensitivePatterns.map(JSONValue.string)),
                "unreviewed_ai_lines": .array(
                    risk.map {
                        .object([
                            "path": .string($0.path), "lines": integer($0.lines),
                            "commits": .array($0.commits.map { .string($0.hex) }),
                            "models": .array($0.models.map(JSONValue.string)),
                        ])
                    }),
            ]),
            "integrity": .object([
                "trust_file": optional(integrity.trustSource),
                "trust_file_from_repository": .bool(integrity.trustFromRepository),
                "records_used": integer(integrity.recordsUsed),
                "records_verified": integer(integrity.recordsVerified),
                "records_unverified": integer(integrity.recordsUnverified),
                "problems": .object(JSONObject(integrity.problems.mapValues { JSONValue.integer(Int64($0)) })),
                "problem_lines": .array(integrity.problemLines.map(JSONValue.string)),
                "all_verified": .bool(integrity.verifiedAll),
            ]),
            "policy": policyCheck?.json ?? .null,
            "estimates": estimates?.json ?? .null,
            "evidence": .array(
                evidence.map {
                    .object([
                        "commit": .string($0.commit.hex), "time": time($0.time), "author": .string($0.author),
                        "attribution_record": optional($0.attributionDigest),
                        "review_records": .array($0.reviewDigests.map(JSONValue.string)),
                        "waiver_records": .array($0.waiverDigests.map(JSONValue.string)),
                        "estimate_record": optional($0.estimateDigest),
                        "verified": .bool($0.verified), "lines": $0.lines.json,
                    ])
                }),
        ]
        if let framework {
            members["framework"] = .object([
                "id": .string(framework.rawValue), "title": .string(framework.title),
                "controls": .array(
                    controls.map {
                        .object([
                            "id": .string($0.id), "title": .string($0.title), "status": .string($0.status),
                            "figures": .array($0.figures.map(JSONValue.string)),
                            "gaps": .array($0.gaps.map(JSONValue.string)),
                        ])
                    }),
            ])
        } else {
            members["framework"] = .null
        }
        return .object(members)
    }

    /// One session's acceptance, or (`naming: false`) a sum over an agent and model's sessions.
    private func sessionJSON(_ session: Session, naming: Bool) -> JSONValue {
        var members: JSONObject = [
            "agent": .string(session.agent), "model_id": .string(session.model),
            "lines_written": .integer(Int64(session.written)),
            "lines_committed_unchanged": .integer(Int64(session.committedUnchanged)),
            "lines_committed_edited": .integer(Int64(session.committedEdited)),
            "acceptance_bp": session.acceptanceBasisPoints.map { .integer(Int64($0)) } ?? .null,
            "actions_offered": .integer(Int64(session.actionsOffered)),
            "actions_accepted": .integer(Int64(session.actionsAccepted)),
            "actions_rejected": .integer(Int64(session.actionsRejected)),
        ]
        if naming { members["session_id"] = .string(session.sessionID) }
        return .object(members)
    }
}

extension Report.Estimates {
    /// `estimates` (spec/reports.md §3.3), for report and stats alike.
    package var json: JSONValue {
        func members(_ figures: EstimateFigures, commits: Int) -> JSONObject {
            var members = figures.jsonMembers
            members["commits"] = .integer(Int64(commits))
            return members
        }
        var all = members(figures, commits: commits)
        all["lines_unscored"] = .integer(Int64(unscoredLines))
        all["by_model"] = .array(
            byModel.map {
                var entry = members($0.figures, commits: $0.commits)
                entry["model"] = .string($0.model)
                entry["model_sha256"] = .string($0.modelSHA256)
                return .object(entry)
            })
        return .object(all)
    }

    /// One sentence that gives the figures and says they are an estimate.
    package var sentence: String {
        let figures = figures
        let from =
            "from \(commits) commit\(commits == 1 ? "" : "s") without an attribution record; "
            + "\(unscoredLines) lines they added carried no signal and were not scored"
        let uncalibrated =
            figures.linesWithoutCalibration == 0
            ? ""
            : "; \(figures.linesWithoutCalibration) lines scored by a model without a share calibration known here "
                + "are in no figure (classify them again with this git-trace)"
        guard let share = figures.shareBP, let estimated = figures.estimatedAILines, let interval = figures.interval
        else { return "Estimated AI share of lines without capture: unknown, \(from)\(uncalibrated)." }
        return "Estimated AI share of lines without capture: \(percent(share)) "
            + "(\(estimated) of \(figures.readableLines) lines scored, 95 % interval \(interval.low)–\(interval.high) lines), "
            + from + uncalibrated + "."
    }
}
