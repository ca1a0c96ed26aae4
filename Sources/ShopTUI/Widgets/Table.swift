/// Rows of text in columns with a header and a selected row (selection in a `ListState`).
///
///     let table = Table(columns: [
///         .init("Product", width: .fill(1)),
///         .init("Qty", width: .length(4), alignment: .right),
///         .init("Price", width: .length(9), alignment: .right),
///     ], rows: [["Bread", "2", "3.00"], ["کیک شکلاتی", "1", "12.50"]])
///     table.render(into: &buffer, area: area, state: state)
public struct Table: Sendable {
    public struct Column: Sendable {
        public var title: String
        public var width: Constraint
        public var alignment: Alignment
        /// Numbers never give way: the column widens to its widest value (and title), taking
        /// the room from the `.fill` columns, whose text is cut with `…` instead.
        public var fitsWidestValue: Bool
        public init(_ title: String, width: Constraint, alignment: Alignment = .left, fitsWidestValue: Bool = false) {
            self.title = title
            self.width = width
            self.alignment = alignment
            self.fitsWidestValue = fitsWidestValue
        }
        /// A right-aligned column for numbers and prices, at least `width` wide and as wide as
        /// its widest value.
        public static func numeric(_ title: String, width: Int) -> Column {
            Column(title, width: .length(width), alignment: .right, fitsWidestValue: true)
        }
    }

    public var columns: [Column]
    public var rows: [[String]]

    /// The data rows a table shows in `area` (its header takes one): a list's page.
    public static func bodyRows(in area: Rect) -> Int { max(1, area.height - 1) }
    public var headerStyle: Style
    public var highlightStyle: Style
    public var columnSpacing: Int
    public var emptyText: String

    public init(columns: [Column], rows: [[String]], headerStyle: Style = Theme.header,
                highlightStyle: Style = Theme.selection, columnSpacing: Int = 1, emptyText: String = L.t("list.empty")) {
        self.columns = columns
        self.rows = rows
        self.headerStyle = headerStyle
        self.highlightStyle = highlightStyle
        self.columnSpacing = columnSpacing
        self.emptyText = emptyText
    }

    /// The columns' constraints with each `fitsWidestValue` column widened to its widest cell.
    var widths: [Constraint] {
        columns.enumerated().map { c, column in
            guard column.fitsWidestValue, case .length(let minimum) = column.width else { return column.width }
            let widest = rows.lazy.compactMap { c < $0.count ? TextWidth.of($0[c]) : nil }.max() ?? 0
            return .length(max(minimum, widest, TextWidth.of(column.title)))
        }
    }

    public func render(into buffer: inout Buffer, area: Rect, state: ListState) {
        guard !area.isEmpty else { return }
        let cols = Layout.horizontal(widths, spacing: columnSpacing).split(area)
        for (column, rect) in zip(columns, cols) {
            buffer.setLine(column.title, in: rect.row(0), style: headerStyle, alignment: column.alignment,
                           truncation: column.fitsWidestValue ? .clip : .ellipsis)
        }
        let body = area.splitTop(1).rest
        guard !rows.isEmpty else {
            buffer.setString(body.x, body.y, emptyText, style: Theme.muted, maxWidth: body.width)
            return
        }
        let top = state.visibleOffset(rows: body.height, count: rows.count)
        for r in 0..<min(body.height, rows.count - top) {
            let index = top + r
            let y = body.y + r
            let isSelected = state.selected == index
            if isSelected { buffer.setStyle(body.row(r), highlightStyle) }
            for (c, (column, rect)) in zip(columns, cols).enumerated() where c < rows[index].count {
                let cellRect = Rect(x: rect.x, y: y, width: rect.width, height: 1)
                buffer.setLine(rows[index][c], in: cellRect, style: isSelected ? highlightStyle : .plain, alignment: column.alignment,
                               truncation: column.fitsWidestValue ? .clip : .ellipsis)
            }
        }
    }
}
