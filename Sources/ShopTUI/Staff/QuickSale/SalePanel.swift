import ShopEngine

/// The sale being rung up: the code field (always focused), the status line, the lines (↑↓
/// choose one, +/- its quantity, Del removes it) and the total. Short lines are marked in red.
struct SalePanel {
    private(set) var list = ListState(selected: nil)

    /// `confirmLeave`: Esc on a sale with lines — the screen asks first (`ScreenContext.confirm`).
    enum Action { case none, enqueue, pay, findCustomer, leave, confirmLeave, said(String), failed(any Error) }

    static var bindings: [KeyBinding] {
        [KeyBinding(keys: [.enter], help: L.t("quick_sale.keys.add_or_pay")), KeyBinding(keys: [.char("+"), .char("-")], label: "+/-", help: L.t("quick_sale.keys.quantity")),
         KeyBinding(keys: [.delete], help: L.t("quick_sale.keys.remove")), KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("quick_sale.keys.line"), showsInFooter: false),
         KeyBinding(keys: [.function(2), .ctrl("f")], label: "F2", help: L.t("quick_sale.keys.customer")), KeyBinding(keys: [.function(5)], help: L.t("quick_sale.keys.pay")),
         ListState.pagingBindings[0], KeyBinding(keys: [.ctrl("p")], help: L.t("quick_sale.keys.reprint_last"), showsInFooter: false)]
    }
    // Home/End stay with the code field (start and end of the code); PgUp/PgDn page the lines.

    /// `screen`: the area the panel is drawn in (a page of lines is what its table shows there).
    mutating func handle(_ key: Key, sale: inout Sale, scanner: inout ScanQueue, screen: Rect) -> Action {
        let typing = !scanner.code.isEmpty
        switch key {
        case .enter where typing: return .enqueue
        case .enter, .function(5): return .pay
        case .char("+") where !typing, .char("-") where !typing:
            guard let i = list.selected else { return .none }
            do { try sale.changeQuantity(at: i, by: key == .char("+") ? 1 : -1) } catch { return .failed(error) }
        case .up, .down, .pageUp, .pageDown: _ = list.navigate(key, count: sale.lines.count, visibleRows: Table.bodyRows(in: Self.areas(screen).table))
        case .delete where !typing:
            guard let i = list.selected, sale.lines.indices.contains(i) else { return .none }
            let name = sale.lines[i].name
            sale.remove(at: i)
            list.select(min(i, sale.lines.count - 1), count: sale.lines.count)
            return .said(L.t("quick_sale.removed", ["name": name]))
        case .function(2), .ctrl("f"): return .findCustomer
        case .escape:
            if typing { scanner.code.setText(""); return .none }
            return sale.lines.isEmpty && scanner.isIdle ? .leave : .confirmLeave
        default:
            _ = scanner.code.handle(key)
        }
        return .none
    }

    /// A line was added or grew: select it.
    mutating func select(_ index: Int, count: Int) { list.select(index, count: count) }

    private struct Areas { let code: Rect; let status: Rect; let table: Rect; let totals: Rect }

    private static func areas(_ area: Rect) -> Areas {
        let (top, rest) = area.splitTop(2)
        let (table, totals) = rest.splitBottom(2)
        return Areas(code: Rect(x: top.x + 6, y: top.y, width: min(32, max(0, top.width - 6)), height: 1), status: top.row(1),
                     table: table, totals: totals)
    }

    func render(into buffer: inout Buffer, area: Rect, sale: Sale, scanner: ScanQueue, currency: Currency) {
        let a = Self.areas(area)
        buffer.setString(area.x, area.y, L.t("quick_sale.code"), style: Theme.title)
        TextField(placeholder: L.t("quick_sale.code_placeholder"), isFocused: true).render(into: &buffer, area: a.code, state: scanner.code)
        let who = sale.customer.map { L.t("quick_sale.customer", ["name": $0.name]) } ?? L.t("quick_sale.customer_walk_in")
        buffer.setString(max(a.code.right + 2, area.right - TextWidth.of(who)), area.y, who, style: sale.customer == nil ? Theme.muted : Theme.title)

        let status = scanner.status ?? L.t("quick_sale.hint")
        buffer.setString(a.status.x, a.status.y, status, style: scanner.status == nil ? Theme.muted : Theme.title, maxWidth: a.status.width)

        let rows = sale.lines.map { line -> [String] in
            let stock = line.stock <= 0 ? L.t("quick_sale.stock.sold_out")
                : line.isShort ? L.t("quick_sale.stock.only_left", ["count": Format.number(line.stock)]) : L.t("quick_sale.stock.in_stock", ["count": Format.number(line.stock)])
            return [line.name, Format.number(line.quantity), Format.money(line.unitPrice, currency), Format.money(line.total, currency), stock]
        }
        Table(columns: [.init(L.t("quick_sale.column.item"), width: .fill(1)), .numeric(L.t("quick_sale.column.qty"), width: 4), .numeric(L.t("quick_sale.column.price"), width: 10),
                        .numeric(L.t("quick_sale.column.total"), width: 11), .init(L.t("quick_sale.column.stock"), width: .length(13))],
              rows: rows, emptyText: L.t("quick_sale.empty")).render(into: &buffer, area: a.table, state: list)
        let offset = list.visibleOffset(rows: a.table.height - 1, count: sale.lines.count)
        for (i, line) in sale.lines.enumerated() where line.isShort {
            let y = a.table.y + 1 + i - offset
            if y > a.table.y && y < a.table.bottom { buffer.setStyle(Rect(x: a.table.right - 13, y: y, width: 13, height: 1), Theme.error) }
        }

        buffer.setString(a.totals.x, a.totals.y, String(repeating: "─", count: a.totals.width), style: Theme.border)
        let count = Format.items(sale.itemCount, lines: sale.lines.count)
        buffer.setString(a.totals.x, a.totals.y + 1, count, style: Theme.muted)
        let total = L.t("quick_sale.total", ["total": Format.money(sale.total, currency, withCode: true)])
        buffer.setString(a.totals.right - TextWidth.of(total), a.totals.y + 1, total, style: Theme.title)
    }
}
