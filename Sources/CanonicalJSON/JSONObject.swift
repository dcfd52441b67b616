/// The members of a JSON object: unique keys, looked up by comparing them. Record
/// objects have a handful of members, which a short array finds faster than a hash
/// table can hash a key; equality ignores member order, as JSON's does.
public struct JSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral, Sequence {
    public typealias Member = (key: String, value: JSONValue)
    private var members: [Member]

    package init() { members = [] }

    package init(_ dictionary: [String: JSONValue]) {
        members = dictionary.map { (key: $0.key, value: $0.value) }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = []
        members.reserveCapacity(elements.count)
        for (key, value) in elements {
            precondition(self[key] == nil, "duplicate key \(key) in a JSON object literal")
            members.append((key, value))
        }
    }

    /// Members the caller guarantees to have unique keys (the parser checks them).
    init(uniqueMembers: [Member]) { members = uniqueMembers }

    package subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    package var keys: [String] { members.map(\.key) }
    package var count: Int { members.count }
    package var isEmpty: Bool { members.isEmpty }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    package func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        JSONObject(uniqueMembers: try members.map { ($0.key, try transform($0.value)) })
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.count == rhs.count && lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }
}
