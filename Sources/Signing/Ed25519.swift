internal import COpenSSL
import Foundation

/// Owns one OpenSSL `EVP_PKEY`. Instances are immutable after creation, and OpenSSL
/// allows concurrent one-shot signing/verification with the same key as long as each
/// call has its own `EVP_MD_CTX`, which is what `sign` and `verify` do.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    static func ed25519(privateSeed seed: [UInt8]) throws -> EVPKey {
        guard seed.count == 32,
            let key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, seed.count)
        else { throw KeyError.openSSL("cannot load Ed25519 private key: \(openSSLErrorText())") }
        return EVPKey(key)
    }

    static func ed25519(publicBytes bytes: [UInt8]) throws -> EVPKey {
        guard bytes.count == 32,
            let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, bytes, bytes.count)
        else { throw KeyError.badPublicKey("not a 32-byte Ed25519 key") }
        return EVPKey(key)
    }

    var isEd25519: Bool { EVP_PKEY_get_id(pointer) == EVP_PKEY_ED25519 }

    func rawPublicKey() -> [UInt8] {
        var length = 32
        var bytes = [UInt8](repeating: 0, count: 32)
        let ok = EVP_PKEY_get_raw_public_key(pointer, &bytes, &length)
        precondition(ok == 1 && length == 32, "OpenSSL could not export an Ed25519 public key")
        return bytes
    }
}

/// The text of OpenSSL's error queue, which it then clears, so one failure is not
/// reported again by the next call.
func openSSLErrorText() -> String {
    var messages = [String]()
    while case let code = ERR_get_error(), code != 0 {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return messages.isEmpty ? "unknown error" : messages.joined(separator: "; ")
}

nonisolated(unsafe) private var keyCache = [String: PublicKey]()
private let keyCacheLock = NSLock()

/// An Ed25519 public key: verifies signatures, and names itself as OpenSSH does.
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The 32 raw key bytes (RFC 8032).
    package let rawRepresentation: [UInt8]
    private let key: EVPKey
    /// OpenSSH's fingerprint `SHA256:<unpadded base64>`; the record key id.
    public let fingerprint: String

    package init(rawRepresentation bytes: [UInt8]) throws {
        key = try EVPKey.ed25519(publicBytes: bytes)
        rawRepresentation = bytes
        fingerprint = PublicKey.fingerprint(of: bytes)
    }

    init(evpKey: EVPKey) {
        key = evpKey
        rawRepresentation = evpKey.rawPublicKey()
        fingerprint = PublicKey.fingerprint(of: rawRepresentation)
    }

    private static func sshBlob(_ raw: [UInt8]) -> [UInt8] {
        var writer = SSHWireWriter()
        writer.writeString(Array("ssh-ed25519".utf8))
        writer.writeString(raw)
        return writer.bytes
    }

    /// Whether `text` has the form of a fingerprint: `SHA256:` and the 43 unpadded
    /// base64 characters of a SHA-256 digest (the last one carrying 2 bits of it).
    public static func isFingerprint(_ text: String) -> Bool {
        guard text.hasPrefix("SHA256:") else { return false }
        let encoded = text.dropFirst(7)
        guard encoded.count == 43, let decoded = Data(base64Encoded: encoded + "=") else { return false }
        return decoded.count == 32 && Data(decoded).base64EncodedString() == encoded + "="
    }

    private static func fingerprint(of raw: [UInt8]) -> String {
        var encoded = Data(SHA256.hash(sshBlob(raw))).base64EncodedString()
        while encoded.hasSuffix("=") { encoded.removeLast() }
        return "SHA256:" + encoded
    }

    /// `init(openSSH:)` through a process-wide cache: records carry their signer's key,
    /// and a long history repeats the same few keys thousands of times, while creating
    /// an OpenSSL key object costs about as much as checking a signature.
    package static func cached(openSSH line: String) throws -> PublicKey {
        keyCacheLock.lock()
        if let key = keyCache[line] {
            keyCacheLock.unlock()
            return key
        }
        keyCacheLock.unlock()
        let key = try PublicKey(openSSH: line)
        keyCacheLock.lock()
        if keyCache.count > 10_000 { keyCache.removeAll() }
        keyCache[line] = key
        keyCacheLock.unlock()
        return key
    }

    /// Parses `ssh-ed25519 AAAA… [comment]`.
    public init(openSSH line: String) throws {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2 else { throw KeyError.badPublicKey("expected 'ssh-ed25519 <base64>'") }
        guard fields[0] == "ssh-ed25519" else {
            throw KeyError.badPublicKey("key type '\(fields[0])' is not ssh-ed25519")
        }
        guard let blob = Data(base64Encoded: String(fields[1])) else {
            throw KeyError.badPublicKey("key data is not base64")
        }
        try self.init(sshBlob: Array(blob))
    }

    /// Parses the SSH wire form `string("ssh-ed25519") ‖ string(key)`.
    package init(sshBlob blob: [UInt8]) throws {
        var reader = SSHWireReader(blob)
        guard let type = reader.readString(), type == Array("ssh-ed25519".utf8),
            let bytes = reader.readString(), bytes.count == 32, reader.isAtEnd
        else { throw KeyError.badPublicKey("not an ssh-ed25519 key blob") }
        try self.init(rawRepresentation: bytes)
    }

    /// `string("ssh-ed25519") ‖ string(key)`, as OpenSSH encodes public keys.
    package var sshBlob: [UInt8] { PublicKey.sshBlob(rawRepresentation) }

    /// `ssh-ed25519 AAAA…`, the form used in allowed_signers files.
    public var openSSH: String {
        "ssh-ed25519 " + Data(sshBlob).base64EncodedString()
    }

    public var description: String { fingerprint }

    /// True when `signature` is this key's valid Ed25519 signature of `message`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        isValidSignature(signature, for: message, using: SignatureContext())
    }

    /// `isValidSignature(_:for:)` with contexts that one thread reuses across calls.
    package func isValidSignature(_ signature: [UInt8], for message: [UInt8], using contexts: SignatureContext) -> Bool
    {
        guard signature.count == 64 else { return false }
        return contexts.verify(signature, message, with: key)
    }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}

