import CClassifierModel
import Diagnostics
import Foundation
import Records
import Signing

/// The classifier's logistic regression and its calibration (spec/classifier.md §4).
public struct ClassifierModel: Sendable {
    public let id: String
    /// SHA-256 of the model file, lower-case hex: which weights exactly (estimate records name it).
    public let sha256: String
    let bias: Double
    let block: (a: Double, b: Double)
    let commit: (a: Double, b: Double)
    /// How the probabilities of many blocks are read as a share of lines (§6).
    package let shareCalibration: ShareCalibration
    /// How many of `BlockFeatures.denseNames` the model weighs: the style numbers
    /// alone (format 3), or those and the file context's (format 4).
    package let denseCount: Int
    let denseMean: [Double]
    let denseDeviation: [Double]
    let denseWeights: [Double]
    let weights: [Float]

    public struct FormatError: UserFacingError {
        public let description: String
    }

    /// The model file built into this binary.
    public static var embeddedBytes: [UInt8] {
        Array(
            UnsafeBufferPointer(
                start: sessiontrace_classifier_model(), count: Int(sessiontrace_classifier_model_size())))
    }

    /// The model built into this binary. The build embeds the file `make
    /// train-classifier` wrote: a broken one is a broken build, which the tests catch.
    public static let embedded: ClassifierModel = try! ClassifierModel(bytes: embeddedBytes)

    /// 2: the share calibration follows the Platt numbers. 3: the same layout, weights
    /// for n-grams valued by presence (§3.2), not ln(1 + count): a format-2 file's
    /// weights would be read against the wrong values. 4: the file context's numbers
    /// follow the style numbers (§3.4). Both are read: the training code writes format
    /// 4, and a format 3 model scores without reading any file context.
    static let denseCounts: [UInt32: Int] = [3: BlockFeatures.styleCount, 4: BlockFeatures.denseCount]

    /// The built-in model's share calibration, by its file's SHA-256: what reports read
    /// estimates with (estimates by other models are in no share).
    package static var embeddedShareCalibration: [String: ShareCalibration] {
        [embedded.sha256: embedded.shareCalibration]
    }

    public init(bytes: [UInt8]) throws {
        sha256 = SHA256.hexDigest(bytes)
        var reader = Reader(bytes: bytes)
        guard try reader.bytes(8).elementsEqual("STCLSF1\0".utf8) else {
            throw FormatError(description: "not a SessionTrace classifier model")
        }
        let format = try reader.uint32()
        let hashBits = try reader.uint32()
        let denseCount = try reader.uint32()
        guard let expected = Self.denseCounts[format], Int(hashBits) == BlockFeatures.hashBits,
            Int(denseCount) == expected
        else {
            throw FormatError(
                description:
                    "classifier model format \(format) with \(hashBits) hash bits and \(denseCount) dense numbers; expected \(BlockFeatures.hashBits) hash bits and format 3 with \(BlockFeatures.styleCount) or format 4 with \(BlockFeatures.denseCount) dense numbers"
            )
        }
        self.denseCount = expected
        id = String(decoding: try reader.bytes(32).prefix { $0 != 0 }, as: UTF8.self)
        bias = Double(try reader.float())
        block = (Double(try reader.float()), Double(try reader.float()))
        commit = (Double(try reader.float()), Double(try reader.float()))
        shareCalibration = ShareCalibration(
            humanMean: Double(try reader.float()), aiMean: Double(try reader.float()),
            humanDeviation: Double(try reader.float()), aiDeviation: Double(try reader.float()))
        denseMean = try (0..<expected).map { _ in Double(try reader.float()) }
        denseDeviation = try (0..<expected).map { _ in Double(try reader.float()) }
        denseWeights = try (0..<expected).map { _ in Double(try reader.float()) }
        weights = try reader.floats(BlockFeatures.hashSize)
        guard reader.atEnd else { throw FormatError(description: "classifier model has bytes after its weights") }
    }

    /// Whether the model weighs the file context (§3.4), which is then read for each block.
    package var readsFileContext: Bool { denseCount > BlockFeatures.styleCount }

    /// A block's logit, and each dense number's part of it (the n-grams' part last).
    public func logit(_ features: BlockFeatures) -> (logit: Double, parts: [Double]) {
        var hashed = 0.0
        for (bucket, value) in features.buckets { hashed += Double(weights[bucket]) * value }
        var logit = bias + hashed
        var parts = [Double]()
        parts.reserveCapacity(denseCount + 1)
        for index in 0..<denseCount {
            let part = denseWeights[index] * ((features.dense[index] - denseMean[index]) / denseDeviation[index])
            logit += part
            parts.append(part)
        }
        parts.append(hashed)
        return (logit, parts)
    }

    public func blockProbability(_ logit: Double) -> Double { Self.sigmoid(block.a * logit + block.b) }
    public func commitProbability(_ logit: Double) -> Double { Self.sigmoid(commit.a * logit + commit.b) }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
            guard offset + count <= bytes.count else { throw FormatError(description: "classifier model is truncated") }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }

        mutating func uint32() throws -> UInt32 {
            try bytes(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func float() throws -> Float { Float(bitPattern: try uint32()) }

        mutating func floats(_ count: Int) throws -> [Float] {
            let slice = try bytes(4 * count)
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                slice.withUnsafeBytes { raw in
                    for index in 0..<count {
                        buffer[index] = Float(
                            bitPattern: UInt32(
                                littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
                    }
                }
                initialized = count
            }
        }
    }
}
