import Foundation
import Git
import Ledger
import Provenance
import Reports
import TestSupport

/// `--compare-blame <repository> [--sample N] [--seed N] [--path P]…`: what
/// ForwardBlame says of every line of HEAD's files, against `git blame` for each file
/// of a seeded random sample (and each `--path`; `--sample all` for every file).
/// Prints one summary line; exits 1 at the first file whose lines differ, naming it.
func compareBlame(_ options: [String]) throws -> Never {
    func values(_ name: String) -> [String] {
        options.indices.filter { options[$0] == name && options.indices.contains($0 + 1) }.map { options[$0 + 1] }
    }
    guard let path = options.first, !path.hasPrefix("--") else {
        FileHandle.standardError.write(
            Data(
                "usage: sessiontrace-ledger-generator --compare-blame <repository> [--sample N|all] [--seed N] [--path P]…\n"
                    .utf8))
        exit(2)
    }
    let repository = try Repository(discoveringFrom: path)
    let git = GitCommand(repository: repository)
    let head = try repository.resolveCommit("HEAD")
    var started = Date()
    let forward = try ForwardBlame.blameAll(at: head, repository: repository)
    let forwardSeconds = Date().timeIntervalSince(started)

    // The files whose lines a report counts (regular files and executables).
    var files = try SurvivingLines.listTree(head, git: git).map(\.0)
    var random = SplitMix(state: UInt64(values("--seed").first ?? "1") ?? 1)
    let sample = values("--sample").first ?? "100"
    var chosen = values("--path")
    if sample == "all" {
        chosen += files
    } else {
        files.shuffle(using: &random)
        chosen += files.prefix(Int(sample) ?? 100)
    }

    let compared = chosen
    started = Date()
    let differences = try Parallel.map(count: compared.count, workers: ProcessInfo.processInfo.activeProcessorCount) {
        _, item -> (lines: Int, difference: String?) in
        let file = compared[item]
        let (entries, _) = try Blame.entries(path: file, revision: head.hex, lines: nil, git: git, pinned: true)
        var expected = [String]()
        for entry in entries {
            for offset in 0..<entry.count {
                expected.append("\(entry.commit.hex) \(entry.path):\(entry.original + offset)")
            }
        }
        guard let traced = forward.files[file] else { return (expected.count, "\(file): not traced") }
        var actual = [String]()
        for run in traced.runs {
            for offset in 0..<run.count {
                actual.append("\(run.commit.hex) \(run.originalPath):\(run.originalStart + offset)")
            }
        }
        for line in 0..<max(actual.count, expected.count)
        where line >= actual.count || line >= expected.count || actual[line] != expected[line] {
            let ours = line < actual.count ? actual[line] : "no line"
            let theirs = line < expected.count ? expected[line] : "no line"
            return (expected.count, "\(file) line \(line + 1): forward \(ours), git blame \(theirs)")
        }
        return (expected.count, nil)
    }
    let blameSeconds = Date().timeIntervalSince(started)
    let lines = differences.reduce(0) { $0 + $1.lines }
    let timing = String(format: "forward walk %.1f s, git blame of the files %.1f s", forwardSeconds, blameSeconds)
    if let first = differences.compactMap(\.difference).first {
        print(
            "DIFFERENT: \(first) (\(differences.filter { $0.difference != nil }.count) of \(chosen.count) files differ; \(timing))"
        )
        exit(1)
    }
    print("compared \(chosen.count) files, \(lines) lines: all as git blame says (\(timing))")
    exit(0)
}
