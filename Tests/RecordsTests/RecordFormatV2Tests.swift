import CanonicalJSON
import Foundation
import Hex
import Records
import Signing
import TestSupport
import Testing

/// Version 2 (spec/records.md §8) against spec/vectors/attribution-v2 and
/// invalid-v2.json, which spec/vectors/generate.py produced independently.
@Suite struct RecordFormatV2Tests {
    @Test func theVectorDecodesAndReencodesToTheSameBytes() throws {
        let payload = Array(try SpecVectors.data("attribution-v2/statement.json"))
        let statement = try Statement(payload: payload, format: .v2)
        #expect(statement.format == .v2)
        #expect(statement.json.canonicalBytes == payload)
        #expect(statement.commit == "0123456789abcdef0123456789abcdef01234567")
        #expect(statement.signer == SignerInfo(email: "vectors@example.com", publicKey: nil))
        let attribution = try #require(statement.attribution)
        #expect(attribution.tool == ToolInfo(name: "git-trace", version: "0.2.0"))
        #expect(attribution.recordedAt == "2026-01-02T03:05:00Z")
        #expect(attribution.committer == nil && attribution.totals == nil)
        #expect(attribution.files.map(\.path) == ["src/app.swift", "tests/café \"quoted\".txt"])
        let app = attribution.files[0].ranges
        #expect(app.map { $0.startLine...$0.endLine } == [3...20, 25...25])
        #expect(
            app.allSatisfy { $0.contributor.modelID == "anthropic/claude-sonnet-4-5" && $0.sessionID == "session-1" })
        #expect(app[0].promptDigest?.hasPrefix("sha256:") == true && app[0].contentHash == nil)
        #expect(attribution.files[1].ranges[0].confidenceBasisPoints == 9500)
        #expect(attribution.rest == RangeLabel(contributor: Contributor(type: .human)))
    }

    @Test func signingTheVectorPayloadGivesTheVectorEnvelope() throws {
        let (envelope, payload) = try expectVectorSigns("attribution-v2")
        let (parsed, canonical) = try Envelope.parse(line: envelope.line)
        #expect(canonical && parsed.payloadType == RecordFormat.v2.payloadType)
        #expect(try Statement(envelope: parsed) == Statement(payload: payload, format: .v2))
    }

    /// Each payload breaks one rule; the error names the member that breaks it.
    @Test func everyInvalidVectorIsRefusedNamingItsMember() throws {
        #expect(try expectInvalidVectorsRefused("invalid-v2.json") >= 20)
    }

    @Test func aVersion1PayloadIsNotVersion2AndTheOtherWayRound() throws {
        let v1 = Array(try SpecVectors.data("attribution-v1/statement.json"))
        let v2 = Array(try SpecVectors.data("attribution-v2/statement.json"))
        #expect(throws: SchemaError.self) { try Statement(payload: v1, format: .v2) }
        #expect(throws: SchemaError.self) { try Statement(payload: v2, format: .v1) }
    }

    /// A model written as version 2 reads back the same, with ranges of rest's label
    /// left to rest and touching ranges of one label joined.
    @Test func aVersion2StatementSurvivesItsEncoding() throws {
        let agent = RangeLabel(contributor: Contributor(type: .ai, agent: "codex", modelID: "openai/gpt-5-codex"))
        let person = RangeLabel(contributor: Contributor(type: .human))
        let attribution = Attribution(
            tool: ToolInfo(name: "git-trace", version: "0.2.0"),
            signer: SignerInfo(email: "a@example.com", publicKey: nil), committer: nil,
            recordedAt: "2026-03-04T05:06:07Z",
            files: [
                AttributedFile(
                    path: "a.txt",
                    ranges: [
                        AttributedRange(1...2, agent), AttributedRange(3...4, agent), AttributedRange(5...5, person),
                    ])
            ], totals: nil, rest: person)
        let statement = Statement(
            commit: String(repeating: "ab", count: 20), predicate: .attribution(attribution), format: .v2)
        let payload = statement.json.canonicalBytes
        #expect(String(decoding: payload, as: UTF8.self).contains(#""files":{"a.txt":[[0,"1-4"]]}"#))
        let decoded = try Statement(payload: payload, format: .v2)
        #expect(decoded.attribution?.files == [AttributedFile(path: "a.txt", ranges: [AttributedRange(1...4, agent)])])
        #expect(decoded.attribution?.rest == person)
        #expect(try Statement(payload: decoded.json.canonicalBytes, format: .v2) == decoded)
    }

    @Test func restFillsTheAddedLinesNoRangeLists() {
        let agent = RangeLabel(contributor: Contributor(type: .ai, agent: "codex", modelID: "openai/gpt-5-codex"))
        let person = RangeLabel(contributor: Contributor(type: .human))
        var attribution = Attribution(
            tool: ToolInfo(name: "git-trace", version: "0.2.0"),
            signer: SignerInfo(email: "a@example.com", publicKey: nil),
            committer: nil, recordedAt: "2026-03-04T05:06:07Z",
            files: [
                AttributedFile(path: "a.txt", ranges: [AttributedRange(4...5, agent), AttributedRange(9...9, agent)])
            ],
            totals: nil, rest: person)
        let spread = attribution.ranges(of: "a.txt", added: [2...6, 8...10])
        #expect(spread.map { $0.startLine...$0.endLine } == [2...3, 4...5, 6...6, 8...8, 9...9, 10...10])
        #expect(spread.map(\.contributor.type) == [.human, .ai, .human, .human, .ai, .human])
        #expect(attribution.ranges(of: "b.txt", added: [1...3]).map { $0.startLine...$0.endLine } == [1...3])
        #expect(attribution.label(ofAddedLine: 4, in: "a.txt") == agent)
        #expect(attribution.label(ofAddedLine: 7, in: "a.txt") == person)
        attribution.rest = nil
        #expect(attribution.label(ofAddedLine: 7, in: "a.txt") == nil)
        #expect(attribution.ranges(of: "a.txt", added: [1...10]).count == 2)
    }

    @Test func rangeListsHaveOneSpelling() {
        #expect(RangeList.format([5...5, 1...2, 3...3, 7...9]) == "1-3,5,7-9")
        #expect(RangeList.parse("1-3,5,7-9") == [1...3, 5...5, 7...9])
        for bad in [
            "", "0", "01", "1-1", "3-2", "1,1", "1,2", "1-3,4", "5,1", "1-", "-1", "1--2", "a", "1 ", "2147483649",
        ] {
            #expect(RangeList.parse(bad) == nil, "\(bad)")
        }
        #expect(RangeList.parse("2147483648") == [2_147_483_648...2_147_483_648])
    }
}

