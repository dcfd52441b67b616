import Diagnostics
import Foundation
import Signing

/// A trust file in OpenSSH's allowed_signers format (spec/records.md §6).
public struct AllowedSigners: Sendable {
    public struct Entry: Sendable {
        package let line: Int
        public let principals: [String]
        public let key: PublicKey
        /// Unix seconds; the key is trusted from this time on.
        public let validAfter: Int64?
        /// Unix seconds; the key is trusted only before this time.
        public let validBefore: Int64?
        public let namespaces: [String]?
    }

    package struct Error: UserFacingError {
        package let source: String
        package let line: Int
        package let problem: String
        package var description: String { "\(source):\(line): \(problem)" }
    }

    /// What the trust file says about one signature.
    public enum Decision: Equatable {
        case trusted(line: Int)
        case untrustedKey
        case principalMismatch
        case notYetValid(validAfter: Int64)
        case expired(validBefore: Int64)
    }

    package static let namespace = "sessiontrace"

    package let source: String
    public let entries: [Entry]
    /// Lines that were read but are never trusted (other key types, cert-authority).
    package let ignored: [String]

    public init(text: String, source: String) throws {
        self.source = source
        var entries = [Entry]()
        var ignored = [String]()
        for (lineNumber, line) in TextLines.meaningful(text) {
            func fail(_ problem: String) -> Error { Error(source: source, line: lineNumber, problem: problem) }
            var scanner = FieldScanner(line)
            guard let principalField = scanner.next(), let afterPrincipals = scanner.next() else {
                throw fail("expected 'principals [options] ssh-ed25519 <key>'")
            }
            var options: [String: String] = [:]
            var certAuthority = false
            var keyType = afterPrincipals
            if !AllowedSigners.looksLikeKeyType(afterPrincipals) {
                for option in AllowedSigners.splitOptions(afterPrincipals) {
                    // (Empty pieces kept: an option of "=" alone is refused, not a crash — found by fuzzing.)
                    let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(
                        String.init)
                    let name = parts[0].lowercased()
                    if name == "cert-authority" { certAuthority = true; continue }
                    guard parts.count == 2, ["valid-after", "valid-before", "namespaces"].contains(name) else {
                        throw fail("unknown option '\(option)'")
                    }
                    options[name] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
                guard let next = scanner.next() else { throw fail("missing key after options") }
                keyType = next
            }
            guard let keyData = scanner.next() else { throw fail("missing key data") }
            guard keyType == "ssh-ed25519", !certAuthority else {
                ignored.append(
                    "\(source):\(lineNumber): \(certAuthority ? "cert-authority" : keyType) entries are not trusted")
                continue
            }
            let key: PublicKey
            do { key = try PublicKey(openSSH: "\(keyType) \(keyData)") } catch { throw fail("\(error)") }
            func time(_ name: String) throws -> Int64? {
                guard let text = options[name] else { return nil }
                guard let value = AllowedSigners.parseTime(text) else {
                    throw fail("\(name) '\(text)' is not a date as YYYYMMDD[HHMM[SS]][Z]")
                }
                return value
            }
            entries.append(
                Entry(
                    line: lineNumber,
                    principals: AllowedSigners.stripQuotes(principalField).split(separator: ",").map(String.init),
                    key: key,
                    validAfter: try time("valid-after"),
                    validBefore: try time("valid-before"),
                    namespaces: options["namespaces"].map { $0.split(separator: ",").map(String.init) }))
        }
        self.entries = entries
        self.ignored = ignored
    }

    /// A digest of everything this trust file says, for caches keyed by trust.
    public var fingerprint: String {
        SHA256.hexDigest(
            entries.map { entry in
                "\(entry.key.fingerprint) \(entry.principals.joined(separator: ",")) \(entry.validAfter ?? -1) \(entry.validBefore ?? -1) \(entry.namespaces?.joined(separator: ",") ?? "*")"
            }.joined(separator: "\n"))
    }

    /// The trusted key with this fingerprint, if any entry has it.
    package func key(forKeyID keyID: String) -> PublicKey? {
        entries.first { $0.key.fingerprint == keyID }?.key
    }

    /// Whether a signature by `keyID` for `email` at `time` (Unix seconds) is trusted.
    public func decide(keyID: String, email: String, at time: Int64) -> Decision {
        // One pass, no intermediate arrays: this runs once per record verified.
        var keyKnown = false
        var principalAllowed = false
        var latestExpiry: Int64?
        var earliestStart: Int64?
        for entry in entries where entry.key.fingerprint == keyID {
            keyKnown = true
            guard AllowedSigners.matchList(email, patterns: entry.principals),
                entry.namespaces.map({ AllowedSigners.matchList(AllowedSigners.namespace, patterns: $0) }) ?? true
            else { continue }
            principalAllowed = true
            if (entry.validAfter ?? .min) <= time && time < (entry.validBefore ?? .max) {
                return .trusted(line: entry.line)
            }
            if let before = entry.validBefore, time >= before { latestExpiry = max(latestExpiry ?? before, before) }
            if let after = entry.validAfter { earliestStart = min(earliestStart ?? after, after) }
        }
        guard keyKnown else { return .untrustedKey }
        guard principalAllowed else { return .principalMismatch }
        if let latestExpiry { return .expired(validBefore: latestExpiry) }
        return .notYetValid(validAfter: earliestStart ?? time)
    }

    // MARK: Parsing helpers

    static func looksLikeKeyType(_ token: String) -> Bool {
        token.hasPrefix("ssh-") || token.hasPrefix("ecdsa-") || token.hasPrefix("sk-")
            || token.hasSuffix("@openssh.com")
    }

    static func stripQuotes(_ text: String) -> String {
        text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text
    }

    /// Splits `a,b="x,y",c` at commas outside quotes.
    static func splitOptions(_ text: String) -> [String] {
        var options = [String]()
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted {
                options.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        options.append(current)
        return options.filter { !$0.isEmpty }
    }

    /// `YYYYMMDD[HHMM[SS]][Z]`: UTC with `Z`, the local time zone without, as ssh-keygen reads it.
    static func parseTime(_ text: String) -> Int64? {
        var digits = text
        let utc = digits.hasSuffix("Z") || digits.hasSuffix("z")
        if utc { digits.removeLast() }
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            return nil
        }
        let numbers = Array(digits).map { Int32(String($0))! }
        func field(_ start: Int, _ length: Int) -> Int32 {
            start + length <= numbers.count ? numbers[start..<start + length].reduce(0) { $0 * 10 + $1 } : 0
        }
        var parts = tm()
        parts.tm_year = field(0, 4) - 1900
        parts.tm_mon = field(4, 2) - 1
        parts.tm_mday = field(6, 2)
        parts.tm_hour = field(8, 2)
        parts.tm_min = field(10, 2)
        parts.tm_sec = field(12, 2)
        parts.tm_isdst = -1
        // A day the month does not have (20260231) is refused: mktime would roll it over.
        let year = Int(parts.tm_year) + 1900
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (0...11).contains(parts.tm_mon), (1...daysInMonth[Int(parts.tm_mon)]).contains(Int(parts.tm_mday)),
            parts.tm_hour < 24, parts.tm_min < 60, parts.tm_sec < 60
        else { return nil }
        return Int64(utc ? timegm(&parts) : mktime(&parts))
    }

    /// OpenSSH pattern-list matching: true when some pattern matches and no negated one does.
    static func matchList(_ value: String, patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                if matchPattern(Array(value.unicodeScalars), Array(pattern.dropFirst().unicodeScalars)) { return false }
            } else if matchPattern(Array(value.unicodeScalars), Array(pattern.unicodeScalars)) {
                matched = true
            }
        }
        return matched
    }

    /// `*` and `?` wildcards, iterative with backtracking on the last star.
    static func matchPattern(_ value: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        var v = 0, p = 0
        var starP = -1, starV = 0
        while v < value.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == value[v] {
                v += 1; p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starP = p; starV = v; p += 1
            } else if starP >= 0 {
                p = starP + 1; starV += 1; v = starV
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

/// Splits a line at white space, keeping double-quoted runs together.
private struct FieldScanner {
    private let characters: [Character]
    private var index = 0

    init(_ line: String) { characters = Array(line) }

    mutating func next() -> String? {
        while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
        guard index < characters.count else { return nil }
        var field = ""
        var quoted = false
        while index < characters.count {
            let character = characters[index]
            if character == "\"" { quoted.toggle() }
            if !quoted, character == " " || character == "\t" { break }
            field.append(character)
            index += 1
        }
        return field
    }
}
