import Diagnostics
import Git
import Ledger
import Policy
import Verification

/// What `git trace check` found over a range (spec/policy.md §4).
package struct CheckResult: Sendable {
    package var range: String
    /// The commits evaluated, oldest first.
    package var commits: [ObjectID] = []
    package var violations: [Violation] = []
    /// The policies that governed the commits, in the order first used.
    package var policies: [String] = []
    package var trustSource: String
    package var trustFromRepository: Bool
    /// Records in range that did not verify (never used).
    package var recordsUnverified = 0
    /// Commits whose parents a shallow clone lacks: what they added is not known, so
    /// only their records' listed ranges are checked, and not their AI share.
    package var shallowBoundary: [ObjectID] = []
    /// The alerts of the policy governing the newest commit (or of `--policy`).
    package var alerts: Alerts?

    /// Broken rules no waiver accepts, by severity; and those waivers accept.
    package var errors: Int { violations.count { $0.severity == .error && $0.waivedBy == nil } }
    package var warnings: Int { violations.count { $0.severity == .warning && $0.waivedBy == nil } }
    package var waived: Int { violations.count { $0.waivedBy != nil } }
}

package enum PolicyCheck {
    /// Evaluates every commit of `range` against its governing policy (`policy` when
    /// given, else the repository's as of the commit's first parent, §4.1), from the
    /// records that verify under `trust` only.
    /// `revisions`, when given, name the commits as `git log` takes them (the pre-push
    /// hook's `new ^old --not --remotes=origin`); `range` then only labels the result.
    package static func run(
        repository: Repository, range: String, revisions: [String]? = nil, trust: ChosenTrust,
        policy explicit: Policy?, cache: VerificationCache? = nil,
        progress: (@Sendable (_ title: String, _ total: Int) -> ProgressMeter)? = nil
    ) throws -> CheckResult {
        if repository.hasNoCommits { throw ReportError("repository has no commits yet") }
        if revisions == nil { _ = try repository.resolveRange(range) }  // an unknown revision is named first
        // git log (numstat) runs while the records are verified: neither waits for the other.
        let git = GitCommand(repository: repository), boundary = try repository.shallowBoundary()
        let logged = revisions ?? [range]
        let history = Background { try History.commits(revisions: logged, git: git, boundary: boundary) }
        let verifier = Verifier(
            ledger: NotesLedger(repository: repository), trust: trust.signers, revoked: trust.revoked,
            keepsStatements: true)
        let commits =
            revisions == nil ? try repository.commits(inRange: range) : try history.value().map(\.commit)
        let verification = try verifier.verify(
            commits: commits, cache: cache, progress: progress.map { make in { make("Verifying records", $0) } })
        let facts = Array(
            try History.decidingBinaryByContent(history.value(), repository: repository, git: git).reversed())
        cache?.save()
        let index = RecordIndex(repository: repository, trust: trust.recordTrust)
        let (records, _) = verification.recordsByCommit(of: Set(facts.map(\.commit)), index: index)
        var result = CheckResult(
            range: range, trustSource: trust.signers.source, trustFromRepository: trust.fromRepository)
        result.recordsUnverified = verification.problems.count
        try evaluate(
            facts, records: records, problems: verification.problems, repository: repository, policy: explicit,
            into: &result)
        return result
    }
}

extension PolicyCheck {
    /// Judges `facts` (oldest first) by their governing policies from their verified
    /// `records`, adding to `result`: check's evaluation, shared with the report's
    /// policy section. `problems` say why a commit's record did not verify.
    static func evaluate(
        _ facts: [CommitFacts], records: [ObjectID: RecordIndex.CommitRecords], problems: [Problem],
        repository: Repository, policy explicit: Policy?, into result: inout CheckResult
    ) throws {
        var firstProblem = [ObjectID: String]()
        for problem in problems where firstProblem[problem.commit] == nil {
            firstProblem[problem.commit] = "\(problem.code.rawValue): \(problem.message)"
        }
        var governing = GoverningPolicies(repository: repository, explicit: explicit)
        for fact in facts {
            let policy = try governing.policy(for: fact)
            if !result.policies.contains(policy.source) { result.policies.append(policy.source) }
            result.alerts = policy.alerts
            let author = fact.authorEmail.lowercased()
            let commitRecords = records[fact.commit]
            let reviewers = (commitRecords?.reviews ?? []).map(\.predicate).filter {
                !$0.selfReview && $0.signer.email.lowercased() != author
            }.map { $0.signer.email.lowercased() }
            var added = [String: Int]()
            for file in fact.files { added[file.path, default: 0] += file.added ?? 0 }
            if fact.parentsMissing { result.shallowBoundary.append(fact.commit) }
            let evidence = CommitEvidence(
                commit: fact.commit.hex, authorEmail: fact.authorEmail, isMerge: fact.parentCount > 1,
                addedLines: fact.parentsMissing ? nil : added, attribution: commitRecords?.attribution?.predicate,
                recordProblem: firstProblem[fact.commit], independentReviewers: Array(Set(reviewers)).sorted(),
                waivers: (commitRecords?.waivers ?? []).map(\.predicate))
            result.violations += policy.violations(of: evidence) { path in
                if !fact.parentsMissing,
                    case .ranges(let ranges) = repository.addedLines(ofPath: path, inCommit: fact.commit)
                {
                    return ranges
                }
                return nil
            }
            result.commits.append(fact.commit)
        }
    }
}

/// The policy that governs each commit (spec/policy.md §4.1): the one given, else
/// `.sessiontrace/policy.yml` in the tree of the commit's first parent — a commit cannot
/// loosen the rules it is judged by — or, for a root commit or one whose parent is past
/// a shallow clone's boundary, in its own tree. Parsed once per distinct text.
struct GoverningPolicies {
    let repository: Repository
    let explicit: Policy?
    private var parsed = [[UInt8]: Policy]()
    private static let none = Policy(source: "none")

    init(repository: Repository, explicit: Policy?) {
        self.repository = repository
        self.explicit = explicit
    }

    mutating func policy(for fact: CommitFacts) throws -> Policy {
        if let explicit { return explicit }
        var at = fact.commit
        if let parent = try repository.firstParentID(of: fact.commit), repository.hasObject(parent) { at = parent }
        guard case .blob(let bytes) = try repository.content(ofPath: Policy.repositoryPath, inCommit: at) else {
            return Self.none
        }
        if let policy = parsed[bytes] { return policy }
        let policy = try Policy(repositoryFile: bytes, at: at)
        parsed[bytes] = policy
        return policy
    }
}

extension PolicyCheck {
    /// The commits a push sends, as `git log` revisions, from the lines git gives the
    /// pre-push hook (`<local ref> <local sha> <remote ref> <remote sha>`): each new tip,
    /// less what the remote had (its old tip, and everything its remote-tracking refs
    /// know). Deletions and the records' own refs send no commits. Empty: nothing to check.
    package static func revisions(pushing refs: String, to remote: String, repository: Repository) -> [String] {
        let zero = String(repeating: "0", count: 40)
        var revisions = [String]()
        for line in refs.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            guard fields.count == 4, !fields[0].hasPrefix("refs/notes/"), fields[1] != zero,
                ObjectID(hex: String(fields[1])) != nil
            else { continue }
            revisions.append(String(fields[1]))
            if fields[3] != zero, let old = ObjectID(hex: String(fields[3])), repository.hasObject(old) {
                revisions.append("^" + old.hex)
            }
        }
        return revisions.isEmpty ? [] : revisions + ["--not", "--remotes=\(remote)"]
    }
}
