internal import CLibGit2

/// The git attributes a commit's own tree gives its paths: `.gitattributes` files read
/// from that tree only, never the working tree, the index, `$GIT_DIR/info/attributes`,
/// `core.attributesFile` or the system file, so that every clone of the repository gets
/// the same answer for the same commit (spec/classifier.md §1, spec/reports.md §3.2).
///
/// The files are read as git reads them from blobs (gitattributes(5)): a line is a
/// pattern and attributes (`name`, `-name`, `!name`, `name=value`); a pattern without
/// a slash matches a name at any depth below the file's directory, one with a slash the
/// path from that directory (`*` and `?` within a segment, `**` across segments, `[…]`
/// classes); a pattern ending in `/` names a directory, so no file. Ignored: negative
/// patterns, lines with an invalid attribute name, lines of 2,048 bytes or more,
/// whatever follows a NUL, files of 100 MiB or more. `[attr]NAME …` defines a macro in
/// the top-level file only. Deeper files override shallower ones, later lines earlier
/// ones.
package struct TreeAttributes {
    /// An attribute's state for a path (unspecified: nil).
    package enum State: Equatable, Sendable {
        case set
        case unset
        case value(String)

        /// Set, or set to `true` (how Linguist reads its attributes).
        package var isTrue: Bool { self == .set || self == .value("true") }
    }

    private let repository: Repository
    private let tree: ObjectID
    /// Parsed files by directory ("" for the root); nil: the directory has none.
    private var files = [[UInt8]: AttributesFile?]()
    private var macros = [String: [(String, State?)]]()

    /// Files larger than this are ignored, as git ignores them.
    static let maximumFileSize = 100 * 1024 * 1024

    package init(repository: Repository, commit: ObjectID) throws {
        self.repository = repository
        self.tree = try repository.withCommit(commit) { ObjectID(git_commit_tree_id($0).pointee) }
        macros["binary"] = [("diff", .unset), ("merge", .unset), ("text", .unset)]
        if let root = try file(inDirectory: []) {
            for (name, assignments) in root.macros { macros[name] = assignments }
        }
    }

    /// The state of each of `names` for `path` (a file's path from the top of the tree,
    /// held as `GitPath` holds paths).
    package mutating func states(of names: [String], forPath path: String) throws -> [String: State] {
        let wanted = Set(names)
        var states = [String: State?]()
        let bytes = GitPath.bytes(path)
        let slash = UInt8(ascii: "/")
        // Each directory from the top down, and the path below it.
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == slash { starts.append(index + 1) }
        for start in starts {
            let directory = start == 0 ? [] : Array(bytes[..<(start - 1)])
            guard let file = try file(inDirectory: directory) else { continue }
            for rule in file.rules where rule.pattern.matches(bytes[start...]) {
                for (name, state) in expanded(rule.assignments) where wanted.contains(name) {
                    states[name] = state
                }
            }
        }
        return states.compactMapValues { $0 }
    }

    /// Assignments with macros replaced by what they stand for (a macro's own name is
    /// set too, as git sets it).
    private func expanded(_ assignments: [(String, State?)]) -> [(String, State?)] {
        var out = [(String, State?)]()
        for (name, state) in assignments {
            out.append((name, state))
            if let body = macros[name], state == .set {
                out.append(contentsOf: body)
            }
        }
        return out
    }

    private mutating func file(inDirectory directory: [UInt8]) throws -> AttributesFile? {
        if let known = files[directory] { return known }
        let path = (directory.isEmpty ? [] : directory + [UInt8(ascii: "/")]) + Array(".gitattributes".utf8)
        let bytes = try repository.withTree(tree) { tree -> [UInt8]? in
            var entry: OpaquePointer?
            let code = (path.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
                git_tree_entry_bypath(&entry, tree, $0.baseAddress!)
            }
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try check(code, "cannot read \(GitPath.string(bytes: path))")
            defer { git_tree_entry_free(entry) }
            // A link is not followed (git reads no linked .gitattributes either).
            let mode = git_tree_entry_filemode(entry)
            guard mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE else { return nil }
            return try repository.withBlobBytes(ObjectID(git_tree_entry_id(entry).pointee)) {
                $0.count > Self.maximumFileSize ? nil : Array($0)
            }
        }
        let parsed = bytes.map { AttributesFile(parsing: $0, allowsMacros: directory.isEmpty) }
        files[directory] = parsed
        return parsed
    }
}

