import ArgumentParser
import Foundation
import Git
import Keys
import Ledger
import Signing

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an Ed25519 signing key (or adopt your OpenSSH key) and print its allowed_signers line.",
        discussion: """
            Writes a new key as PEM PKCS#8 with mode 0600 (default
            ~/.config/sessiontrace/signing_key.pem), sets sessiontrace.signingKey in your
            global git config, and prints the line to add to an allowed_signers trust
            file, such as the repository's .sessiontrace/allowed_signers:

              alice@example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA...

            With --existing, no key is generated: an unencrypted OpenSSH Ed25519 key
            such as ~/.ssh/id_ed25519 is checked and configured instead; or a public key
            such as ~/.ssh/id_ed25519.pub, whose private key ssh-agent holds (encrypted
            keys work that way, and git-trace never reads them).
            The private key is never printed.
            """
    )

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the new key.", valueName: "path"))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "Use this existing Ed25519 key instead of generating one: a private key file, or a public key that ssh-agent holds.",
            valueName: "path"))
    var existing: String?

    @Option(help: ArgumentHelp("The principal for the allowed_signers line (default: user.email).", valueName: "email"))
    var email: String?

    @Flag(help: "Replace an existing key file at the output path.")
    var force = false

    @Flag(name: .customLong("no-config"), help: "Do not set sessiontrace.signingKey in the global git config.")
    var noConfig = false

    func validate() throws {
        if existing != nil && (output != nil || force) {
            throw ValidationError("--existing adopts a key as it is: it cannot be combined with --output or --force")
        }
    }

    func run() throws {
        let globalConfig = try Config.openDefault()
        guard let principal = try email ?? globalConfig.string("user.email"), !principal.isEmpty else {
            throw CommandFailure(
                "no email for the allowed_signers line: pass --email or set 'git config --global user.email'")
        }
        let enrolled: EnrolledKey
        if let existing {
            enrolled = try EnrolledKey.adopt(existing)
            if let warning = enrolled.warning { printError(warning) }
        } else {
            enrolled = try EnrolledKey.generate(at: output, replace: force)
            printError("wrote private key \(enrolled.path) (mode 0600)")
        }
        let path = enrolled.path, key = enrolled.key
        if !noConfig {
            try Config.openGlobal().set("sessiontrace.signingKey", to: path)
            printError("set sessiontrace.signingKey = \(path) in your global git config")
        }
        printError("key fingerprint \(key.publicKey.fingerprint); add this line to the allowed_signers trust file:")
        print("\(principal) \(key.publicKey.openSSH)")
    }
}
