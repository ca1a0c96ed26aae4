import Foundation
import ShopEngine

/// The catalog: search as you type, category filter, sort, in-stock toggle, and paging through
/// any size of catalog (the next page loads as the selection nears the end).
struct BrowseScreen: Screen {
    var title: String { L.t("browse.title") }

    private var search = TextFieldState(maxLength: 60)
    private var searching = false
    private var categories: [ShopEngine.Category] = []
    private var categoryIndex: Int? = nil
    private var sort: ProductQuery.Sort = .name
    private var inStockOnly = false
    private var products: [Product] = []
    private var nextCursor: String?
    private var list = ListState()
    private var loading = false
    private var version = 0
    /// The query version whose results are on screen; behind `version` while a search is pending.
    private var shownVersion = 0
    /// Enter was pressed before the pending results arrived: open the first match when they do.
    private var openWhenLoaded = false
    /// The product kept selected across a reload (back from a product, the shop changed).
    private var keepSelection: Int64?

    /// A page of results, and when the effect finished (wall clock, for the start-up figure).
    private struct Page: Sendable { let version: Int; let append: Bool; let result: Outcome<ProductPage>; var loadedAt = Date() }
    private struct Categories: Sendable { let result: Outcome<[ShopEngine.Category]> }
    private struct Debounced: Sendable { let version: Int }

    enum Action: Sendable { case up, down, page, open, search, category, sort, stock }
    static var keys: KeyMap<Action> { [
        (.up, KeyBinding(keys: [.up, .char("k")], label: "↑↓", help: L.t("list.move"))),
        (.down, KeyBinding(keys: [.down, .char("j")], help: L.t("list.move_down"), showsInFooter: false)),
        (.page, ListState.pagingBindings[0]), (.page, ListState.pagingBindings[1]),
        (.open, KeyBinding(keys: [.enter], help: L.t("list.open"))),
        (.search, KeyBinding(keys: [.char("/")], help: L.t("browse.keys.search"))),
        (.category, KeyBinding(keys: [.char("f")], help: L.t("browse.keys.category"))),
        (.sort, KeyBinding(keys: [.char("t")], help: L.t("browse.keys.sort"))),
        (.stock, KeyBinding(keys: [.char("i")], help: L.t("browse.keys.in_stock"))),
    ] }

    var bindings: [KeyBinding] { searching ? [KeyBinding(keys: [.enter], label: "Enter", help: L.t("browse.keys.done")), KeyBinding(keys: [.escape], help: L.t("browse.keys.clear"))] : Self.keys.bindings }
    var capturesText: Bool { searching }

