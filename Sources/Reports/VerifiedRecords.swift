import Git
import Verification

extension VerificationResult {
    /// The verified records of `commits`, by commit, and their digests: the statements
    /// the verifier kept, and for notes its cache vouched for, the note read again
    /// (every record on it verified). Figures and checks use these and nothing else.
    func recordsByCommit(of commits: Set<ObjectID>, index: RecordIndex) -> (
        [ObjectID: RecordIndex.CommitRecords], Set<String>
    ) {
        var records = [ObjectID: RecordIndex.CommitRecords]()
        var digests = Set<String>()
        for record in verified where commits.contains(record.commit) {
            guard let statement = record.statement, let digest = record.recordDigest else { continue }
            digests.insert(digest)
            records[record.commit, default: RecordIndex.CommitRecords()].add(statement, digest: digest)
        }
        for commit in cachedCommits where commits.contains(commit) {
            let read = index.readRecords(of: commit, allVerified: true)
            if !read.isEmpty { records[commit] = read }
            digests.formUnion(read.digests)
        }
        return (records, digests)
    }
}
