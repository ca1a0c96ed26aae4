/// Which way a screen reads: English left to right, Persian right to left.
public enum LayoutDirection: Hashable, Sendable {
    case leftToRight, rightToLeft
}

/// How a `Buffer` turns what widgets write into cells.
///
/// Widgets always write as if the screen read left to right (x from the left, a label before its
/// field). A right-to-left buffer mirrors every write: the column range a string takes is mirrored,
/// the string is laid out as its own right-to-left bidi paragraph, box-drawing and arrows are
/// mirrored (`┌`↔`┐`, `←`↔`→`), and so are styles, fills, pictures and the cursor. So a whole screen
/// mirrors without any screen knowing.
///
///     var buffer = Buffer(area: Rect(width: 10, height: 1), layout: .rightToLeft)
///     buffer.setString(0, 0, "سلام")    // ends at column 4, as for any buffer
///     buffer.lines[0]                    // "      مالس" (at the right edge, in visual order)
public struct BufferLayout: Hashable, Sendable {
    public var direction: LayoutDirection
    /// False when the terminal reorders right-to-left text itself (`--bidi terminal`): cells then
    /// hold text in logical order and nothing is mirrored (the terminal's bidi does both).
    public var reordersText: Bool

    public init(direction: LayoutDirection = .leftToRight, reordersText: Bool = true) {
        self.direction = direction
        self.reordersText = reordersText
    }

    public static let leftToRight = BufferLayout()
    public static let rightToLeft = BufferLayout(direction: .rightToLeft)

    /// True when writes land mirrored.
    var mirrors: Bool { direction == .rightToLeft && reordersText }
}

extension LayoutDirection {
    /// `glyph` as drawn in a mirrored layout: box-drawing corners and tees, arrows, pointers and
    /// partial blocks swap sides; everything else is itself.
    ///
    ///     LayoutDirection.mirrored("├")   // "┤"
    static func mirrored(_ glyph: Character) -> Character { mirroredGlyphs[glyph] ?? glyph }

    private static let mirroredGlyphs: [Character: Character] = {
        let pairs: [(Character, Character)] = [
            ("┌", "┐"), ("└", "┘"), ("├", "┤"), ("╭", "╮"), ("╰", "╯"), ("┏", "┓"), ("┗", "┛"),
            ("┣", "┫"), ("╔", "╗"), ("╚", "╝"), ("╠", "╣"), ("┍", "┑"), ("┕", "┙"), ("╞", "╡"),
            ("←", "→"), ("⇐", "⇒"), ("◀", "▶"), ("◂", "▸"), ("◁", "▷"), ("‹", "›"), ("«", "»"),
            ("▌", "▐"), ("▏", "▕"), ("⟨", "⟩"), ("⇤", "⇥"),
        ]
        var map: [Character: Character] = [:]
        for (a, b) in pairs { map[a] = b; map[b] = a }
        return map
    }()
}
