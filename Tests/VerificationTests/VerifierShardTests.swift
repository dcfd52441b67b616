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
        let order = parallel.problems.map { (time: -repository.timeAndFirstParent(of: $0.commit)!.time, id: $0.commit) }
        #expect(order.map(\.id) == order.sorted { $0.time != $1.time ? $0.time < $1.time : $0.id < $1.id }.map(\.id))
        #expect(Set(parallel.problems.map(\.code)) == [.notJSON, .notEnvelope])
        #expect(parallel.recordsChecked == 80)
    }

    /// The chunks verification hands out cover every note once, in order; none is
    /// larger than an eighth of a worker's share, and they shrink to 128 at the end, so
    /// that the last one to finish keeps the other cores waiting only briefly.
    @Test(arguments: [(1, 2), (127, 2), (128, 2), (4_100, 2), (80_000, 2), (80_000, 8), (1_000_003, 4)])
    func chunksCoverEveryNoteAndShrinkTowardTheEnd(count: Int, workers: Int) {
        let chunks = Verifier.chunks(count: count, workers: workers)
        #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == count)
        #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(chunks.allSatisfy { !$0.isEmpty && $0.count <= max(128, count / (8 * workers)) })
        #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.count >= $1.count || $1 == chunks.last })
        if count >= 128 * 4 * workers {
            #expect(chunks.suffix(workers).allSatisfy { $0.count <= 128 }, "\(chunks.suffix(3))")
        }
    }
}
