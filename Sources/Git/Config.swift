import CLibGit2
import Foundation

/// A git configuration (one file or a stack of levels).
public final class Config {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_config_free(pointer) }

    /// Configuration of every level as git reads it outside a repository
    /// (system, XDG, global).
    public static func openDefault() throws -> Config {
        _ = libgit2Initialised
        var config: OpaquePointer?
        try check(git_config_open_default(&config), "cannot read git config")
        return Config(config!)
    }

    /// The user's global file (`~/.gitconfig`, or the XDG file when only that exists),
    /// created on first write.
    public static func openGlobal() throws -> Config {
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

    public func string(_ name: String) throws -> String? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let code = git_config_get_string_buf(&buffer, pointer, name)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check(code, "cannot read config \(name)")
        return buffer.ptr.map { String(cString: $0) }
    }

    /// Every value of a multi-valued variable, in file order.
    public func strings(_ name: String) throws -> [String] {
        var iterator: OpaquePointer?
        let code = git_config_multivar_iterator_new(&iterator, pointer, name, nil)
        if code == GIT_ENOTFOUND.rawValue { return [] }
        try check(code, "cannot read config \(name)")
        defer { git_config_iterator_free(iterator) }
        var values = [String]()
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0, let entry {
            values.append(String(cString: entry.pointee.value))
        }
        return values
    }

    public func set(_ name: String, to value: String) throws {
        try check(git_config_set_string(pointer, name, value), "cannot set config \(name)")
    }

    /// Adds `value` to a multi-valued variable unless it is there already.
    /// Returns whether anything changed.
    @discardableResult
    public func add(_ name: String, value: String) throws -> Bool {
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
    public func remove(_ name: String, value: String) throws -> Bool {
        guard try strings(name).contains(value) else { return false }
        try check(git_config_delete_multivar(pointer, name, "^" + escapeExtendedRegex(value) + "$"), "cannot unset config \(name)")
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
