import Foundation
import Hex
import Signing

/// Local state that must not vouch for itself (the verification cache, the report's
/// blame cache): it lives in a git directory, where whoever supplied the repository (a
/// tarball, a CI cache) could have written it. So each file ends with a line
/// `mac <hex>`: HMAC-SHA-256, under the user's cache key, of a context line (what the
/// file is for, so that it cannot be renamed to serve something else) and every byte
/// before the code line. A file the key does not authenticate is not used at all.
package enum AuthenticatedFile {
    /// `$XDG_CONFIG_HOME/sessiontrace/cache-key`, or `~/.config/sessiontrace/cache-key`.
    package static var defaultKeyPath: String {
        (KeyFile.defaultPath as NSString).deletingLastPathComponent + "/cache-key"
    }

    /// The user's cache key (created, 0600, when missing), never in a repository.
    package static func loadKey(at path: String = defaultKeyPath) throws -> [UInt8] {
        try SecretFile.loadOrCreate(at: path, describing: "the cache key")
    }

    /// `body` followed by its code line.
    package static func seal(_ body: [UInt8], context: String, key: [UInt8]) -> [UInt8] {
        body + Array("mac \(code(body[...], context: context, key: key).hexString)\n".utf8)
    }

    /// The body of `bytes` when its code line authenticates it under `key` for
    /// `context`; nil otherwise (no code line, another key, altered bytes).
    package static func open(_ bytes: [UInt8], context: String, key: [UInt8]) -> ArraySlice<UInt8>? {
        guard bytes.last == 0x0A else { return nil }
        let withoutLF = bytes.dropLast()
        let start = withoutLF.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let codeLine = String(decoding: withoutLF[start...], as: UTF8.self)
        guard codeLine.hasPrefix("mac "), let code = [UInt8](hex: String(codeLine.dropFirst(4))), code.count == 32,
            code == self.code(bytes[..<start], context: context, key: key)
        else { return nil }
        return bytes[..<start]
    }

    private static func code(_ body: ArraySlice<UInt8>, context: String, key: [UInt8]) -> [UInt8] {
        HMACSHA256.authenticationCode(key: key, data: Array((context + "\n").utf8) + body)
    }
}
