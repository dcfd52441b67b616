import Foundation
import Ledger
import Records
import Testing
import Verification

/// Which record governs a commit that has several (spec/reports.md): the same on every
/// clone, whatever order sync's merge left the note's lines in.
@Suite struct GoverningRecordTests {
    static let statement = try! String(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../spec/vectors/attribution-v1/statement.json").standardizedFileURL,
        encoding: .utf8)

    /// The vector's statement with another time, named by a made-up digest.
    func record(recordedAt: String, digestDigit: Int) throws -> (Statement, String) {
        var text = Self.statement
        let time = try #require(text.range(of: #""recorded_at":"[^"]*""#, options: .regularExpression))
        text.replaceSubrange(time, with: "\"recorded_at\":\"\(recordedAt)\"")
        let statement = try Statement(payload: Array(text.utf8))
        // A digest stands in for the line's: any order-free choice must pick the same one.
        return (statement, "sha256:" + String(repeating: String(digestDigit), count: 64).prefix(64))
    }

    @Test func equalTimesAreSettledByDigestNotByLineOrder() throws {
        let a = try record(recordedAt: "2026-01-01T00:00:00Z", digestDigit: 1)
        let b = try record(recordedAt: "2026-01-01T00:00:00Z", digestDigit: 2)
        var forward = RecordIndex.CommitRecords(), backward = RecordIndex.CommitRecords()
        forward.add(a.0, digest: a.1)
        forward.add(b.0, digest: b.1)
        backward.add(b.0, digest: b.1)
        backward.add(a.0, digest: a.1)
        #expect(forward.attribution?.digest == b.1)
        #expect(backward.attribution?.digest == b.1)
    }

    @Test func theNewerRecordGovernsWhateverItsDigest() throws {
        let older = try record(recordedAt: "2026-01-01T00:00:00Z", digestDigit: 9)
        let newer = try record(recordedAt: "2026-01-01T00:00:01Z", digestDigit: 1)
        for order in [[older, newer], [newer, older]] {
            var records = RecordIndex.CommitRecords()
            for (statement, digest) in order { records.add(statement, digest: digest) }
            #expect(records.attribution?.digest == newer.1)
        }
    }
}
