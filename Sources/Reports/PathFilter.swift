import Git

/// Which paths a report leaves out by default (spec/reports.md §3.2): files
/// `.gitattributes` marks `linguist-generated` or `linguist-vendored`, and lock files.
/// Their lines are counted apart, so the report shows how much it left out.
package struct PathFilter: Sendable {
    /// Lock files of common package managers: generated, and often thousands of lines.
    package static let lockFileNames: Set<String> = [
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock",
        "Cargo.lock", "Gemfile.lock", "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "composer.lock",
        "go.sum", "Package.resolved", "Podfile.lock", "mix.lock", "pubspec.lock", "flake.lock",
        "packages.lock.json", "gradle.lockfile", "deno.lock", "shard.lock", "cabal.project.freeze",
    ]
    package static let attributes = ["linguist-generated", "linguist-vendored"]

    /// Why each excluded path is excluded: `lock-file`, `linguist-generated`, `linguist-vendored`.
    package let reasons: [String: String]

    package init(reasons: [String: String] = [:]) { self.reasons = reasons }

    /// Classifies `paths` with the `.gitattributes` of `commit`.
    package init(paths: Set<String>, repository: Repository, commit: ObjectID) throws {
        var reasons = [String: String]()
        let candidates = paths.sorted()
        for path in candidates where PathFilter.lockFileNames.contains(String(path.split(separator: "/").last ?? "")) {
            reasons[path] = "lock-file"
        }
        // The end commit's own .gitattributes only: the report is the same in every clone.
        var attributes = try TreeAttributes(repository: repository, commit: commit)
        for path in candidates where reasons[path] == nil {
            let states = try attributes.states(of: PathFilter.attributes, forPath: path)
            if let name = PathFilter.attributes.first(where: { states[$0]?.isTrue == true }) { reasons[path] = name }
        }
        self.reasons = reasons
    }

    package func isExcluded(_ path: String) -> Bool { reasons[path] != nil }
}