extension RecordFormatV2Tests {
    /// Found by the statement fuzz target: files given out of path order decoded into
    /// a model whose encoding (sorted) decoded into another.
    @Test func filesOutOfOrderDecodeInPathOrder() throws {
        let canonical = String(decoding: try SpecVectors.data("attribution-v2/statement.json"), as: UTF8.self)
        let reordered = canonical.replacingOccurrences(
            of: #""files":{"src/app.swift":[[0,"3-20,25"]],"tests/café \"quoted\".txt":[[1,"1"]]}"#,
            with: #""files":{"tests/café \"quoted\".txt":[[1,"1"]],"src/app.swift":[[0,"3-20,25"]]}"#)
        #expect(reordered != canonical)
        let statement = try Statement(payload: Array(reordered.utf8), format: .v2)
        #expect(statement.attribution?.files.map(\.path) == ["src/app.swift", "tests/café \"quoted\".txt"])
        #expect(String(decoding: statement.json.canonicalBytes, as: UTF8.self) == canonical)
        #expect(try Statement(payload: statement.json.canonicalBytes, format: .v2) == statement)
    }
}

/// Every payload of an invalid-vector file (`[{member, payload}]`) is refused as version
/// 2, the error naming the member that breaks the rule; returns how many there were.
/// Signing `directory/statement.json` (a version 2 vector) with the vectors' key gives
/// the directory's PAE, envelope line and record digest, byte for byte.
@discardableResult
func expectVectorSigns(_ directory: String) throws -> (envelope: Envelope, payload: [UInt8]) {
    let key = try SigningKey(text: try SpecVectors.text("attribution-v1/key.pem"), source: "key.pem")
    let payload = Array(try SpecVectors.data("\(directory)/statement.json"))
    let envelope = try Envelope.sign(payload: payload, payloadType: RecordFormat.v2.payloadType, with: key)
    #expect(envelope.preAuthenticationEncoding.hexString == (try SpecVectors.text("\(directory)/pae.hex")))
    #expect(envelope.line == (try SpecVectors.text("\(directory)/envelope.jsonl")))
    #expect(Envelope.recordDigest(ofLine: envelope.line) == (try SpecVectors.text("\(directory)/record-digest.txt")))
    return (envelope, payload)
}

/// An in-toto (version 1) statement of a predicate that exists in version 2 only is refused.
func expectRefusedInVersion1(_ predicateType: String) {
    let commit = "0123456789abcdef0123456789abcdef01234567"
    let v1 = """
        {"_type":"https://in-toto.io/Statement/v1","predicate":{},"predicateType":"\(predicateType)","subject":[{"digest":{"gitCommit":"\(commit)"},"name":"\(commit)"}]}
        """
    #expect(throws: SchemaError.self) { try Statement(payload: Array(v1.utf8), format: .v1) }
}

func expectInvalidVectorsRefused(_ file: String) throws -> Int {
    struct Case: Decodable {
        let member: String
        let payload: String
    }
    let cases = try JSONDecoder().decode([Case].self, from: try SpecVectors.data(file))
    for testCase in cases {
        do {
            _ = try Statement(payload: Array(testCase.payload.utf8), format: .v2)
            Issue.record("accepted: \(testCase.payload)")
        } catch let error as SchemaError {
            let named = testCase.member.isEmpty ? error.path.isEmpty : error.path.hasPrefix(testCase.member)
            #expect(named, "expected \(testCase.member): \(error)")
        }
    }
    return cases.count
}
