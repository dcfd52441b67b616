import Ledger
import Records

/// What is known of one commit, from verified records only, for `check`.
package struct CommitEvidence: Sendable {
    package var commit: String
    package var authorEmail: String
    package var isMerge: Bool
    /// Lines added per path (git's numstat against the first parent); nil when not
    /// known (the parent is past a shallow clone's boundary).
    package var addedLines: [String: Int]?
    /// The commit's newest verified attribution record, if any.
    package var attribution: Attribution?
    /// Why the commit has no verified record although its note holds one (the first
    /// problem verify found), for the message.
    package var recordProblem: String?
    /// The distinct e-mail addresses of verified reviews by someone other than the
    /// commit's author (self-reviews never count).
    package var independentReviewers: [String]
    /// The commit's verified waivers (who signed them is checked against the policy here).
    package var waivers: [Waiver]

    package init(
        commit: String, authorEmail: String, isMerge: Bool, addedLines: [String: Int]?, attribution: Attribution?,
        recordProblem: String? = nil, independentReviewers: [String] = [], waivers: [Waiver] = []
    ) {
        self.waivers = waivers
        self.commit = commit
        self.authorEmail = authorEmail
        self.isMerge = isMerge
        self.addedLines = addedLines
        self.attribution = attribution
        self.recordProblem = recordProblem
        self.independentReviewers = independentReviewers
    }
}

/// One broken rule (spec/policy.md §4).
package struct Violation: Sendable, Equatable {
    package enum Rule: String, Sendable, CaseIterable {
        case maxAIShare = "max_ai_share"
        case sensitiveReview = "sensitive_review"
        case models
        case agents
        case requireRecords = "require_records"

        package var summary: String {
            switch self {
            case .maxAIShare: "A commit's AI-written share of added lines is at most the policy's percent."
            case .sensitiveReview:
                "AI-written lines in sensitive paths carry signed reviews by someone other than the author."
            case .models: "AI-written lines come from models the policy allows."
            case .agents: "AI-written lines come from agents the policy allows."
            case .requireRecords: "Every commit carries a verified attribution record."
            }
        }
    }

    package var rule: Rule
    package var severity: Severity
    package var commit: String
    /// The file, when the violation is about one (nil: the commit as a whole).
    package var path: String?
    /// 1-based inclusive line ranges of `path` in the commit (empty when not known).
    package var lines: [ClosedRange<Int>]
    package var message: String
    package var fix: String
    /// The policy that set the rule (`.sessiontrace/policy.yml@<commit>` or a file).
    package var policy: String
    /// The approver whose waiver accepts this violation, and why (nil: not waived).
    package var waivedBy: Waived?

    package struct Waived: Sendable, Equatable {
        package var email: String
        package var reason: String
    }
}

