/// Text attributes that can be combined: `[.bold, .underline]`.
public struct Modifier: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = Modifier(rawValue: 1 << 0)
    public static let dim = Modifier(rawValue: 1 << 1)
    public static let underline = Modifier(rawValue: 1 << 2)
    public static let reverse = Modifier(rawValue: 1 << 3)
}
