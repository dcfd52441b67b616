import Foundation
import Git
import Ledger
import Signing
import Testing
import TestSupport

/// A ledger large enough for verification to list its fan-out directories on several
/// threads gives exactly the answer of one thread listing it whole.
@Suite struct VerifierShardTests {
    @Test func parallelListingGivesTheSameAnswerInTheSameOrder() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        var lines = [ObjectID: [String]]()
        for index in 1...60 {
            try sandbox.write(numberedLines(index), to: "file.txt", in: directory)
            let commit = ObjectID(hex: try await sandbox.commitAll("commit \(index)", in: directory))!
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
        #expect(parallel.problems.map(\.commit) == parallel.problems.map(\.commit).sorted())
        #expect(Set(parallel.problems.map(\.code)) == [.notJSON, .notEnvelope])
        #expect(parallel.recordsChecked == 80)
    }
}
