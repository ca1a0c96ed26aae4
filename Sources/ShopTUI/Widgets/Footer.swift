/// The key hints at the bottom of a screen, from the same bindings `update` matches:
/// `↑/↓ move  Enter open  ? help  q quit`. Bindings that do not fit are left out.
///
///     Footer(keys.bindings).render(into: &buffer, area: area.splitBottom(1).bottom)
public struct Footer: Sendable {
    public var bindings: [KeyBinding]
    public var keyStyle: Style
    public var helpStyle: Style

    public init(_ bindings: [KeyBinding], keyStyle: Style = Theme.key, helpStyle: Style = .plain) {
        self.bindings = bindings
        self.keyStyle = keyStyle
        self.helpStyle = helpStyle
    }

    public init<Action>(_ keyMap: KeyMap<Action>) { self.init(keyMap.bindings) }

    /// The footer as plain text (what fits in `width`).
    public func text(width: Int) -> String {
        var buffer = Buffer(area: Rect(width: width, height: 1))
        render(into: &buffer, area: buffer.area)
        return buffer.lines[0].replacingTrailingSpaces()
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        var x = area.x
        for binding in bindings where binding.showsInFooter {
            let needed = TextWidth.of(binding.label) + 1 + TextWidth.of(binding.help)
            if x + needed > area.right { break }
            x = buffer.setString(x, area.y, binding.label, style: keyStyle)
            x = buffer.setString(x + 1, area.y, binding.help, style: helpStyle)
            x += 2
        }
    }
}

/// A one-line bar with text on the left and on the right (screen title, signed-in user, cart total).
///
///     StatusBar(left: "Shop › Cart", right: "3 items · 41.50").render(into: &buffer, area: area.row(0))
public struct StatusBar: Sendable {
    public var left: String
    public var right: String
    public var style: Style

    public init(left: String, right: String = "", style: Style = Style(fg: .black, bg: .indexed(250))) {
        self.left = left
        self.right = right
        self.style = style
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        buffer.setStyle(line, style)
        let rightWidth = min(TextWidth.of(right), line.width)
        buffer.setLine(right, in: line.splitLeft(line.width - rightWidth).rest, style: style, alignment: .right)
        buffer.setString(line.x + 1, line.y, left, style: style.bold(), maxWidth: max(0, line.width - rightWidth - 2))
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