/// One `.gitattributes` file, parsed.
public struct AttributesFile {
    public struct Rule {
        public var pattern: AttributePattern
        package var assignments: [(String, TreeAttributes.State?)]
    }

    public var rules = [Rule]()
    package var macros = [(String, [(String, TreeAttributes.State?)])]()

    static let lineLengthLimit = 2048

    public init(parsing bytes: [UInt8], allowsMacros: Bool) {
        // As git reads the file from a blob: nothing after a NUL.
        for rawLine in bytes.prefix(while: { $0 != 0 }).split(separator: 0x0A, omittingEmptySubsequences: true) {
            // Longer lines are skipped, as git skips them (and no pattern's match grows
            // past 2,048 × the path's length).
            guard rawLine.count < Self.lineLengthLimit else { continue }
            var line = rawLine[...]
            if line.last == 0x0D { line = line.dropLast() }
            guard let (pattern, rest) = Self.pattern(of: line) else { continue }
            guard let assignments = Self.assignments(rest) else { continue }
            if pattern.starts(with: Array("[attr]".utf8)) {
                let name = pattern.dropFirst(6)
                if allowsMacros, Self.isValidName(name) {
                    macros.append((String(decoding: name, as: UTF8.self), assignments))
                }
            } else if pattern.first != UInt8(ascii: "!"), let compiled = AttributePattern(pattern) {
                rules.append(Rule(pattern: compiled, assignments: assignments))
            }
        }
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    /// The line's pattern (unquoted when written in C-style quotes) and what follows it;
    /// nil for a blank line, a comment, or a quoted pattern that does not end.
    static func pattern(of line: ArraySlice<UInt8>) -> ([UInt8], ArraySlice<UInt8>)? {
        let start = line.drop(while: isBlank)
        guard let first = start.first, first != UInt8(ascii: "#") else { return nil }
        if first == UInt8(ascii: "\"") {
            // The closing quote is the first one no backslash escapes.
            var index = start.index(after: start.startIndex)
            while index < start.endIndex, start[index] != first {
                index =
                    start.index(index, offsetBy: start[index] == UInt8(ascii: "\\") ? 2 : 1, limitedBy: start.endIndex)
                    ?? start.endIndex
            }
            guard index < start.endIndex, let unquoted = GitPath.unquoting(Array(start[...index])) else { return nil }
            return (unquoted, start[(index + 1)...])
        }
        let pattern = start.prefix(while: { !isBlank($0) })
        return (Array(pattern), start[pattern.endIndex...])
    }

    /// The attributes of a line; nil when one has an invalid name (git ignores the line).
    static func assignments(_ text: ArraySlice<UInt8>) -> [(String, TreeAttributes.State?)]? {
        var out = [(String, TreeAttributes.State?)]()
        for token in text.split(whereSeparator: isBlank) {
            var name = token
            var state: TreeAttributes.State? = .set
            if token.first == UInt8(ascii: "-") {
                name = token.dropFirst()
                state = .unset
            } else if token.first == UInt8(ascii: "!") {
                name = token.dropFirst()
                state = nil
            } else if let equals = token.firstIndex(of: UInt8(ascii: "=")) {
                name = token[..<equals]
                state = .value(String(decoding: token[(equals + 1)...], as: UTF8.self))
            }
            guard isValidName(name) else { return nil }
            out.append((String(decoding: name, as: UTF8.self), state))
        }
        return out
    }

    /// Letters, digits, `-`, `.` and `_`, not starting with `-` (gitattributes(5)).
    static func isValidName<C: Collection<UInt8>>(_ name: C) -> Bool {
        guard let first = name.first, first != UInt8(ascii: "-") else { return false }
        return name.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == UInt8(ascii: "-")
                || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")
        }
    }
}