extension Policy {
    /// The rules `evidence`'s commit breaks. `addedRanges(path)` gives the lines the
    /// commit added to a path (nil when they cannot be known): only asked for when a
    /// record's `rest` must be spread over them to name lines.
    package func violations(
        of evidence: CommitEvidence, addedRanges: (String) -> [ClosedRange<Int>]?
    ) -> [Violation] {
        let short = String(evidence.commit.prefix(12))
        func violation(
            _ rule: Violation.Rule, _ severity: Severity, path: String? = nil, lines: [ClosedRange<Int>] = [],
            _ message: String, fix: String
        ) -> Violation {
            Violation(
                rule: rule, severity: severity, commit: evidence.commit, path: path, lines: lines, message: message,
                fix: fix, policy: source)
        }
        var found = [Violation]()
        if let required = rules.requireRecords, !evidence.isMerge, evidence.attribution == nil {
            found.append(
                violation(
                    .requireRecords, required.severity,
                    "commit \(short) has no verified attribution record"
                        + (evidence.recordProblem.map { " (its record does not verify: \($0))" } ?? ""),
                    fix:
                        "record it (git trace record \(short), or the post-commit hook), fetch the records (git trace sync), or trust its signer"
                ))
        }
        guard let attribution = evidence.attribution else { return found }

        // Per group of paths with its own max_ai_share (nil: the top-level rule): lines.
        struct Share {
            var aiWritten = 0, total = 0
            var largest: (path: String, lines: Int)?
        }
        var shares = [Int: Share]()
        var shareRules = [Int: Rules.MaxAIShare]()
        let added = evidence.addedLines ?? [:]
        let paths = Set(added.keys).union(attribution.files.map(\.path)).sorted()
        for path in paths {
            let group = self.group(of: path)
            let rules = self.rules(inGroup: group)
            let listed = attribution.files.first { $0.path == path }?.ranges ?? []
            let listedCount = listed.reduce(0) { $0 + $1.lineCount }
            let unlisted = max(0, (added[path] ?? 0) - listedCount)
            // The AI-written ranges; `rest`'s lines are placed only when a rule names lines.
            var aiWritten = listed.filter { $0.contributor.type != .human }
            var aiCount = aiWritten.reduce(0) { $0 + $1.lineCount }
            var linesKnown = true
            if let rest = attribution.rest, rest.contributor.type != .human, unlisted > 0 {
                aiCount += unlisted
                // Placing `rest` takes a diff of the file: only when a rule will name its lines.
                let needsLines =
                    rules.sensitiveReview.map {
                        isSensitive(path) && evidence.independentReviewers.count < $0.reviews
                    } ?? false
                    || Self.refuses(rules.models, rest.contributor.modelID)
                    || Self.refuses(rules.agents, rest.contributor.agent)
                if needsLines, let added = addedRanges(path) {
                    aiWritten = attribution.ranges(of: path, added: added).filter { $0.contributor.type != .human }
                } else if needsLines {
                    aiWritten.append(AttributedRange(1...unlisted, rest))  // counted, but where is not known
                    linesKnown = false
                }
            }

            if let rule = rules.maxAIShare, evidence.addedLines != nil {
                // The group whose own max_ai_share governs the path, or -1 for the top level.
                let key = group.flatMap { pathGroups[$0].rules.maxAIShare != nil ? $0 : nil } ?? -1
                shareRules[key] = rule
                var share = shares[key] ?? Share()
                share.aiWritten += aiCount
                share.total += max(added[path] ?? 0, listedCount)
                if aiCount > (share.largest?.lines ?? 0) { share.largest = (path, aiCount) }
                shares[key] = share
            }
            guard aiCount > 0 else { continue }
            func lines(_ ranges: [AttributedRange]) -> [ClosedRange<Int>] {
                linesKnown ? RangeList.merged(ranges.map { $0.startLine...$0.endLine }) : []
            }

            if let rule = rules.sensitiveReview, isSensitive(path), evidence.independentReviewers.count < rule.reviews {
                let have = evidence.independentReviewers
                found.append(
                    violation(
                        .sensitiveReview, rule.severity, path: path, lines: lines(aiWritten),
                        "\(aiCount) AI-written \(aiCount == 1 ? "line" : "lines") in a sensitive path, with \(have.count) of \(rule.reviews) signed independent \(rule.reviews == 1 ? "review" : "reviews")"
                            + (have.isEmpty ? "" : " (\(have.joined(separator: ", ")))"),
                        fix:
                            "git trace review \(short), signed by someone other than its author \(evidence.authorEmail)"
                    ))
            }
            for (rule, kind, name) in [
                (rules.models, Violation.Rule.models, { (range: AttributedRange) in range.contributor.modelID }),
                (rules.agents, Violation.Rule.agents, { (range: AttributedRange) in range.contributor.agent }),
            ] {
                guard let rule else { continue }
                var refused = [String: (reason: String, ranges: [AttributedRange])]()
                for range in aiWritten {
                    let value = name(range)
                    let reason =
                        value.map { rule.refusal(of: $0) }
                        ?? (rule.allow != nil ? "not recorded, and the policy names which are allowed" : nil)
                    guard let reason else { continue }
                    refused[value ?? "", default: (reason, [])].ranges.append(range)
                }
                for (value, entry) in refused.sorted(by: { $0.key < $1.key }) {
                    let count = entry.ranges.reduce(0) { $0 + $1.lineCount }
                    let noun = kind == .models ? "model" : "agent"
                    found.append(
                        violation(
                            kind, rule.severity, path: path, lines: lines(entry.ranges),
                            "\(count) AI-written \(count == 1 ? "line" : "lines") from \(noun) \(value.isEmpty ? "(none recorded)" : value): \(entry.reason)",
                            fix: "write these lines again with an allowed \(noun), or by hand"))
                }
            }
        }
        for (key, share) in shares.sorted(by: { $0.key < $1.key }) {
            guard let rule = shareRules[key], share.aiWritten * 100 > rule.percent * share.total else { continue }
            let scope = key < 0 ? "" : " in paths matching \(pathGroups[key].match.map(\.text).joined(separator: ", "))"
            found.append(
                violation(
                    .maxAIShare, rule.severity, path: share.largest?.path,
                    "\(share.aiWritten) of the \(share.total) lines commit \(short) added\(scope) are AI-written (\(percentText(share.aiWritten, of: share.total))), more than the policy's \(rule.percent)%"
                        + (share.largest.map { "; most in \($0.path) (\($0.lines))" } ?? ""),
                    fix: "have a person write more of the change, or split it into smaller commits"))
        }
        return found.map { waived($0, by: evidence) }
    }

