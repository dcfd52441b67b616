import Diagnostics
import Foundation
import Git
import Ledger
import Policy
import Records
import Verification

/// What to report on (the options of `git trace report`).
package struct ReportOptions: Sendable {
    package var range = "HEAD"
    /// Unix seconds: commits with committer time ≥ since and < until.
    package var since: Int64?
    package var until: Int64?
    package var framework: Framework?
    package var includeGenerated = false
    /// Path components that name a directory in "by directory" (1: top level).
    package var directoryDepth = 1
    /// Whether to count the lines surviving in the end commit's tree (spec/reports.md §3.3).
    package var surviving = true
    /// Share calibrations (spec/classifier.md §6) by the SHA-256 of their model's file:
    /// estimates by any other model are counted, but their lines are in no share.
    package var shareCalibrations: [String: ShareCalibration] = [:]

    package init() {}
}

package struct ReportError: UserFacingError {
    package let description: String
    package init(_ description: String) { self.description = description }
}

package enum ReportBuilder {
    /// Builds the report of `options` over `repository`, verifying every record it
    /// uses against `trust` (nil: no trust file — the report then says its records
    /// are unverified).
    package static func build(
        repository: Repository, options: ReportOptions, trust: AllowedSigners?, trustFromRepository: Bool,
        revoked: Set<String> = [], policy: Policy, policyIsExplicit: Bool = false, cache: VerificationCache? = nil,
        now: Int64 = Int64(Date().timeIntervalSince1970),
        progress: (@Sendable (_ title: String, _ total: Int) -> ProgressMeter)? = nil
    ) throws -> Report {
        if repository.hasNoCommits { throw ReportError("repository has no commits yet") }
        // Both ends first: an unknown revision is named before any work starts.
        let tip = try repository.resolveRange(options.range).tip
        // git log (numstat) runs while the records are verified: neither waits for the other.
        let historyGit = GitCommand(repository: repository), range = options.range
        let boundary = try repository.shallowBoundary()
        let history = Background { try History.commits(range: range, git: historyGit, boundary: boundary) }
        func inPeriod(_ fact: CommitFacts) -> Bool {
            (options.since.map { fact.time >= $0 } ?? true) && (options.until.map { fact.time < $0 } ?? true)
        }
        // Without a period, every commit of the range is in it and can be verified at
        // once; with one, only the period's commits, once git log has named them.
        let periodBound = options.since != nil || options.until != nil
        let facts: [CommitFacts]
        var verification: VerificationResult?
        let verifier = trust.map {
            Verifier(ledger: NotesLedger(repository: repository), trust: $0, revoked: revoked, keepsStatements: true)
        }
        let verifying = progress.map { make in { make("Verifying records", $0) } }
        if periodBound {
            facts = try History.decidingBinaryByContent(
                history.value().filter(inPeriod), repository: repository, git: historyGit)
            verification = try verifier?.verify(commits: facts.map(\.commit), cache: cache, progress: verifying)
        } else {
            verification = try verifier?.verify(
                commits: try repository.commits(inRange: options.range), cache: cache, progress: verifying)
            facts = try History.decidingBinaryByContent(history.value(), repository: repository, git: historyGit)
        }
        cache?.save()
        var report = Report(
            generatedAt: Timestamp.format(unixSeconds: now),
            period: Report.Period(
                range: options.range, since: options.since.map(Timestamp.format(unixSeconds:)),
                until: options.until.map(Timestamp.format(unixSeconds:)),
                endCommit: try endCommit(from: tip, until: options.until, since: options.since, repository: repository))
        )
        report.framework = options.framework
        report.includesGenerated = options.includeGenerated
        report.policySource = policy.source
        report.sensitivePatterns = policy.sensitivePaths.map(\.text)
        report.commits = facts.count

        // Integrity: which records verify under the auditor's trust. With a trust file
        // the figures use those records only (their statements come from the verifier):
        // a record that does not verify is counted as left out, never used. Without
        // one, records are read and their signatures checked against the key they name.
        let inPeriod = Set(facts.map(\.commit))
        var verifiedDigests = Set<String>()
        var recordsByCommit = [ObjectID: RecordIndex.CommitRecords]()
        var needsReading = inPeriod
        // The same trust for every figure: the tree's surviving lines too come only from
        // records that verify (those of the period's commits are already known).
        let index = RecordIndex(repository: repository, trust: trust.map { RecordTrust(signers: $0, revoked: revoked) })
        if let trust, let verification {
            (recordsByCommit, verifiedDigests) = verification.recordsByCommit(of: inPeriod, index: index)
            needsReading = []
            for problem in verification.problems where inPeriod.contains(problem.commit) {
                report.integrity.problems[problem.code.rawValue, default: 0] += 1
                if report.integrity.problemLines.count < 50 { report.integrity.problemLines.append(problem.line) }
                report.integrity.recordsUnverified += 1
            }
            report.integrity.trustSource = trust.source
            report.integrity.trustFromRepository = trustFromRepository
        }
        for commit in needsReading {
            let records = index.readRecords(of: commit, verified: verifiedDigests)
            if !records.isEmpty { recordsByCommit[commit] = records }
        }
        if verification != nil {
            for commit in inPeriod {
                index.remember(recordsByCommit[commit] ?? RecordIndex.CommitRecords(), of: commit)
            }
        }
        var paths = Set<String>()
        for fact in facts {
            for file in fact.files { paths.insert(file.path) }
            for file in recordsByCommit[fact.commit]?.attribution?.predicate.files ?? [] { paths.insert(file.path) }
        }
        // The tree's files too: lines surviving at the end may come from files the
        // period never touched.
        let git = GitCommand(repository: repository)
        let tree =
            try options.surviving ? report.period.endCommit.map { try SurvivingLines.listTree($0, git: git) } : nil
        for (path, _) in tree ?? [] { paths.insert(path) }
        let filter =
            options.includeGenerated || report.period.endCommit == nil
            ? PathFilter() : try PathFilter(paths: paths, repository: repository, commit: report.period.endCommit!)
        report.excludedPaths = filter.reasons

        // Developers as the end commit's .mailmap names them, as surviving lines do (the
        // raw address still decides whether a review is the author's own).
        let mappedAuthors = try History.authors(
            of: Set(facts.map(\.commit)), mailmapAt: report.period.endCommit ?? tip, repository: repository)
        var developers = [String: Report.Developer]()
        var directories = [String: LineCounts]()
        var months = [String: LineCounts]()
        var models = [String: Report.Model]()
        var sessions = [String: Report.Session]()
        var risk = [String: Report.RiskItem]()
        var estimates = Report.Estimates()
        var estimatesByModel = [String: Report.Estimates.ByModel]()
        for fact in facts {
            let records = recordsByCommit[fact.commit]
            let attribution = records?.attribution?.predicate
            if attribution != nil { report.commitsWithRecords += 1 }
            var used = [String]()
            if let digest = records?.attribution?.digest { used.append(digest) }
            // An estimate speaks only for a commit without captured data, and only in
            // its own section: it changes no figure of the records.
            let estimate = attribution == nil ? records?.estimate : nil
            if let estimate {
                used.append(estimate.digest)
                let predicate = estimate.predicate
                let key = predicate.model + " " + predicate.modelSHA256
                var byModel =
                    estimatesByModel[key]
                    ?? .init(
                        model: predicate.model, modelSHA256: predicate.modelSHA256,
                        calibration: options.shareCalibrations[predicate.modelSHA256])
                for block in predicate.blocks where !filter.isExcluded(block.path) {
                    byModel.tally.add(
                        lines: block.lines.count, probabilityBP: block.probabilityBP,
                        settled: !predicate.evidence.isEmpty)
                }
                estimates.commits += 1
                estimates.unscoredLines += predicate.unscoredLines
                byModel.commits += 1
                estimatesByModel[key] = byModel
            }

            // Lines per path: numstat gives what was added, the record's ranges their origins.
            var perPath = [String: LineCounts]()
            var numstat = [String: Int]()
            // Past a shallow boundary git log shows the whole tree as added: only the
            // record's own ranges say anything about such a commit.
            for file in fact.files where !fact.parentsMissing { numstat[file.path, default: 0] += file.added ?? 0 }
            var rangesByPath = [String: [AttributedRange]]()
            for file in attribution?.files ?? [] { rangesByPath[file.path, default: []] += file.ranges }
            for path in Set(numstat.keys).union(rangesByPath.keys) {
                var lines = LineCounts()
                for range in rangesByPath[path] ?? [] { lines.add(range.contributor.type, range.lineCount) }
                let unlisted = max(0, (numstat[path] ?? 0) - lines.total)
                if let rest = attribution?.rest, unlisted > 0 {
                    // Every added line no range lists is `rest`'s (version 2). Only the
                    // count matters from here on, so the range stands for them all.
                    lines.add(rest.contributor.type, unlisted)
                    rangesByPath[path, default: []].append(AttributedRange(1...unlisted, rest))
                } else {
                    lines.unknown = unlisted
                }
                perPath[path] = lines
            }
            var commitLines = LineCounts()
            for (path, lines) in perPath {
                if filter.isExcluded(path) { report.excluded += lines; continue }
                commitLines += lines
                directories[directory(of: path, depth: options.directoryDepth), default: LineCounts()] += lines
            }
            report.added += commitLines
            months[month(of: fact.time), default: LineCounts()] += commitLines
            let developerKey = fact.authorEmail.lowercased()
            let author = mappedAuthors[fact.commit] ?? (fact.authorName, fact.authorEmail)
            var developer =
                developers[author.email.lowercased()] ?? Report.Developer(name: author.name, email: author.email)
            developer.commits += 1
            developer.lines += commitLines
            developers[author.email.lowercased()] = developer

            // Models: the agent and model of every AI-written range outside excluded paths.
            var modelsInCommit = Set<String>()
            for (path, ranges) in rangesByPath where !filter.isExcluded(path) {
                for range in ranges where range.contributor.type != .human {
                    let agent = range.contributor.agent ?? "unknown",
                        model = range.contributor.modelID ?? "unknown/unknown"
                    let key = agent + "\u{0}" + model
                    var entry =
                        models[key] ?? Report.Model(agent: agent, model: model, firstUse: fact.time, lastUse: fact.time)
                    if range.contributor.type == .ai {
                        entry.ai += range.lineCount
                    } else {
                        entry.mixed += range.lineCount
                    }
                    entry.firstUse = min(entry.firstUse, fact.time)
                    entry.lastUse = max(entry.lastUse, fact.time)
                    if modelsInCommit.insert(key).inserted { entry.commits += 1 }
                    models[key] = entry
                }
            }
            for session in attribution?.sessions ?? [] {
                let key = [session.agent, session.sessionID, session.modelID].joined(separator: "\u{0}")
                var entry =
                    sessions[key]
                    ?? Report.Session(agent: session.agent, sessionID: session.sessionID, model: session.modelID)
                entry.written += session.linesWritten
                entry.committedUnchanged += session.linesCommittedUnchanged
                entry.committedEdited += session.linesCommittedEdited
                entry.actionsAccepted += session.actionsAccepted
                entry.actionsRejected += session.actionsRejected
                sessions[key] = entry
            }

            // Reviews: only verified signatures count as signed; trailers are shown apart.
            let reviews = (records?.reviews ?? []).filter { trust != nil && verifiedDigests.contains($0.digest) }
            used += (records?.reviews ?? []).map(\.digest)
            let independent = reviews.contains {
                $0.predicate.signer.email.lowercased() != developerKey && !$0.predicate.selfReview
            }
            let aiWritten = commitLines.aiWritten
            if aiWritten > 0 {
                report.reviews.commitsWithAI += 1
                if independent {
                    report.reviews.signedIndependent += aiWritten
                    report.reviews.commitsSignedIndependent += 1
                } else if !reviews.isEmpty {
                    report.reviews.selfReviewOnly += aiWritten
                } else if !fact.reviewedBy.isEmpty {
                    report.reviews.unsignedOnly += aiWritten
                } else {
                    report.reviews.unreviewed += aiWritten
                }
            }
            if !independent {
                for (path, lines) in perPath
                where lines.aiWritten > 0 && !filter.isExcluded(path) && policy.isSensitive(path) {
                    var item = risk[path] ?? Report.RiskItem(path: path)
                    item.lines += lines.aiWritten
                    item.commits.append(fact.commit)
                    for range in rangesByPath[path] ?? [] where range.contributor.type != .human {
                        let model = range.contributor.modelID ?? "unknown/unknown"
                        if !item.models.contains(model) { item.models.append(model) }
                    }
                    risk[path] = item
                }
            }

            report.integrity.recordsUsed += used.count
            if trust != nil { report.integrity.recordsVerified += used.count }
            if records != nil {
                report.evidence.append(
                    Report.Evidence(
                        commit: fact.commit, time: fact.time, author: "\(fact.authorName) <\(fact.authorEmail)>",
                        attributionDigest: records?.attribution?.digest,
                        reviewDigests: (records?.reviews ?? []).map(\.digest),
                        waiverDigests: (records?.waivers ?? []).map(\.digest), estimateDigest: estimate?.digest,
                        verified: trust != nil, lines: commitLines))
            }
        }
        if estimates.commits > 0 {
            estimates.byModel = estimatesByModel.values.sorted {
                ($0.model, $0.modelSHA256) < ($1.model, $1.modelSHA256)
            }
            report.estimates = estimates
        }
        report.byDeveloper = developers.values.sorted {
            ($1.lines.aiWritten, $0.email) < ($0.lines.aiWritten, $1.email)
        }
        report.byDirectory = directories.map { ($0.key, $0.value) }.sorted { $0.directory < $1.directory }
        report.byMonth = months.map { ($0.key, $0.value) }.sorted { $0.month < $1.month }
        report.models = models.values.sorted { ($0.agent, $0.model) < ($1.agent, $1.model) }
        report.sessions = sessions.values.sorted {
            ($0.agent, $0.sessionID, $0.model) < ($1.agent, $1.sessionID, $1.model)
        }
        report.risk = risk.values.sorted { ($1.lines, $0.path) < ($0.lines, $1.path) }
        if let tree, let end = report.period.endCommit {
            let counts = try SurvivingLines.count(
                at: end, tree: tree, repository: repository, index: index, filter: filter,
                directoryDepth: options.directoryDepth, progress: progress
            )
            report.surviving = counts.lines
            report.survivingByDirectory = counts.byDirectory.map { ($0.key, $0.value) }.sorted {
                $0.directory < $1.directory
            }
            report.survivingByDeveloper = counts.byAuthor.map { ($0.key, $0.value) }
                .sorted { ($1.lines.aiWritten, $0.email) < ($0.lines.aiWritten, $1.email) }
            report.survivingByModel = counts.byModel.map { key, lines in
                let parts = key.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false).map(
                    String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "", lines.ai, lines.mixed)
            }.sorted { ($0.agent, $0.model) < ($1.agent, $1.model) }
        }
        if let trust, let verification {
            // The policy section: check's evaluation of the period's commits, oldest first.
            var check = CheckResult(
                range: options.range, trustSource: trust.source, trustFromRepository: trustFromRepository)
            check.recordsUnverified = report.integrity.recordsUnverified
            try PolicyCheck.evaluate(
                facts.reversed(), records: recordsByCommit, problems: verification.problems, repository: repository,
                policy: policyIsExplicit ? policy : nil, into: &check)
            report.policyCheck = check
        }
        if let framework = options.framework { report.controls = Controls.evaluate(report, framework: framework) }
        return report
    }

    /// The newest commit on `tip`'s first-parent line committed before `until`, if it
    /// is not older than `since`.
    static func endCommit(from tip: ObjectID, until: Int64?, since: Int64?, repository: Repository) throws -> ObjectID?
    {
        var current: ObjectID? = tip
        while let commit = current {
            let info = try repository.commit(commit)
            if until.map({ info.committer.time < $0 }) ?? true {
                return since.map { info.committer.time >= $0 } ?? true ? commit : nil
            }
            current = info.parentIDs.first
        }
        return nil
    }

    static func directory(of path: String, depth: Int) -> String {
        let components = path.split(separator: "/")
        guard components.count > 1 else { return "." }
        return components.prefix(min(depth, components.count - 1)).joined(separator: "/") + "/"
    }

    static func month(of time: Int64) -> String {
        String(Timestamp.format(unixSeconds: time).prefix(7))
    }
}

/// Runs `body` on another thread; `value()` waits for its result.
final class Background<Value: Sendable>: @unchecked Sendable {
    private var result: Result<Value, Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> Value) {
        Thread.detachNewThread { [self] in
            result = Result { try body() }
            done.signal()
        }
    }

    func value() throws -> Value {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
