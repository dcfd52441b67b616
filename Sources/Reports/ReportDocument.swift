import Ledger
import Records

/// The report laid out as sections of sentences and tables: the one layout that the
/// text, markdown, CSV and HTML renderers share, so that they cannot disagree.
struct ReportDocument {
    struct Table {
        var name: String
        var columns: [String]
        var rows: [[String]]
        /// Rows left out of human-readable renderings (the JSON and CSV have them all).
        var omitted = 0
    }

    enum Chart {
        /// Stacked bars of lines by origin, one per label.
        case stacked(title: String, bars: [(label: String, lines: LineCounts)])
        /// The same, each bar scaled to 100 %: shares rather than amounts.
        case shares(title: String, bars: [(label: String, lines: LineCounts)])
    }

    struct Section {
        var id: String
        var title: String
        var paragraphs: [String] = []
        var tables: [Table] = []
        var charts: [Chart] = []
    }

    var title: String
    var warnings: [String]
    var sections: [Section]

    /// Rows shown in text, markdown and HTML for the long tables (evidence).
    static let displayedRows = 500

    init(_ report: Report) {
        title = "SessionTrace report" + (report.framework.map { " — \($0.title)" } ?? "")
        warnings = report.headlineWarnings
        func count(_ value: Int) -> String { String(value) }
        func originRow(_ label: String, _ lines: LineCounts) -> [String] {
            [
                label, count(lines.total), count(lines.ai), count(lines.mixed), count(lines.human),
                count(lines.unknown), percent(lines.originShare(lines.aiWritten)),
            ]
        }
        let originColumns = ["lines added", "ai", "mixed", "human", "unknown", "AI-written"]

        var summary = Section(id: "summary", title: "Summary")
        summary.paragraphs.append(
            "Period: \(report.period.range)"
                + (report.period.since.map { ", from \($0)" } ?? "")
                + (report.period.until.map { ", until \($0) (exclusive)" } ?? "")
                + (report.period.endCommit.map { "; tree at \($0.hex)" } ?? "") + ". Generated \(report.generatedAt).")
        summary.paragraphs.append("\(report.commits) commits, \(report.commitsWithRecords) with a SessionTrace record.")
        if !report.hasNoAttributionData {
            summary.paragraphs.append(
                "AI-written (ai + mixed) share of the lines added: \(percent(report.added.originShare(report.added.aiWritten)))"
                    + (report.surviving.map {
                        "; of the lines in the tree at the end of the period: \(percent($0.originShare($0.aiWritten)))"
                    } ?? "") + ".")
            summary.paragraphs.append(
                "ai: written by an agent and unchanged; mixed: written by an agent, then edited by a person; "
                    + "human: written by a person; unknown: no record covers the line (never counted as human).")
        }
        if let estimates = report.estimates {
            summary.paragraphs.append(
                "\(estimates.commits) commit\(estimates.commits == 1 ? "" : "s") without captured data "
                    + "\(estimates.commits == 1 ? "has" : "have") a signed estimate: see Estimates, "
                    + "apart from every figure here.")
        }
        var origins = Table(
            name: "lines", columns: ["scope"] + originColumns, rows: [originRow("added in the period", report.added)])
        if let surviving = report.surviving { origins.rows.append(originRow("in the tree at the end", surviving)) }
        if report.excluded.total > 0 {
            origins.rows.append(originRow("excluded (generated, vendored, lock files)", report.excluded))
        }
        origins.columns[1] = "lines"
        summary.tables.append(origins)
        summary.charts.append(
            .shares(title: "Share of the lines added, per month", bars: report.byMonth.map { ($0.month, $0.lines) }))
        summary.charts.append(
            .stacked(title: "Lines added per month", bars: report.byMonth.map { ($0.month, $0.lines) }))

        var developers = Section(id: "developers", title: "By developer")
        developers.tables.append(
            Table(
                name: "by_developer", columns: ["developer", "commits"] + originColumns,
                rows: report.byDeveloper.map {
                    ["\($0.name) <\($0.email)>", count($0.commits)] + originRow("", $0.lines).dropFirst()
                }))
        if report.surviving != nil {
            developers.tables.append(
                Table(
                    name: "by_developer_surviving",
                    columns: ["author (tree at the end)", "lines"] + originColumns.dropFirst(),
                    rows: report.survivingByDeveloper.map { originRow($0.email, $0.lines) }))
        }
        developers.charts.append(
            .stacked(
                title: "Lines added per developer", bars: report.byDeveloper.prefix(20).map { ($0.name, $0.lines) }))

        var directories = Section(id: "directories", title: "By directory")
        directories.tables.append(
            Table(
                name: "by_directory", columns: ["directory"] + originColumns,
                rows: report.byDirectory.map { originRow($0.directory, $0.lines) }))

        if report.surviving != nil {
            directories.tables.append(
                Table(
                    name: "by_directory_surviving",
                    columns: ["directory (tree at the end)", "lines"] + originColumns.dropFirst(),
                    rows: report.survivingByDirectory.map { originRow($0.directory, $0.lines) }))
        }

        var months = Section(id: "months", title: "By month")
        months.tables.append(
            Table(
                name: "by_month", columns: ["month"] + originColumns,
                rows: report.byMonth.map { originRow($0.month, $0.lines) }))

        var models = Section(id: "models", title: "Model provenance")
        models.paragraphs.append(
            report.models.isEmpty
                ? "No AI-written lines in the period." : "Every agent and model that wrote lines in the period.")
        models.tables.append(
            Table(
                name: "models", columns: ["agent", "model", "ai", "mixed", "commits", "first use", "last use"],
                rows: report.models.map {
                    [
                        $0.agent, $0.model, count($0.ai), count($0.mixed), count($0.commits),
                        Timestamp.format(unixSeconds: $0.firstUse), Timestamp.format(unixSeconds: $0.lastUse),
                    ]
                }))
        if report.surviving != nil {
            models.tables.append(
                Table(
                    name: "models_surviving",
                    columns: ["agent", "model", "ai in the tree at the end", "mixed in the tree at the end"],
                    rows: report.survivingByModel.map { [$0.agent, $0.model, count($0.ai), count($0.mixed)] }))
        }
        models.charts.append(
            .stacked(
                title: "AI-written lines per model",
                bars: report.models.map { ("\($0.agent) \($0.model)", LineCounts(ai: $0.ai, mixed: $0.mixed)) }))

        var acceptance = Section(id: "acceptance", title: "Acceptance")
        acceptance.paragraphs.append(
            "Acceptance = lines committed (unchanged or edited) ÷ lines the agent wrote, from the sessions in the records. "
                + "Actions are the agent's file edits and commands: offered, run, and turned down by a person (a permission refused)."
        )
        func sessionRow(_ session: Report.Session) -> [String] {
            [
                count(session.written), count(session.committedUnchanged), count(session.committedEdited),
                percent(session.acceptanceBasisPoints), count(session.actionsOffered), count(session.actionsAccepted),
                count(session.actionsRejected),
            ]
        }
        let sessionColumns = [
            "written", "committed unchanged", "committed edited", "acceptance", "actions offered", "accepted",
            "rejected",
        ]
        acceptance.tables.append(
            Table(
                name: "acceptance_by_model", columns: ["agent", "model"] + sessionColumns,
                rows: report.acceptanceByModel.map { [$0.agent, $0.model] + sessionRow($0) }))
        acceptance.tables.append(
            Table(
                name: "acceptance_by_session", columns: ["agent", "session", "model"] + sessionColumns,
                rows: report.sessions.map { [$0.agent, $0.sessionID, $0.model] + sessionRow($0) }))

        var reviews = Section(id: "reviews", title: "Human review coverage")
        let coverage = report.reviews
        reviews.paragraphs.append(
            "Of \(coverage.aiWritten) AI-written lines in \(coverage.commitsWithAI) commits, \(coverage.signedIndependent) "
                + "(\(percent(basisPoints(coverage.signedIndependent, of: coverage.aiWritten)))) are in commits with a verified signed review by someone other than the author. "
                + "Reviewed-by: trailers are unsigned: shown apart, as evidence rather than proof.")
        func reviewRow(_ label: String, _ lines: Int) -> [String] {
            [label, count(lines), percent(basisPoints(lines, of: coverage.aiWritten))]
        }
        reviews.tables.append(
            Table(
                name: "reviews", columns: ["review", "AI-written lines", "share"],
                rows: [
                    reviewRow("signed, by someone other than the author", coverage.signedIndependent),
                    reviewRow("signed by the author only (self-review)", coverage.selfReviewOnly),
                    reviewRow("unsigned Reviewed-by: trailer only", coverage.unsignedOnly),
                    reviewRow("no review", coverage.unreviewed),
                ]))

        var risk = Section(id: "risk", title: "Risk: unreviewed AI lines in sensitive paths")
        if report.sensitivePatterns.isEmpty {
            risk.paragraphs.append(
                "No sensitive paths defined (policy: \(report.policySource)); add sensitive_paths to .sessiontrace/policy.yml or pass --policy FILE."
            )
        } else {
            risk.paragraphs.append(
                "Sensitive paths (\(report.policySource)): \(report.sensitivePatterns.joined(separator: ", ")). "
                    + (report.risk.isEmpty
                        ? "Every AI-written line in them has a signed independent review."
                        : "Ranked by AI-written lines without a signed independent review."))
        }
        risk.tables.append(
            Table(
                name: "risk", columns: ["path", "unreviewed AI lines", "commits", "models"],
                rows: report.risk.map {
                    [
                        $0.path, count($0.lines), $0.commits.map(\.shortHex).joined(separator: " "),
                        $0.models.joined(separator: " "),
                    ]
                }))

        var integrity = Section(id: "integrity", title: "Integrity")
        let checks = report.integrity
        if let source = checks.trustSource {
            integrity.paragraphs.append(
                "Every record used was checked as `git trace verify` does, trusting \(source)"
                    + (checks.trustFromRepository ? " (the repository's own copy: whoever can push can edit it)." : ".")
            )
        } else {
            integrity.paragraphs.append(
                "No trust file: the records' signatures were checked against the keys they name, but nobody vouched for those keys."
            )
        }
        integrity.tables.append(
            Table(
                name: "integrity", columns: ["records", "count"],
                rows: [
                    ["used", count(checks.recordsUsed)], ["verified", count(checks.recordsVerified)],
                    ["not verified", count(checks.recordsUnverified)],
                ] + checks.problems.sorted { $0.key < $1.key }.map { ["problem: \($0.key)", count($0.value)] }))
        integrity.paragraphs += checks.problemLines

        var policy = Section(id: "policy", title: "Policy")
        if let check = report.policyCheck {
            policy.paragraphs.append(
                "Rules in force: \(check.policies.isEmpty ? "none" : check.policies.joined(separator: ", ")) (each commit judged by the policy of its parent). "
                    + "\(check.violations.count) violations: \(check.errors) errors, \(check.warnings) warnings, \(check.waived) waived by an approver's signed waiver."
            )
            policy.tables.append(
                Table(
                    name: "policy", columns: ["commit", "path", "lines", "rule", "severity", "status", "why"],
                    rows: check.violations.map { violation in
                        [
                            violation.commit, violation.path ?? "-",
                            RangeList.format(violation.lines), violation.rule.rawValue, violation.severity.rawValue,
                            violation.waivedBy.map { "waived by \($0.email): \($0.reason)" } ?? "open",
                            violation.message,
                        ]
                    }))
        } else {
            policy.paragraphs.append(
                "Not evaluated: rules are judged on verified records only, and this report has no trust file (--trust)."
            )
        }
        var sections = [
            summary, developers, directories, months, models, acceptance, reviews, risk, policy, integrity,
        ]
        if let estimates = report.estimates { sections.insert(Self.estimatesSection(estimates), at: 1) }
        if let framework = report.framework {
            var mapping = Section(id: "framework", title: "Framework mapping: \(framework.title)")
            mapping.paragraphs.append(
                "The controls this evidence supports, with its figures and the gaps it shows. Whether a control is met is the auditor's judgement."
            )
            mapping.tables.append(
                Table(
                    name: "controls", columns: ["control", "title", "status", "figures", "gaps"],
                    rows: report.controls.map {
                        [
                            $0.id, $0.title, $0.status, $0.figures.joined(separator: "; "),
                            $0.gaps.isEmpty ? "none" : $0.gaps.joined(separator: "; "),
                        ]
                    }))
            sections.insert(mapping, at: 1)
        }
        if !report.excludedPaths.isEmpty || report.includesGenerated {
            var excluded = Section(id: "excluded", title: "Excluded paths")
            excluded.paragraphs.append(
                report.includesGenerated
                    ? "Generated, vendored and lock files are included (--include-generated)."
                    : "Left out of every figure above: files .gitattributes marks linguist-generated or linguist-vendored, and lock files (--include-generated keeps them)."
            )
            excluded.tables.append(
                Table(
                    name: "excluded", columns: ["path", "reason"],
                    rows: report.excludedPaths.sorted { $0.key < $1.key }.map { [$0.key, $0.value] }))
            sections.append(excluded)
        }
        var evidence = Section(id: "evidence", title: "Evidence appendix")
        evidence.paragraphs.append(
            "Commits with records and the digests of those records (sha256 of the note line), so that an auditor can sample them: `git notes --ref sessiontrace show <commit>`."
        )
        evidence.tables.append(
            Table(
                name: "evidence",
                columns: [
                    "commit", "time", "author", "attribution record", "review records", "waiver records",
                    "estimate record",
                    "verified",
                    "ai", "mixed", "human", "unknown",
                ],
                rows: report.evidence.map {
                    [
                        $0.commit.hex, Timestamp.format(unixSeconds: $0.time), $0.author, $0.attributionDigest ?? "-",
                        $0.reviewDigests.joined(separator: " "), $0.waiverDigests.joined(separator: " "),
                        $0.estimateDigest ?? "-", $0.verified ? "yes" : "no", count($0.lines.ai), count($0.lines.mixed),
                        count($0.lines.human),
                        count($0.lines.unknown),
                    ]
                }))
        sections.append(evidence)
        self.sections = sections
    }

    /// Estimates for history without capture (spec/reports.md §3.3): said to be
    /// estimates in every sentence that gives a number, and never mixed with the records.
    static func estimatesSection(_ estimates: Report.Estimates) -> Section {
        var section = Section(id: "estimates", title: "Estimates for history without capture")
        section.paragraphs.append(estimates.sentence)
        section.paragraphs.append(
            "These are a classifier's signed estimates (git trace classify --record; spec/classifier.md), not captured data: "
                + "they are not part of any other figure of this report, where those lines stay unknown.")
        section.tables.append(
            Table(
                name: "estimates",
                columns: [
                    "model", "commits", "lines scored", "without share calibration", "estimated AI lines",
                    "95 % interval", "estimated AI share",
                ],
                rows: estimates.byModel.map {
                    let figures = $0.figures
                    return [
                        $0.model, String($0.commits), String(figures.linesScored),
                        String(figures.linesWithoutCalibration), figures.estimatedAILines.map(String.init) ?? "—",
                        figures.interval.map { "\($0.low)–\($0.high)" } ?? "—", percent(figures.shareBP),
                    ]
                }))
        return section
    }
}
