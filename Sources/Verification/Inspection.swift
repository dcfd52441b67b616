import CanonicalJSON
import Git
import Ledger
import Records
import Signing

/// One note line as `git trace show` presents it: decoded as far as it goes, with its
/// signature checked against the key it names and, when a trust file is at hand,
/// verified as an auditor would.
package struct InspectedRecord: Sendable {
    package enum Trust: Sendable {
        case notChecked
        case verified(trustLine: Int)
        case problem(Problem)
    }

    package let index: Int
    package let digest: String
    package let envelope: Envelope?
    package let statement: Statement?
    /// Why the line could not be decoded, if it could not.
    package let decodeError: String?
    /// Whether the signature verifies with the public key the record embeds (integrity
    /// only: says nothing about whether that key is trusted); nil when the record
    /// embeds none (version 2) or could not be read.
    package let signatureMatchesEmbeddedKey: Bool?
    package let trust: Trust

    package var hasProblem: Bool {
        if decodeError != nil || signatureMatchesEmbeddedKey == false { return true }
        if case .problem = trust { return true }
        return false
    }

    /// What `git trace show --json` prints for the record: the decoded statement and
    /// the outcome of each check.
    package var json: JSONValue {
        var members: JSONObject = [
            "record": .integer(Int64(index)),
            "digest": .string(digest),
            "signature_matches_embedded_key": signatureMatchesEmbeddedKey.map(JSONValue.bool) ?? .null,
        ]
        if let keyID = envelope?.signatures.first?.keyID { members["keyid"] = .string(keyID) }
        if let statement {
            members["statement"] = statement.json
            members["format"] = .integer(Int64(statement.format.rawValue))
        }
        if let decodeError { members["error"] = .string(decodeError) }
        switch trust {
        case .notChecked: members["trust"] = .string("not-checked")
        case .verified: members["trust"] = .string("verified")
        case .problem(let problem):
            members["trust"] = .string("failed")
            members["problem"] = .object(["code": .string(problem.code.rawValue), "message": .string(problem.message)])
        }
        return .object(members)
    }
}

package enum Inspection {
    /// The records on `commit` (nil when it has no note), checked with `trust` when given.
    package static func inspect(
        commit: ObjectID, ledger: NotesLedger, trust: AllowedSigners?, remaker: (any EstimateRemaking)? = nil
    ) throws -> [InspectedRecord]? {
        guard let note = ledger.note(on: commit) else { return nil }
        let lines: [Substring]
        switch note {
        case .unreadable(let why):
            throw TrustFileError(message: "the note on \(commit.shortHex) cannot be read: \(why)")
        case .lines(let noteLines, _): lines = noteLines
        }
        var trustByIndex = [Int: InspectedRecord.Trust]()
        if let trust {
            // One commit: checking its ranges against its files costs little.
            let result = try Verifier(ledger: ledger, trust: trust, checksContent: true, remaker: remaker).verify(
                commits: [commit])
            for record in result.verified { trustByIndex[record.record] = .verified(trustLine: record.trustLine) }
            for problem in result.problems { if let index = problem.record { trustByIndex[index] = .problem(problem) } }
        }
        return lines.enumerated().map { offset, line in
            let index = offset + 1
            let digest = Envelope.recordDigest(ofLine: line)
            let trustStatus = trustByIndex[index] ?? .notChecked
            let envelope: Envelope
            let statement: Statement
            do {
                envelope = try Envelope(line: line)
                statement = try Statement(envelope: envelope)
            } catch {
                return InspectedRecord(
                    index: index, digest: digest, envelope: try? Envelope(line: line), statement: nil,
                    decodeError: "\(error)", signatureMatchesEmbeddedKey: nil, trust: trustStatus)
            }
            let signature = envelope.signatures[0]
            // Version 2 names no key in the statement: nothing to check it with.
            let valid = statement.signer.publicKey.map { line in
                (try? PublicKey.cached(openSSH: line)).map {
                    $0.fingerprint == signature.keyID
                        && $0.isValidSignature(signature.bytes, for: envelope.preAuthenticationEncoding)
                } ?? false
            }
            return InspectedRecord(
                index: index, digest: digest, envelope: envelope, statement: statement, decodeError: nil,
                signatureMatchesEmbeddedKey: valid, trust: trustStatus)
        }
    }
}
