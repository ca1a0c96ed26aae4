import ShopEngine

/// Order history, newest first (staff see every order and can filter by status).
struct OrdersScreen: Screen {
    /// Says which list is shown: the filter follows `f` ("Orders to send" is the paid ones).
    var title: String {
        let list = staffView ? (status == .paid ? L.t("orders.title.to_send") : L.t("orders.title.all")) : L.t("orders.title.mine")
        return L.t("orders.title", ["list": list, "status": status.map(Words.status) ?? L.t("list.all")])
    }
    private var rows = PagedRows<Order>()
    var isLoading: Bool { !rows.hasLoaded }
    private var status: OrderStatus?
    private var staffView = false

    init(status: OrderStatus? = nil) { self.status = status }

    enum Action: Sendable { case up, down, page, open, filter, more }
    static var keys: KeyMap<Action> { [
        (.up, KeyBinding(keys: [.up, .char("k")], label: "↑↓", help: L.t("list.move"))),
        (.down, KeyBinding(keys: [.down, .char("j")], help: L.t("list.move_down"), showsInFooter: false)),
        (.page, ListState.pagingBindings[0]), (.page, ListState.pagingBindings[1]),
        (.open, KeyBinding(keys: [.enter], help: L.t("list.open"))),
        (.filter, KeyBinding(keys: [.char("f")], help: L.t("orders.keys.filter"))),
    ] }
    var bindings: [KeyBinding] {
        let count = rows.items.count
        return Self.keys.entries.filter { entry in
            switch entry.action {
            case .up, .down, .page: count > 1
            case .open: count > 0
            case .filter, .more: true
            }
        }.map(\.binding)
    }

    mutating func start(_ context: inout ScreenContext) {
        staffView = context.session.isStaff
        load(&context)
    }

    private mutating func load(_ context: inout ScreenContext, append: Bool = false) {
        let shop = context.shop, caller = context.caller, status = self.status
        rows.request(append: append, &context) { cursor in
            let page = try shop.orders.list(status: status, limit: 50, cursor: cursor, caller: caller)
            return (page.items, page.nextCursor)
        }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let page as PagedRows<Order>.Page):
            rows.receive(page, &context)
        case .appeared, .shopChanged: load(&context)
        case .key(let key):
            guard let action = Self.keys.action(for: key) else { return false }
            switch action {
            case .up, .down, .page:
                _ = rows.navigate(ListState.arrow(key), visibleRows: Table.bodyRows(in: Self.tableArea(in: context.session.screenArea)))
                if rows.wantsMore { load(&context, append: true) }
            case .open:
                if let order = rows.selected { context.go(.push(OrderDetailScreen(orderID: order.id, number: order.number))) }
            case .filter:
                let all: [OrderStatus?] = [nil] + OrderStatus.allCases
                status = all[((all.firstIndex(of: status) ?? 0) + 1) % all.count]
                load(&context)
            case .more: break
            }
        default: break
        }
        return true
    }

    /// The table's area in the screen's (render and paging both use it).
    static func tableArea(in area: Rect) -> Rect { area.splitTop(2).rest }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let (top, rest) = (area.splitTop(2).top, Self.tableArea(in: area))
        buffer.setString(top.x, top.y, L.t("orders.status", ["status": status.map(Words.status) ?? L.t("list.all")]), style: Theme.muted)
        let currency = session.currency
        let cells = rows.items.map { o -> [String] in
            let who = staffView ? "\(o.firstName) \(o.lastName)".trimmingCharacters(in: .whitespaces) : Format.items(Format.units(of: o))
            return [o.number, Format.timestamp(o.createdAt), Words.status(o.status), who.isEmpty ? L.t("orders.walk_in") : who, Format.money(o.total, currency)]
        }
        Table(columns: [.init(L.t("orders.column.order"), width: .length(10)), .init(L.t("orders.column.placed"), width: .length(17)),
                        .init(L.t("orders.column.status"), width: .length(L.language == .fa ? 16 : 10)),
                        .init(staffView ? L.t("orders.column.customer") : L.t("orders.column.items"), width: .fill(1)),
                        .numeric(L.t("orders.column.total", ["currency": currency.code]), width: 14)],
              rows: cells, emptyText: rows.loading ? L.t("list.loading") : status.map { L.t("orders.none_with_status", ["status": Words.status($0)]) } ?? L.t("orders.none")).render(into: &buffer, area: rest, state: rows.list)
    }
}

import Foundation
