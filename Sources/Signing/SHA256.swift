internal import COpenSSL
import Foundation
import Hex

/// SHA-256 fetched from OpenSSL's provider once: `EVP_sha256()` makes every digest look
/// its implementation up again, which costs half as much as hashing a record.
nonisolated(unsafe) private let fetchedSHA256: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

/// SHA-256 through OpenSSL's EVP interface.
package enum SHA256 {
    package static func hash<Bytes: ContiguousBytes>(_ data: Bytes) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(
                    input.baseAddress, input.count, output.baseAddress, &length, fetchedSHA256 ?? EVP_sha256(), nil)
            }
        }
        // EVP_Digest with SHA-256 fails only when the library itself is broken.
        precondition(ok == 1 && length == 32, "OpenSSL SHA-256 failed")
        return digest
    }

    package static func hash(_ text: String) -> [UInt8] {
        hash(Array(text.utf8))
    }

    /// Lower-case hexadecimal SHA-256 digest.
    package static func hexDigest<Bytes: ContiguousBytes>(_ data: Bytes) -> String {
        hash(data).hexString
    }

    package static func hexDigest(_ text: String) -> String {
        hash(text).hexString
    }
}

/// Git's object ids (SHA-1 of `"<type> <size>\0" ‖ content`), for content-addressed
/// snapshots that line up with the object store's ids.
package enum GitObjectHash {
    /// For a process that only hashes (an agent hook): OpenSSL starts without reading
    /// the system's openssl.cnf, which costs half a millisecond of a hook's budget and
    /// configures nothing SHA-1 uses. Must come before any other OpenSSL call.
    package static func startOpenSSLForHashingOnly() {
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_LOAD_CONFIG), nil)
    }

    package static func blobID(_ content: [UInt8]) -> String {
        let header = Array("blob \(content.count)\0".utf8)
        var digest = [UInt8](repeating: 0, count: 20)
        let ok = content.withUnsafeBufferPointer { body in
            digest.withUnsafeMutableBufferPointer {
                sessiontrace_blob_sha1(header, header.count, body.baseAddress, body.count, $0.baseAddress)
            }
        }
        precondition(ok == 1, "OpenSSL SHA-1 failed")
        return digest.hexString
    }
}

/// HMAC-SHA-256 (RFC 2104) and random bytes, through OpenSSL: for local state that must
/// not vouch for itself when someone else wrote it (the verification cache).
package enum HMACSHA256 {
    package static func authenticationCode(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: 32)
        var length = 0
        let result = key.withUnsafeBytes { keyBytes in
            data.withUnsafeBytes { input in
                code.withUnsafeMutableBufferPointer { output in
                    EVP_Q_mac(
                        nil, "HMAC", nil, "SHA256", nil, keyBytes.baseAddress, keyBytes.count,
                        input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count, output.baseAddress, 32,
                        &length)
                }
            }
        }
        precondition(result != nil && length == 32, "OpenSSL HMAC-SHA-256 failed")
        return code
    }

    /// `count` bytes from OpenSSL's CSPRNG.
    package static func randomKey(count: Int = 32) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        precondition(RAND_bytes(&bytes, Int32(count)) == 1, "OpenSSL's random generator failed")
        return bytes
    }
}
