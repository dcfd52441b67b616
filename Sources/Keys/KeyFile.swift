import Diagnostics
import Foundation
import Git
import Signing

package struct KeyFileError: UserFacingError {
    package let message: String
    package var description: String { message }
}

/// Writing private keys to disk: owner-only permissions from the first byte on.
package enum KeyFile {
    /// `$XDG_CONFIG_HOME/sessiontrace/signing_key.pem`, or `~/.config/sessiontrace/…`.
    package static var defaultPath: String {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        return base + "/sessiontrace/signing_key.pem"
    }

    /// Writes `key` as PEM PKCS#8 to `path` with mode 0600. Refuses to replace an
    /// existing file unless `replace`; a replaced key is swapped in atomically.
    package static func write(_ key: SigningKey, to path: String, replace: Bool) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: path), !replace {
            throw KeyFileError(
                message: "\(path) already exists: pass --force to replace it or --output to write elsewhere")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try AtomicFile.makeDirectory(directory, mode: 0o700) }
        do {
            try AtomicFile.replace(path, with: Array(try key.pkcs8PEM().utf8))
        } catch let error as AtomicFile.WriteError {
            throw KeyFileError(message: error.description)
        }
    }
}
