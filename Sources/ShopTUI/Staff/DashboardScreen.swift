import Foundation
import ShopEngine

/// The shop at a glance: today's takings per payment method, orders paid but not yet sent
/// (Enter opens one), and products running low.
struct DashboardScreen: Screen {
    var title: String { "Dashboard" }
    private var dashboard: ReportService.Dashboard?
    /// The engine refused the caller (see `ScreenContext.isRefusal`): nothing is shown.
    private var refused = false
    private var awaiting: [Order] { dashboard?.awaitingDispatch ?? [] }
    private var list = ListState()

    private struct Loaded: Sendable { let dashboard: Outcome<ReportService.Dashboard> }

    var bindings: [KeyBinding] {
        [KeyBinding(keys: [.up, .down], label: "↑↓", help: "move"), KeyBinding(keys: [.enter], help: "open order"),
         KeyBinding(keys: [.char("u")], help: "cash-up"), KeyBinding(keys: [.char("r")], help: "refresh")]
    }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Loaded(dashboard: Result { try shop.reports.dashboard(limit: 50, caller: caller) }) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let loaded as Loaded):
            switch loaded.dashboard {
            case .success(let d): dashboard = d; refused = false
            case .failure(let error):
                // Refused now (demoted, signed out): takings, orders and stock shown before go.
                if ScreenContext.isRefusal(error) { dashboard = nil; list = ListState(); refused = true }
                context.fail(error)
                return true
            }
            list.select(list.selected ?? 0, count: awaiting.count)
        case .appeared: load(&context)
        case .key(let key):
            switch key {
            case .up, .char("k"): list.moveSelection(by: -1, count: awaiting.count)
            case .down, .char("j"): list.moveSelection(by: 1, count: awaiting.count)
            case .enter:
                if let i = list.selected, awaiting.indices.contains(i) { context.go(.push(OrderDetailScreen(orderID: awaiting[i].id, number: awaiting[i].number))) }
            case .char("u"): context.go(.push(CashUpScreen()))
            case .char("r"): load(&context)
            default: return false
            }
        default: break
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        guard let dashboard else { buffer.setString(area.x, area.y, refused ? "Nothing to show" : "Loading…", style: Theme.muted); return }
        let summary = dashboard.today, low = dashboard.lowStock
        let currency = session.currency
        let leftWidth = min(36, area.width / 2)
        let (left, right) = area.splitLeft(leftWidth)
        var y = left.y
        buffer.setString(left.x, y, "Today \(summary.day)", style: Theme.title)
        y += 2
        let methods = summary.byMethod.map { [$0.method.label, "\($0.count)", currency.format($0.amount)] }
        Table(columns: [.init("Payments", width: .fill(1)), .numeric("#", width: 4), .numeric("Amount", width: 11)],
              rows: methods, emptyText: "No payments yet today")
            .render(into: &buffer, area: Rect(x: left.x, y: y, width: leftWidth - 2, height: max(2, methods.count + 1)), state: ListState(selected: nil))
        y += max(2, methods.count + 1) + 1
        buffer.setString(left.x, y, "Taken  \(currency.format(summary.total, withCode: true))", style: Theme.title)
        y += 1
        if summary.refunded > 0 { buffer.setString(left.x, y, "Refunded  \(currency.format(summary.refunded))", style: Theme.error); y += 1 }
        buffer.setString(left.x, y, "Orders placed \(summary.ordersPlaced) · cancelled \(summary.ordersCancelled)", style: Theme.muted, maxWidth: leftWidth - 2)
        y += 2
        buffer.setString(left.x, y, "Low stock (≤ \(dashboard.lowStockThreshold))", style: Theme.header)
        y += 1
        if low.isEmpty { buffer.setString(left.x, y, "nothing is running low", style: Theme.muted) }
        for product in low.prefix(max(0, left.bottom - y)) {
            let stock = "\(product.stock)"
            buffer.setString(left.x, y, product.name, maxWidth: leftWidth - 8)
            buffer.setString(left.x + leftWidth - 3 - TextWidth.of(stock), y, stock, style: product.stock == 0 ? Theme.error : Theme.title)
            y += 1
        }

        let right2 = right.inner(horizontal: 1, vertical: 0)
        buffer.setString(right2.x, right2.y, "Paid, not yet sent (\(awaiting.count))", style: Theme.title)
        let rows = awaiting.map { o -> [String] in
            let who = "\(o.firstName) \(o.lastName)".trimmingCharacters(in: .whitespaces)
            return [o.number, who.isEmpty ? "walk-in" : who, currency.format(o.total)]
        }
        Table(columns: [.init("Order", width: .length(9)), .init("Customer", width: .fill(1)), .numeric("Total", width: 10)],
              rows: rows, emptyText: "Nothing waiting to be sent")
            .render(into: &buffer, area: Rect(x: right2.x, y: right2.y + 2, width: right2.width, height: max(0, right2.height - 2)), state: list)
    }
}
