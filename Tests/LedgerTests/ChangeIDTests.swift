import CanonicalJSON
import Foundation
import Git
import Hex
import Ledger
import Signing
import TestSupport
import Testing

/// The change identity (spec/records.md §8.2): what an approval approved, equal for a
/// change replayed unaltered onto another base and different for any other.
@Suite struct ChangeIDTests {
    /// spec/vectors/change-id.json, from the independent generator: the same bytes and digest.
    @Test func theSpecVectorsEncodeAndHashAlike() throws {
        let cases = try JSONValue(parsing: Array(try SpecVectors.data("change-id.json")))
        for vector in cases.arrayValue ?? [] {
            var contents = [ObjectID: [UInt8]]()
            var changes = [FileChange]()
            for file in vector["files"]?.arrayValue ?? [] {
                let path = file["path"]!.stringValue!
                let (oldMode, newMode) = (
                    UInt32(file["old_mode"]!.stringValue!, radix: 8)!, UInt32(file["new_mode"]!.stringValue!, radix: 8)!
                )
                func object(_ mode: UInt32, _ text: String) -> ObjectID? {
                    guard mode != 0 else { return nil }
                    if mode == 0o160000 { return ObjectID(hex: text)! }
                    let id = ObjectID(hex: GitObjectHash.blobID(Array(text.utf8)))!
                    contents[id] = Array(text.utf8)
                    return id
                }
                var change = FileChange(
                    kind: .modified, oldPath: oldMode == 0 ? nil : path, newPath: newMode == 0 ? nil : path,
                    oldBlob: nil, newBlob: nil)
                (change.oldMode, change.newMode) = (oldMode, newMode)
                change.oldObject = object(oldMode, file["old"]!.stringValue!)
                change.newObject = object(newMode, file["new"]!.stringValue!)
                changes.append(change)
            }
            let encoding = ChangeEncoding.encode(changes) { contents[$0]! }
            let name = vector["name"]?.stringValue ?? ""
            #expect(encoding.hexString == vector["encoding_hex"]?.stringValue, "\(name)")
            #expect("sha256:" + SHA256.hexDigest(encoding) == vector["change"]?.stringValue, "\(name)")
        }
    }

    /// A repository with `a.txt` and `run.sh`; a branch point and a commit on main.
    func repository() async throws -> (Sandbox, URL, Repository) {
        let sandbox = try Sandbox(name: #function)
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write(numberedLines(10), to: "a.txt", in: directory)
        try sandbox.write("echo hi\n", to: "run.sh", in: directory)
        try await sandbox.commitAll("base", in: directory)
        return (sandbox, directory, try Repository(discoveringFrom: directory.path))
    }

    func change(_ repository: Repository, _ sandbox: Sandbox, _ directory: URL, _ revision: String = "HEAD")
        async throws -> String
    {
        let id = try await sandbox.git("rev-parse", revision, in: directory).trimmingCharacters(in: .newlines)
        return try repository.changeID(of: ObjectID(hex: id)!)
    }

    @Test func aChangeReplayedOnAnotherBaseKeepsItsIdentityAndAnyAlterationLosesIt() async throws {
        let (sandbox, directory, repository) = try await repository()
        var lines = numberedLines(10).split(separator: "\n").map(String.init)
        lines[4] = "five, by the feature"
        try sandbox.write(lines.joined(separator: "\n") + "\n", to: "a.txt", in: directory)
        try await sandbox.commitAll("feature", in: directory)
        let original = try await change(repository, sandbox, directory)
        // The same edit on a base where another line of the file and another file changed.
        try await sandbox.git("checkout", "-q", "-b", "other", "HEAD~1", in: directory)
        var upstream = numberedLines(10).split(separator: "\n").map(String.init)
        upstream[0] = "one, upstream"
        try sandbox.write(upstream.joined(separator: "\n") + "\n", to: "a.txt", in: directory)
        try sandbox.write("news\n", to: "NEWS", in: directory)
        try await sandbox.commitAll("upstream", in: directory)
        upstream[4] = "five, by the feature"
        try sandbox.write(upstream.joined(separator: "\n") + "\n", to: "a.txt", in: directory)
        try await sandbox.commitAll("feature again", in: directory)
        #expect(try await change(repository, sandbox, directory) == original)
        // Alterations an approver would have to see again, each its own identity.
        var seen: Set<String> = [original]
        func altered(_ description: String, _ edit: () throws -> Void) async throws {
            try await sandbox.git("reset", "-q", "--hard", "HEAD~1", in: directory)
            try edit()
            try await sandbox.git("add", "-A", in: directory)
            try await sandbox.git("commit", "-q", "-m", description, in: directory)
            let id = try await change(repository, sandbox, directory)
            #expect(!seen.contains(id), "\(description) kept an identity already seen")
            seen.insert(id)
        }
        func write(_ replacement: String, at index: Int = 4) throws {
            var text = upstream
            text[index] = replacement
            try sandbox.write(text.joined(separator: "\n") + "\n", to: "a.txt", in: directory)
        }
        try await altered("white space only") { try write("five,  by the feature") }
        try await altered("another line") { try write("five, by the feature", at: 6) }
        try await altered("the edit plus a line") {
            try write("five, by the feature")
            try sandbox.write("extra\n", to: "b.txt", in: directory)
        }
        try await altered("no final newline") {
            var text = upstream
            text[4] = "five, by the feature"
            try sandbox.write(text.joined(separator: "\n"), to: "a.txt", in: directory)
        }
        try await altered("a mode change too") {
            try write("five, by the feature")
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o755], ofItemAtPath: directory.appendingPathComponent("run.sh").path)
        }
        try await altered("a rename instead") {
            try FileManager.default.moveItem(
                at: directory.appendingPathComponent("a.txt"), to: directory.appendingPathComponent("b.txt"))
        }
    }

    @Test func aRootCommitAndAnEmptyCommitHaveIdentitiesToo() async throws {
        let (sandbox, directory, repository) = try await repository()
        let root = try await change(repository, sandbox, directory)
        #expect(root.hasPrefix("sha256:") && root.count == 71)
        try await sandbox.git("commit", "-q", "--allow-empty", "-m", "empty", in: directory)
        // Nothing changed: SHA-256 of nothing.
        #expect(
            try await change(repository, sandbox, directory)
                == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
