import Diagnostics
import Foundation
import Git
import Signing

/// Why no signing identity could be set up; each message says how to fix it.
package enum IdentityError: UserFacingError {
    case noKeyConfigured
    case noEmail
    case key(KeyError)
    case keyWritableByOthers(path: String, mode: Int)

    package var description: String {
        switch self {
        case .noKeyConfigured:
            return "no signing key: run 'git trace keygen' (or set sessiontrace.signingKey to an Ed25519 key file)"
        case .noEmail: return "no signer identity: set it with 'git config --global user.email you@example.com'"
        case .key(let error): return error.description
        case .keyWritableByOthers(let path, let mode):
            return
                "private key \(path) can be changed by other users (mode \(String(mode, radix: 8))): refusing to sign with it; run 'chmod 600 \(path)'"
        }
    }
}

/// The key that signs records and the identity (email) it signs as (spec/records.md §5).
package struct SigningIdentity {
    package let key: any MessageSigner
    package let email: String
    package let keyPath: String
    /// Said to the user before signing: the private key file is readable by others.
    package let warning: String?

    package init(key: any MessageSigner, email: String, keyPath: String, warning: String? = nil) {
        self.key = key
        self.email = email
        self.keyPath = keyPath
        self.warning = warning
    }

    /// The configured key path: `explicitPath`, then `$SESSIONTRACE_SIGNING_KEY`, then
    /// `sessiontrace.signingKey`; `~/` expanded.
    package static func configuredKeyPath(explicitPath: String?, config: Config?) throws -> String? {
        let environment = ProcessInfo.processInfo.environment["SESSIONTRACE_SIGNING_KEY"].flatMap {
            $0.isEmpty ? nil : $0
        }
        guard let path = try explicitPath ?? environment ?? config?.string("sessiontrace.signingKey") else {
            return nil
        }
        return expandTilde(path)
    }

    package static func load(explicitPath: String?, config: Config?) throws -> SigningIdentity {
        guard let path = try configuredKeyPath(explicitPath: explicitPath, config: config) else {
            throw IdentityError.noKeyConfigured
        }
        let key: any MessageSigner
        do { key = try loadSigner(path) } catch let error as KeyError { throw IdentityError.key(error) }
        let warning = key is SigningKey ? try permissionWarning(privateKeyPath: path) : nil
        guard let email = try config?.string("user.email"), !email.isEmpty else { throw IdentityError.noEmail }
        return SigningIdentity(key: key, email: email, keyPath: path, warning: warning)
    }

    /// As ssh does with its keys: a private key file others can write is refused (they
    /// could swap in their own key), one others can read is signed with, with a warning.
    package static func permissionWarning(privateKeyPath path: String) throws -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let mode = Int(status.st_mode & 0o7777)
        if mode & 0o022 != 0 { throw IdentityError.keyWritableByOthers(path: path, mode: mode) }
        if mode & 0o044 != 0 {
            return
                "warning: private key \(path) is readable by other users (mode \(String(mode, radix: 8))): run 'chmod 600 \(path)'"
        }
        return nil
    }

    /// A private key file, or a package key file (`~/.ssh/id_ed25519.pub`, as git's own
    /// `user.signingKey` names SSH keys): then ssh-agent signs with that key.
    package static func loadSigner(_ path: String) throws -> any MessageSigner {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("ssh-ed25519 "), !line.contains("\n") {
                return try SSHAgentKey(publicKey: try PublicKey(openSSH: line))
            }
        }
        return try SigningKey(contentsOfFile: path)
    }

    package static func expandTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}

/// The key `git trace keygen` sets up: a new one written to its file, or an existing
/// one checked as signing would load it.
package struct EnrolledKey {
    /// The key file's absolute path, for `sessiontrace.signingKey`.
    package let path: String
    package let key: any MessageSigner
    /// Said before anything else: a private key file others can read.
    package let warning: String?

    /// Generates a key and writes it to `path` (`~/` expanded; default
    /// `KeyFile.defaultPath`) with mode 0600, replacing a key there only with `replace`.
    package static func generate(at path: String?, replace: Bool) throws -> EnrolledKey {
        let path = absolute(SigningIdentity.expandTilde(path ?? KeyFile.defaultPath))
        let key = try SigningKey.generate()
        try KeyFile.write(key, to: path, replace: replace)
        return EnrolledKey(path: path, key: key, warning: nil)
    }

    /// An existing private key, or a public key whose private key ssh-agent holds.
    package static func adopt(_ path: String) throws -> EnrolledKey {
        let path = absolute(SigningIdentity.expandTilde(path))
        let key = try SigningIdentity.loadSigner(path)
        let warning = key is SigningKey ? try SigningIdentity.permissionWarning(privateKeyPath: path) : nil
        return EnrolledKey(path: path, key: key, warning: warning)
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
