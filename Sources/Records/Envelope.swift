import CanonicalJSON
import Diagnostics
import Foundation
import Signing

/// A DSSE v1 envelope holding one signed statement (spec/records.md §3).
public struct Envelope: Sendable, Equatable {
    package static let inTotoPayloadType = "application/vnd.in-toto+json"

    package struct Signature: Sendable, Equatable {
        package let keyID: String
        package let bytes: [UInt8]

        package init(keyID: String, bytes: [UInt8]) {
            self.keyID = keyID
            self.bytes = bytes
        }
    }

    public let payload: [UInt8]
    package let payloadType: String
    package let signatures: [Signature]

    package init(payload: [UInt8], payloadType: String, signatures: [Signature]) {
        self.payload = payload
        self.payloadType = payloadType
        self.signatures = signatures
    }

    /// Signs `payload` with `key`, producing a one-signature envelope.
    package static func sign(payload: [UInt8], payloadType: String = inTotoPayloadType, with key: any MessageSigner)
        throws -> Envelope
    {
        let signature = try key.signature(for: preAuthenticationEncoding(type: payloadType, body: payload))
        return Envelope(
            payload: payload, payloadType: payloadType,
            signatures: [Signature(keyID: key.publicKey.fingerprint, bytes: signature)])
    }

    /// DSSE's PAE: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`.
    package static func preAuthenticationEncoding(type: String, body: [UInt8]) -> [UInt8] {
        let head = Array("DSSEv1 \(type.utf8.count) \(type) \(body.count) ".utf8)
        var encoding = [UInt8]()
        encoding.reserveCapacity(head.count + body.count)
        encoding += head
        encoding += body
        return encoding
    }

    public var preAuthenticationEncoding: [UInt8] {
        Envelope.preAuthenticationEncoding(type: payloadType, body: payload)
    }

    package var json: JSONValue {
        .object([
            "payload": .string(Data(payload).base64EncodedString()),
            "payloadType": .string(payloadType),
            "signatures": .array(
                signatures.map {
                    .object(["keyid": .string($0.keyID), "sig": .string(Data($0.bytes).base64EncodedString())])
                }),
        ])
    }

    /// The note line (canonical JSON, without the LF).
    public var line: String { json.canonicalString }

    /// `sha256:<hex>` of the note line: the record's name (spec/records.md §3).
    package static func recordDigest(ofLine line: some StringProtocol) -> String {
        "sha256:" + SHA256.hexDigest(Array(line.utf8))
    }

    /// `recordDigest(ofLine:)` of the line's bytes.
    package static func recordDigest(ofLineBytes line: ArraySlice<UInt8>) -> String {
        "sha256:" + SHA256.hexDigest(line)
    }
}

/// Why a note line is not a well-formed envelope.
package enum EnvelopeError: UserFacingError, Equatable {
    case notJSON(String)
    case notEnvelope(String)

    package var description: String {
        switch self {
        case .notJSON(let why): return "not JSON (\(why))"
        case .notEnvelope(let why): return "not a DSSE envelope: \(why)"
        }
    }
}

extension Envelope {
    /// Parses one note line. Accepts non-canonical formatting (reported separately by
    /// the verifier) but nothing else outside spec/records.md §3.
    package init(line: some StringProtocol) throws {
        self = try Envelope.parse(line: line).envelope
    }

    /// The envelope, and whether the line is its canonical form (spec/records.md §3).
    package static func parse(line: some StringProtocol) throws -> (envelope: Envelope, canonical: Bool) {
        try parse(bytes: Array(line.utf8)[...])
    }

