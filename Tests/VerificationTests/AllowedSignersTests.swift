import Ledger
import Signing
import Testing
import Verification

@Suite struct AllowedSignersTests {
    let alice = try! SigningKey.generate().publicKey
    let bob = try! SigningKey.generate().publicKey

    @Test func readsPrincipalsOptionsAndComments() throws {
        let text = """
            # team keys
            alice@example.com,*@ops.example.com \(alice.openSSH) alice laptop

            "bob@example.com" namespaces="sessiontrace,git",valid-after="20250101Z",valid-before="20260101" \(bob.openSSH)
            """
        let trust = try AllowedSigners(text: text, source: "trust")
        #expect(trust.entries.count == 2)
        #expect(trust.entries[0].principals == ["alice@example.com", "*@ops.example.com"])
        #expect(trust.entries[0].line == 2)
        #expect(trust.entries[1].principals == ["bob@example.com"])
        #expect(trust.entries[1].validAfter == 1_735_689_600)
        #expect(trust.entries[1].namespaces == ["sessiontrace", "git"])
        #expect(trust.key(forKeyID: alice.fingerprint) == alice)
    }

    @Test func decisionsFollowKeyPrincipalAndWindow() throws {
        let text = """
            alice@example.com,!mallory@example.com,*@ops.example.com \(alice.openSSH)
            bob@example.com valid-after="20250101000000Z",valid-before="20260101Z" \(bob.openSSH)
            """
        let trust = try AllowedSigners(text: text, source: "trust")
        let inside: Int64 = 1_750_000_000  // mid 2025
        #expect(trust.decide(keyID: alice.fingerprint, email: "alice@example.com", at: inside) == .trusted(line: 1))
        #expect(trust.decide(keyID: alice.fingerprint, email: "carol@ops.example.com", at: inside) == .trusted(line: 1))
        #expect(trust.decide(keyID: alice.fingerprint, email: "eve@example.com", at: inside) == .principalMismatch)
        #expect(trust.decide(keyID: bob.fingerprint, email: "alice@example.com", at: inside) == .principalMismatch)
        #expect(trust.decide(keyID: bob.fingerprint, email: "bob@example.com", at: inside) == .trusted(line: 2))
        #expect(
            trust.decide(keyID: bob.fingerprint, email: "bob@example.com", at: 1_767_225_600)
                == .expired(validBefore: 1_767_225_600))
        #expect(
            trust.decide(keyID: bob.fingerprint, email: "bob@example.com", at: 1_700_000_000)
                == .notYetValid(validAfter: 1_735_689_600))
        let stranger = try SigningKey.generate().publicKey
        #expect(trust.decide(keyID: stranger.fingerprint, email: "alice@example.com", at: inside) == .untrustedKey)
    }

    @Test func negatedPrincipalRejectsEvenWhenAnotherPatternMatches() throws {
        let trust = try AllowedSigners(text: "*@example.com,!mallory@example.com \(alice.openSSH)", source: "t")
        #expect(trust.decide(keyID: alice.fingerprint, email: "mallory@example.com", at: 0) == .principalMismatch)
        #expect(trust.decide(keyID: alice.fingerprint, email: "ann@example.com", at: 0) == .trusted(line: 1))
    }

    @Test func namespacesMustAllowSessionTrace() throws {
        let trust = try AllowedSigners(text: "alice@example.com namespaces=\"git\" \(alice.openSSH)", source: "t")
        #expect(trust.decide(keyID: alice.fingerprint, email: "alice@example.com", at: 0) == .principalMismatch)
    }

    @Test func otherKeyTypesAndCertificateAuthoritiesAreNeverTrusted() throws {
        let text = """
            alice@example.com ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ
            *@example.com cert-authority \(alice.openSSH)
            """
        let trust = try AllowedSigners(text: text, source: "t")
        #expect(trust.entries.isEmpty)
        #expect(trust.ignored.count == 2)
        #expect(trust.decide(keyID: alice.fingerprint, email: "alice@example.com", at: 0) == .untrustedKey)
    }

    @Test func malformedLinesAreErrorsNamingTheLine() {
        for text in [
            "alice@example.com",
            "alice@example.com ssh-ed25519",
            "alice@example.com valid-before=\"tomorrow\" \(alice.openSSH)",
            "alice@example.com frobnicate \(alice.openSSH)",
            "alice@example.com ssh-ed25519 AAAAnotbase64!!",
        ] {
            #expect(throws: AllowedSigners.Error.self, "\(text)") {
                try AllowedSigners(text: "# c\n" + text, source: "t")
            }
        }
        do {
            _ = try AllowedSigners(text: "# c\nalice@example.com", source: "trust")
        } catch {
            #expect("\(error)".hasPrefix("trust:2: "))
        }
    }
}

/// Inputs the fuzzer found (Tests/Fuzz), each refused with a line, never a crash.
@Suite struct AllowedSignersFuzzFindingsTests {
    @Test(arguments: [
        "i2 =", "t\0\0\0\0\0\0\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t=\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t, ",
        "a =x", "a ,=,", "a \"=\"",
    ])
    func optionWithoutANameIsRefused(line: String) {
        #expect(throws: AllowedSigners.Error.self) { try AllowedSigners(text: line + "\n", source: "f") }
    }
}
