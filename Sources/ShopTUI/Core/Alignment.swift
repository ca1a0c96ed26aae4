/// Horizontal placement of text in a line.
public enum Alignment: Hashable, Sendable {
    case left, center, right
    /// Left for left-to-right text, right for a right-to-left (e.g. Persian) line.
    case leading
}

extension Buffer {
    /// Writes one line of text into the first row of `rect`, clipped to its width and aligned.
    /// Returns the column after the text.
    ///
    ///     buffer.setLine("12.50", in: priceColumn, alignment: .right)
    @discardableResult
    public mutating func setLine(_ text: String, in rect: Rect, style: Style = .plain, alignment: Alignment = .left,
                                 truncation: Truncation = .clip) -> Int {
        guard !rect.isEmpty else { return rect.x }
        let text = truncation == .ellipsis ? TextWidth.truncate(text, width: rect.width) : text
        let width = min(TextWidth.of(text), rect.width)
        var resolved = alignment
        // Leading: where the line starts reading. A mirrored buffer already puts the left on the right.
        if alignment == .leading { resolved = !layout.mirrors && Bidi.isRTLParagraph(text) ? .right : .left }
        let x: Int
        switch resolved {
        case .center: x = rect.x + (rect.width - width) / 2
        case .right: x = rect.right - width
        default: x = rect.x
        }
        return setString(x, rect.y, text, style: style, maxWidth: rect.right - x)
    }
}