/// A gitattributes pattern, matched against a path relative to its file's directory.
public struct AttributePattern {
    private let pattern: [UInt8]
    /// No slash: matched against the last component only.
    private let matchesName: Bool

    /// nil for a pattern that can match no file (it names a directory, or is empty).
    init?(_ text: [UInt8]) {
        guard !text.isEmpty, text.last != UInt8(ascii: "/") else { return nil }
        matchesName = !text.contains(UInt8(ascii: "/"))
        pattern = text.first == UInt8(ascii: "/") ? Array(text.dropFirst()) : text
        guard !pattern.isEmpty else { return nil }
    }

    public func matches(_ path: ArraySlice<UInt8>) -> Bool {
        let subject =
            matchesName ? path[(path.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? path.startIndex)...] : path
        return Wildmatch.matches(pattern: pattern, text: Array(subject))
    }
}

/// Git's wildmatch with its pathname rule: `*`, `?` and `[…]` never match `/`; `**`
/// between slashes (or at either end) matches across them. Each run of stars is worked
/// out at most once per text position (memoised), so that a pattern built to backtrack
/// costs a polynomial, not an exponential, number of steps.
public struct Wildmatch {
    let pattern: [UInt8]
    let text: [UInt8]
    /// For the first star of each run, its run's number; -1 elsewhere.
    private var run: [Int]
    private var memo: [Int8]

    private init(pattern: [UInt8], text: [UInt8]) {
        self.pattern = pattern
        self.text = text
        var run = [Int](repeating: -1, count: pattern.count)
        var runs = 0
        // Every star not escaped and not after another such star starts a run; an
        // escaped star (`\*`) is a literal, so the star after it starts one.
        var index = 0
        var afterStar = false
        while index < pattern.count {
            if pattern[index] == UInt8(ascii: "\\") {
                index += 2
                afterStar = false
                continue
            }
            let star = pattern[index] == UInt8(ascii: "*")
            if star, !afterStar {
                run[index] = runs
                runs += 1
            }
            afterStar = star
            index += 1
        }
        self.run = run
        memo = [Int8](repeating: -1, count: runs * (text.count + 1))
    }

    public static func matches(pattern: [UInt8], text: [UInt8]) -> Bool {
        if !pattern.contains(where: {
            $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\")
        }) {
            return pattern == text
        }
        var matcher = Wildmatch(pattern: pattern, text: text)
        return matcher.match(0, 0)
    }

    /// Whether `pattern[p...]` matches `text[t...]`: literal steps in a loop, a run of
    /// stars looked up or worked out once.
    private mutating func match(_ start: Int, _ from: Int) -> Bool {
        var p = start
        var t = from
        let slash = UInt8(ascii: "/")
        while p < pattern.count {
            switch pattern[p] {
            case UInt8(ascii: "*"):
                let key = run[p] * (text.count + 1) + t
                if memo[key] >= 0 { return memo[key] == 1 }
                let result = stars(p, t)
                memo[key] = result ? 1 : 0
                return result
            case UInt8(ascii: "?"):
                guard t < text.count, text[t] != slash else { return false }
                p += 1
            case UInt8(ascii: "["):
                // A class that does not close matches nothing, as in git.
                guard t < text.count, text[t] != slash, let (matched, end) = classMatch(at: p, byte: text[t]), matched
                else { return false }
                p = end
            case UInt8(ascii: "\\"):
                // A backslash that ends the pattern escapes nothing and matches nothing.
                guard p + 1 < pattern.count, t < text.count, text[t] == pattern[p + 1] else { return false }
                p += 2
            default:
                guard t < text.count, text[t] == pattern[p] else { return false }
                p += 1
            }
            t += 1
        }
        return t == text.count
    }

