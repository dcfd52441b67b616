import Foundation
import Signing

/// A DSSE v1 envelope holding one signed statement (spec/records.md §3).
public struct Envelope: Sendable, Equatable {
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    public struct Signature: Sendable, Equatable {
        public let keyID: String
        public let bytes: [UInt8]

        public init(keyID: String, bytes: [UInt8]) {
            self.keyID = keyID
            self.bytes = bytes
        }
    }

    public let payload: [UInt8]
    public let payloadType: String
    public let signatures: [Signature]

    public init(payload: [UInt8], payloadType: String, signatures: [Signature]) {
        self.payload = payload
        self.payloadType = payloadType
        self.signatures = signatures
    }

    /// Signs `payload` with `key`, producing a one-signature envelope.
    public static func sign(payload: [UInt8], payloadType: String = inTotoPayloadType, with key: any MessageSigner) throws -> Envelope {
        let signature = try key.signature(for: preAuthenticationEncoding(type: payloadType, body: payload))
        return Envelope(
            payload: payload, payloadType: payloadType,
            signatures: [Signature(keyID: key.publicKey.fingerprint, bytes: signature)])
    }

    /// DSSE's PAE: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`.
    public static func preAuthenticationEncoding(type: String, body: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return Array("DSSEv1 \(typeBytes.count) ".utf8) + typeBytes + Array(" \(body.count) ".utf8) + body
    }

    public var preAuthenticationEncoding: [UInt8] {
        Envelope.preAuthenticationEncoding(type: payloadType, body: payload)
    }

    public var json: JSONValue {
        .object([
            "payload": .string(Data(payload).base64EncodedString()),
            "payloadType": .string(payloadType),
            "signatures": .array(signatures.map {
                .object(["keyid": .string($0.keyID), "sig": .string(Data($0.bytes).base64EncodedString())])
            }),
        ])
    }

    /// The note line (canonical JSON, without the LF).
    public var line: String { json.canonicalString }

    /// `sha256:<hex>` of the note line: the record's name (spec/records.md §3).
    public static func recordDigest(ofLine line: some StringProtocol) -> String {
        "sha256:" + SHA256.hexDigest(Array(line.utf8))
    }
}

/// Why a note line is not a well-formed envelope.
public enum EnvelopeError: Error, Equatable, CustomStringConvertible {
    case notJSON(String)
    case notEnvelope(String)

    public var description: String {
        switch self {
        case .notJSON(let why): return "not JSON (\(why))"
        case .notEnvelope(let why): return "not a DSSE envelope: \(why)"
        }
    }
}

extension Envelope {
    /// Parses one note line. Accepts non-canonical formatting (reported separately by
    /// the verifier) but nothing else outside spec/records.md §3.
    public init(line: some StringProtocol) throws {
        self = try Envelope.parse(line: line).envelope
    }

    /// The envelope, and whether the line is its canonical form (spec/records.md §3).
    public static func parse(line: some StringProtocol) throws -> (envelope: Envelope, canonical: Bool) {
        let parsed: (value: JSONValue, canonical: Bool)
        do {
            parsed = try JSONValue.parseCheckingCanonical(Array(line.utf8))
        } catch let error as JSONParseError {
            throw EnvelopeError.notJSON(error.description)
        }
        let envelope = try Envelope(json: parsed.value)
        // Canonical JSON also needs the base64 to be the encoder's (padding, no line breaks).
        let canonical = parsed.canonical && Data(envelope.payload).base64EncodedString() == parsed.value["payload"]?.stringValue
            && Data(envelope.signatures[0].bytes).base64EncodedString() == parsed.value["signatures"]?.arrayValue?.first?["sig"]?.stringValue
        return (envelope, canonical)
    }

    public init(json value: JSONValue) throws {
        guard let members = value.objectValue else { throw EnvelopeError.notEnvelope("not a JSON object") }
        let unexpected = Set(members.keys).subtracting(["payload", "payloadType", "signatures"])
        guard unexpected.isEmpty else {
            throw EnvelopeError.notEnvelope("unexpected member \(unexpected.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        guard let payloadText = members["payload"]?.stringValue else { throw EnvelopeError.notEnvelope("missing payload") }
        guard let payload = Data(base64Encoded: payloadText) else { throw EnvelopeError.notEnvelope("payload is not base64") }
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
