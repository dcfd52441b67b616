/// The controls of a compliance framework that this evidence supports, each with the
/// figures from the report and the gaps it shows (spec/reports.md §3.6). The mapping
/// says what the records evidence; whether a control is met is the auditor's call.
enum Controls {
    static func evaluate(_ report: Report, framework: Framework) -> [Report.Control] {
        let facts = Facts(report)
        switch framework {
        case .soc2:
            return [
                Report.Control(
                    id: "CC8.1",
                    title:
                        "Change management: changes are authorized, designed, developed, tested, approved and implemented",
                    figures: facts.attribution + facts.review, gaps: facts.reviewGaps + facts.attributionGaps),
                Report.Control(
                    id: "CC7.2", title: "System monitoring: anomalies are detected and analysed",
                    figures: facts.integrity, gaps: facts.integrityGaps),
                Report.Control(
                    id: "CC3.4",
                    title: "Risk assessment: changes that could significantly affect internal control are identified",
                    figures: facts.risk, gaps: facts.riskGaps),
            ]
        case .hipaa:
            return [
                Report.Control(
                    id: "164.312(b)",
                    title: "Audit controls: activity in systems that contain or use ePHI is recorded and examined",
                    figures: facts.attribution + facts.integrity, gaps: facts.attributionGaps + facts.integrityGaps),
                Report.Control(
                    id: "164.312(c)(1)", title: "Integrity: ePHI is protected from improper alteration or destruction",
                    figures: facts.integrity + facts.risk, gaps: facts.integrityGaps + facts.riskGaps),
                Report.Control(
                    id: "164.308(a)(1)(ii)(D)",
                    title: "Information system activity review: records of activity are regularly reviewed",
                    figures: facts.review, gaps: facts.reviewGaps),
            ]
        case .pciDSS:
            return [
                Report.Control(
                    id: "6.2",
                    title: "Bespoke and custom software is developed securely; code is reviewed before release (6.2.3)",
                    figures: facts.review + facts.risk, gaps: facts.reviewGaps + facts.riskGaps),
                Report.Control(
                    id: "6.5", title: "Changes to all system components are managed securely (change control, 6.5.1)",
                    figures: facts.attribution + facts.integrity, gaps: facts.attributionGaps + facts.integrityGaps),
                Report.Control(
                    id: "10.3", title: "Audit logs are protected from destruction and unauthorized modification",
                    figures: facts.integrity, gaps: facts.integrityGaps),
            ]
        }
    }

    /// The sentences controls are made of, each computed once from the report.
    private struct Facts {
        var attribution: [String] = []
        var attributionGaps: [String] = []
        var review: [String] = []
        var reviewGaps: [String] = []
        var integrity: [String] = []
        var integrityGaps: [String] = []
        var risk: [String] = []
        var riskGaps: [String] = []

        init(_ report: Report) {
            let added = report.added
            attribution.append(
                "\(report.commitsWithRecords) of \(report.commits) commits carry a signed attribution record")
            attribution.append(
                "\(added.total - added.unknown) of \(added.total) lines added have a recorded origin; "
                    + "AI-written: \(added.aiWritten) (\(percent(added.originShare(added.aiWritten))))")
            let unrecorded = report.commits - report.commitsWithRecords
            if unrecorded > 0 {
                attributionGaps.append("\(unrecorded) commit\(unrecorded == 1 ? "" : "s") without a record")
            }
            if added.unknown > 0 {
                attributionGaps.append(
                    "\(added.unknown) line\(added.unknown == 1 ? "" : "s") added with no recorded origin")
            }
            let reviews = report.reviews
            review.append(
                "\(reviews.signedIndependent) of \(reviews.aiWritten) AI-written lines (\(percent(basisPoints(reviews.signedIndependent, of: reviews.aiWritten)))) "
                    + "are in commits with a verified signed review by someone other than the author")
            if reviews.unsignedOnly > 0 {
                review.append(
                    "\(reviews.unsignedOnly) more are covered only by unsigned Reviewed-by: trailers (evidence, not proof)"
                )
            }
            let unreviewed = reviews.aiWritten - reviews.signedIndependent
            if unreviewed > 0 {
                reviewGaps.append(
                    "\(unreviewed) AI-written lines without a signed independent review"
                        + (reviews.selfReviewOnly > 0
                            ? " (\(reviews.selfReviewOnly) reviewed only by their author)" : ""))
            }
            let checks = report.integrity
            if let source = checks.trustSource {
                integrity.append(
                    "\(checks.recordsVerified) of \(checks.recordsUsed) records used verify against \(source)")
                if checks.trustFromRepository {
                    integrityGaps.append(
                        "the trust file is the repository's own copy: choose the keys to trust (--trust)")
                }
            } else {
                integrityGaps.append("records were not verified: no trust file")
            }
            if checks.recordsUnverified > 0 {
                integrityGaps.append("\(checks.recordsUnverified) records do not verify and were left out")
            }
            for (code, count) in checks.problems.sorted(by: { $0.key < $1.key }) {
                integrityGaps.append("\(count) verification problem\(count == 1 ? "" : "s") '\(code)'")
            }
            if report.sensitivePatterns.isEmpty {
                riskGaps.append("no sensitive paths are defined (sensitive_paths in \(".sessiontrace/policy.yml"))")
            } else {
                let lines = report.risk.reduce(0) { $0 + $1.lines }
                risk.append(
                    "sensitive paths (\(report.sensitivePatterns.joined(separator: ", "))): \(lines) AI-written lines without a signed independent review"
                )
                if lines > 0 {
                    riskGaps.append(
                        "\(report.risk.count) sensitive file\(report.risk.count == 1 ? "" : "s") with unreviewed AI-written lines, the most in \(report.risk[0].path) (\(report.risk[0].lines))"
                    )
                }
            }
        }
    }
}
