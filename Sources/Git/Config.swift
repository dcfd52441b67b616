internal import CLibGit2
import Foundation

/// A git configuration (one file or a stack of levels).
package final class Config {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_config_free(pointer) }

    /// Configuration of every level as git reads it outside a repository
    /// (system, XDG, global).
    package static func openDefault() throws -> Config {
        _ = libgit2Initialised
        var config: OpaquePointer?
        try check(git_config_open_default(&config), "cannot read git config")
        return Config(config!)
    }

    /// The user's global file (`~/.gitconfig`, or the XDG file when only that exists),
    /// created on first write.
    package static func openGlobal() throws -> Config {
        _ = libgit2Initialised
        var path = git_buf()
        defer { git_buf_dispose(&path) }
        let file: String
        if git_config_find_global(&path) == 0, let found = path.ptr {
            file = String(cString: found)
        } else if git_config_find_xdg(&path) == 0, let found = path.ptr {
            file = String(cString: found)
        } else {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            file = (home as NSString).appendingPathComponent(".gitconfig")
        }
        var config: OpaquePointer?
        try check(git_config_open_ondisk(&config, file), "cannot open \(file)")
        return Config(config!)
    }

    package func string(_ name: String) throws -> String? {
        if let given = CommandLineConfig.values(name).last { return given }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let code = git_config_get_string_buf(&buffer, pointer, name)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check(code, "cannot read config \(name)")
        return buffer.ptr.map { String(cString: $0) }
    }

    /// Every value of a multi-valued variable, in file order.
    package func strings(_ name: String) throws -> [String] {
        var iterator: OpaquePointer?
        let code = git_config_multivar_iterator_new(&iterator, pointer, name, nil)
        if code == GIT_ENOTFOUND.rawValue { return CommandLineConfig.values(name) }
        try check(code, "cannot read config \(name)")
        defer { git_config_iterator_free(iterator) }
        var values = [String]()
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0, let entry {
            values.append(String(cString: entry.pointee.value))
        }
        return values + CommandLineConfig.values(name)
    }

    package func set(_ name: String, to value: String) throws {
        try check(git_config_set_string(pointer, name, value), "cannot set config \(name)")
    }

    /// Adds `value` to a multi-valued variable unless it is there already.
    /// Returns whether anything changed.
    @discardableResult
    package func add(_ name: String, value: String) throws -> Bool {
        guard try !strings(name).contains(value) else { return false }
        // A pattern that matches only `value` itself: libgit2 appends when nothing matches.
        let pattern = "^" + escapeExtendedRegex(value) + "$"
        try check(git_config_set_multivar(pointer, name, pattern, value), "cannot set config \(name)")
        return true
    }
}

extension Config {
    /// Removes `value` from a multi-valued variable; returns whether it was there.
    @discardableResult
    package func remove(_ name: String, value: String) throws -> Bool {
        guard try strings(name).contains(value) else { return false }
        try check(
            git_config_delete_multivar(pointer, name, "^" + escapeExtendedRegex(value) + "$"),
            "cannot unset config \(name)")
        return true
    }
}

/// Escapes the POSIX extended regular expression metacharacters in `text`.
func escapeExtendedRegex(_ text: String) -> String {
    var escaped = ""
    for character in text {
        if ".[]()*+?{}|^$\\".contains(character) { escaped.append("\\") }
        escaped.append(character)
    }
    return escaped
}

/// Configuration given for one git command (`git -c name=value trace …`), which git
/// passes to its subcommands in the environment (`GIT_CONFIG_PARAMETERS`, and
/// `GIT_CONFIG_COUNT` with `GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>`). It outranks
/// every file, as in git; libgit2 does not read it, so the reads here do.
package enum CommandLineConfig {
    /// (normalised name, value) in the order git applies them; a name given without
    /// `=` is the boolean true.
    package static let entries: [(name: String, value: String)] = parse(ProcessInfo.processInfo.environment)

    /// The values given for `name`, in order (the last one wins for a single value).
    package static func values(_ name: String) -> [String] {
        guard !entries.isEmpty else { return [] }
        let key = normalised(name)
        return entries.filter { $0.name == key }.map(\.value)
    }

    /// `Section.Sub.Name` → `section.Sub.name`: section and name are case-insensitive,
    /// a subsection is not.
    static func normalised(_ name: String) -> String {
        guard let first = name.firstIndex(of: "."), let last = name.lastIndex(of: ".") else { return name.lowercased() }
        return name[..<first].lowercased() + name[first..<last] + name[last...].lowercased()
    }

    package static func parse(_ environment: [String: String]) -> [(name: String, value: String)] {
        var entries = [(name: String, value: String)]()
        if let parameters = environment["GIT_CONFIG_PARAMETERS"] {
            var scanner = QuotedScanner(Array(parameters.unicodeScalars))
            while let key = scanner.nextQuoted() {
                if scanner.consume("=") {
                    // git ≥ 2.31: 'name'='value'; 'name'= alone is a name given without
                    // a value (the boolean true), 'name'='' an empty value.
                    entries.append((normalised(key), scanner.atQuote ? scanner.nextQuoted() ?? "" : "true"))
                } else if let equals = key.firstIndex(of: "=") {
                    entries.append((normalised(String(key[..<equals])), String(key[key.index(after: equals)...])))
                } else {
                    entries.append((normalised(key), "true"))
                }
            }
        }
        if let count = environment["GIT_CONFIG_COUNT"].flatMap(Int.init), count > 0 {
            for index in 0..<count {
                guard let key = environment["GIT_CONFIG_KEY_\(index)"], !key.isEmpty else { continue }
                entries.append((normalised(key), environment["GIT_CONFIG_VALUE_\(index)"] ?? ""))
            }
        }
        return entries
    }

    /// Reads git's shell quoting (sq_quote: `'…'`, with `'` written as `'\''` and `!`
    /// as `'\!'`), one word at a time.
    private struct QuotedScanner {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atQuote: Bool { index < scalars.count && scalars[index] == "'" }

        mutating func consume(_ scalar: Unicode.Scalar) -> Bool {
            guard index < scalars.count, scalars[index] == scalar else { return false }
            index += 1
            return true
        }

        mutating func nextQuoted() -> String? {
            while index < scalars.count, scalars[index] == " " { index += 1 }
            guard consume("'") else { return nil }
            var word = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                if scalar != "'" { word.append(scalar); continue }
                // A closing quote, unless `\X'` follows: an escaped character, then more.
                if index + 2 < scalars.count, scalars[index] == "\\", scalars[index + 2] == "'" {
                    word.append(scalars[index + 1])
                    index += 3
                    continue
                }
                return String(word)
            }
            return String(word)
        }
    }
}