    mutating func start(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Categories(result: Result { try shop.catalog.categories(caller: caller) }) }
        reload(&context)
    }

    private mutating func reload(_ context: inout ScreenContext, append: Bool = false) {
        if !append { version += 1 }
        loading = true
        let query = ProductQuery(text: search.text.isEmpty ? nil : search.text,
                                 category: categoryIndex.map { categories[$0].name }, inStockOnly: inStockOnly, sort: sort,
                                 limit: 50, cursor: append ? nextCursor : nil)
        let shop = context.shop, caller = context.caller, version = self.version
        context.run { Page(version: version, append: append, result: Result { try shop.catalog.list(query, caller: caller) }) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let page as Page):
            guard page.version == version else { return true } // an older query: ignore
            loading = false
            shownVersion = version
            switch page.result {
            case .success(let result):
                products = page.append ? products + result.items : result.items
                nextCursor = result.nextCursor
                if !page.append {
                    // Back from a product or a refresh: stay on the same product, same scroll.
                    let kept = keepSelection.flatMap { id in products.firstIndex { $0.id == id } }
                    list = ListState(selected: products.isEmpty ? nil : kept ?? 0, offset: kept == nil ? 0 : list.offset)
                    keepSelection = nil
                }
                if context.session.catalogShownAt == nil { context.session.catalogShownAt = page.loadedAt }
                if openWhenLoaded {
                    openWhenLoaded = false
                    act(.open, &context)
                }
            case .failure(let error): context.fail(error)
            }
        case .result(let loaded as Categories):
            if case .success(let list) = loaded.result { categories = list }
        case .result(let tick as Debounced):
            if tick.version == version { reload(&context) }
        case .appeared, .shopChanged:
            keepSelection = list.selected.flatMap { products.indices.contains($0) ? products[$0].id : nil }
            reload(&context)
        case .key(let key):
            if searching { return typeSearch(key, &context) }
            guard let action = Self.keys.action(for: key) else { return false }
            if case .page = action { move(key, &context); return true }
            act(action, &context)
        default: break
        }
        return true
    }

    private mutating func typeSearch(_ key: Key, _ context: inout ScreenContext) -> Bool {
        switch key {
        case .enter, .down:
            searching = false
            if shownVersion != version && !loading { reload(&context) } // don't wait for the pause
        case .escape:
            searching = false
            if !search.isEmpty { search.setText(""); reload(&context) }
        default:
            let before = search.text
            guard search.handle(key) else { return true }
            if search.text != before {
                version += 1
                context.after(0.15, Debounced(version: version)) // wait for a pause in typing
            }
        }
        return true
    }

    private mutating func act(_ action: Action, _ context: inout ScreenContext) {
        switch action {
        case .up: move(.up, &context)
        case .down: move(.down, &context)
        case .page: break   // needs the key: see `handle`
        case .open:
            if shownVersion != version { openWhenLoaded = true; return } // results still on their way
            if let i = list.selected, products.indices.contains(i) { context.go(.push(ProductScreen(productID: products[i].id, name: products[i].name))) }
        case .search: searching = true
        case .category:
            guard !categories.isEmpty else { return }
            categoryIndex = categoryIndex.map { $0 + 1 < categories.count ? $0 + 1 : nil } ?? 0
            reload(&context)
        case .sort:
            let all = ProductQuery.Sort.allCases
            sort = all[(all.firstIndex(of: sort)! + 1) % all.count]
            reload(&context)
        case .stock:
            inStockOnly.toggle()
            reload(&context)
        }
    }

    /// ↑↓, PgUp/PgDn, Home/End (see `ListState.navigate`); near the end the next page loads.
    private mutating func move(_ key: Key, _ context: inout ScreenContext) {
        _ = list.navigate(key, count: products.count, visibleRows: Self.visibleRows(in: context.session.screenArea))
        if let i = list.selected, i >= products.count - 10, nextCursor != nil, !loading { reload(&context, append: true) }
    }

    static func sortLabel(_ sort: ProductQuery.Sort) -> String {
        switch sort {
        case .name: L.t("browse.sort.name")
        case .price: L.t("browse.sort.price")
        case .priceDesc: L.t("browse.sort.price_desc")
        case .newest: L.t("browse.sort.newest")
        }
    }

    /// The table's area in the screen's: below the search and filter lines. Render and paging
    /// both use it, so a page is what the table shows.
    static func tableArea(in area: Rect) -> (top: Rect, table: Rect) { let (top, table) = area.splitTop(2); return (top, table) }
    /// Product rows the table shows (its header takes one).
    static func visibleRows(in area: Rect) -> Int { max(1, tableArea(in: area).table.height - 1) }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let (top, rest) = Self.tableArea(in: area)
        let x = buffer.setString(top.x, top.y, L.t("browse.search"), style: searching ? Theme.title : .plain) + 1
        TextField(placeholder: L.t("browse.search_hint"), isFocused: searching).render(into: &buffer, area: Rect(x: x, y: top.y, width: min(32, top.width - 40), height: 1), state: search)
        // Three pieces, three bidi runs: a Latin category name keeps its place.
        let filters = [L.t("browse.filter.category", ["category": categoryIndex.map { categories[$0].name } ?? L.t("list.all")]),
                       L.t("browse.filter.sort", ["sort": Self.sortLabel(sort)]),
                       L.t("browse.filter.in_stock", ["answer": inStockOnly ? L.t("browse.yes") : L.t("browse.no")])]
        var fx = top.x
        for piece in filters where fx < top.right { fx = buffer.setString(fx, top.y + 1, piece, style: Theme.muted, maxWidth: top.right - fx) + 3 }
        let currency = session.currency
        let rows = products.map { p -> [String] in
            let amount = Format.money(p.price, currency)
            let price = p.variants.isEmpty ? amount : L.t("browse.price_from", ["price": amount])
            let stock = p.stock == 0 ? L.t("browse.sold_out") : p.isLow(stock: p.stock) ? L.t("browse.only", ["count": Format.number(p.stock)]) : Format.number(p.stock)
            return [p.name, p.category, price, stock]
        }
        let table = Table(columns: [.init(L.t("browse.column.product"), width: .fill(1)), .init(L.t("browse.column.category"), width: .length(14)),
                                    .numeric(L.t("browse.column.price", ["currency": currency.code]), width: 16), .numeric(L.t("browse.column.stock"), width: 9)],
                          rows: rows, emptyText: loading ? L.t("list.loading") : search.isEmpty ? L.t("browse.empty") : L.t("browse.no_match", ["text": search.text]))
        table.render(into: &buffer, area: rest, state: list)
        if nextCursor != nil || products.count > 0 {
            let status = nextCursor != nil ? L.t("browse.count_more", ["count": Format.number(products.count)]) : L.plural("browse.count", count: products.count)
            buffer.setString(rest.right - TextWidth.of(status), top.y + 1, status, style: Theme.muted)
        }
    }
}
