import ShopEngine

/// The staff menu: the counter's screens, gated by role (the engine checks every call too).
struct StaffMenuScreen: Screen {
    var title: String { L.t("staff_menu.title") }
    private var list = ListState()

    /// Name and detail are asked for at each frame: they follow the language.
    private struct Entry { let name: () -> String; let detail: () -> String; let adminOnly: Bool; let demoOnly: Bool; let make: () -> any Screen }
    private var entries: [Entry] = []

    var bindings: [KeyBinding] { [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("list.move"))] + ListState.pagingBindings + [KeyBinding(keys: [.enter], help: L.t("list.open"))] }

    mutating func start(_ context: inout ScreenContext) {
        let all: [Entry] = [
            Entry(name: { L.t("staff_menu.quick_sale") }, detail: { L.t("staff_menu.quick_sale.detail") }, adminOnly: false, demoOnly: false, make: { QuickSaleScreen() }),
            Entry(name: { L.t("staff_menu.products") }, detail: { L.t("staff_menu.products.detail") }, adminOnly: false, demoOnly: false, make: { ProductsScreen() }),
            Entry(name: { L.t("staff_menu.orders") }, detail: { L.t("staff_menu.orders.detail") }, adminOnly: false, demoOnly: false, make: { OrdersScreen() }),
            Entry(name: { L.t("staff_menu.orders_to_send") }, detail: { L.t("staff_menu.orders_to_send.detail") }, adminOnly: false, demoOnly: false, make: { OrdersScreen(status: .paid) }),
            Entry(name: { L.t("staff_menu.dashboard") }, detail: { L.t("staff_menu.dashboard.detail") }, adminOnly: false, demoOnly: false, make: { DashboardScreen() }),
            Entry(name: { L.t("staff_menu.coupons") }, detail: { L.t("staff_menu.coupons.detail") }, adminOnly: false, demoOnly: false, make: { CouponsScreen() }),
            Entry(name: { L.t("staff_menu.cash_up") }, detail: { L.t("staff_menu.cash_up.detail") }, adminOnly: false, demoOnly: false, make: { CashUpScreen() }),
            Entry(name: { L.t("staff_menu.customer_photo") }, detail: { L.t("staff_menu.customer_photo.detail") }, adminOnly: false, demoOnly: false, make: { CustomerPhotoScreen() }),
            Entry(name: { L.t("staff_menu.users") }, detail: { L.t("staff_menu.users.detail") }, adminOnly: true, demoOnly: false, make: { UsersScreen() }),
            Entry(name: { L.t("staff_menu.outbox") }, detail: { L.t("staff_menu.outbox.detail") }, adminOnly: false, demoOnly: true, make: { OutboxScreen() }),
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
        buffer.setString(area.x + 2, area.y + 1, L.t("staff_menu.heading"), style: Theme.title)
        Table(columns: [.init(L.t("staff_menu.column.screen"), width: .length(22)), .init(L.t("staff_menu.column.what"), width: .fill(1))], rows: entries.map { [$0.name(), $0.detail()] })
            .render(into: &buffer, area: Self.tableArea(in: area, count: entries.count), state: list)
    }
}
