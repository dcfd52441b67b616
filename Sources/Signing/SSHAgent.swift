import Foundation

/// Something that makes Ed25519 signatures: a key file loaded here, or a key held by
/// ssh-agent, which signs without this process ever seeing the private key.
public protocol MessageSigner: Sendable {
    var publicKey: PublicKey { get }
    func signature(for message: [UInt8]) throws -> [UInt8]
}

extension SigningKey: MessageSigner {}

/// An Ed25519 key held by ssh-agent (`SSH_AUTH_SOCK`), used through the agent protocol
/// (draft-miller-ssh-agent: REQUEST_IDENTITIES, SIGN_REQUEST). Encrypted keys work,
/// since the agent holds them decrypted; the private key never leaves the agent.
package struct SSHAgentKey: MessageSigner {
    package let publicKey: PublicKey
    private let socketPath: String

    private static let requestIdentities: UInt8 = 11
    private static let identitiesAnswer: UInt8 = 12
    private static let signRequest: UInt8 = 13
    private static let signResponse: UInt8 = 14

    /// The agent's key equal to `publicKey`; fails when there is no agent or it does not hold it.
    package init(publicKey: PublicKey, socketPath: String? = ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"])
        throws
    {
        guard let socketPath, !socketPath.isEmpty else {
            throw KeyError.openSSL("no ssh-agent: SSH_AUTH_SOCK is not set (start one and 'ssh-add' your key)")
        }
        self.publicKey = publicKey
        self.socketPath = socketPath
        var reply = SSHWireReader(try SSHAgentKey.exchange([SSHAgentKey.requestIdentities], socketPath: socketPath))
        guard reply.readBytes(1) == [SSHAgentKey.identitiesAnswer], let count = reply.readUInt32() else {
            throw KeyError.openSSL("ssh-agent refused to list its keys")
        }
        for _ in 0..<count {
            guard let blob = reply.readString(), reply.readString() != nil else { break }
            if blob == publicKey.sshBlob { return }
        }
        throw KeyError.openSSL("ssh-agent does not hold \(publicKey.fingerprint): add it with 'ssh-add'")
    }

    package func signature(for message: [UInt8]) throws -> [UInt8] {
        var request = SSHWireWriter()
        request.writeString(publicKey.sshBlob)
        request.writeString(message)
        request.writeUInt32(0)
        var reply = SSHWireReader(
            try SSHAgentKey.exchange([SSHAgentKey.signRequest] + request.bytes, socketPath: socketPath))
        guard reply.readBytes(1) == [SSHAgentKey.signResponse], let blob = reply.readString() else {
            throw KeyError.openSSL("ssh-agent refused to sign with \(publicKey.fingerprint)")
        }
        var signature = SSHWireReader(blob)
        guard signature.readString() == Array("ssh-ed25519".utf8), let bytes = signature.readString(), bytes.count == 64
        else {
            throw KeyError.openSSL("ssh-agent returned a signature that is not ssh-ed25519")
        }
        guard publicKey.isValidSignature(bytes, for: message) else {
            throw KeyError.openSSL("ssh-agent returned a signature that does not verify")
        }
        return bytes
    }

    /// Sends one framed message and reads the framed reply.
    private static func exchange(_ message: [UInt8], socketPath: String) throws -> [UInt8] {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw KeyError.openSSL("cannot create a socket for ssh-agent") }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw KeyError.openSSL("SSH_AUTH_SOCK path is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
            buffer[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            throw KeyError.openSSL("cannot reach ssh-agent at \(socketPath): \(String(cString: strerror(errno)))")
        }
        var framed = SSHWireWriter()
        framed.writeString(message)
        try writeAll(descriptor, framed.bytes)
        let header = try readExactly(descriptor, 4)
        let length = header.reduce(0) { Int($0) << 8 | Int($1) }
        guard length > 0, length < 1 << 20 else { throw KeyError.openSSL("ssh-agent sent a malformed reply") }
        return try readExactly(descriptor, length)
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw KeyError.openSSL("ssh-agent connection closed") }
            sent += written
        }
    }

    private static func readExactly(_ descriptor: Int32, _ count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let got = buffer[received...].withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard got > 0 else { throw KeyError.openSSL("ssh-agent connection closed") }
            received += got
        }
        return buffer
    }
}
