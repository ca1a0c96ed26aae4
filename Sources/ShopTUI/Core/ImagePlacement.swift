/// A picture (PNG or JPEG bytes as stored by the engine) that a screen wants shown.
/// Our code never decodes it: a terminal that speaks an image protocol does.
///
///     let photo = TerminalImage(key: "product/12", bytes: bytes)   // nil unless PNG or JPEG
public struct TerminalImage: Equatable, Sendable {
    public enum Format: String, Sendable { case png, jpeg }

    /// Says which picture this is ("product/12"): the same key and bytes are the same picture.
    public let key: String
    public let format: Format
    public let bytes: [UInt8]

    /// Nil unless `bytes` start with the PNG or JPEG magic bytes.
    public init?(key: String, bytes: [UInt8]) {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { format = .png }
        else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { format = .jpeg }
        else { return nil }
        self.key = key
        self.bytes = bytes
    }

    /// Width and height in pixels from a PNG's IHDR chunk (a header read, not decoding); nil for JPEG.
    public var pixelSize: (width: Int, height: Int)? {
        guard format == .png, bytes.count >= 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        let w = be32(16), h = be32(20)
        return w > 0 && h > 0 ? (w, h) : nil
    }

    public static func == (lhs: TerminalImage, rhs: TerminalImage) -> Bool {
        // Arrays that share storage compare at once; a reloaded photo compares by content.
        lhs.key == rhs.key && lhs.format == rhs.format && lhs.bytes == rhs.bytes
    }
}

/// "Show `image` in `rect`": recorded in the `Buffer` by render (like the cursor) and put on
/// the terminal by the backend after the frame's cells, only when placements change.
public struct ImagePlacement: Equatable, Sendable {
    public var image: TerminalImage
    public var rect: Rect
    public init(_ image: TerminalImage, in rect: Rect) { self.image = image; self.rect = rect }
}
