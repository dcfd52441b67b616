// Makes a repository with N commits and one signed attribution record on each, for
// `make bench` (verification at scale). Usage:
//   sessiontrace-ledger-generator <directory> <commits> <signing-key.pem> <email>
// or, on a real history (a clone of git's own, say), records on its newest N
// non-merge commits, each claiming the first run of lines the commit added to the
// first file it changed:
//   sessiontrace-ledger-generator --existing <repository> <commits> <signing-key.pem> <email>
// or a record on every non-merge commit of a real history, origins drawn per hunk
// (spec/records.md §8's size measurement): a fifth of the commits all human, a fifth
// all AI from one agent, the rest mixed (each hunk ai 5 : mixed 2 : human 3, one or
// two agents), with the seed fixing the draw; the notes are then packed as git gc
// would (run `git gc` on the repository afterwards):
//   sessiontrace-ledger-generator --attach <repository> --key <pem> --email <addr> [--seed N] [--limit N]
// or, to check forward blame on a real history, its lines of a sample of HEAD's files
// against git blame's (CompareBlame.swift):
//   sessiontrace-ledger-generator --compare-blame <repository> [--sample N|all] [--seed N] [--path P]…
import Foundation
import Git
import Hex
import Keys
import Ledger
import Records
import Signing
import TestSupport

/// `--attach`: a record with origins drawn per hunk on every non-merge commit.
func attach(_ options: [String]) throws -> Never {
    func value(_ name: String) -> String? {
        options.firstIndex(of: name).flatMap { options.indices.contains($0 + 1) ? options[$0 + 1] : nil }
    }
    guard let path = options.first, let keyPath = value("--key"), let email = value("--email") else {
        FileHandle.standardError.write(
            Data(
                "usage: sessiontrace-ledger-generator --attach <repository> --key <pem> --email <addr> [--seed N] [--limit N]\n"
                    .utf8))
        exit(2)
    }
    var random = SplitMix(state: UInt64(value("--seed") ?? "1") ?? 1)
    let limit = Int(value("--limit") ?? "") ?? .max
    let identity = SigningIdentity(key: try SigningKey(contentsOfFile: keyPath), email: email, keyPath: keyPath)
    let repository = try Repository(discoveringFrom: path)
    let builder = RecordBuilder(repository: repository)
    let agents = [
        ("claude-code", "anthropic/claude-sonnet-4-5"), ("cursor", "openai/gpt-5"), ("codex", "openai/gpt-5-codex"),
    ]
    var lines = [ObjectID: [String]]()
    var skipped = 0
    for commit in try repository.commits(inRange: "HEAD") where lines.count < limit {
        guard try repository.commit(commit).parentIDs.count <= 1 else { continue }
        func session() -> String {
            let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
            let hex = bytes.hexString
            return [
                hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4),
                hex.dropFirst(16).prefix(4), hex.dropFirst(20),
            ].joined(separator: "-")
        }
        var used = [agents[Int.random(in: 0..<3, using: &random)]]
        if Double.random(in: 0..<1, using: &random) < 0.2 { used.append(agents[Int.random(in: 0..<3, using: &random)]) }
        let sessionID = session()
        let kind = Double.random(in: 0..<1, using: &random)
        var claims = [LineClaim]()
        for file in try repository.pathsChanged(by: commit) {
            // The hunks of the line diff records speak of (spec/records.md §7).
            guard case .ranges(let hunks) = repository.addedLines(ofPath: file, inCommit: commit) else { continue }
            for hunk in hunks {
                let origin: Origin =
                    kind < 0.2
                    ? .human
                    : kind < 0.4
                        ? .ai
                        : [Origin.ai, .ai, .ai, .ai, .ai, .mixed, .mixed, .human, .human, .human][
                            Int.random(in: 0..<10, using: &random)]
                let agent = kind < 0.4 ? used[0] : used[Int.random(in: 0..<used.count, using: &random)]
                claims.append(
                    origin == .human
                        ? LineClaim(path: file, lines: [hunk], contributor: Contributor(type: .human))
                        : LineClaim(
                            path: file, lines: [hunk],
                            contributor: Contributor(type: origin, agent: agent.0, modelID: agent.1),
                            sessionID: sessionID))
            }
        }
        do {
            let statement = try builder.attribution(
                for: commit, claims: claims, signer: identity, recordedAt: 1_800_000_000 + Int64(lines.count))
            lines[commit] = [try RecordBuilder.sign(statement, with: identity.key).line]
        } catch {
            skipped += 1  // a path git cannot give as a file (a submodule, a symbolic link)
        }
    }
    try NotesLedger(repository: repository).append(lines, message: "generated records")
    print("\(lines.count) records (\(skipped) commits skipped)")
    exit(0)
}

