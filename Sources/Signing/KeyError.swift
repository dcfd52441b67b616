import Diagnostics

/// Why a key could not be loaded, parsed or used. Messages name the problem and,
/// where there is one, the fix; they never contain key material.
package enum KeyError: UserFacingError, Equatable {
    case unreadableFile(path: String, reason: String)
    case notAKey(String)
    case notEd25519(String)
    case encryptedKey(String)
    case badPublicKey(String)
    case openSSL(String)

    package var description: String {
        switch self {
        case .unreadableFile(let path, let reason): return "cannot read key file \(path): \(reason)"
        case .notAKey(let what): return "\(what) is not a PEM PKCS#8 or OpenSSH private key"
        case .notEd25519(let what): return "\(what) is not an Ed25519 key (only Ed25519 is supported)"
        case .encryptedKey(let what):
            return "\(what) is encrypted: use an unencrypted key or one made by 'git trace keygen'"
        case .badPublicKey(let why): return "invalid public key: \(why)"
        case .openSSL(let why): return "OpenSSL: \(why)"
        }
    }
}
