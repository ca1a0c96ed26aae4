import ShopEngine

/// The catalog for staff: every product (inactive and archived too) with its stock, low stock
/// marked; search; add and edit; archive or delete (the engine decides which); stock changes
/// with a reason, and each product's stock ledger.
struct ProductsScreen: Screen {
    var title: String { L.t("products.title") }
    private var rows = PagedRows<Product>()
    var isLoading: Bool { !rows.hasLoaded }
    private var search = TextFieldState(maxLength: 100)
    private var searching = false
    private var adjusting: StockAdjustment?

    /// The stock change being entered: which variant (for products with variants), how much, why.
    private struct StockAdjustment {
        var product: Product
        var variant: ListState
        var choosingVariant: Bool
        var form = FormState([
            FormField("delta", label: L.t("stock_history.column.change"), placeholder: L.t("products.delta_placeholder"), input: TextFieldState(maxLength: 11)),
            FormField("reason", label: L.t("stock_history.column.reason"), placeholder: L.t("products.reason_placeholder"), input: TextFieldState(maxLength: 200)),
        ])
        var variantID: Int64? { choosingVariant || product.variants.isEmpty ? nil : variant.selected.map { product.variants[$0].id } }
    }

    /// `variantID`: the variant whose stock changed, so the message gives its stock, not the product's total.
    private struct Adjusted: Sendable { let variantID: Int64?; let result: Outcome<Product> }
    /// The product as it is now, read when the stock dialog opens (and when the shop changes):
    /// the row it was opened from may be older than another terminal's change.
    private struct Fresh: Sendable { let result: Outcome<Product> }
    /// A removal the person said yes to (see `ScreenContext.confirm`).
    private struct RemovalConfirmed: Sendable { let product: Product }
    private struct Removed: Sendable { let name: String; let result: Outcome<CatalogService.Removal> }

    enum Action: Sendable { case up, down, page, search, add, edit, stock, history, remove }
    static var keys: KeyMap<Action> {
        [
            (.up, KeyBinding(keys: [.up, .char("k")], label: "↑↓", help: L.t("customer_finder.keys.move"))),
            (.down, KeyBinding(keys: [.down, .char("j")], help: L.t("return.keys.down"), showsInFooter: false)),
            (.page, ListState.pagingBindings[0]), (.page, ListState.pagingBindings[1]),
            (.search, KeyBinding(keys: [.char("/")], help: L.t("users.keys.search"))),
            (.add, KeyBinding(keys: [.char("a")], help: L.t("product_picker.keys.add"))),
            (.edit, KeyBinding(keys: [.enter, .char("e")], label: "Enter", help: L.t("products.keys.edit"))),
            (.stock, KeyBinding(keys: [.char("s"), .char("+")], help: L.t("products.keys.stock"))),
            (.history, KeyBinding(keys: [.char("l")], help: L.t("products.keys.ledger"))),
            (.remove, KeyBinding(keys: [.char("x"), .delete], label: "x", help: L.t("products.keys.remove"))),
        ]
    }

