import Foundation
import ShopEngine

/// The catalog: search as you type, category filter, sort, in-stock toggle, and paging through
/// any size of catalog (the next page loads as the selection nears the end).
struct BrowseScreen: Screen {
    var title: String { "Browse" }

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
    static let keys: KeyMap<Action> = [
        (.up, KeyBinding(keys: [.up, .char("k")], label: "↑↓", help: "move")),
        (.down, KeyBinding(keys: [.down, .char("j")], help: "move down", showsInFooter: false)),
        (.page, ListState.pagingBindings[0]), (.page, ListState.pagingBindings[1]),
        (.open, KeyBinding(keys: [.enter], help: "open")),
        (.search, KeyBinding(keys: [.char("/")], help: "search")),
        (.category, KeyBinding(keys: [.char("f")], help: "category")),
        (.sort, KeyBinding(keys: [.char("t")], help: "sort")),
        (.stock, KeyBinding(keys: [.char("i")], help: "in stock only")),
    ]

    var bindings: [KeyBinding] { searching ? [KeyBinding(keys: [.enter], label: "Enter", help: "done"), KeyBinding(keys: [.escape], help: "clear search")] : Self.keys.bindings }
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
        case .name: "name"
        case .price: "price ↑"
        case .priceDesc: "price ↓"
        case .newest: "newest"
        }
    }

    /// The table's area in the screen's: below the search and filter lines. Render and paging
    /// both use it, so a page is what the table shows.
    static func tableArea(in area: Rect) -> (top: Rect, table: Rect) { let (top, table) = area.splitTop(2); return (top, table) }
    /// Product rows the table shows (its header takes one).
    static func visibleRows(in area: Rect) -> Int { max(1, tableArea(in: area).table.height - 1) }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let (top, rest) = Self.tableArea(in: area)
        let x = buffer.setString(top.x, top.y, "Search ", style: searching ? Theme.title : .plain)
        TextField(placeholder: "type / to search", isFocused: searching).render(into: &buffer, area: Rect(x: x, y: top.y, width: min(32, top.width - 40), height: 1), state: search)
        let filters = "Category: \(categoryIndex.map { categories[$0].name } ?? "all")   Sort: \(Self.sortLabel(sort))   In stock only: \(inStockOnly ? "yes" : "no")"
        buffer.setString(top.x, top.y + 1, filters, style: Theme.muted, maxWidth: top.width)
        let currency = session.currency
        let rows = products.map { p -> [String] in
            let price = (p.variants.isEmpty ? "" : "from ") + currency.format(p.price)
            let stock = p.stock == 0 ? "sold out" : p.isLow(stock: p.stock) ? "only \(p.stock)" : "\(p.stock)"
            return [p.name, p.category, price, stock]
        }
        let table = Table(columns: [.init("Product", width: .fill(1)), .init("Category", width: .length(14)),
                                    .numeric("Price (\(currency.code))", width: 16), .numeric("Stock", width: 9)],
                          rows: rows, emptyText: loading ? "Loading…" : search.isEmpty ? "No products yet" : "Nothing matches “\(search.text)”")
        table.render(into: &buffer, area: rest, state: list)
        if nextCursor != nil || products.count > 0 {
            let status = "\(products.count)\(nextCursor != nil ? "+" : "") \(products.count == 1 && nextCursor == nil ? "product" : "products")"
            buffer.setString(rest.right - TextWidth.of(status), top.y + 1, status, style: Theme.muted)
        }
    }
}
