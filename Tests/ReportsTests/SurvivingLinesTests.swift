import Diagnostics
import Foundation
import Git
import Keys
import Ledger
import Policy
import Records
import Reports
import Signing
import TestSupport
import Testing
import Verification

/// The tree's surviving lines on a first report come from one forward walk through
/// the history (ForwardBlame), not from blaming each file. The figures must be the
/// ones blaming each file gives: both are computed on seeded random histories whose
/// commits carry records of random origins, and compared figure by figure.
@Suite struct SurvivingLinesTests {
    @Test(arguments: [UInt64(3), 7, 21])
    func forwardWalkGivesTheFiguresBlameGives(seed: UInt64) async throws {
        let sandbox = try Sandbox()
        let directory = try await sandbox.makeRepository()
        let history = RandomHistory(seed: seed, commits: 80)
        let imported = try await sandbox.run("git", ["fast-import", "--quiet"], in: directory, input: history.stream)
        #expect(imported.status == 0, "\(imported)")
        try await sandbox.git("symbolic-ref", "HEAD", "refs/heads/b0", in: directory)
        let repository = try Repository(discoveringFrom: directory.path)
        let key = try SigningKey.generate()
        try await attachRandomRecords(seed: seed, in: directory, sandbox: sandbox, repository: repository, key: key)
        let trust = try AllowedSigners(text: "alice@example.com \(key.publicKey.openSSH)\n", source: "allowed_signers")

        let titles = Titles()
        func report() throws -> Report {
            // Each report starts cold: no cached blame to start from.
            try? FileManager.default.removeItem(atPath: repository.stateDirectory("provenance"))
            return try ReportBuilder.build(
                repository: repository, options: ReportOptions(), trust: trust, trustFromRepository: false,
                policy: try Policy(yaml: "", source: "policy.yml"),
                progress: { title, total in
                    titles.add(title)
                    return ProgressMeter(title, total: total, write: { _ in })
                })
        }
        let forward = try report()
        #expect(titles.take().contains("Tracing lines"))
        // Ignored revisions (none listed) leave the answer to git blame, file by file.
        try sandbox.write("", to: ".git/ignore-revs", in: directory)
        try await sandbox.git("config", "blame.ignoreRevsFile", ".git/ignore-revs", in: directory)
        let blamed = try report()
        let blamedTitles = titles.take()
        #expect(blamedTitles.contains("Blaming files") && !blamedTitles.contains("Tracing lines"))

        let surviving = try #require(forward.surviving)
        #expect(surviving.ai > 0 && surviving.human > 0 && surviving.unknown > 0, "\(surviving)")
        #expect(forward.surviving == blamed.surviving)
        #expect(figures(forward) == figures(blamed))
    }

    /// Every breakdown of the surviving lines, one string per row.
    private func figures(_ report: Report) -> [String] {
        report.survivingByDirectory.map { "directory \($0.directory) \($0.lines)" }
            + report.survivingByDeveloper.map { "developer \($0.email) \($0.lines)" }
            + report.survivingByModel.map { "model \($0.agent) \($0.model) \($0.ai) \($0.mixed)" }
    }

    /// Records for most non-merge commits of HEAD: each added range of each file given
    /// to an agent, a person, both, or left unclaimed, at random.
    private func attachRandomRecords(
        seed: UInt64, in directory: URL, sandbox: Sandbox, repository: Repository, key: SigningKey
    ) async throws {
        var random = SplitMix(state: seed &* 31)
        let contributors = [
            Contributor(type: .ai, agent: "claude-code", modelID: "anthropic/claude-sonnet-4-5"),
            Contributor(type: .ai, agent: "codex", modelID: "openai/gpt-5"),
            Contributor(type: .human), Contributor(type: .mixed, agent: "cursor", modelID: "openai/gpt-5"),
        ]
        let log = try await sandbox.git(
            "log", "--no-merges", "--format=#%H", "--name-only", "--no-renames", "--diff-filter=AM", in: directory)
        var commits = [(ObjectID, [String])]()
        for line in log.split(separator: "\n") {
            if line.hasPrefix("#") {
                commits.append((ObjectID(hex: String(line.dropFirst()))!, []))
            } else {
                commits[commits.count - 1].1.append(String(line))
            }
        }
        let builder = RecordBuilder(repository: repository)
        var notes = [ObjectID: [String]]()
        for (commit, paths) in commits where random.next(0...9) > 0 {
            var claims = [LineClaim]()
            for path in paths {
                guard case .blob = try repository.content(ofPath: path, inCommit: commit),
                    case .ranges(let ranges) = repository.addedLines(ofPath: path, inCommit: commit)
                else { continue }
                for range in ranges where random.next(0...4) > 0 {
                    let contributor = contributors[random.next(0...(contributors.count - 1))]
                    claims.append(
                        LineClaim(
                            path: path, lines: [range], contributor: contributor,
                            sessionID: contributor.type == .human ? nil : "s\(random.next(1...3))"))
                }
            }
            guard !claims.isEmpty else { continue }
            let statement = try builder.attribution(
                for: commit, claims: claims,
                signer: SigningIdentity(key: key, email: "alice@example.com", keyPath: "memory"),
                recordedAt: 1_790_000_000)
            notes[commit] = [try RecordBuilder.sign(statement, with: key).line]
        }
        try NotesLedger(repository: repository).append(notes, message: "records")
    }

}

/// Progress titles heard, from whichever thread reports them.
private final class Titles: @unchecked Sendable {
    private let lock = NSLock()
    private var heard: [String] = []

    func add(_ title: String) {
        lock.lock()
        heard.append(title)
        lock.unlock()
    }

    func take() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let all = heard
        heard = []
        return all
    }
}
