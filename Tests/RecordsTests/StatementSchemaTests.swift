import CanonicalJSON
import Foundation
import Records
import Signing
import TestSupport
import Testing

/// Every deviation from spec/records.md §4 is refused with the member it concerns.
@Suite struct StatementSchemaTests {
    static let vectorPayload = try! Data(
        contentsOf: SpecVectors.directory.appendingPathComponent("attribution-v1/statement.json"))

    /// The vector statement with one member replaced (or removed, with nil).
    func mutated(_ path: [String], _ value: JSONValue?, in document: JSONValue? = nil) throws -> JSONValue {
        func apply(_ node: JSONValue, _ path: ArraySlice<String>) -> JSONValue? {
            guard let key = path.first else { return value }
            switch node {
            case .object(var members):
                members[key] = apply(members[key] ?? .null, path.dropFirst())
                return .object(members)
            case .array(var values):
                let index = Int(key)!
                values[index] = apply(values[index], path.dropFirst())!
                return .array(values)
            default:
                return node
            }
        }
        return apply(try document ?? JSONValue(parsing: Array(StatementSchemaTests.vectorPayload)), path[...])!
    }

    func expectRejected(_ path: [String], _ value: JSONValue?, mentioning member: String) throws {
        let json = try mutated(path, value)
        #expect {
            try Statement(json: json)
        } throws: { error in
            "\(error)".contains(member)
        }
    }

    /// Errors name the member by its whole path from the statement's root.
    @Test func errorsNameTheWholePath() throws {
        func message(_ path: [String], _ value: JSONValue?) throws -> String {
            do {
                _ = try Statement(json: try mutated(path, value))
            } catch let error as SchemaError {
                return error.description
            }
            return "accepted"
        }
        #expect(
            try message(["predicate", "files", "0", "ranges", "0", "end_line"], .integer(2))
                == "predicate.files[0].ranges[0].end_line: must not be before start_line")
        #expect(
            try message(["predicate", "files", "0", "ranges", "1", "start_line"], .integer(10))
                == "predicate.files[0].ranges[1]: ranges must be sorted and must not overlap")
        #expect(
            try message(["predicate", "files", "0", "ranges", "1", "contributor", "agent"], .string("x"))
                == "predicate.files[0].ranges[1].contributor: a human range names no agent or model")
        #expect(
            try message(["predicate", "files", "0", "ranges", "0", "contributor", "surprise"], .integer(1))
                == "predicate.files[0].ranges[0].contributor: unknown member \"surprise\"")
        #expect(
            try message(["subject", "0", "digest", "gitCommit"], .string("ABC"))
                == "subject[0].digest.gitCommit: must be a full lower-case commit id")
        #expect(
            try message(["predicate", "totals", "ai"], .integer(17)).hasPrefix(
                "predicate.totals.ai: is 17 but the ranges cover"))
        #expect(
            try message(["predicate", "files", "1", "path"], .string("a-first.txt"))
                == "predicate.files[1].path: files must be sorted by path without duplicates")
        #expect(try message(["predicate", "signer"], .string("me")) == "predicate.signer: must be an object")
        #expect(
            try message(["predicate", "files", "0", "ranges"], .array([]))
                == "predicate.files[0].ranges: must hold at least one range")
        #expect(try message(["extra"], .null) == "unknown member \"extra\"")
    }

    @Test func escapedMemberNamesAreTheSameMembers() throws {
        // A member name written with an escape is that member (not an unknown one).
        let text = String(decoding: StatementSchemaTests.vectorPayload, as: UTF8.self)
            .replacingOccurrences(of: #""start_line""#, with: #""\u0073tart_line""#)
        #expect(text != String(decoding: StatementSchemaTests.vectorPayload, as: UTF8.self))
        let statement = try Statement(payload: Array(text.utf8))
        #expect(statement == (try Statement(payload: Array(StatementSchemaTests.vectorPayload))))
    }

    @Test func vectorIsAccepted() throws {
        _ = try Statement(json: try mutated([], try JSONValue(parsing: Array(StatementSchemaTests.vectorPayload))))
        // The keyed prompt digest in place of the plain one reads, and round-trips.
        let keyed = try mutated(["predicate", "files", "0", "ranges", "0", "prompt_sha256"], nil)
        let statement = try Statement(
            json: try mutated(
                ["predicate", "files", "0", "ranges", "0", "prompt_hmac_sha256"],
                .string(String(repeating: "b", count: 64)), in: keyed))
        #expect(
            statement.attribution?.files[0].ranges[0].promptDigest == "hmac-sha256:" + String(repeating: "b", count: 64)
        )
        #expect(try Statement(payload: statement.json.canonicalBytes) == statement)
    }

    @Test func rejectsEachKindOfMalformedStatement() throws {
        try expectRejected(["_type"], .string("https://in-toto.io/Statement/v0.1"), mentioning: "_type")
        try expectRejected(
            ["predicateType"], .string("https://example.com/other"), mentioning: "unknown predicate type")
        try expectRejected(["subject", "0", "name"], .string("somethingelse"), mentioning: "subject[0].name")
        try expectRejected(["subject", "0", "digest", "gitCommit"], .string("ABC"), mentioning: "gitCommit")
        try expectRejected(["extra"], .string("x"), mentioning: "unknown member \"extra\"")
        try expectRejected(["predicate", "surprise"], .integer(1), mentioning: "unknown member \"surprise\"")
        try expectRejected(["predicate", "recorded_at"], .string("yesterday"), mentioning: "recorded_at")
        try expectRejected(["predicate", "signer", "public_key"], .string("ssh-rsa AAAA"), mentioning: "public_key")
        try expectRejected(["predicate", "files", "0", "path"], .string("../escape"), mentioning: "path")
        try expectRejected(["predicate", "files", "0", "ranges", "0", "end_line"], .integer(2), mentioning: "end_line")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "0", "start_line"], .integer(0), mentioning: "start_line")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "1", "start_line"], .integer(10), mentioning: "overlap")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "0", "content_hash"], .string("md5:abc"), mentioning: "content_hash")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "0", "contributor", "type"], .string("robot"), mentioning: "type")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "0", "contributor", "model_id"], .string("noprovider"),
            mentioning: "model_id")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "0", "contributor", "agent"], nil, mentioning: "agent")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "1", "contributor", "agent"], .string("x"), mentioning: "human range")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "0", "confidence_bp"], .integer(10_001), mentioning: "confidence_bp")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "0", "prompt_sha256"], .string("xyz"), mentioning: "prompt_sha256")
        // A keyed prompt digest instead of (never beside) a plain one.
        try expectRejected(
            ["predicate", "files", "0", "ranges", "0", "prompt_hmac_sha256"],
            .string(String(repeating: "a", count: 64)),
            mentioning: "one prompt digest, not two")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "1", "prompt_hmac_sha256"], .string("A1"),
            mentioning: "prompt_hmac_sha256")
        try expectRejected(
            ["predicate", "files", "0", "ranges", "0", "session_id"], .integer(5), mentioning: "session_id")
        try expectRejected(["predicate", "totals", "ai"], .integer(17), mentioning: "totals.ai")
        try expectRejected(["predicate", "totals", "added"], .integer(-1), mentioning: "added")
        try expectRejected(["predicate", "files", "1", "path"], .string("a-first.txt"), mentioning: "sorted")
    }
}

/// The signer reads every record back through verification's decoder first: the
/// ledger is append-only, so a record verify rejects must never be written.
@Suite struct SigningRefusesInvalidStatementsTests {
}
