/// How `Buffer.setString` treats text wider than the room it has.
public enum Truncation: Hashable, Sendable {
    /// Cut at the edge. For text sized to fit (amounts, whose columns are as wide as their
    /// widest value) and for drawing that is clipped on purpose.
    case clip
    /// Cut honestly: at the last word boundary that fits, ending with `…` (`TextWidth.truncate`).
    case ellipsis
}

extension TextWidth {
    /// `text` made to fit `width` columns: unchanged when it fits; otherwise cut at the last
    /// word boundary that leaves room for `…` (a single word too long for the room is cut
    /// inside the word), with trailing spaces and separators (`,` `:` `·` `;` `-`) dropped
    /// before the `…`. Wide characters count 2 and are never halved. The text is cut in
    /// logical order, so right-to-left text keeps its start (the `…` lands on its left once
    /// shown in visual order).
    ///
    ///     TextWidth.truncate("Receipt saved to receipts/S-000007.txt", width: 20)  // "Receipt saved to…"
    ///     TextWidth.truncate("payments, cancel", width: 13)                          // "payments…"
    ///     TextWidth.truncate("Supercalifragilistic", width: 8)                       // "Superca…"
    ///     TextWidth.truncate("漢字漢字", width: 6)                                    // "漢字…"
    public static func truncate(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        let budget = width - 1   // room for the "…"
        var kept: [Character] = []
        var used = 0
        var next: Character?
        for ch in text {
            let w = of(ch)
            if used + w > budget { next = ch; break }
            kept.append(ch)
            used += w
        }
        // Back off to the last space when the cut falls inside a word.
        if let next, !next.isWhitespace, let last = kept.last, !last.isWhitespace,
           let space = kept.lastIndex(where: { $0.isWhitespace }) {
            let before = kept[..<space]
            if before.contains(where: { !$0.isWhitespace && !separators.contains($0) }) { kept = Array(before) }
        }
        while let last = kept.last, last.isWhitespace || separators.contains(last), kept.count > 1 { kept.removeLast() }
        if kept.allSatisfy({ $0.isWhitespace }) { kept = [] }
        return String(kept) + "…"
    }

    /// Punctuation that means nothing in front of an `…`.
    private static let separators: Set<Character> = [",", ":", ";", "·", "-", "–", "—", "/", "(", "،", "؛"]
}

extension Buffer {
    /// Writes `pieces` one after another from (x, y), `separator` between them, starting a new
    /// line when the next piece would not fit in `width`: a piece (an amount with its label)
    /// is never cut, unless it alone is wider than the line. Returns the number of lines used.
    ///
    ///     buffer.setPieces(["Subtotal 1,199,999.80", "Total 1,199,999.80 USD", "Paid 0.00"], x: 0, y: 0, width: 40)
    ///     // "Subtotal 1,199,999.80"
    ///     // "Total 1,199,999.80 USD  Paid 0.00"
    @discardableResult
    /// `leftToRight[i]` keeps piece `i` (a phone, a postal code) in its own order in Persian.
    public mutating func setPieces(_ pieces: [String], x: Int, y: Int, width: Int, style: Style = .plain, separator: String = "  ",
                                   leftToRight: [Bool] = []) -> Int {
        var row = 0, col = 0
        for (i, piece) in pieces.enumerated() where !piece.isEmpty {
            let w = TextWidth.of(piece)
            if col > 0, col + TextWidth.of(separator) + w > width { row += 1; col = 0 }
            if col > 0 { col = setString(x + col, y + row, separator, style: style) - x }
            col = setString(x + col, y + row, piece, style: style, maxWidth: width - col, truncation: .ellipsis,
                            leftToRight: leftToRight.indices.contains(i) && leftToRight[i]) - x
        }
        return pieces.contains { !$0.isEmpty } ? row + 1 : 0
    }
}
