import ShopEngine

/// The rows of a paged list screen and the bookkeeping of loading them: only the newest
/// request's answer is kept, "load more" appends, and the selection stays on a valid row.
///
///     rows.request(append: false, &context) { cursor in
///         let page = try shop.orders.list(cursor: cursor, caller: caller); return (page.items, page.nextCursor)
///     }
///     case .result(let page as PagedRows<Order>.Page): rows.receive(page, &context)
struct PagedRows<Item: Sendable> {
    private(set) var items: [Item] = []
    private(set) var nextCursor: String?
    var list = ListState()
    private(set) var loading = false
    /// Whether the first page has come back (rows or an error).
    private(set) var hasLoaded = false
    private var version = 0

    struct Page: Sendable {
        let version: Int
        let append: Bool
        let result: Outcome<([Item], String?)>
    }

    /// Asks for the first page (or, with `append`, the next one) off the UI thread.
    mutating func request(append: Bool = false, _ context: inout ScreenContext,
                          _ fetch: @escaping @Sendable (_ cursor: String?) throws -> ([Item], String?)) {
        if !append { version += 1 }
        loading = true
        let version = self.version, cursor = append ? nextCursor : nil
        context.run { Page(version: version, append: append, result: Result { try fetch(cursor) }) }
    }

    /// Takes a page if it answers the newest request (older answers are dropped).
    mutating func receive(_ page: Page, _ context: inout ScreenContext) {
        guard page.version == version else { return }
        loading = false
        hasLoaded = true
        switch page.result {
        case .success(let (rows, next)):
            items = page.append ? items + rows : rows
            nextCursor = next
            // A reload (back on the screen, the shop changed) keeps the row and the scroll.
            if !page.append { list = ListState(selected: items.isEmpty ? nil : min(list.selected ?? 0, items.count - 1), offset: list.offset) }
        case .failure(let error):
            // A transient failure leaves the last rows up; a refusal (the role changed, the
            // session ended) takes them down: they were shown to a role the caller lost.
            if ScreenContext.isRefusal(error) {
                items = []
                nextCursor = nil
                list = ListState()
            }
            context.fail(error)
        }
    }

    var selected: Item? { list.selected.flatMap { items.indices.contains($0) ? items[$0] : nil } }

    /// True when the selection is near the end and more rows can be loaded.
    var wantsMore: Bool { (list.selected ?? 0) >= items.count - 5 && nextCursor != nil && !loading }

    mutating func move(by delta: Int, visibleRows: Int? = nil) { list.moveSelection(by: delta, count: items.count, visibleRows: visibleRows) }

    /// ↑↓, PgUp/PgDn and Home/End (see `ListState.navigate`); false for other keys. The caller
    /// loads more when `wantsMore` says so.
    mutating func navigate(_ key: Key, visibleRows: Int) -> Bool { list.navigate(key, count: items.count, visibleRows: visibleRows) }
}
