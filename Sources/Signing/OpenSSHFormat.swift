import Foundation

/// Reads the SSH wire encoding (RFC 4251 §5): `uint32` big-endian and
/// length-prefixed `string`s.
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func readUInt32() -> UInt32? {
        guard bytes.count - offset >= 4 else { return nil }
        let value = bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        offset += 4
        return value
    }

    mutating func readString() -> [UInt8]? {
        guard let length = readUInt32().map(Int.init), bytes.count - offset >= length else { return nil }
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }

    mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }
}

struct SSHWireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func writeUInt32(_ value: UInt32) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    mutating func writeString(_ value: [UInt8]) {
        writeUInt32(UInt32(value.count))
        bytes += value
    }
}

/// OpenSSH's private key container (`openssh-key-v1`, PROTOCOL.key in OpenSSH).
enum OpenSSHPrivateKey {
    private static let magic = Array("openssh-key-v1".utf8) + [0]

    /// The 32-byte Ed25519 seed of an unencrypted single-key file.
    static func ed25519Seed(fromPEM text: String, source: String) throws -> [UInt8] {
        let body =
            text
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("-----") }
            .joined()
        guard let decoded = Data(base64Encoded: body) else { throw KeyError.notAKey(source) }
        var reader = SSHWireReader(Array(decoded))
        guard reader.readBytes(magic.count) == magic,
            let cipher = reader.readString(),
            let kdf = reader.readString(),
            reader.readString() != nil,  // kdf options
            let keyCount = reader.readUInt32()
        else { throw KeyError.notAKey(source) }
        guard cipher == Array("none".utf8), kdf == Array("none".utf8) else { throw KeyError.encryptedKey(source) }
        guard keyCount == 1, let publicBlob = reader.readString(), let privateSection = reader.readString() else {
            throw KeyError.notAKey(source)
        }
        var keys = SSHWireReader(privateSection)
        guard let check1 = keys.readUInt32(), let check2 = keys.readUInt32(), check1 == check2,
            let type = keys.readString()
        else { throw KeyError.notAKey(source) }
        guard type == Array("ssh-ed25519".utf8) else { throw KeyError.notEd25519(source) }
        // ssh-ed25519 private part: string(public 32) ‖ string(seed 32 ‖ public 32).
        guard let publicBytes = keys.readString(), publicBytes.count == 32,
            let secret = keys.readString(), secret.count == 64,
            Array(secret[32...]) == publicBytes,
            (try? PublicKey(sshBlob: publicBlob))?.rawRepresentation == publicBytes
        else { throw KeyError.notAKey(source) }
        return Array(secret[..<32])
    }
}
