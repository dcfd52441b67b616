import Foundation
import Git
import Signing

public struct KeyFileError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Writing private keys to disk: owner-only permissions from the first byte on.
public enum KeyFile {
    /// `$XDG_CONFIG_HOME/sessiontrace/signing_key.pem`, or `~/.config/sessiontrace/…`.
    public static var defaultPath: String {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        return base + "/sessiontrace/signing_key.pem"
    }

    /// Writes `key` as PEM PKCS#8 to `path` with mode 0600. Refuses to replace an
    /// existing file unless `replace`; a replaced key is swapped in atomically.
    public static func write(_ key: SigningKey, to path: String, replace: Bool) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: path), !replace {
            throw KeyFileError(message: "\(path) already exists: pass --force to replace it or --output to write elsewhere")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !manager.fileExists(atPath: directory) {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw KeyFileError(message: "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw KeyFileError(message: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        let pem = Array(try key.pkcs8PEM().utf8)
        let written = pem.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == pem.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw KeyFileError(message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