var arguments = CommandLine.arguments
if arguments.count > 1 && arguments[1] == "--attach" { try attach(Array(arguments.dropFirst(2))) }
if arguments.count > 1 && arguments[1] == "--compare-blame" { try compareBlame(Array(arguments.dropFirst(2))) }
let onExistingHistory = arguments.count > 1 && arguments[1] == "--existing"
if onExistingHistory { arguments.remove(at: 1) }
guard arguments.count == 5, let count = Int(arguments[2]), count > 0 else {
    FileHandle.standardError.write(
        Data("usage: sessiontrace-ledger-generator [--existing] <directory> <commits> <key.pem> <email>\n".utf8))
    exit(2)
}
let directory = arguments[1]

@discardableResult
func git(_ arguments: [String], input: Data? = nil) -> String {
    let result = try! ChildProcess.run(
        "git", arguments: (["-C", directory] + arguments).map { Array($0.utf8) },
        environment: ProcessInfo.processInfo.environment, directory: FileManager.default.currentDirectoryPath,
        input: input.map { Array($0) })
    precondition(result.status == 0, "git \(arguments) failed: \(String(decoding: result.errors, as: UTF8.self))")
    let output = result.output
    return String(decoding: output, as: UTF8.self)
}

let identity = SigningIdentity(
    key: try SigningKey(contentsOfFile: arguments[3]), email: arguments[4], keyPath: arguments[3])

if onExistingHistory {
    let repository = try Repository(discoveringFrom: directory)
    let builder = RecordBuilder(repository: repository)
    // With -z: "<commit>\0\n<path>\0<path>\0<commit>\0\n<path>\0…" (the first path of a
    // commit follows a newline).
    let log = git([
        "log", "--no-merges", "--format=%H", "--name-only", "--diff-filter=AM", "-z", "-n", String(count * 2), "HEAD",
    ])
    var pathsByCommit = [(commit: ObjectID, paths: [String])]()
    for field in log.split(separator: "\0") {
        if field.hasPrefix("\n") {
            pathsByCommit[pathsByCommit.count - 1].paths.append(String(field.dropFirst()))
        } else if let commit = ObjectID(hex: String(field)), field.utf8.count == 40 {
            pathsByCommit.append((commit, []))
        } else if !pathsByCommit.isEmpty {
            pathsByCommit[pathsByCommit.count - 1].paths.append(String(field))
        }
    }
    var lines = [ObjectID: [String]]()
    for (commit, paths) in pathsByCommit where lines.count < count {
        for path in paths {
            guard case .ranges(let added) = repository.addedLines(ofPath: path, inCommit: commit),
                let first = added.first
            else { continue }
            let claim = LineClaim(path: path, lines: [first], contributor: Contributor(type: .human))
            let statement = try builder.attribution(
                for: commit, claims: [claim], signer: identity, recordedAt: 1_800_000_000,
                lineStats: (added: first.count, deleted: 0))
            lines[commit] = [try RecordBuilder.sign(statement, with: identity.key).line]
            break
        }
    }
    try NotesLedger(repository: repository).append(lines, message: "generated records")
    print("\(lines.count) records")
    exit(0)
}

// N commits through fast-import: commit i appends one line to file (i % 100).
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
git(["init", "-q"])
var stream = ""
var contents = [String](repeating: "", count: 100)
for index in 0..<count {
    let file = index % 100
    contents[file] += "line \(index) of file \(file)\n"
    let text = contents[file]
    let message = "change \(index)"
    stream += "commit refs/heads/main\ncommitter Bench <bench@example.com> \(1_700_000_000 + index) +0000\n"
    stream += "data \(message.utf8.count)\n\(message)\n"
    stream += "M 100644 inline file\(file).txt\ndata \(text.utf8.count)\n\(text)\n"
}
git(["fast-import", "--quiet"], input: Data(stream.utf8))
git(["checkout", "-q", "main"])

// One record per commit: its new line, by a person.
let repository = try Repository(discoveringFrom: directory)
let builder = RecordBuilder(repository: repository)
var lines = [ObjectID: [String]]()
for (offset, commit) in try repository.commits(inRange: "main").reversed().enumerated() {
    let file = offset % 100
    let line = offset / 100 + 1
    let claim = LineClaim(path: "file\(file).txt", lines: [line...line], contributor: Contributor(type: .human))
    let statement = try builder.attribution(
        for: commit, claims: [claim], signer: identity, recordedAt: 1_800_000_000,
        lineStats: (added: 1, deleted: 0))
    lines[commit] = [try RecordBuilder.sign(statement, with: identity.key).line]
}
try NotesLedger(repository: repository).append(lines, message: "generated records")
print("\(lines.count) records")
