/// A centered box listing key bindings (`?` on any screen), drawn over whatever is below.
///
///     if showingHelp { HelpOverlay(keys.bindings).render(into: &buffer, area: area) }
public struct HelpOverlay: Sendable {
    public var bindings: [KeyBinding]
    public var title: String
    /// The last line, telling how to close the overlay.
    public var closeHint: String
    public var keyStyle: Style

    public init(_ bindings: [KeyBinding], title: String = L.t("help.keys"), closeHint: String = L.t("help.close"),
                keyStyle: Style = Style().bold()) {
        self.bindings = bindings
        self.title = title
        self.closeHint = closeHint
        self.keyStyle = keyStyle
    }

    public init<Action>(_ keyMap: KeyMap<Action>, title: String = L.t("help.keys")) { self.init(keyMap.bindings, title: title) }

    /// The box the overlay takes in `area`.
    public func box(in area: Rect) -> Rect {
        let labelWidth = bindings.map { TextWidth.of($0.label) }.max() ?? 0
        let helpWidth = bindings.map { TextWidth.of($0.help) }.max() ?? 0
        let width = max(labelWidth + 3 + helpWidth, TextWidth.of(closeHint), TextWidth.of(title) + 2) + 4
        let height = bindings.count + 4    // border, rows, blank, hint, border
        return area.centered(width: width, height: height)
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        let box = box(in: area)
        guard box.width > 4, box.height > 2 else { return }
        buffer.fill(box)
        let block = Block(title: title)
        block.render(into: &buffer, area: box)
        let inner = block.inner(box).inner(horizontal: 1, vertical: 0)
        let labelWidth = bindings.map { TextWidth.of($0.label) }.max() ?? 0
        for (i, binding) in bindings.enumerated() where i < inner.height {
            let row = inner.row(i)
            buffer.setString(row.x, row.y, binding.label, style: keyStyle, maxWidth: row.width)
            buffer.setString(row.x + labelWidth + 3, row.y, binding.help, maxWidth: row.width - labelWidth - 3)
        }
        if inner.height > bindings.count + 1 {
            buffer.setLine(closeHint, in: inner.row(inner.height - 1), style: Theme.muted, alignment: .center)
        }
    }
}
