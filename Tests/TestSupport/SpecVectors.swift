import Foundation

/// spec/vectors/, which an independent implementation (spec/vectors/generate.py)
/// produced: the tests of each module hold it to the same files.
public enum SpecVectors {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("spec/vectors")

    public static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// The file's text without its final newline.
    public static func text(_ name: String) throws -> String {
        String(decoding: try data(name), as: UTF8.self).trimmingCharacters(in: .newlines)
    }
}
