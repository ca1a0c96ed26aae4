/// Selection and scroll position of a list or table; owned by the screen, read by the widget.
///
///     var products = ListState()                                       // selects row 0
///     products.moveSelection(by: 1, count: items.count, visibleRows: 10)
///     products.moveSelection(by: 10, count: items.count)               // page down
///     ListView(items: names).render(into: &buffer, area: area, state: products)
public struct ListState: Hashable, Sendable {
    /// The selected row, or nil for none.
    public var selected: Int?
    /// The first visible row (the widget scrolls further itself if the selection is out of view).
    public var offset: Int

    public init(selected: Int? = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Selects row `index` (clamped to `0..<count`; nil when the list is empty) and, when
    /// `visibleRows` is known, scrolls the least needed to keep it in view.
    public mutating func select(_ index: Int?, count: Int, visibleRows: Int? = nil) {
        guard let index, count > 0 else { selected = nil; offset = 0; return }
        selected = min(max(0, index), count - 1)
        if let rows = visibleRows { offset = visibleOffset(rows: rows, count: count) }
    }

    /// Moves the selection by `delta` rows (negative is up), stopping at the ends.
    public mutating func moveSelection(by delta: Int, count: Int, visibleRows: Int? = nil) {
        select((selected ?? (delta > 0 ? -1 : count)) + delta, count: count, visibleRows: visibleRows)
    }

    /// What every list does with ↑↓ (one row), PgUp/PgDn (a page: `visibleRows`, the rows the list
    /// shows at this terminal size) and Home/End (the first and last row). False for other keys.
    ///
    ///     case .key(let key) where list.navigate(key, count: items.count, visibleRows: Self.listRows(in: context.session.screenArea)): break
    public mutating func navigate(_ key: Key, count: Int, visibleRows: Int) -> Bool {
        let page = max(1, visibleRows)
        switch key {
        case .up: moveSelection(by: -1, count: count, visibleRows: page)
        case .down: moveSelection(by: 1, count: count, visibleRows: page)
        case .pageUp: moveSelection(by: -page, count: count, visibleRows: page)
        case .pageDown: moveSelection(by: page, count: count, visibleRows: page)
        case .home: select(0, count: count, visibleRows: page)
        case .end: select(count - 1, count: count, visibleRows: page)
        default: return false
        }
        return true
    }

    /// The keys `navigate` takes beyond ↑↓, for help (the footer keeps its room for "↑↓ move").
    /// Computed: the words follow the language.
    public static var pagingBindings: [KeyBinding] { [
        KeyBinding(keys: [.pageUp, .pageDown], label: "PgUp/PgDn", help: L.t("list.page"), showsInFooter: false),
        KeyBinding(keys: [.home, .end], label: "Home/End", help: L.t("list.first_last"), showsInFooter: false),
    ] }

    /// The keys `navigate` takes.
    public static let navigationKeys: [Key] = [.up, .down, .pageUp, .pageDown, .home, .end]

    /// vi's k and j as ↑ and ↓ (lists that take no typing answer both); other keys as they are.
    public static func arrow(_ key: Key) -> Key { key == .char("k") ? .up : key == .char("j") ? .down : key }

    /// The first row to show in `rows` rows so that the selection is visible, moving as little
    /// as possible from `offset`.
    public func visibleOffset(rows: Int, count: Int) -> Int {
        guard rows > 0, count > rows else { return 0 }
        var top = min(max(0, offset), count - rows)
        if let s = selected {
            if s < top { top = s }
            if s >= top + rows { top = s - rows + 1 }
        }
        return top
    }
}
