import Foundation
import Git
import Hex
import Ledger
import TestSupport
import Testing
import Verification

/// A ledger large enough for verification to list its fan-out directories on several
/// threads gives exactly the answer of one thread listing it whole, in the same order:
/// newest commit first (as a ranged verify and git log list them), ties by id.
@Suite struct VerifierShardTests {
    @Test func parallelListingGivesTheSameAnswerInTheSameOrder() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        var lines = [ObjectID: [String]]()
        for index in 1...60 {
            try sandbox.write(numberedLines(index), to: "file.txt", in: directory)
            // Commit times out of creation order, all distinct: the order must come from them.
            try await sandbox.git("add", "-A", in: directory)
            let time = 1_700_000_000 + (index * 37 % 61) * 100
            let committed = try await sandbox.run(
                "git", ["commit", "-q", "-m", "commit \(index)"], in: directory,
                environment: ["GIT_COMMITTER_DATE": "\(time) +0000"])
            #expect(committed.status == 0)
            let commit = ObjectID(
                hex: try await sandbox.git("rev-parse", "HEAD", in: directory).trimmingCharacters(
                    in: .whitespacesAndNewlines))!
            // Lines that fail in different ways: not JSON, not an envelope.
            lines[commit] = index % 3 == 0 ? ["not json \(index)", "{\"m\":\(index)}"] : ["{\"n\":\(index)}"]
        }
        let repository = try Repository(discoveringFrom: directory.path)
        let ledger = NotesLedger(repository: repository)
        try ledger.append(lines, message: "test")
        let shards = try #require(try repository.noteShards(ref: NotesLedger.notesRef))
        #expect(shards.count >= 16, "too few fan-out directories to take the parallel path: \(shards.count)")
        let trust = try AllowedSigners(text: "", source: "empty")
        let serial = try Verifier(ledger: ledger, trust: trust).verify(commits: nil, workers: 1)
        let parallel = try Verifier(ledger: ledger, trust: trust).verify(commits: nil, workers: 2)
        #expect(parallel.commitsWithNotes == 60 && serial.commitsWithNotes == 60)
        #expect(parallel.recordsChecked == serial.recordsChecked)
        #expect(parallel.problems == serial.problems)
        let order = parallel.problems.map { (time: -repository.commitTime(of: $0.commit)!, id: $0.commit) }
        #expect(order.map(\.id) == order.sorted { $0.time != $1.time ? $0.time < $1.time : $0.id < $1.id }.map(\.id))
        #expect(Set(parallel.problems.map(\.code)) == [.notJSON, .notEnvelope])
        #expect(parallel.recordsChecked == 80)
    }
}
