import ShopEngine

/// Which variant of a scanned product (a cake by weight): ↑↓ to choose, +/- for the quantity.
/// The codes scanned meanwhile wait their turn behind it.
struct VariantPicker {
    let product: Product
    var quantity: Int64
    var list: ListState

    enum Action { case none, chosen(Product.Variant, quantity: Int64), skipped, typed(Key) }

    init(product: Product, quantity: Int64) {
        self.product = product
        self.quantity = quantity
        list = ListState(selected: product.variants.firstIndex { $0.stock > 0 } ?? 0)
    }

    static var bindings: [KeyBinding] {
        [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("variant_picker.keys.variant")), KeyBinding(keys: [.enter], help: L.t("variant_picker.keys.choose")),
         KeyBinding(keys: [.escape], help: L.t("variant_picker.keys.skip"))]
    }

    /// `typing`: the code field holds text, so +, - and Enter belong to it.
    mutating func handle(_ key: Key, typing: Bool) -> Action {
        switch key {
        case .up: list.moveSelection(by: -1, count: product.variants.count)
        case .down: list.moveSelection(by: 1, count: product.variants.count)
        case .char("+") where !typing: quantity = min(CartService.maxQuantity, quantity + 1)
        case .char("-") where !typing: quantity = max(1, quantity - 1)
        case .enter where !typing:
            guard let i = list.selected, product.variants.indices.contains(i) else { return .skipped }
            return .chosen(product.variants[i], quantity: quantity)
        case .escape: return .skipped
        default: return .typed(key)
        }
        return .none
    }

    func render(into buffer: inout Buffer, area: Rect, currency: Currency) {
        let variants = product.variants
        let box = area.centered(width: min(area.width, 56), height: min(area.height, variants.count + 4))
        buffer.fill(box)
        Block(title: L.t("variant_picker.title", ["name": product.name])).render(into: &buffer, area: box)
        let inner = box.inner(1).inner(horizontal: 1, vertical: 0)
        let items = variants.map { v -> ListItem in
            let name = v.name.padding(toLength: max(v.name.count, 16), withPad: " ", startingAt: 0)
            let stock = v.stock <= 0 ? L.t("quick_sale.stock.sold_out") : L.t("quick_sale.stock.in_stock", ["count": Format.number(v.stock)])
            return ListItem("\(name) \(Format.money(v.price, currency).leftPadded(10))   \(stock)", style: v.stock <= 0 ? Theme.muted : .plain)
        }
        ListView(items: items).render(into: &buffer, area: Rect(x: inner.x, y: inner.y, width: inner.width, height: max(0, inner.height - 1)), state: list)
        buffer.setString(inner.x, inner.bottom - 1, L.t("variant_picker.hint", ["qty": Format.number(quantity)]), style: Theme.muted, maxWidth: inner.width)
    }
}
