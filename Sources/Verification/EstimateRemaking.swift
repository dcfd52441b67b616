import Git
import Records

/// Makes an estimate again from its commit (spec/records.md §8.3), for the content
/// checks. Verification does not know the classifier: whoever runs it hands one in.
package protocol EstimateRemaking: Sendable {
    /// The estimate `estimate`'s model gives for `commit`, in the estimate's mode, with
    /// its tool, signer and time; nil when this remaker does not hold that model.
    func remake(_ estimate: Estimate, of commit: ObjectID, in repository: Repository) throws -> Estimate?
    /// The model this remaker holds, named in warnings.
    var modelName: String { get }
    /// A remaker holding what remaking estimates of `commits` needs, read in one pass
    /// (one git run instead of one per estimate, which cost more than the rest of
    /// `verify --content`); this one when it reads nothing ahead.
    func readingAhead(_ commits: [ObjectID], in repository: Repository) -> any EstimateRemaking
    /// Whether `commit` was read ahead.
    func hasReadAhead(_ commit: ObjectID) -> Bool
}

extension EstimateRemaking {
    package func readingAhead(_ commits: [ObjectID], in repository: Repository) -> any EstimateRemaking { self }
    package func hasReadAhead(_ commit: ObjectID) -> Bool { false }
}
