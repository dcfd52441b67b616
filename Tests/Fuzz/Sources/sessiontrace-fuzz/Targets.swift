import CanonicalJSON
import Capture
import Classifier
import Foundation
import Git
import Hex
import Ledger
import Policy
import Records
import Signing
import Verification

/// One fuzz target: bytes in; a crash, a hang or a broken invariant (`fail`) is a
/// finding. Each target states what must hold for every input, not only that nothing
/// crashes.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("invariant broken: \(message)\n".utf8))
    abort()
}

/// The key of spec/vectors (RFC 8032's test vector 1, public and for tests only), so
/// that inputs derived from the vectors in the seed corpora reach the signature checks.
let vectorKey = try! SigningKey(seed: [UInt8](hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!)
let trust = try! AllowedSigners(
    text: "vectors@example.com,*@example.com \(vectorKey.publicKey.openSSH)\n", source: "fuzz")

// The classifier's 2^18-bucket tables, made once rather than for every input (the
// fuzzer runs one input at a time).
nonisolated(unsafe) var fuzzScratch = FeatureScratch()
nonisolated(unsafe) var fuzzClassifier = CommitClassifier(contentOnly: true)

let targets: [FuzzTarget] = [
    // A commit's diff as `git trace classify` reads it (spec/classifier.md §1): every
    // block read has lines and ends where it starts plus its lines, and every block
    // scored has finite features and a probability between 0 and 10,000 bp.
    FuzzTarget(name: "diff-blocks") { bytes in
        var reader = DiffBlockReader()
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) { reader.read(line) }
        let blocks = reader.finish()
        for block in blocks where block.lines.isEmpty || block.endLine != block.startLine + block.lines.count - 1 {
            fail("a block of \(block.lines.count) lines at \(block.startLine)–\(block.endLine)")
        }
        for block in blocks where block.unscoredReason == nil {
            // The input itself as the parent version: any bytes, any start line.
            let context = BlockFeatures.contextWindow(parent: Array(bytes), start: block.startLine)
            if let context, context.isEmpty || context.count > 2 * BlockFeatures.contextRadius {
                fail("a context of \(context.count) lines")
            }
            let features = BlockFeatures(lines: block.lines, context: context, scratch: &fuzzScratch)
            if features.dense.count != BlockFeatures.denseCount || !features.dense.allSatisfy(\.isFinite) {
                fail("dense numbers not finite: \(features.dense)")
            }
        }
        let estimate = fuzzClassifier.estimate(
            commit: "c", authorName: "a", authorTime: 1_800_000_000, message: "", blocks: blocks)
        for bp in estimate.blocks.compactMap(\.probabilityBP) + [estimate.probabilityBP].compactMap({ $0 })
        where !(0...10_000).contains(bp) {
            fail("a probability of \(bp) bp")
        }
    },
    // A .gitattributes file and a path (after the first NUL) as a commit's tree can
    // hold them: parsing and matching end, and a pattern without wildcards that holds a
    // slash matches exactly the path it spells.
    FuzzTarget(name: "gitattributes") { bytes in
        let parts = bytes.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        let file = AttributesFile(parsing: Array(parts[0]), allowsMacros: true)
        let path = parts.count > 1 ? parts[1] : []
        for rule in file.rules {
            _ = rule.pattern.matches(path)
        }
        let spelled = Array(parts[0].prefix { $0 != 0x0A && $0 != 0x20 && $0 != 0x09 && $0 != 0x0D })
        let wild: Set<UInt8> = [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "\\")]
        if spelled.contains(UInt8(ascii: "/")), !spelled.contains(where: wild.contains), spelled.last != 0x2F,
            spelled.first != 0x2F
        {
            let literal = Wildmatch.matches(pattern: spelled, text: Array(path))
            if literal != spelled.elementsEqual(path) { fail("literal pattern \(spelled) against \(Array(path))") }
        }
    },
    // A note as the ledger reads it: lines, envelopes, statements. Envelope.parse's
    // canonical flag must agree with re-serialising, and a decoded statement must
    // encode to bytes that decode to the same statement.
    FuzzTarget(name: "note") { bytes in
        guard let (lines, _) = NotesLedger.lineSlices(noteBytes: bytes) else { return }
        for line in lines {
            guard let (envelope, canonical) = try? Envelope.parse(bytes: line) else { continue }
            if canonical, Array(envelope.line.utf8) != Array(line) {
                fail("a canonical envelope line re-serialises differently")
            }
            _ = envelope.preAuthenticationEncoding
            if let statement = try? Statement(envelope: envelope) {
                let again = try? Statement(payload: statement.json.canonicalBytes, format: statement.format)
                if again != statement { fail("a statement does not survive encoding") }
            }
        }
    },
    // Both versions of the format (spec/records.md §4, §8).
    FuzzTarget(name: "statement") { bytes in
        for format in RecordFormat.allCases {
            guard let statement = try? Statement(payload: bytes, format: format) else { continue }
            guard let again = try? Statement(payload: statement.json.canonicalBytes, format: format), again == statement
            else {
                fail("a version \(format.rawValue) statement does not survive encoding")
            }
            _ = try? RecordBuilder.sign(statement, with: vectorKey)
        }
    },
    FuzzTarget(name: "json") { bytes in
        guard let text = String(bytes: bytes, encoding: .utf8), let value = try? JSONValue(parsing: text) else {
            return
        }
        guard let again = try? JSONValue(parsing: value.canonicalString), again == value else {
            fail("canonical JSON does not parse back to the same value")
        }
    },
    FuzzTarget(name: "allowed-signers") { bytes in
        guard let text = String(bytes: bytes, encoding: .utf8),
            let signers = try? AllowedSigners(text: text, source: "fuzz")
        else { return }
        for entry in signers.entries {
            // A key whose window holds the time, for a principal it lists literally, is trusted.
            let time: Int64 = entry.validAfter ?? 1_790_000_000
            guard let principal = entry.principals.first, !principal.contains(where: { "*?!".contains($0) }),
                time < (entry.validBefore ?? .max), entry.namespaces == nil
            else { continue }
            let decision = signers.decide(keyID: entry.key.fingerprint, email: principal, at: time)
            guard case .trusted = decision else {
                fail("entry for \(principal) valid at \(time) is not trusted: \(decision)")
            }
        }
        _ = signers.fingerprint
    },
    FuzzTarget(name: "revoked-keys") { bytes in
        guard let text = String(bytes: bytes, encoding: .utf8),
            let revoked = try? RevokedKeys.parse(text, source: "fuzz")
        else { return }
        for fingerprint in revoked where !PublicKey.isFingerprint(fingerprint) {
            fail("a revoked entry is not a fingerprint: \(fingerprint)")
        }
    },
    FuzzTarget(name: "checkpoint") { bytes in
        guard let text = String(bytes: bytes, encoding: .utf8) else { return }
        if let (checkpoint, _) = try? Checkpoint.open(text, trust: trust) {
            // Whatever opened must be signed: its body is what the key signed.
            if checkpoint.size < 0 { fail("negative checkpoint size") }
        }
    },
    FuzzTarget(name: "policy") { bytes in
        guard let text = String(bytes: bytes, encoding: .utf8) else { return }
        _ = try? Policy(yaml: text, source: "fuzz")
    },
    FuzzTarget(name: "keys") { bytes in
        guard let text = String(bytes: bytes, encoding: .utf8) else { return }
        if let key = try? SigningKey(text: text, source: "fuzz") {
            guard let signature = try? key.signature(for: bytes), key.publicKey.isValidSignature(signature, for: bytes)
            else {
                fail("a parsed private key does not sign verifiably")
            }
        }
        if let key = try? PublicKey(openSSH: text), (try? PublicKey(openSSH: key.openSSH)) != key {
            fail("an OpenSSH public key does not survive its own encoding")
        }
    },
    FuzzTarget(name: "agent-payload") { bytes in
        for agent in AgentKind.allCases {
            for phase in [nil, AgentEvent.Phase.before, .after] {
                _ = try? agent.event(from: bytes, declaredPhase: phase)
            }
        }
    },
]
