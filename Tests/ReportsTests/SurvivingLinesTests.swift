import Diagnostics
import Foundation
import Git
import Keys
import Ledger
import Policy
import Records
import Signing
import TestSupport
import Testing
import Verification

@testable import Reports

/// The tree's surviving lines on a first report come from one forward walk through
/// the history (ForwardBlame), not from blaming each file. Both must give the same
/// runs, and no blame or diff setting may change the figures: checked on seeded random
/// histories whose commits carry records of random origins.
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
        let surviving = try #require(forward.surviving)
        #expect(surviving.ai > 0 && surviving.human > 0 && surviving.unknown > 0, "\(surviving)")

        // What a user or a repository may configure for blame and diff changes nothing
        // the report counts: ignored revisions (a third of the commits), another diff,
        // no indent heuristic, a low rename limit, a textconv filter that reorders lines.
        let commits = try await sandbox.git("rev-list", "HEAD", in: directory).split(separator: "\n")
        try sandbox.write(
            commits.enumerated().filter { $0.offset % 3 == 0 }.map { $0.element + "\n" }.joined(),
            to: ".git/ignore-revs", in: directory)
        try sandbox.write("* diff=sorted\n", to: ".git/info/attributes", in: directory)
        for (name, value) in [
            ("blame.ignoreRevsFile", ".git/ignore-revs"), ("diff.indentHeuristic", "false"),
            ("diff.algorithm", "histogram"), ("diff.renameLimit", "1"), ("diff.sorted.textconv", "sort"),
        ] {
            try await sandbox.git("config", name, value, in: directory)
        }
        let configured = try report()
        #expect(configured.surviving == forward.surviving)
        #expect(figures(configured) == figures(forward))

        // Blamed file by file (as a report does for the few files changed since a cached
        // one), every file gets the runs the forward walk gives.
        let git = GitCommand(repository: repository)
        let end = try repository.resolveCommit("HEAD")
        let tree = try SurvivingLines.listTree(end, git: git).filter { _, blob in
            !((try? repository.isBinaryBlob(ObjectID(hex: blob)!)) ?? true)
        }.map { (path: $0.0, blob: $0.1) }
        let traced = try SurvivingLines.runs(
            of: tree, at: end, filesInTree: tree.count, repository: repository, git: git, progress: nil)
        let blamed = try SurvivingLines.blameAll(tree.map(\.path), at: end, repository: repository)
        #expect(tree.count > 8 && traced.count == tree.count)
        for (offset, file) in tree.enumerated() {
            #expect(traced[offset] == blamed[offset], "\(file.path)")
        }
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
