// Makes a repository with N commits and one signed attribution record on each, for
// `make bench` (verification at scale). Usage:
//   sessiontrace-ledger-generator <directory> <commits> <signing-key.pem> <email>
import Foundation
import Git
import Ledger
import Signing

let arguments = CommandLine.arguments
guard arguments.count == 5, let count = Int(arguments[2]), count > 0 else {
    FileHandle.standardError.write(Data("usage: sessiontrace-ledger-generator <directory> <commits> <key.pem> <email>\n".utf8))
    exit(2)
}
let directory = arguments[1]

func git(_ arguments: [String], input: Data? = nil) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", directory] + arguments
    let stdin = Pipe()
    if input != nil { process.standardInput = stdin }
    try! process.run()
    if let input {
        stdin.fileHandleForWriting.write(input)
        try! stdin.fileHandleForWriting.close()
    }
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "git \(arguments) failed")
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
let identity = SigningIdentity(key: try SigningKey(contentsOfFile: arguments[3]), email: arguments[4], keyPath: arguments[3])
let builder = RecordBuilder(repository: repository)
var lines = [ObjectID: [String]]()
for (offset, commit) in try repository.commits(inRange: "main").reversed().enumerated() {
    let file = offset % 100
    let line = offset / 100 + 1
    let claim = LineClaim(path: "file\(file).txt", lines: [line...line], contributor: Contributor(type: .human))
    let statement = try builder.attribution(for: commit, claims: [claim], signer: identity, recordedAt: 1_800_000_000,
                                            lineStats: (added: 1, deleted: 0))
    lines[commit] = [try RecordBuilder.sign(statement, with: identity.key).line]
}
try NotesLedger(repository: repository).append(lines, message: "generated records")
print("\(lines.count) records")
