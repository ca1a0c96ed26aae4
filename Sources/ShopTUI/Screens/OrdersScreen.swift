import ShopEngine

/// Order history, newest first (staff see every order and can filter by status).
struct OrdersScreen: Screen {
    /// Says which list is shown: the filter follows `f` ("Orders to send" is the paid ones).
    var title: String {
        let list = staffView ? (status == .paid ? "Orders to send" : "Orders") : "My orders"
        return "\(list) (\(status?.rawValue ?? "all"))"
    }
    private var rows = PagedRows<Order>()
    var isLoading: Bool { !rows.hasLoaded }
    private var status: OrderStatus?
    private var staffView = false

    init(status: OrderStatus? = nil) { self.status = status }

    enum Action: Sendable { case up, down, page, open, filter, more }
    static let keys: KeyMap<Action> = [
        (.up, KeyBinding(keys: [.up, .char("k")], label: "↑↓", help: "move")),
        (.down, KeyBinding(keys: [.down, .char("j")], help: "move down", showsInFooter: false)),
        (.page, ListState.pagingBindings[0]), (.page, ListState.pagingBindings[1]),
        (.open, KeyBinding(keys: [.enter], help: "open")),
        (.filter, KeyBinding(keys: [.char("f")], help: "filter by status")),
    ]
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
        buffer.setString(top.x, top.y, "Status: \(status?.rawValue ?? "all")", style: Theme.muted)
        let currency = session.currency
        let cells = rows.items.map { o -> [String] in
            let who = staffView ? "\(o.firstName) \(o.lastName)".trimmingCharacters(in: .whitespaces) : Format.items(Format.units(of: o))
            return [o.number, Format.timestamp(o.createdAt), o.status.rawValue, who.isEmpty ? "walk-in" : who, currency.format(o.total)]
        }
        Table(columns: [.init("Order", width: .length(10)), .init("Placed", width: .length(17)), .init("Status", width: .length(10)),
                        .init(staffView ? "Customer" : "Items", width: .fill(1)), .numeric("Total (\(currency.code))", width: 14)],
              rows: cells, emptyText: rows.loading ? "Loading…" : status.map { "No \($0.rawValue) orders" } ?? "No orders yet").render(into: &buffer, area: rest, state: rows.list)
    }
}

import Foundation
