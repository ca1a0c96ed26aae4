import ShopEngine

/// The cart editor: change quantities and variants in place, remove lines, see totals and
/// stock warnings; Enter goes to checkout. A line the shop no longer sells (archived or
/// deactivated product) stays, flagged, until the customer removes it.
struct CartScreen: Screen {
    var title: String { L.t("cart.title") }
    private var cart: CartService.Cart?
    private var list = ListState()
    private var busy = false
    /// Variants of the products in the cart, loaded when a line's variant is changed.
    private var variantsByProduct: [Int64: [Product.Variant]] = [:]

    private var loadFailed = false
    var isLoading: Bool { cart == nil && !loadFailed }

    /// The cart, after loading it or after a change (`afterChange`: a failed change reloads it once).
    private struct Loaded: Sendable { let result: Outcome<CartService.Cart>; var afterChange = false }
    private struct Variants: Sendable { let productID: Int64; let lineID: Int64; let result: Outcome<Product> }

    /// A removal the customer said yes to (see `ScreenContext.confirm`).
    private enum Confirmed: Sendable { case remove(lineID: Int64), clear }

    enum Action: Sendable { case up, down, page, more, less, variant, remove, checkout, clear }
    static var keys: KeyMap<Action> { [
        (.up, KeyBinding(keys: [.up, .char("k")], label: "↑↓", help: L.t("list.move"))),
        (.down, KeyBinding(keys: [.down, .char("j")], help: L.t("list.move_down"), showsInFooter: false)),
        (.page, ListState.pagingBindings[0]), (.page, ListState.pagingBindings[1]),
        (.more, KeyBinding(keys: [.char("+"), .right], label: "+/-", help: L.t("product.keys.quantity"))),
        (.less, KeyBinding(keys: [.char("-"), .left], help: L.t("product.keys.fewer"), showsInFooter: false)),
        (.variant, KeyBinding(keys: [.char("v")], help: L.t("cart.keys.variant"))),
        (.remove, KeyBinding(keys: [.delete, .char("x")], label: "Del/x", help: L.t("cart.keys.remove"))),
        (.clear, KeyBinding(keys: [.char("X")], help: L.t("cart.keys.clear"), showsInFooter: false)),
        (.checkout, KeyBinding(keys: [.enter], help: L.t("cart.keys.checkout"))),
    ] }
    /// Only what acts on this cart: moving needs two lines, a variant a line whose product has them.
    var bindings: [KeyBinding] {
        let count = cart?.items.count ?? 0
        return Self.keys.entries.filter { entry in
            switch entry.action {
            case .up, .down, .page: count > 1
            case .variant: selectedLine?.variantId != nil
            case .more, .less, .remove: selectedLine != nil
            case .checkout, .clear: count > 0
            }
        }.map(\.binding)
    }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private mutating func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Loaded(result: Result { try shop.carts.cart(caller: caller) }) }
    }

    private var selectedLine: CartService.Line? {
        guard let cart, let i = list.selected, cart.items.indices.contains(i) else { return nil }
        return cart.items[i]
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let loaded as Loaded):
            busy = false
            switch loaded.result {
            case .success(let c):
                cart = c
                if list.selected == nil || list.selected! >= c.items.count { list = ListState(selected: c.items.isEmpty ? nil : max(0, c.items.count - 1)) }
            case .failure(let error):
                context.fail(error)
                if loaded.afterChange { load(&context) } else { loadFailed = true }
            }
        case .result(let loaded as Variants):
            if case .success(let product) = loaded.result {
                variantsByProduct[loaded.productID] = product.variants
                cycleVariant(lineID: loaded.lineID, &context)
            } else if case .failure(let error) = loaded.result { context.fail(error) }
        case .result(let confirmed as Confirmed):
            let shop = context.shop, caller = context.caller
            switch confirmed {
            case .remove(let lineID): change(&context) { try shop.carts.remove(lineID: lineID, caller: caller) }
            case .clear: change(&context) { try shop.carts.clear(caller: caller); return try shop.carts.cart(caller: caller) }
            }
        case .appeared, .shopChanged: load(&context)
        case .key(let key):
            guard let action = Self.keys.action(for: key) else { return false }
            guard !busy else { return true }
            let shop = context.shop, caller = context.caller
            switch action {
            case .up, .down, .page:
                _ = list.navigate(ListState.arrow(key), count: cart?.items.count ?? 0, visibleRows: Table.bodyRows(in: context.session.screenArea.splitBottom(3).rest))
            case .more, .less:
                guard let line = selectedLine else { return true }
                guard !Self.noLongerSold(line) else { context.say(L.t("cart.no_longer_sold_notice", ["name": line.name]), .error); return true }
                let quantity = line.quantity + (action == .more ? 1 : -1)
                guard quantity >= 1 else { context.say(L.t("cart.press_del")); return true }
                change(&context) { try shop.carts.update(lineID: line.id, quantity: quantity, caller: caller) }
            case .variant:
                guard let line = selectedLine, line.variantId != nil else { context.say(L.t("cart.no_variants")); return true }
                guard !Self.noLongerSold(line) else { context.say(L.t("cart.no_longer_sold_notice", ["name": line.name]), .error); return true }
                if variantsByProduct[line.productId] != nil { cycleVariant(lineID: line.id, &context) } else {
                    context.run { Variants(productID: line.productId, lineID: line.id, result: Result { try shop.catalog.product(id: line.productId, caller: caller) }) }
                }
            case .remove:
                guard let line = selectedLine else { return true }
                context.confirm(L.t("cart.remove.confirm", ["name": line.name, "quantity": Format.number(line.quantity)]), yes: L.t("cart.remove.yes"), then: Confirmed.remove(lineID: line.id))
            case .clear:
                context.confirm(L.plural("cart.clear.confirm", count: cart?.items.count ?? 0), yes: L.t("cart.clear.yes"), then: Confirmed.clear)
            case .checkout:
                guard let cart, !cart.items.isEmpty else { context.say(L.t("cart.empty_notice")); return true }
                if let gone = cart.items.firstIndex(where: Self.noLongerSold) {
                    // Select it, so Del (the one way on) acts on the line the notice names.
                    list.select(gone, count: cart.items.count, visibleRows: Table.bodyRows(in: context.session.screenArea.splitBottom(3).rest))
                    context.say(L.t("cart.no_longer_sold_notice", ["name": cart.items[gone].name]), .error)
                    return true
                }
                guard cart.canCheckout else { context.say(L.t("cart.short_stock"), .error); return true }
                context.go(.push(CheckoutScreen(cart: cart)))
            }
        default: break
        }
        return true
    }

    private static func noLongerSold(_ line: CartService.Line) -> Bool { line.problem == ShopError.Code.unavailable }

    private mutating func change(_ context: inout ScreenContext, _ work: @escaping @Sendable () throws -> CartService.Cart) {
        busy = true
        context.run { Loaded(result: Result { try work() }, afterChange: true) }
    }

    private mutating func cycleVariant(lineID: Int64, _ context: inout ScreenContext) {
        guard let line = cart?.items.first(where: { $0.id == lineID }), let variants = variantsByProduct[line.productId], variants.count > 1,
              let current = variants.firstIndex(where: { $0.id == line.variantId }) else { return }
        let next = variants[(current + 1) % variants.count]
        let shop = context.shop, caller = context.caller
        change(&context) { try shop.carts.update(lineID: lineID, variantID: next.id, caller: caller) }
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        guard let cart else { buffer.setString(area.x, area.y, L.t("list.loading"), style: Theme.muted); return }
        let currency = session.currency
        let (tableArea, totals) = area.splitBottom(3)
        let rows = cart.items.map { line -> [String] in
            let warning: String
            switch line.problem {
            case ShopError.Code.outOfStock?: warning = L.t("browse.sold_out")
            case ShopError.Code.shortStock?: warning = L.t("cart.only_left", ["count": Format.number(line.available)])
            case ShopError.Code.unavailable?: warning = L.t("cart.no_longer_sold")
            default: warning = ""
            }
            return [line.name, Format.number(line.quantity), Format.money(line.unitPrice, currency), Format.money(line.lineTotal, currency), warning]
        }
        Table(columns: [.init(L.t("cart.column.item"), width: .fill(1)), .numeric(L.t("cart.column.quantity"), width: 5), .numeric(L.t("product.column.price"), width: 12),
                        .numeric(L.t("cart.column.total"), width: 13), .init(L.t("browse.column.stock"), width: .length(16))],
              rows: rows, emptyText: L.t("cart.empty")).render(into: &buffer, area: tableArea, state: list)
        for (i, line) in cart.items.enumerated() where line.problem != nil {
            let y = tableArea.y + 1 + i - list.visibleOffset(rows: tableArea.height - 1, count: cart.items.count)
            if y > tableArea.y && y < tableArea.bottom { buffer.setStyle(Rect(x: tableArea.right - 16, y: y, width: 16, height: 1), Theme.error) }
        }
        let total = L.t("cart.total", ["total": Format.money(cart.total, currency, withCode: true), "items": Format.items(cart.itemCount)])
        let end = buffer.setString(totals.x, totals.y + 1, total, style: Theme.title)
        if !cart.items.isEmpty {
            // The hint gives way to the total (cut with "…"), never the reverse.
            let hint = cart.canCheckout ? L.t("cart.hint.checkout") : L.t("cart.hint.fix")
            let room = Rect(x: end + 2, y: totals.y + 1, width: max(0, totals.right - end - 2), height: 1)
            buffer.setLine(hint, in: room, style: cart.canCheckout ? Theme.muted : Theme.error, alignment: .right, truncation: .ellipsis)
        }
    }
}
