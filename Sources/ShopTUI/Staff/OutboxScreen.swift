import ShopEngine

/// Demo mode: the codes and messages the demo kept instead of sending them, newest first.
struct OutboxScreen: Screen {
    var title: String { L.t("outbox.title") }
    private var messages: [AdminService.OutboxMessage] = []
    private var list = ListState()
    private var loading = true

    private struct Loaded: Sendable { let result: Outcome<[AdminService.OutboxMessage]> }

    var bindings: [KeyBinding] {
        (messages.count > 1 ? [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("customer_finder.keys.move"))] + ListState.pagingBindings : [])
            + [KeyBinding(keys: [.char("r")], help: L.t("dashboard.keys.refresh"))]
    }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Loaded(result: Result { try shop.admin.outbox(limit: 100, caller: caller) }) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let loaded as Loaded):
            loading = false
            switch loaded.result {
            case .success(let items):
                messages = items
                list.select(list.selected ?? 0, count: items.count)
            case .failure(let error): context.fail(error)
            }
        case .appeared: load(&context)
        case .key(let key) where list.navigate(ListState.arrow(key), count: messages.count, visibleRows: Table.bodyRows(in: Self.tableArea(in: context.session.screenArea))): break
        case .key(.char("r")): load(&context)
        case .key: return false
        default: break
        }
        return true
    }

    /// The table's area in the screen's (render and paging both use it): the message in full below it.
    static func tableArea(in area: Rect) -> Rect { area.splitBottom(4).rest }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let (tableArea, detail) = (Self.tableArea(in: area), area.splitBottom(4).bottom)
        let rows = messages.map { [Format.timestamp($0.createdAt), Self.via($0.channel), $0.to, $0.text.replacingOccurrences(of: "\n", with: " ")] }
        Table(columns: [.init(L.t("payments.column.when"), width: .length(17)), .init(L.t("outbox.column.via"), width: .length(5)),
                        .init(L.t("outbox.column.to"), width: .length(18)), .init(L.t("outbox.column.message"), width: .fill(1))],
              rows: rows, emptyText: loading ? L.t("cash_up.loading") : L.t("outbox.empty")).render(into: &buffer, area: tableArea, state: list)
        if let i = list.selected, messages.indices.contains(i) {
            Paragraph(messages[i].text).render(into: &buffer, area: detail.inner(horizontal: 0, vertical: 0).splitTop(1).rest)
        }
    }

    /// How a message went, in the session's language (the stored channel otherwise).
    static func via(_ channel: String) -> String {
        switch channel {
        case "sms": L.t("outbox.via.sms")
        case "email": L.t("outbox.via.email")
        default: channel
        }
    }
}
