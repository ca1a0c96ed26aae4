import ShopEngine

/// One product's stock ledger, newest first: every sale, cancellation and adjustment.
struct StockHistoryScreen: Screen {
    let product: Product
    var title: String { "Stock ledger — \(product.name)" }
    private var movements: [StockMovement] = []
    private var list = ListState()
    private var loading = true

    init(product: Product) { self.product = product }

    private struct Loaded: Sendable { let result: Outcome<[StockMovement]> }

    var bindings: [KeyBinding] { [KeyBinding(keys: [.up, .down], label: "↑↓", help: "scroll")] + ListState.pagingBindings }

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
        buffer.setString(top.x, top.y, "\(product.sku) · \(product.name) · now \(product.stock) in stock", style: Theme.title, maxWidth: top.width)
        let rows = movements.map { m -> [String] in
            let variant = m.variantId.flatMap { id in product.variants.first { $0.id == id }?.name } ?? ""
            return [Format.timestamp(m.createdAt), variant, m.delta > 0 ? "+\(m.delta)" : "\(m.delta)", m.reason, m.orderId.map { String(format: "S-%06lld", $0) } ?? ""]
        }
        Table(columns: [.init("When", width: .length(17)), .init("Variant", width: .length(10)), .numeric("Change", width: 7),
                        .init("Reason", width: .fill(1)), .init("Order", width: .length(9))],
              rows: rows, emptyText: loading ? "Loading…" : "No stock movements yet").render(into: &buffer, area: rest, state: list)
    }
}
