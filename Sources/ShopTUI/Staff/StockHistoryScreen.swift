import ShopEngine

/// One product's stock ledger, newest first: every sale, cancellation and adjustment.
struct StockHistoryScreen: Screen {
    let product: Product
    var title: String { L.t("stock_history.title", ["name": product.name]) }
    private var movements: [StockMovement] = []
    private var list = ListState()
    private var loading = true

    init(product: Product) { self.product = product }

    private struct Loaded: Sendable { let result: Outcome<[StockMovement]> }

    var bindings: [KeyBinding] { [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("stock_history.keys.scroll"))] + ListState.pagingBindings }

    mutating func start(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller, id = product.id
        context.run { Loaded(result: Result { try shop.catalog.stockHistory(productID: id, limit: 100, caller: caller) }) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let loaded as Loaded):
            loading = false
            switch loaded.result {
            case .success(let items): movements = items
            case .failure(let error): context.fail(error)
            }
        case .key(let key) where list.navigate(ListState.arrow(key), count: movements.count, visibleRows: Table.bodyRows(in: context.session.screenArea.splitTop(2).rest)): break
        case .key: return false
        default: break
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let (top, rest) = area.splitTop(2)
        buffer.setString(top.x, top.y, L.t("stock_history.summary", ["sku": product.sku, "name": product.name, "count": Format.number(product.stock)]), style: Theme.title, maxWidth: top.width)
        let rows = movements.map { m -> [String] in
            let variant = m.variantId.flatMap { id in product.variants.first { $0.id == id }?.name } ?? ""
            return [Format.timestamp(m.createdAt), variant, Format.digits(m.delta > 0 ? "+\(m.delta)" : "\(m.delta)"), Self.reason(m.reason),
                    m.orderId.map { String(format: "S-%06lld", $0) } ?? ""]
        }
        Table(columns: [.init(L.t("payments.column.when"), width: .length(17)), .init(L.t("stock_history.column.variant"), width: .length(10)),
                        .numeric(L.t("stock_history.column.change"), width: 7), .init(L.t("stock_history.column.reason"), width: .fill(1)),
                        .init(L.t("dashboard.column.order"), width: .length(9))],
              rows: rows, emptyText: loading ? L.t("cash_up.loading") : L.t("stock_history.empty")).render(into: &buffer, area: rest, state: list)
    }

    /// The ledger's reason in the session's language; a reason staff typed stays as written.
    static func reason(_ reason: String) -> String {
        switch reason {
        case "initial stock": L.t("stock_history.reason.initial")
        case "import": L.t("stock_history.reason.import")
        case "sale": L.t("stock_history.reason.sale")
        case "order cancelled": L.t("stock_history.reason.cancel")
        case "unpaid order expired": L.t("stock_history.reason.expired")
        case "return": L.t("stock_history.reason.return")
        default: reason
        }
    }
}
