import Foundation
import Git
import Hex
import Keys
import Ledger
import Records
import Signing
import TestSupport
import Testing
import Verification

/// A failed signature is explained from the notes history (spec/records.md §7), and
/// that search reads the history once per verification, not once per failed record:
/// a ledger with many notes commits and many altered records verifies in time linear
/// in its size.
@Suite struct ForensicSearchTests {
    @Test func historyIsReadOncePerVerificationHoweverManyRecordsFail() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write(numberedLines(3), to: "a.txt", in: directory)
        var commits = [ObjectID]()
        for index in 1...12 {
            try sandbox.write(numberedLines(index), to: "a.txt", in: directory)
            commits.append(ObjectID(hex: try await sandbox.commitAll("c\(index)", in: directory))!)
        }
        let repository = try Repository(discoveringFrom: directory.path)
        let ledger = NotesLedger(repository: repository)
        let key = try SigningKey.generate()
        let signer = SigningIdentity(key: key, email: "alice@example.com", keyPath: "memory")
        var originals = [ObjectID: String]()
        for (index, commit) in commits.enumerated() {
            // Commit i added line i.
            let statement = try RecordBuilder(repository: repository).attribution(
                for: commit,
                claims: [
                    LineClaim(path: "a.txt", lines: [(index + 1)...(index + 1)], contributor: Contributor(type: .human))
                ],
                signer: signer, recordedAt: 1_790_000_000)
            originals[commit] = try RecordBuilder.sign(statement, with: key).line
            try ledger.append([commit: [originals[commit]!]], message: "record")
        }
        // A long notes history: 300 more notes commits on other objects.
        for index in 0..<300 {
            let blob = try repository.writeBlob(Array("filler \(index)\n".utf8))
            try ledger.append([blob: ["filler \(index)"]], message: "filler")
        }
        // Every record altered: half in the payload, half in the signature.
        var altered = [ObjectID: [UInt8]?]()
        for (index, commit) in commits.enumerated() {
            let envelope = try Envelope(line: originals[commit]!)
            var payload = envelope.payload, signature = envelope.signatures[0].bytes
            if index.isMultiple(of: 2) {
                payload = Array(
                    String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\"human\"", with: "\"ai\"").utf8)
            } else {
                signature[9] ^= 0x40
            }
            let line = Envelope(
                payload: payload, payloadType: envelope.payloadType,
                signatures: [Envelope.Signature(keyID: envelope.signatures[0].keyID, bytes: signature)]
            ).line
            altered[commit] = Array((line + "\n").utf8)
        }
        let tip = try #require(try repository.notesTip(NotesLedger.notesRef))
        try repository.updateNotes(
            ref: NotesLedger.notesRef, expectedTip: tip,
            changes: Dictionary(uniqueKeysWithValues: altered.map { ($0.key, $0.value) }),
            message: "tamper")
        let history = try repository.notesHistory(NotesLedger.notesRef).count
        #expect(history == 12 + 300 + 1)

        let trust = try AllowedSigners(text: "alice@example.com \(key.publicKey.openSSH)\n", source: "test")
        let verifier = Verifier(ledger: ledger, trust: trust)
        let result = try verifier.verify(commits: commits, workers: 1)
        #expect(result.problems.count == 12)
        for (index, commit) in commits.enumerated() {
            let problem = result.problems.first { $0.commit == commit }
            #expect(
                problem?.code == (index.isMultiple(of: 2) ? .payloadAltered : .signatureAltered),
                "\(String(describing: problem))")
        }
        #expect(verifier.notesCommitsSearched == history, "each notes commit read once, not once per failed record")
    }
}