/// OpenSSL verification contexts that one thread reuses across many verifications:
/// one per key, initialised once. (Initialising looks the algorithm up in OpenSSL's
/// provider store, under a lock the threads share, for every signature otherwise.)
/// Not thread-safe.
package final class SignatureContext {
    /// One key's initialised context, freed with it.
    private final class Initialised {
        let key: EVPKey  // keeps the caller's key, and so its identifier, alive
        /// What OpenSSL verifies with: the key itself, or its copy in this instance's
        /// own library context.
        let verifyingKey: EVPKey
        let context: OpaquePointer

        init(key: EVPKey, verifyingKey: EVPKey, context: OpaquePointer) {
            self.key = key
            self.verifyingKey = verifyingKey
            self.context = context
        }

        deinit { EVP_MD_CTX_free(context) }
    }

    private var byKey: [ObjectIdentifier: Initialised] = [:]
    /// False once this OpenSSL refused to verify twice with one context (a future
    /// version may finalise one-shot contexts): every check then starts afresh.
    private var reuseWorks = true
    private let isolated: Bool
    /// The library context of an isolated instance, made on first use.
    private var library: OpaquePointer?
    private var libraryMade = false

    /// A new library context configured as the default one is (`OPENSSL_CONF` or
    /// openssl.cnf: providers, FIPS settings), so that isolation never changes which
    /// rules a signature is verified under; nil, to share the default context, when
    /// that configuration cannot be loaded.
    private static func configuredLibrary() -> OpaquePointer? {
        guard let library = OSSL_LIB_CTX_new() else { return nil }
        let file = CONF_get1_default_config_file()
        defer { CRYPTO_free(file, nil, 0) }
        // No configuration file: the default context runs without one too.
        guard let file, access(file, F_OK) == 0 else { return library }
        guard OSSL_LIB_CTX_load_config(library, file) == 1 else {
            _ = openSSLErrorText()
            OSSL_LIB_CTX_free(library)
            return nil
        }
        return library
    }

    /// `isolated`: verify in an OpenSSL library context of this instance's own. OpenSSL
    /// 3 looks SHA-512 up in the library context on every Ed25519 verification; threads
    /// verifying at once in the shared default context contend for its lock (a few
    /// per cent of a verifier's time on two cores). Costs about a millisecond, once.
    package init(isolated: Bool = false) {
        self.isolated = isolated
    }

    deinit {
        byKey.removeAll()  // contexts and keys before the library context they live in
        OSSL_LIB_CTX_free(library)
    }

    func verify(_ signature: [UInt8], _ message: [UInt8], with key: EVPKey) -> Bool {
        guard let entry = initialised(for: key) else { return false }
        if reuseWorks {
            if EVP_DigestVerify(entry.context, signature, signature.count, message, message.count) == 1 { return true }
            _ = openSSLErrorText()
            // A reused context's "no" is confirmed by a fresh one, which decides.
            let fresh = verifyOnce(signature, message, with: entry.verifyingKey)
            if fresh { reuseWorks = false }
            return fresh
        }
        return verifyOnce(signature, message, with: entry.verifyingKey)
    }

    private func initialised(for key: EVPKey) -> Initialised? {
        if let entry = byKey[ObjectIdentifier(key)] { return entry }
        if isolated && !libraryMade {
            libraryMade = true
            library = SignatureContext.configuredLibrary()
        }
        var verifyingKey = key
        if let library {
            let raw = key.rawPublicKey()
            guard let copy = EVP_PKEY_new_raw_public_key_ex(library, "ED25519", nil, raw, raw.count) else {
                _ = openSSLErrorText()
                return nil
            }
            verifyingKey = EVPKey(copy)
        }
        guard let context = EVP_MD_CTX_new() else { return nil }
        let entry = Initialised(key: key, verifyingKey: verifyingKey, context: context)
        guard EVP_DigestVerifyInit_ex(context, nil, nil, library, nil, verifyingKey.pointer, nil) == 1 else {
            _ = openSSLErrorText()
            return nil
        }
        // Records name a few keys; a bound keeps a hostile ledger from growing this.
        if byKey.count >= 64 { byKey.removeAll() }
        byKey[ObjectIdentifier(key)] = entry
        return entry
    }

    private func verifyOnce(_ signature: [UInt8], _ message: [UInt8], with key: EVPKey) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit_ex(context, nil, nil, library, nil, key.pointer, nil) == 1 else {
            _ = openSSLErrorText()
            return false
        }
        let result = EVP_DigestVerify(context, signature, signature.count, message, message.count)
        if result != 1 { _ = openSSLErrorText() }
        return result == 1
    }
}

