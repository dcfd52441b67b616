internal import CLibGit2
import Foundation

extension Repository {
    /// Which of the boolean attributes `names` are set (`name`, or `name=true`) for
    /// each path, reading `.gitattributes` from `commit`'s tree (and the index) but not
    /// the system-wide file, so that the answer is the repository's own.
    package func setAttributes(_ names: [String], forPaths paths: [String], atCommit commit: ObjectID) throws
        -> [String:
        Set<String>]
    {
        var options = git_attr_options()
        options.version = UInt32(GIT_ATTR_OPTIONS_VERSION)
        options.flags =
            UInt32(GIT_ATTR_CHECK_INDEX_ONLY) | UInt32(GIT_ATTR_CHECK_NO_SYSTEM) | UInt32(GIT_ATTR_CHECK_INCLUDE_COMMIT)
        options.attr_commit_id = commit.oid
        let cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        var namePointers = cNames.map { UnsafePointer<CChar>($0) }
        var values = [UnsafePointer<CChar>?](repeating: nil, count: names.count)
        var result = [String: Set<String>]()
        for path in paths {
            try check(
                GitPath.withCString(path) {
                    git_attr_get_many_ext(&values, pointer, &options, $0, names.count, &namePointers)
                },
                "cannot read attributes of \(path)")
            var set = Set<String>()
            for (index, value) in values.enumerated() {
                switch git_attr_value(value) {
                case GIT_ATTR_VALUE_TRUE: set.insert(names[index])
                case GIT_ATTR_VALUE_STRING where value.map({ String(cString: $0) }) == "true": set.insert(names[index])
                default: break
                }
            }
            if !set.isEmpty { result[path] = set }
        }
        return result
    }
}

extension Repository {
    /// Whether git would treat this blob as binary (a NUL byte in its first 8,000 bytes).
    package func isBinaryBlob(_ id: ObjectID) throws -> Bool {
        var oid = id.oid
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, &oid), "cannot read blob \(id.shortHex)")
        defer { git_blob_free(blob) }
        return git_blob_is_binary(blob) == 1
    }
}
