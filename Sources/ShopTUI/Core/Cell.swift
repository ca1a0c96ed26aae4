/// One terminal cell: a grapheme (one `Character`, as a String) and its style.
///
/// A wide character (CJK, most emoji) occupies two cells: the first holds the symbol, the
/// second is a *continuation* that backends skip.
public struct Cell: Hashable, Sendable {
    public var symbol: String
    public var style: Style
    /// True for the right half of a wide character.
    public var isContinuation: Bool

    public init(_ symbol: String = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.symbol = symbol
        self.style = style
        self.isContinuation = isContinuation
    }

    /// A space with no style: what an empty buffer is filled with.
    public static let blank = Cell()

    /// The right half of a wide character.
    static func continuation(style: Style) -> Cell { Cell("", style: style, isContinuation: true) }

    /// Display columns this cell's symbol takes (0 for a continuation).
    public var width: Int { isContinuation ? 0 : TextWidth.of(symbol) }
}