    var bindings: [KeyBinding] {
        if searching { return [KeyBinding(keys: [.enter], help: L.t("users.keys.done")), KeyBinding(keys: [.escape], help: L.t("products.keys.clear_search"))] }
        if let adjusting {
            return adjusting.choosingVariant
                ? [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("variant_picker.keys.variant")), KeyBinding(keys: [.enter], help: L.t("variant_picker.keys.choose")),
                   KeyBinding(keys: [.escape], help: L.t("cash_up.keys.cancel"))]
                : [KeyBinding(keys: [.tab], help: L.t("coupon_form.keys.next")), KeyBinding(keys: [.enter], help: L.t("coupon_form.keys.save")),
                   KeyBinding(keys: [.escape], help: L.t("cash_up.keys.cancel"))]
        }
        return Self.keys.bindings
    }
    var capturesText: Bool { searching || (adjusting.map { !$0.choosingVariant } ?? false) }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private mutating func load(_ context: inout ScreenContext, append: Bool = false) {
        let shop = context.shop, caller = context.caller, text = search.text
        rows.request(append: append, &context) { cursor in
            let page = try shop.catalog.list(ProductQuery(text: text.isEmpty ? nil : text, sort: .name, limit: 50, cursor: cursor, includeInactive: true), caller: caller)
            return (page.items, page.nextCursor)
        }
    }

    private var selected: Product? { rows.selected }

    private func refresh(_ id: Int64, _ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Fresh(result: Result { try shop.catalog.product(id: id, caller: caller) }) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let page as PagedRows<Product>.Page):
            rows.receive(page, &context)
        case .result(let adjusted as Adjusted):
            switch adjusted.result {
            case .success(let product):
                adjusting = nil
                if let variant = adjusted.variantID.flatMap({ id in product.variants.first { $0.id == id } }) {
                    context.say(L.t("products.stock_now_variant", ["name": product.name, "variant": variant.name, "count": Format.number(variant.stock)]), .success)
                } else {
                    context.say(L.t("products.stock_now", ["name": product.name, "count": Format.number(product.stock)]), .success)
                }
                load(&context)
            case .failure(let error):
                if let e = error as? ShopError, e.field == "delta" || e.field == "reason" { adjusting?.form.setError(ScreenContext.describe(e), for: e.field!) }
                context.fail(error)
            }
        case .result(let removed as Removed):
            switch removed.result {
            case .success(.archived): context.say(L.t("products.archived", ["name": removed.name]), .success)
            case .success(.deleted): context.say(L.t("products.deleted", ["name": removed.name]), .success)
            case .failure(let error): context.fail(error)
            }
            load(&context)
        case .result(let confirmed as RemovalConfirmed):
            let shop = context.shop, caller = context.caller, product = confirmed.product
            context.run { Removed(name: product.name, result: Result { try shop.catalog.delete(id: product.id, caller: caller) }) }
        case .result(let fresh as Fresh):
            if case .success(let product) = fresh.result, adjusting?.product.id == product.id { adjusting?.product = product }
        case .appeared: load(&context)
        case .shopChanged:
            load(&context)
            if let id = adjusting?.product.id { refresh(id, &context) }
        case .key(let key):
            if searching { return searchKey(key, &context) }
            if adjusting != nil { adjustKey(key, &context); return true }
            guard let action = Self.keys.action(for: key) else { return false }
            switch action {
            case .up, .down, .page:
                _ = rows.navigate(ListState.arrow(key), visibleRows: Table.bodyRows(in: Self.tableArea(in: context.session.screenArea)))
                if rows.wantsMore { load(&context, append: true) }
            case .search: searching = true
            case .add: context.go(.push(ProductFormScreen(product: nil)))
            case .edit: if let product = selected { context.go(.push(ProductFormScreen(product: product))) }
            case .stock:
                guard let product = selected else { return true }
                adjusting = StockAdjustment(product: product, variant: ListState(selected: 0), choosingVariant: !product.variants.isEmpty)
                refresh(product.id, &context)
            case .history: if let product = selected { context.go(.push(StockHistoryScreen(product: product))) }
            case .remove:
                if let product = selected {
                    context.confirm(L.t("products.confirm_remove", ["name": product.name]), yes: L.t("products.confirm_remove_yes"), then: RemovalConfirmed(product: product))
                }
            }
        default: break
        }
        return true
    }

    private mutating func searchKey(_ key: Key, _ context: inout ScreenContext) -> Bool {
        switch key {
        case .enter, .down: searching = false
        case .escape:
            searching = false
            if !search.isEmpty { search.setText(""); load(&context) }
        default:
            let before = search.text
            _ = search.handle(key)
            if search.text != before { rows.list = ListState(); load(&context) }
        }
        return true
    }

    private mutating func adjustKey(_ key: Key, _ context: inout ScreenContext) {
        guard var adjusting else { return }
        if key == .escape { self.adjusting = nil; return }
        if adjusting.choosingVariant {
            switch key {
            case .up: adjusting.variant.moveSelection(by: -1, count: adjusting.product.variants.count)
            case .down: adjusting.variant.moveSelection(by: 1, count: adjusting.product.variants.count)
            case .enter: adjusting.choosingVariant = false
            default: break
            }
            self.adjusting = adjusting
            return
        }
        if key == .enter {
            let text = Numerals.ascii(adjusting.form["delta"].text).trimmingCharacters(in: .whitespaces)
            let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
            guard let delta = Int64(digits), delta != 0 else {
                adjusting.form.setError(L.t("products.error.delta"), for: "delta")
                self.adjusting = adjusting
                return
            }
            guard !adjusting.form["reason"].text.trimmingCharacters(in: .whitespaces).isEmpty else {
                adjusting.form.setError(L.t("products.error.reason"), for: "reason")
                adjusting.form.focus(on: "reason")
                self.adjusting = adjusting
                return
            }
            let shop = context.shop, caller = context.caller, id = adjusting.product.id, variant = adjusting.variantID, reason = adjusting.form["reason"].text
            context.run { Adjusted(variantID: variant, result: Result { try shop.catalog.adjustStock(productID: id, variantID: variant, delta: delta, reason: reason, caller: caller) }) }
        } else {
            _ = adjusting.form.handle(key)
        }
        self.adjusting = adjusting
    }

    // MARK: - Render


    /// The table's area in the screen's (render and paging both use it).
    static func tableArea(in area: Rect) -> Rect { area.splitTop(2).rest }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let currency = session.currency
        let (top, rest) = (area.splitTop(2).top, Self.tableArea(in: area))
        let searchRow = Layout.horizontal([.length(8), .length(40)]).split(top.row(0))
        buffer.setString(searchRow[0].x, searchRow[0].y, L.t("users.search"), style: searching ? Theme.title : Theme.muted)
        TextField(placeholder: L.t("products.search_placeholder"), isFocused: searching).render(into: &buffer, area: searchRow[1], state: search)
        let threshold = Format.number(session.store.lowStockThreshold)
        let count = rows.loading ? L.t("products.loading") : rows.nextCursor == nil
            ? L.plural("products.count", count: rows.items.count, ["threshold": threshold])
            : L.t("products.count_more", ["count": Format.number(rows.items.count), "threshold": threshold])
        buffer.setString(top.right - TextWidth.of(count), top.y, count, style: Theme.muted)
        let cells = rows.items.map { p -> [String] in
            let stock = p.variants.isEmpty ? Format.number(p.stock) : p.variants.map { Format.number($0.stock) }.joined(separator: "/")
            let name = p.variants.isEmpty ? p.name : L.plural("products.name_sizes", count: p.variants.count, ["name": p.name])
            return [p.sku, name, p.category, Format.money(p.price, currency), p.isLowStock ? L.t("products.stock_low", ["stock": stock]) : stock, Words.status(of: p)]
        }
        Table(columns: [.init(L.t("products.column.sku"), width: .length(14)), .init(L.t("customer_finder.name"), width: .fill(1)),
                        .init(L.t("products.column.category"), width: .length(10)), .numeric(L.t("quick_sale.column.price"), width: 9),
                        .numeric(L.t("quick_sale.column.stock"), width: 10), .init(L.t("payments.column.status"), width: .length(8))],
              rows: cells, emptyText: rows.loading ? L.t("cash_up.loading") : search.isEmpty ? L.t("products.empty") : L.t("products.no_match"))
            .render(into: &buffer, area: rest, state: rows.list)
        let offset = rows.list.visibleOffset(rows: rest.height - 1, count: rows.items.count)
        for (i, p) in rows.items.enumerated() where p.isLowStock || !p.isForSale {
            let y = rest.y + 1 + i - offset
            guard y > rest.y, y < rest.bottom, rows.list.selected != i else { continue }
            if p.isLowStock { buffer.setStyle(Rect(x: rest.right - 19, y: y, width: 10, height: 1), Theme.error) }
            if !p.isForSale { buffer.setStyle(Rect(x: rest.right - 8, y: y, width: 8, height: 1), Theme.muted) }
        }
        if let adjusting { renderAdjustment(adjusting, into: &buffer, area: area) }
    }

    private func renderAdjustment(_ a: StockAdjustment, into buffer: inout Buffer, area: Rect) {
        let box = area.centered(width: min(area.width, 64), height: 12)
        buffer.fill(box)
        Block(title: L.t("products.stock_of", ["name": a.product.name])).render(into: &buffer, area: box)
        let inner = box.inner(1).inner(horizontal: 1, vertical: 0)
        if a.choosingVariant {
            buffer.setString(inner.x, inner.y, L.t("products.which_variant"), style: Theme.title)
            ListView(items: a.product.variants.map { L.t("products.variant_stock", ["name": $0.name, "count": Format.number($0.stock)]) })
                .render(into: &buffer, area: Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 3), state: a.variant)
        } else {
            let variant = a.variantID.flatMap { id in a.product.variants.first { $0.id == id } }
            buffer.setString(inner.x, inner.y, variant.map { L.t("products.variant_stock_now", ["name": $0.name, "count": Format.number($0.stock)]) }
                ?? L.t("quick_sale.stock.in_stock", ["count": Format.number(a.product.stock)]), style: Theme.title, maxWidth: inner.width)
            Form(labelWidth: 9).render(into: &buffer, area: Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: 4), state: a.form)
            buffer.setString(inner.x, inner.bottom - 1, L.t("products.stock_hint"), style: Theme.muted, maxWidth: inner.width)
        }
    }
}