    /// The violation with the waiver that accepts it (spec/policy.md §7): one of the
    /// commit's verified waivers of its rule, signed by an approver who is not the
    /// commit's author. A waiver that does not count is said in the message.
    private func waived(_ violation: Violation, by evidence: CommitEvidence) -> Violation {
        var result = violation
        let author = evidence.authorEmail.lowercased()
        var refused = [String]()
        for waiver in evidence.waivers where waiver.rule == violation.rule.rawValue {
            let signer = waiver.signer.email
            if signer.lowercased() == author {
                refused.append("\(signer) is the commit's author")
            } else if !approvers.contains(where: { $0.matches(signer) }) {
                refused.append(
                    "\(signer) is not among the approvers"
                        + (approvers.isEmpty ? " (the policy names none)" : ""))
            } else {
                result.waivedBy = Violation.Waived(email: signer, reason: waiver.reason)
                return result
            }
        }
        if !refused.isEmpty {
            result.message += "; a waiver does not count: " + refused.joined(separator: "; ")
        }
        return result
    }

    /// Whether a name list refuses `name` (nil: not recorded, refused by an allow list).
    private static func refuses(_ rule: Rules.Names?, _ name: String?) -> Bool {
        guard let rule else { return false }
        return name.map { rule.refusal(of: $0) != nil } ?? (rule.allow != nil)
    }

}

/// `62.5%`: one decimal, rounded half up.
private func percentText(_ part: Int, of whole: Int) -> String {
    guard whole > 0 else { return "n/a" }
    let tenths = (part * 1000 + whole / 2) / whole
    return "\(tenths / 10).\(tenths % 10)%"
}

extension Policy {
    /// Whether any rule is set, at the top level or in a path group.
    package var hasRules: Bool {
        !rules.isEmpty || pathGroups.contains { !$0.rules.isEmpty }
    }

    /// Whether any models or agents rule is set, at the top level or in a path group:
    /// what the pre-commit hook can judge before a commit exists.
    package var hasNameRules: Bool {
        rules.models != nil || rules.agents != nil
            || pathGroups.contains { $0.rules.models != nil || $0.rules.agents != nil }
    }

    /// The models and agents rules broken by staged lines (`claims`, as capture
    /// attributes the index against HEAD): what can be known before the commit exists.
    /// Reviews come after a commit, and its share of AI lines is judged by check.
    package func violations(ofStaged claims: [LineClaim], authorEmail: String?) -> [Violation] {
        var files = [String: [AttributedRange]]()
        for claim in claims {
            for lines in claim.lines {
                files[claim.path, default: []].append(
                    AttributedRange(
                        startLine: lines.lowerBound, endLine: lines.upperBound, contentHash: nil,
                        contributor: claim.contributor, sessionID: claim.sessionID, promptDigest: claim.promptDigest,
                        confidenceBasisPoints: claim.confidenceBasisPoints))
            }
        }
        let attribution = Attribution(
            tool: ToolInfo(name: "git-trace", version: ""), signer: SignerInfo(email: "", publicKey: nil),
            committer: nil, recordedAt: "",
            files: files.keys.sorted().map {
                AttributedFile(path: $0, ranges: files[$0]!.sorted { $0.startLine < $1.startLine })
            },
            totals: nil)
        let evidence = CommitEvidence(
            commit: "the staged changes", authorEmail: authorEmail ?? "", isMerge: false, addedLines: nil,
            attribution: attribution)
        var staged = self
        staged.rules.sensitiveReview = nil
        staged.rules.maxAIShare = nil
        staged.rules.requireRecords = nil
        for index in staged.pathGroups.indices {
            staged.pathGroups[index].rules.sensitiveReview = nil
            staged.pathGroups[index].rules.maxAIShare = nil
        }
        return staged.violations(of: evidence) { _ in nil }
    }
}