    /// The run of stars at `p` against `text[t...]`.
    private mutating func stars(_ p: Int, _ t: Int) -> Bool {
        let slash = UInt8(ascii: "/")
        var end = p
        while end < pattern.count, pattern[end] == UInt8(ascii: "*") { end += 1 }
        // Like git, the byte before the run is looked at raw (so `\/**` counts), and the
        // one after it may be an escaped slash.
        let double = end - p >= 2 && (p == 0 || pattern[p - 1] == slash)
        if double, end == pattern.count { return true }  // `…/**`: all that is left
        let plainSlash = end < pattern.count && pattern[end] == slash
        let escapedSlash =
            end + 1 < pattern.count && pattern[end] == UInt8(ascii: "\\") && pattern[end + 1] == slash
        if double, plainSlash || escapedSlash {
            // `**/`: no directories (git tries this for a plain slash only), or any
            // number of them, up to a slash the rest of the pattern starts with.
            if plainSlash, match(end + 1, t) { return true }
            var next = t
            while next < text.count {
                if text[next] == slash, match(end, next) { return true }
                next += 1
            }
            return false
        }
        // One segment's worth: stop at a slash.
        var next = t
        while true {
            if match(end, next) { return true }
            guard next < text.count, text[next] != slash else { return false }
            next += 1
        }
    }

    /// Whether the class starting at `p` (`[`) holds `byte`, and the index after it;
    /// nil when the class does not close.
    private func classMatch(at p: Int, byte: UInt8) -> (Bool, Int)? {
        var i = p + 1
        var negated = false
        if i < pattern.count, pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^") {
            negated = true
            i += 1
        }
        var matched = false
        // Git gives up on the whole pattern at a `[:name:]` it does not know: the class
        // then matches nothing, whatever else it holds.
        var unknownClassName = false
        var first = true
        while i < pattern.count {
            var c = pattern[i]
            if c == UInt8(ascii: "]"), !first { return (!unknownClassName && matched != negated, i + 1) }
            first = false
            if c == UInt8(ascii: "["), i + 1 < pattern.count, pattern[i + 1] == UInt8(ascii: ":") {
                // As git: the name runs to the first `]`; without a `:` before it, the
                // `[` is an ordinary member.
                guard let close = pattern[(i + 2)...].firstIndex(of: UInt8(ascii: "]")) else { return nil }
                if close > i + 2, pattern[close - 1] == UInt8(ascii: ":") {
                    let name = String(decoding: pattern[(i + 2)..<(close - 1)], as: UTF8.self)
                    if let inClass = Self.inPosixClass(name, byte) {
                        if inClass { matched = true }
                    } else {
                        unknownClassName = true
                    }
                    i = close + 1
                    continue
                }
            }
            if c == UInt8(ascii: "\\"), i + 1 < pattern.count {
                i += 1
                c = pattern[i]
            }
            if i + 2 < pattern.count, pattern[i + 1] == UInt8(ascii: "-"), pattern[i + 2] != UInt8(ascii: "]") {
                var high = pattern[i + 2]
                var skip = 3
                if high == UInt8(ascii: "\\"), i + 3 < pattern.count {
                    high = pattern[i + 3]
                    skip = 4
                }
                // The low end is a member on its own too, so `[z-a]` still holds `z`.
                if c == byte || (c <= byte && byte <= high) { matched = true }
                i += skip
                continue
            }
            if c == byte { matched = true }
            i += 1
        }
        return nil
    }

    /// Whether `byte` is in the named class, by git's locale-free ctype; nil for a name
    /// git does not know.
    private static func inPosixClass(_ name: String, _ byte: UInt8) -> Bool? {
        let isUpper = byte >= 0x41 && byte <= 0x5A
        let isLower = byte >= 0x61 && byte <= 0x7A
        let isDigit = byte >= 0x30 && byte <= 0x39
        switch name {
        case "alnum": return isUpper || isLower || isDigit
        case "alpha": return isUpper || isLower
        case "digit": return isDigit
        case "lower": return isLower
        case "upper": return isUpper
        case "space": return byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D  // not \v or \f
        case "blank": return byte == 0x20 || byte == 0x09
        case "punct": return byte > 0x20 && byte < 0x7F && !(isUpper || isLower || isDigit)
        case "xdigit": return isDigit || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
        case "cntrl": return byte < 0x20 || byte == 0x7F
        case "print": return byte >= 0x20 && byte < 0x7F
        case "graph": return byte > 0x20 && byte < 0x7F
        default: return nil
        }
    }
}
