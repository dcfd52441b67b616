import ArgumentParser
import Git
import Setup

struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Remove what 'git trace init' installed: the git hooks (restoring hooks they chained) and its git config entries.",
        discussion: "Records already made stay in refs/notes/sessiontrace; agents' hook configurations are left alone."
    )

    func run() throws {
        let repository = try openRepository()
        let submodules = try repository.submoduleWorkTrees().map {
            (try Repository(discoveringFrom: $0), "submodule \($0): ")
        }
        for (repository, label) in [(repository, "")] + submodules {
            for change in try GitHookInstaller(repository: repository, binaryPath: currentBinaryPath()).uninstall() {
                switch change {
                case .removed(let path): print("\(label)removed \(path)")
                case .restored(let path): print("\(label)restored \(path)")
                default: break
                }
            }
            for change in try RepositorySetup(repository: repository).remove() { print("\(label)unset \(change)") }
        }
    }
}
