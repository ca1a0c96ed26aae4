/// Text wrapped to the width of its area by display width (words first, then long words split).
///
///     Paragraph("Your order #1042 is on its way.", style: .plain).render(into: &buffer, area: area)
///     Paragraph.wrap("a long text", width: 6)   // ["a long", "text"]
public struct Paragraph: Sendable {
    public var text: String
    public var style: Style
    /// `.leading` right-aligns lines that read right to left.
    public var alignment: Alignment
    public var wraps: Bool

    public init(_ text: String, style: Style = .plain, alignment: Alignment = .leading, wraps: Bool = true) {
        self.text = text
        self.style = style
        self.alignment = alignment
        self.wraps = wraps
    }

    /// The lines this paragraph takes at `width` columns.
    public func lines(width: Int) -> [String] {
        wraps ? Paragraph.wrap(text, width: width) : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        for (i, line) in lines(width: area.width).prefix(area.height).enumerated() {
            buffer.setLine(line, in: area.row(i), style: style, alignment: alignment)
        }
    }

    /// Splits `text` into lines no wider than `width` columns; `\n` starts a new line.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var result: [String] = []
        for hardLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in hardLine.split(separator: " ", omittingEmptySubsequences: true) {
                var w = TextWidth.of(word)
                var word = String(word)
                if lineWidth > 0, lineWidth + 1 + w <= width {
                    line += " " + word
                    lineWidth += 1 + w
                    continue
                }
                if lineWidth > 0 { result.append(line) }
                // A word wider than the line is split by characters.
                while w > width {
                    var head = "", headWidth = 0
                    var rest = Substring(word)
                    while let ch = rest.first, headWidth + TextWidth.of(ch) <= width {
                        head.append(ch)
                        headWidth += TextWidth.of(ch)
                        rest = rest.dropFirst()
                    }
                    if head.isEmpty { head = String(rest.removeFirst()) }   // width 1 and a wide char
                    result.append(head)
                    word = String(rest)
                    w = TextWidth.of(word)
                }
                line = word
                lineWidth = w
            }
            result.append(line)
        }
        return result
    }
}
