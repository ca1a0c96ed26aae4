import ShopEngine

/// A name typed in the code field (not a barcode or SKU): the catalog's matches to pick from.
/// ↑↓ to choose, Enter adds it (a product with variants then asks which), Esc skips. Codes
/// scanned meanwhile wait their turn behind it, as with the variant choice.
struct ProductPicker {
    let query: String
    let products: [Product]
    let quantity: Int64
    var list: ListState

    enum Action { case none, chosen(Product, quantity: Int64), skipped, typed(Key) }

    init(query: String, products: [Product], quantity: Int64) {
        self.query = query
        self.products = products
        self.quantity = quantity
        list = ListState(selected: products.firstIndex { $0.isForSale && ($0.stock > 0 || !$0.variants.isEmpty) } ?? 0)
    }

    static var bindings: [KeyBinding] {
        [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("product_picker.keys.product")), KeyBinding(keys: [.enter], help: L.t("product_picker.keys.add")),
         KeyBinding(keys: [.escape], help: L.t("variant_picker.keys.skip"))]
    }

    /// `typing`: the code field holds text, so Enter belongs to it.
    mutating func handle(_ key: Key, typing: Bool) -> Action {
        switch key {
        case .up: list.moveSelection(by: -1, count: products.count)
        case .down: list.moveSelection(by: 1, count: products.count)
        case .enter where !typing:
            guard let i = list.selected, products.indices.contains(i) else { return .skipped }
            return .chosen(products[i], quantity: quantity)
        case .escape: return .skipped
        default: return .typed(key)
        }
        return .none
    }

    func render(into buffer: inout Buffer, area: Rect, currency: Currency) {
        let box = area.centered(width: min(area.width, 64), height: min(area.height, products.count + 4))
        buffer.fill(box)
        Block(title: L.t("product_picker.title", ["query": query])).render(into: &buffer, area: box)
        let inner = box.inner(1).inner(horizontal: 1, vertical: 0)
        let items = products.map { p -> ListItem in
            let stock = !p.variants.isEmpty ? L.plural("product_picker.variants", count: p.variants.count)
                : p.stock <= 0 ? L.t("quick_sale.stock.sold_out") : L.t("quick_sale.stock.in_stock", ["count": Format.number(p.stock)])
            let price = p.variants.isEmpty ? Format.money(p.price, currency) : ""
            let name = p.name.padding(toLength: max(p.name.count, 28), withPad: " ", startingAt: 0)
            return ListItem("\(name) \(price.leftPadded(9))  \(stock)", style: p.variants.isEmpty && p.stock <= 0 ? Theme.muted : .plain)
        }
        ListView(items: items).render(into: &buffer, area: Rect(x: inner.x, y: inner.y, width: inner.width, height: max(0, inner.height - 1)), state: list)
        buffer.setString(inner.x, inner.bottom - 1, quantity > 1 ? L.t("product_picker.hint_quantity", ["qty": Format.number(quantity)]) : L.t("product_picker.hint"), style: Theme.muted, maxWidth: inner.width)
    }
}
