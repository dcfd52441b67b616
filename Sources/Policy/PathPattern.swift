/// A path pattern in a policy file (spec/policy.md §2), in the style of .gitignore:
/// `*` and `?` stay within one path segment, `**` spans any number of segments, a
/// pattern ending in `/` covers everything under that directory, and a pattern with no
/// `/` matches a file or directory name at any depth.
package struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    package let text: String
    private let segments: [Substring]

    package init(_ text: String) throws {
        var pattern = text.trimmingPrefix("/")
        guard !pattern.isEmpty else { throw PolicyError("empty path pattern") }
        if pattern.hasSuffix("/") { pattern = pattern.dropLast() + "/**" }
        var segments = pattern.split(separator: "/", omittingEmptySubsequences: true)
        guard !segments.isEmpty else { throw PolicyError("path pattern '\(text)' matches nothing") }
        // No slash: a name anywhere in the tree, and whatever is under it.
        if !text.contains("/") {
            segments = ["**"] + segments + ["**"]
        } else if segments.last != "**" {
            segments.append("**")
        }  // a directory covers its contents
        self.text = text
        self.segments = segments
    }

    package var description: String { text }

    package func matches(_ path: String) -> Bool {
        PathPattern.match(segments[...], path.split(separator: "/", omittingEmptySubsequences: true)[...])
    }

    private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            var candidate = path
            while true {
                if match(rest, candidate) { return true }
                guard !candidate.isEmpty else { return false }
                candidate = candidate.dropFirst()
            }
        }
        guard let segment = path.first, matchSegment(Array(first.utf8)[...], Array(segment.utf8)[...]) else {
            return false
        }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    private static func matchSegment(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        switch first {
        case UInt8(ascii: "*"):
            var candidate = name
            while true {
                if matchSegment(pattern.dropFirst(), candidate) { return true }
                guard !candidate.isEmpty else { return false }
                candidate = candidate.dropFirst()
            }
        case UInt8(ascii: "?"):
            return !name.isEmpty && matchSegment(pattern.dropFirst(), name.dropFirst())
        default:
            return name.first == first && matchSegment(pattern.dropFirst(), name.dropFirst())
        }
    }
}
