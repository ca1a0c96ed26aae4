/// One row of a `ListView`.
public struct ListItem: Hashable, Sendable, ExpressibleByStringLiteral {
    public var text: String
    public var style: Style
    public init(_ text: String, style: Style = .plain) { self.text = text; self.style = style }
    public init(stringLiteral value: String) { self.init(value) }
}

/// A scrolling list with a highlighted selection. The selection lives in a `ListState`.
///
///     let list = ListView(items: ["Bread", "کیک شکلاتی", "抹茶ラテ"])
///     list.render(into: &buffer, area: area, state: state)
public struct ListView: Sendable {
    public var items: [ListItem]
    public var highlightStyle: Style
    /// Drawn before the selected row; other rows are indented by its width.
    public var highlightSymbol: String
    /// Shown when there are no items.
    public var emptyText: String

    public init(items: [ListItem], highlightStyle: Style = Theme.selection, highlightSymbol: String = "› ",
                emptyText: String = L.t("list.empty")) {
        self.items = items
        self.highlightStyle = highlightStyle
        self.highlightSymbol = highlightSymbol
        self.emptyText = emptyText
    }

    public init(items: [String]) { self.init(items: items.map { ListItem($0) }) }

    public func render(into buffer: inout Buffer, area: Rect, state: ListState) {
        guard !area.isEmpty else { return }
        guard !items.isEmpty else {
            buffer.setString(area.x, area.y, emptyText, style: Theme.muted, maxWidth: area.width)
            return
        }
        let top = state.visibleOffset(rows: area.height, count: items.count)
        let indent = TextWidth.of(highlightSymbol)
        for row in 0..<min(area.height, items.count - top) {
            let index = top + row
            let item = items[index]
            let line = area.row(row)
            let isSelected = state.selected == index
            if isSelected {
                buffer.setStyle(line, highlightStyle)
                buffer.setString(line.x, line.y, highlightSymbol, style: item.style.patched(with: highlightStyle), maxWidth: line.width)
            }
            let style = isSelected ? item.style.patched(with: highlightStyle) : item.style
            buffer.setString(line.x + indent, line.y, item.text, style: style, maxWidth: line.width - indent, truncation: .ellipsis)
        }
    }
}
