import Foundation
import Hex
import Signing
import TestSupport
import Testing

@Suite struct SigningTests {
    /// Capture names its snapshots by git's blob ids: the same id git computes, for an
    /// empty file, a short one, and 400 KB of any bytes (NUL included), past every
    /// block boundary of SHA-1's.
    @Test func blobIDsAreGitsObjectIDs() async throws {
        let sandbox = try Sandbox()
        var random = SplitMix(state: 7)
        let big = (0..<400_001).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for content in [[], Array("a".utf8), Array("line\n".utf8), Array(repeating: 0x41, count: 55), big] {
            let file = sandbox.root.appendingPathComponent("content")
            try Data(content).write(to: file)
            let git = try await sandbox.git("hash-object", file.path, in: sandbox.root)
            #expect(GitObjectHash.blobID(content) == git.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// RFC 8032 §7.1, test 1: the empty message.
    @Test func ed25519MatchesRFC8032TestVector1() throws {
        let key = try SigningKey(
            seed: [UInt8](hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!)
        #expect(
            key.publicKey.rawRepresentation.hexString
                == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let signature = try key.signature(for: [])
        #expect(
            signature.hexString
                == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        )
        #expect(key.publicKey.isValidSignature(signature, for: []))
    }

    /// One context verifies many signatures by several keys, each key's OpenSSL state
    /// initialised once: a failure must not make a later valid signature fail, nor a
    /// valid one make a later altered one pass.
    @Test(arguments: [false, true]) func reusedContextsJudgeEverySignatureOnItsOwn(isolated: Bool) throws {
        let keys = [try SigningKey.generate(), try SigningKey.generate()]
        let context = SignatureContext(isolated: isolated)
        for round in 0..<40 {
            let key = keys[round % 2]
            let message = Array("record \(round)".utf8)
            let signature = try key.signature(for: message)
            var altered = signature
            altered[round % 64] ^= 1
            #expect(!key.publicKey.isValidSignature(altered, for: message, using: context), "round \(round)")
            #expect(key.publicKey.isValidSignature(signature, for: message, using: context), "round \(round)")
            #expect(
                !keys[(round + 1) % 2].publicKey.isValidSignature(signature, for: message, using: context),
                "round \(round)")
            #expect(!key.publicKey.isValidSignature(signature, for: message + [0], using: context), "round \(round)")
            #expect(!key.publicKey.isValidSignature(Array(signature.prefix(63)), for: message, using: context))
        }
    }

    @Test func verificationRejectsAnyChangedByte() throws {
        let key = try SigningKey.generate()
        let message = Array("attribution record".utf8)
        let signature = try key.signature(for: message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        var changedMessage = message
        changedMessage[3] ^= 1
        #expect(!key.publicKey.isValidSignature(signature, for: changedMessage))
        var changedSignature = signature
        changedSignature[10] ^= 0x80
        #expect(!key.publicKey.isValidSignature(changedSignature, for: message))
        #expect(!key.publicKey.isValidSignature(Array(signature.prefix(63)), for: message))
        #expect(!(try SigningKey.generate()).publicKey.isValidSignature(signature, for: message))
    }

    @Test func sha256MatchesKnownAnswer() {
        #expect(SHA256.hexDigest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func pemRoundTripKeepsTheKey() throws {
        let key = try SigningKey.generate()
        let pem = try key.pkcs8PEM()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reloaded = try SigningKey(text: pem, source: "test")
        #expect(reloaded.publicKey == key.publicKey)
        #expect(!key.description.contains("PRIVATE"))
    }

    @Test func fingerprintAndPublicLineMatchSSHKeygen() async throws {
        let sandbox = try Sandbox()
        let keyPath = sandbox.root.appendingPathComponent("id_ed25519").path
        let generated = try await sandbox.run(
            "ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", keyPath])
        try #require(generated.status == 0, "\(generated)")
        let key = try SigningKey(contentsOfFile: keyPath)
        let publicLine = try String(contentsOfFile: keyPath + ".pub", encoding: .utf8)
        #expect(publicLine.hasPrefix(key.publicKey.openSSH + " "))
        let fingerprint = try await sandbox.run("ssh-keygen", ["-l", "-f", keyPath + ".pub"])
        #expect(fingerprint.stdout.contains(" \(key.publicKey.fingerprint) "))
        #expect(try PublicKey(openSSH: publicLine) == key.publicKey)
    }

    @Test func encryptedOpenSSHKeyIsRefusedWithoutPrompting() async throws {
        let sandbox = try Sandbox()
        let keyPath = sandbox.root.appendingPathComponent("id_encrypted").path
        _ = try await sandbox.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret words", "-f", keyPath])
        #expect(throws: KeyError.encryptedKey(keyPath)) { try SigningKey(contentsOfFile: keyPath) }
    }

    @Test func nonEd25519AndGarbageKeysAreRefused() async throws {
        let sandbox = try Sandbox()
        let rsaPath = sandbox.root.appendingPathComponent("rsa.pem").path
        let made = try await sandbox.run(
            "openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsaPath])
        try #require(made.status == 0, "\(made)")
        #expect(throws: KeyError.notEd25519(rsaPath)) { try SigningKey(contentsOfFile: rsaPath) }
        #expect(throws: KeyError.notAKey("x")) {
            try SigningKey(text: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", source: "x")
        }
        #expect(throws: KeyError.notAKey("x")) { try SigningKey(text: "hello", source: "x") }
        #expect(throws: KeyError.self) { try SigningKey(contentsOfFile: "/nonexistent/key") }
        #expect(throws: KeyError.self) { try PublicKey(openSSH: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ") }
        #expect(throws: KeyError.self) { try PublicKey(openSSH: "ssh-ed25519 !!!") }
    }
}
