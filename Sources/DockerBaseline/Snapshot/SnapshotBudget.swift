import Foundation

/// What judging a saved snapshot will cost in memory, estimated before it is decoded, so a file that lists millions of
/// tiny containers (each a few bytes of JSON, each tens of KiB once decoded and judged) is refused with a clear error
/// instead of exhausting the machine.
public struct SnapshotBudget: Sendable, Equatable {
    /// How many entries the top-level `containers` and `images` arrays hold, counted without decoding them.
    public struct Shape: Sendable, Equatable {
        public var containers = 0
        public var images = 0
    }

    /// Bytes one decoded and judged container, image or byte of JSON costs at most (measured on generated snapshots:
    /// a judged container is about 24 KiB, an image about 16 KiB; decoding holds the file and its parse at once).
    public static let bytesPerContainer = 32 << 10
    public static let bytesPerImage = 32 << 10
    public static let bytesPerFileByte = 3
    /// The memory a snapshot may need, all together: about 12,000 containers, more than one engine runs, and judged
    /// within 512 MiB (a judged container costs about 25 KiB).
    public static let limit = 384 << 20

    public var shape: Shape
    public var fileBytes: Int

    public var estimatedBytes: Int {
        shape.containers * Self.bytesPerContainer + shape.images * Self.bytesPerImage + fileBytes * Self.bytesPerFileByte
    }

    public init(json: Data) {
        shape = json.withUnsafeBytes(Self.shape(of:))
        fileBytes = json.count
    }

    /// Nil when the snapshot fits, else why it does not, for the file named `path`.
    public func problem(path: String) -> String? {
        guard estimatedBytes > Self.limit else { return nil }
        return "\(path) lists \(shape.containers) containers and \(shape.images) images in \(fileBytes / (1 << 20)) MiB: judging it needs about "
            + "\(estimatedBytes / (1 << 20)) MiB of memory (\(Self.bytesPerContainer / 1024) KiB a container, \(Self.bytesPerImage / 1024) KiB an image); "
            + "the limit is \(Self.limit / (1 << 20)) MiB. Collect and judge fewer at a time."
    }

    /// Counts the values of the root object's `containers` and `images` arrays in one pass over the bytes, with
    /// constant memory: strings are skipped, nesting is counted, nothing is built.
    static func shape(of json: UnsafeRawBufferPointer) -> Shape {
        var shape = Shape()
        var depth = 0
        var inString = false, escaped = false
        var stringStart = 0
        var lastKey = json[0..<0]
        var keyAtRoot = json[0..<0]
        enum Counting { case none, containers, images }
        var counting = Counting.none
        var expectingValue = false
        for (index, byte) in json.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 1 { lastKey = json[stringStart..<index] }
                }
                continue
            }
            if depth == 2, counting != .none, expectingValue, !isSpace(byte), byte != UInt8(ascii: ","), byte != UInt8(ascii: "]") {
                expectingValue = false
                if counting == .containers { shape.containers += 1 } else { shape.images += 1 }
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                stringStart = index + 1
            case UInt8(ascii: ":") where depth == 1:
                keyAtRoot = lastKey
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth == 1, byte == UInt8(ascii: "[") {
                    counting = keyAtRoot.elementsEqual("containers".utf8) ? .containers : keyAtRoot.elementsEqual("images".utf8) ? .images : .none
                    expectingValue = true
                }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 1 { counting = .none }
            case UInt8(ascii: ",") where depth == 2:
                expectingValue = true
            default:
                break
            }
        }
        return shape
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}