/// An Ed25519 private key. Its secret never appears in `description`, errors or logs;
/// the only way out is `pkcs8PEM()`, for writing a key file.
public final class SigningKey: @unchecked Sendable, CustomStringConvertible {
    private let key: EVPKey
    public let publicKey: PublicKey

    private init(key: EVPKey) {
        self.key = key
        publicKey = PublicKey(evpKey: key)
    }

    /// A new random key from OpenSSL's CSPRNG.
    package static func generate() throws -> SigningKey {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else {
            throw KeyError.openSSL(openSSLErrorText())
        }
        defer { EVP_PKEY_CTX_free(context) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &generated) == 1,
            let generated
        else { throw KeyError.openSSL("key generation failed: \(openSSLErrorText())") }
        return SigningKey(key: EVPKey(generated))
    }

    /// A key from its 32-byte RFC 8032 seed.
    public convenience init(seed: [UInt8]) throws {
        self.init(key: try EVPKey.ed25519(privateSeed: seed))
    }

    /// Parses a PEM PKCS#8 Ed25519 key or an unencrypted OpenSSH Ed25519 key.
    /// `source` names the input in error messages (a path, usually).
    public convenience init(text: String, source: String) throws {
        if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            let seed = try OpenSSHPrivateKey.ed25519Seed(fromPEM: text, source: source)
            self.init(key: try EVPKey.ed25519(privateSeed: seed))
            return
        }
        if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED") {
            throw KeyError.encryptedKey(source)
        }
        guard text.contains("-----BEGIN PRIVATE KEY-----") else { throw KeyError.notAKey(source) }
        let bytes = Array(text.utf8)
        let parsed: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            // A password callback that refuses, so OpenSSL never prompts on a terminal.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        guard let parsed else {
            _ = openSSLErrorText()
            throw KeyError.notAKey(source)
        }
        let key = EVPKey(parsed)
        guard key.isEd25519 else { throw KeyError.notEd25519(source) }
        self.init(key: key)
    }

    /// Loads a key file (`~/` expanded by the caller).
    package convenience init(contentsOfFile path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: path) ? "permission denied or unreadable" : "no such file"
            throw KeyError.unreadableFile(path: path, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw KeyError.notAKey(path) }
        try self.init(text: text, source: path)
    }

    /// The key as PEM PKCS#8, for writing to a 0600 file. Never print this.
    package func pkcs8PEM() throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw KeyError.openSSL(openSSLErrorText()) }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PKCS8PrivateKey(bio, key.pointer, nil, nil, 0, nil, nil) == 1 else {
            throw KeyError.openSSL("cannot encode key: \(openSSLErrorText())")
        }
        let pending = Int(BIO_ctrl_pending(bio))
        var buffer = [UInt8](repeating: 0, count: pending)
        let read = BIO_read(bio, &buffer, Int32(pending))
        guard read == pending else { throw KeyError.openSSL("cannot encode key: short read") }
        defer { buffer.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Ed25519 signature (64 bytes) of `message`.
    public func signature(for message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw KeyError.openSSL(openSSLErrorText()) }
        defer { EVP_MD_CTX_free(context) }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        guard EVP_DigestSignInit(context, nil, nil, nil, key.pointer) == 1,
            EVP_DigestSign(context, &signature, &length, message, message.count) == 1,
            length == 64
        else { throw KeyError.openSSL("signing failed: \(openSSLErrorText())") }
        return signature
    }

    public var description: String { "SigningKey(\(publicKey.fingerprint))" }
}