    private static let canonicalHead = Array(#"{"payload":""#.utf8)
    private static let canonicalMiddles = [RecordFormat.v1, .v2].map { format in
        (format.payloadType, Array(#"","payloadType":"\#(format.payloadType)","signatures":[{"keyid":""#.utf8))
    }
    private static let canonicalSig = Array(#"","sig":""#.utf8)
    private static let canonicalTail = Array(#""}]}"#.utf8)

    /// The envelope of a canonical line, read by position instead of through a JSON
    /// tree: a canonical envelope has one fixed layout (spec/records.md §3), and nearly
    /// every line a verifier sees is one. Nil for anything else, which the general
    /// parser then judges (so the two paths cannot disagree on what they accept).
    static func parseCanonical(_ line: ArraySlice<UInt8>) -> Envelope? {
        line.withUnsafeBufferPointer { bytes -> Envelope? in
            var offset = 0
            func expect(_ literal: [UInt8]) -> Bool {
                guard bytes.count - offset >= literal.count,
                    literal.withUnsafeBufferPointer({
                        memcmp($0.baseAddress!, bytes.baseAddress! + offset, literal.count) == 0
                    })
                else { return false }
                offset += literal.count
                return true
            }
            // The bytes up to the next quote. Base64 text needs no further check here:
            // its decoder refuses every byte outside the alphabet.
            func quoted() -> UnsafeBufferPointer<UInt8>? {
                let start = offset
                while offset < bytes.count, bytes[offset] != UInt8(ascii: "\"") { offset += 1 }
                return offset < bytes.count ? UnsafeBufferPointer(rebasing: bytes[start..<offset]) : nil
            }
            guard expect(canonicalHead), let payloadText = quoted(),
                let payloadType = canonicalMiddles.first(where: { expect($0.1) })?.0, let keyID = quoted(),
                expect(canonicalSig), let sigText = quoted(), expect(canonicalTail),
                offset == bytes.count,
                // A key id is printable ASCII without escapes (spec/records.md §3).
                keyID.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }),
                let payload = CanonicalBase64.decode(payloadText),
                let sig = CanonicalBase64.decode(sigText), sig.count == 64
            else { return nil }
            return Envelope(
                payload: payload, payloadType: payloadType,
                signatures: [Signature(keyID: String(decoding: keyID, as: UTF8.self), bytes: sig)])
        }
    }

    /// `parse(line:)` for the line's bytes (without its LF).
    public static func parse(bytes line: ArraySlice<UInt8>) throws -> (envelope: Envelope, canonical: Bool) {
        if let envelope = parseCanonical(line) { return (envelope, true) }
        let parsed: (value: JSONValue, canonical: Bool)
        do {
            parsed = try JSONValue.parseCheckingCanonical(Array(line))
        } catch let error as JSONParseError {
            throw EnvelopeError.notJSON(error.description)
        }
        let envelope = try Envelope(json: parsed.value)
        // Canonical JSON also needs the base64 to be the encoder's (padding, no line breaks).
        let canonical =
            parsed.canonical && Data(envelope.payload).base64EncodedString() == parsed.value["payload"]?.stringValue
            && Data(envelope.signatures[0].bytes).base64EncodedString()
                == parsed.value["signatures"]?.arrayValue?.first?["sig"]?.stringValue
        return (envelope, canonical)
    }

    package init(json value: JSONValue) throws {
        guard let members = value.objectValue else { throw EnvelopeError.notEnvelope("not a JSON object") }
        let unexpected = Set(members.keys).subtracting(["payload", "payloadType", "signatures"])
        guard unexpected.isEmpty else {
            throw EnvelopeError.notEnvelope(
                "unexpected member \(unexpected.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        guard let payloadText = members["payload"]?.stringValue else {
            throw EnvelopeError.notEnvelope("missing payload")
        }
        guard let payload = Data(base64Encoded: payloadText) else {
            throw EnvelopeError.notEnvelope("payload is not base64")
        }
        guard let payloadType = members["payloadType"]?.stringValue else {
            throw EnvelopeError.notEnvelope("missing payloadType")
        }
        guard let signatureValues = members["signatures"]?.arrayValue else {
            throw EnvelopeError.notEnvelope("missing signatures")
        }
        guard signatureValues.count == 1 else {
            throw EnvelopeError.notEnvelope("\(signatureValues.count) signatures; version 1 records carry exactly one")
        }
        var signatures = [Signature]()
        for entry in signatureValues {
            guard let object = entry.objectValue, Set(object.keys) == ["keyid", "sig"],
                let keyID = object["keyid"]?.stringValue, let sigText = object["sig"]?.stringValue
            else { throw EnvelopeError.notEnvelope("a signature must have exactly \"keyid\" and \"sig\"") }
            guard let sig = Data(base64Encoded: sigText), sig.count == 64 else {
                throw EnvelopeError.notEnvelope("signature is not 64 base64-encoded bytes")
            }
            signatures.append(Signature(keyID: keyID, bytes: Array(sig)))
        }
        self.init(payload: Array(payload), payloadType: payloadType, signatures: signatures)
    }
}
