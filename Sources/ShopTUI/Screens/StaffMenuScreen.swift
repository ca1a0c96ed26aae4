import ShopEngine

/// The staff menu: the counter's screens, gated by role (the engine checks every call too).
struct StaffMenuScreen: Screen {
    var title: String { "Staff" }
    private var list = ListState()

    private struct Entry { let name: String; let detail: String; let adminOnly: Bool; let demoOnly: Bool; let make: () -> any Screen }
    private var entries: [Entry] = []

    var bindings: [KeyBinding] { [KeyBinding(keys: [.up, .down], label: "↑↓", help: "move")] + ListState.pagingBindings + [KeyBinding(keys: [.enter], help: "open")] }

    mutating func start(_ context: inout ScreenContext) {
        let all: [Entry] = [
            Entry(name: "Quick sale", detail: "the counter: scan, take payment, print the receipt", adminOnly: false, demoOnly: false, make: { QuickSaleScreen() }),
            Entry(name: "Products", detail: "catalog: search, add, edit, archive, stock ± and its ledger", adminOnly: false, demoOnly: false, make: { ProductsScreen() }),
            Entry(name: "Orders", detail: "all orders: filter, mark sent/delivered, payments, cancel", adminOnly: false, demoOnly: false, make: { OrdersScreen() }),
            Entry(name: "Orders to send", detail: "paid but not yet sent", adminOnly: false, demoOnly: false, make: { OrdersScreen(status: .paid) }),
            Entry(name: "Dashboard", detail: "today's takings, orders to send, low stock", adminOnly: false, demoOnly: false, make: { DashboardScreen() }),
            Entry(name: "Coupons", detail: "issue (percent or fixed, days valid, use limit), uses, disable", adminOnly: false, demoOnly: false, make: { CouponsScreen() }),
            Entry(name: "Cash-up", detail: "end of day: totals per payment method, printable", adminOnly: false, demoOnly: false, make: { CashUpScreen() }),
            Entry(name: "Customer photo", detail: "a customer's profile photo from a file, found by phone", adminOnly: false, demoOnly: false, make: { CustomerPhotoScreen() }),
            Entry(name: "Users", detail: "accounts: search, roles, activate/deactivate", adminOnly: true, demoOnly: false, make: { UsersScreen() }),
            Entry(name: "Messages outbox", detail: "demo: the codes and messages kept instead of sent", adminOnly: false, demoOnly: true, make: { OutboxScreen() }),
        ]
        entries = all.filter { (!$0.adminOnly || context.session.isAdmin) && (!$0.demoOnly || context.session.settings.isDemo) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        guard case .key(let key) = event else { return true }
        switch key {
        case let key where list.navigate(ListState.arrow(key), count: entries.count, visibleRows: Table.bodyRows(in: Self.tableArea(in: context.session.screenArea, count: entries.count))): break
        case .enter:
            if let i = list.selected, entries.indices.contains(i) { context.go(.push(entries[i].make())) }
        default: return false
        }
        return true
    }

    /// The table's area in the screen's: as tall as the entries, at most what the screen has.
    static func tableArea(in area: Rect, count: Int) -> Rect {
        Rect(x: area.x + 2, y: area.y + 3, width: max(0, area.width - 4), height: max(0, min(count + 1, area.height - 3)))
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        buffer.setString(area.x + 2, area.y + 1, "Counter and back office", style: Theme.title)
        Table(columns: [.init("Screen", width: .length(20)), .init("What it is for", width: .fill(1))], rows: entries.map { [$0.name, $0.detail] })
            .render(into: &buffer, area: Self.tableArea(in: area, count: entries.count), state: list)
    }
}
