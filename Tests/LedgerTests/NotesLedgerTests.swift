import Foundation
import Git
import Hex
import Ledger
import Signing
import TestSupport
import Testing

@Suite struct NotesLedgerTests {
    func repositoryWithCommits(_ sandbox: Sandbox, count: Int) async throws -> (URL, [ObjectID]) {
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        var commits = [ObjectID]()
        for index in 1...count {
            try sandbox.write(numberedLines(index), to: "file.txt", in: directory)
            commits.append(ObjectID(hex: try await sandbox.commitAll("commit \(index)", in: directory))!)
        }
        return (directory, commits)
    }

    @Test func appendWritesTwoThirtyEightFanOutThatGitReads() async throws {
        let sandbox = try Sandbox()
        let (directory, commits) = try await repositoryWithCommits(sandbox, count: 3)
        let ledger = NotesLedger(repository: try Repository(discoveringFrom: directory.path))
        try ledger.append([commits[0]: ["{\"a\":1}"], commits[2]: ["{\"b\":2}", "{\"c\":3}"]], message: "test")
        let tree = try await sandbox.git("ls-tree", "-r", "--name-only", NotesLedger.notesRef, in: directory)
        let expected = [commits[0], commits[2]].map { String($0.hex.prefix(2)) + "/" + String($0.hex.dropFirst(2)) }
            .sorted()
        #expect(tree.split(separator: "\n").map(String.init).sorted() == expected)
        let shown = try await sandbox.git("notes", "--ref", "sessiontrace", "show", commits[2].hex, in: directory)
        #expect(shown == "{\"b\":2}\n{\"c\":3}\n")
    }

    @Test func appendKeepsExistingLinesAndSkipsDuplicates() async throws {
        let sandbox = try Sandbox()
        let (directory, commits) = try await repositoryWithCommits(sandbox, count: 1)
        let ledger = NotesLedger(repository: try Repository(discoveringFrom: directory.path))
        try ledger.append([commits[0]: ["one"]], message: "first")
        try ledger.append([commits[0]: ["two", "one"]], message: "second")
        guard case .lines(let lines, _)? = ledger.note(on: commits[0]) else { Issue.record("no note"); return }
        #expect(lines == ["one", "two"])
        let history = try await sandbox.git("rev-list", "--count", NotesLedger.notesRef, in: directory)
        #expect(history.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    }

    @Test func readsNotesGitWroteFlatAndRewritesThemIntoFanOut() async throws {
        let sandbox = try Sandbox()
        let (directory, commits) = try await repositoryWithCommits(sandbox, count: 2)
        try await sandbox.git("notes", "--ref", "sessiontrace", "add", "-m", "from git", commits[0].hex, in: directory)
        let ledger = NotesLedger(repository: try Repository(discoveringFrom: directory.path))
        guard case .lines(let lines, _)? = ledger.note(on: commits[0]) else { Issue.record("no note"); return }
        #expect(lines == ["from git"])
        #expect(try ledger.allNotes().map(\.target) == [commits[0]])
        try ledger.append([commits[0]: ["from trace"]], message: "append")
        let tree = try await sandbox.git("ls-tree", "-r", "--name-only", NotesLedger.notesRef, in: directory)
        #expect(tree == String(commits[0].hex.prefix(2)) + "/" + String(commits[0].hex.dropFirst(2)) + "\n")
        let shown = try await sandbox.git("notes", "--ref", "sessiontrace", "show", commits[0].hex, in: directory)
        #expect(shown == "from git\nfrom trace\n")
    }

    @Test func readsEveryFanOutDepthGitProduces() async throws {
        let sandbox = try Sandbox()
        let (directory, commits) = try await repositoryWithCommits(sandbox, count: 1)
        // More than 256 notes make git itself write a fan-out tree.
        var input = ""
        for index in 0..<300 {
            let blob = try await sandbox.git("hash-object", "-w", "--stdin", in: directory, input: "blob \(index)\n")
            input += "\(blob.trimmingCharacters(in: .whitespacesAndNewlines))\n"
        }
        let blobs = input.split(separator: "\n").map(String.init)
        for blob in blobs {
            try await sandbox.git(
                "notes", "--ref", "sessiontrace", "add", "-m", "note for \(blob)", blob, in: directory)
        }
        try await sandbox.git(
            "notes", "--ref", "sessiontrace", "add", "-m", "commit note", commits[0].hex, in: directory)
        let ledger = NotesLedger(repository: try Repository(discoveringFrom: directory.path))
        let all = try ledger.allNotes()
        #expect(all.count == 301)
        guard case .lines(let lines, _)? = ledger.note(on: ObjectID(hex: blobs[17])!) else {
            Issue.record("missing"); return
        }
        #expect(lines == ["note for \(blobs[17])"])
    }

    @Test func concurrentWritersLoseNothing() async throws {
        let sandbox = try Sandbox()
        let (directory, commits) = try await repositoryWithCommits(sandbox, count: 4)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    // Each writer has its own repository handle, as separate processes would.
                    let ledger = NotesLedger(repository: try Repository(discoveringFrom: directory.path))
                    for index in 0..<10 {
                        try ledger.append(
                            [commits[index % 4]: ["writer \(writer) record \(index)"]], message: "w\(writer)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let ledger = NotesLedger(repository: try Repository(discoveringFrom: directory.path))
        let total = try ledger.allNotes().reduce(0) { count, entry in
            if case .lines(let lines, _) = entry.note { return count + lines.count }
            return count
        }
        #expect(total == 40)
    }
}
