/// A box with a border and an optional title; `inner(_:)` is where its content goes.
///
///     let block = Block(title: "Cart")
///     block.render(into: &buffer, area: area)
///     ListView(items: names).render(into: &buffer, area: block.inner(area), state: listState)
public struct Block: Sendable {
    public var title: String?
    public var hasBorder: Bool
    public var borderStyle: Style
    public var titleStyle: Style
    /// Laid over the whole area (a background color for overlays).
    public var style: Style?

    public init(title: String? = nil, hasBorder: Bool = true, borderStyle: Style = Theme.border,
                titleStyle: Style = Theme.title, style: Style? = nil) {
        self.title = title
        self.hasBorder = hasBorder
        self.borderStyle = borderStyle
        self.titleStyle = titleStyle
        self.style = style
    }

    /// The area inside the border.
    public func inner(_ area: Rect) -> Rect {
        if hasBorder { return area.inner(1) }
        return title == nil ? area : area.splitTop(1).rest
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        if let style { buffer.setStyle(area, style) }
        if hasBorder, area.width >= 2, area.height >= 2 {
            let (l, r, t, b) = (area.left, area.right - 1, area.top, area.bottom - 1)
            for x in (l + 1)..<r {
                buffer.set(x, t, "─", style: borderStyle)
                buffer.set(x, b, "─", style: borderStyle)
            }
            for y in (t + 1)..<b {
                buffer.set(l, y, "│", style: borderStyle)
                buffer.set(r, y, "│", style: borderStyle)
            }
            buffer.set(l, t, "┌", style: borderStyle)
            buffer.set(r, t, "┐", style: borderStyle)
            buffer.set(l, b, "└", style: borderStyle)
            buffer.set(r, b, "┘", style: borderStyle)
        }
        if let title, !title.isEmpty {
            let x = hasBorder ? area.x + 1 : area.x
            let room = hasBorder ? area.width - 2 : area.width
            guard room > 2 else { return }
            buffer.setString(x, area.y, " \(TextWidth.truncate(title, width: room - 2)) ", style: titleStyle, maxWidth: room)
        }
    }
}
