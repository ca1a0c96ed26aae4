import ShopEngine

/// One product: description, price, stock, variants, and add to cart with a quantity.
/// A guest is sent to sign in and comes back here, where the add then happens.
struct ProductScreen: Screen {
    let productID: Int64
    var title: String
    private var product: Product?
    private var loadFailed = false
    var isLoading: Bool { product == nil && !loadFailed }
    private var variants = ListState()
    private var quantity: Int64 = 1
    /// The next digit starts a new quantity instead of appending to the one shown: true when
    /// the page opens and after any key that is not a digit (+/-, a variant, an add), so typing
    /// `2` then `5` after `+` gives 25, not 225.
    private var digitReplaces = true
    private var pendingAdd = false
    private var adding = false

    // MARK: Photo (shown as a picture where the terminal can; see PhotoBox)
    private var photo: TerminalImage?
    private struct PhotoLoaded: Sendable { let photo: TerminalImage? }

    init(productID: Int64, name: String) {
        self.productID = productID
        self.title = name
    }

    private struct Loaded: Sendable { let result: Outcome<Product> }
    /// `what`: the product and variant as the customer chose them ("2 × Carrot cake (1 kg)").
    private struct Added: Sendable { let what: String; let result: Outcome<CartService.Cart> }

    enum Action: Sendable { case up, down, more, less, add }
    static var keys: KeyMap<Action> { [
        (.up, KeyBinding(keys: [.up, .char("k")], label: "↑↓", help: L.t("product.keys.variant"))),
        (.down, KeyBinding(keys: [.down, .char("j")], help: L.t("product.keys.next_variant"), showsInFooter: false)),
        (.more, KeyBinding(keys: [.char("+"), .right], label: "+/-", help: L.t("product.keys.quantity"))),
        (.less, KeyBinding(keys: [.char("-"), .left], help: L.t("product.keys.fewer"), showsInFooter: false)),
        (.add, KeyBinding(keys: [.enter, .char("a")], label: "Enter", help: L.t("product.keys.add"))),
    ] }
    /// Variant keys only for a product that has variants.
    var bindings: [KeyBinding] {
        let hasVariants = !(product?.variants.isEmpty ?? true)
        return Self.keys.entries.filter { hasVariants || !($0.action == .up || $0.action == .down) }.map(\.binding)
    }

    mutating func start(_ context: inout ScreenContext) {
        load(&context)
        loadPhoto(&context)
    }

    /// Fetched only for a terminal that shows pictures (elsewhere `hasPhoto` is enough for the
    /// marker); a product without a photo answers not found, which leaves `photo` nil.
    private func loadPhoto(_ context: inout ScreenContext) {
        guard context.session.settings.images != .none else { return }
        let shop = context.shop, caller = context.caller, id = productID
        context.run { PhotoLoaded(photo: (try? shop.catalog.photo(productID: id, caller: caller)).flatMap { TerminalImage(key: "product/\(id)", bytes: $0.bytes) }) }
    }

    private func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller, id = productID
        context.run { Loaded(result: Result { try shop.catalog.product(id: id, caller: caller) }) }
    }

    private var selectedVariant: Product.Variant? {
        guard let product, !product.variants.isEmpty, let i = variants.selected, product.variants.indices.contains(i) else { return nil }
        return product.variants[i]
    }

    private var available: Int64 { selectedVariant?.stock ?? product?.stock ?? 0 }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let loaded as PhotoLoaded):
            photo = loaded.photo
        case .result(let loaded as Loaded):
            switch loaded.result {
            case .success(let p):
                product = p
                title = p.name
                if variants.selected == nil || !p.variants.indices.contains(variants.selected!) { variants = ListState(selected: p.variants.isEmpty ? nil : 0) }
            case .failure(let error): context.fail(error); loadFailed = true
            }
        case .result(let added as Added):
            adding = false
            switch added.result {
            case .success(let cart):
                context.say(L.t("product.added", ["what": added.what, "items": Format.items(cart.itemCount), "total": context.session.money(cart.total)]), .success)
                quantity = 1
            case .failure(let error): context.fail(error)
            }
            load(&context)
        case .appeared:
            if pendingAdd && context.session.isSignedIn { pendingAdd = false; add(&context) }
        case .key(let key):
            if case .char(let c) = key, let digit = c.wholeNumberValue {
                let typed = digitReplaces ? Int64(digit) : quantity * 10 + Int64(digit)
                digitReplaces = false
                setQuantity(typed, &context)
                return true
            }
            if key == .backspace { quantity = max(1, quantity / 10); return true }
            guard let action = Self.keys.action(for: key) else { return false }
            digitReplaces = true
            switch action {
            case .up:
                variants.moveSelection(by: -1, count: product?.variants.count ?? 0)
                if quantity > limit { setQuantity(quantity, &context) }
            case .down:
                variants.moveSelection(by: 1, count: product?.variants.count ?? 0)
                if quantity > limit { setQuantity(quantity, &context) }
            case .more: setQuantity(quantity + 1, &context)
            case .less: quantity = max(1, quantity - 1)
            case .add: add(&context)
            }
        default: break
        }
        return true
    }

    /// The most one add may ask for: what is in stock (the engine's one quantity rule caps it).
    /// A sold-out item keeps 1, and the engine's refusal says it is sold out.
    private var limit: Int64 { available > 0 ? min(available, CartService.maxQuantity) : 1 }

    /// Sets the quantity, capped at the stock shown, and says the limit at once when capped.
    private mutating func setQuantity(_ wanted: Int64, _ context: inout ScreenContext) {
        guard wanted > limit else { quantity = max(1, wanted); return }
        quantity = limit
        if available <= 0 {
            context.say(L.t("product.sold_out_named", ["name": selectedVariant?.name ?? product?.name ?? ""]), .error)
        } else if available >= CartService.maxQuantity {
            context.say(L.t("product.at_most", ["count": Format.number(CartService.maxQuantity)]), .error)
        } else {
            context.say(L.t("product.capped", ["available": Format.number(available), "quantity": Format.number(limit)]), .error)
        }
    }

    private mutating func add(_ context: inout ScreenContext) {
        guard let product, !adding else { return }
        guard context.session.isSignedIn else {
            pendingAdd = true
            context.say(L.t("product.sign_in_first"))
            context.go(.signIn)
            return
        }
        adding = true
        let shop = context.shop, caller = context.caller, variant = selectedVariant?.id, quantity = self.quantity
        let what = selectedVariant.map { L.t("product.what_variant", ["quantity": Format.number(quantity), "name": product.name, "variant": $0.name]) }
            ?? L.t("product.what", ["quantity": Format.number(quantity), "name": product.name])
        context.run { Added(what: what, result: Result { try shop.carts.add(productID: product.id, variantID: variant, quantity: quantity, caller: caller) }) }
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        guard let product else {
            buffer.setString(area.x, area.y, L.t("list.loading"), style: Theme.muted)
            return
        }
        let currency = session.currency
        // The photo: a picture box at the right where the terminal shows pictures, else a marker.
        let photoBox = PhotoBox.column(in: area, images: session.settings.images, hasPhoto: product.hasPhoto)
        let textWidth = photoBox.map { $0.x - area.x - 2 } ?? area.width
        if photoBox == nil, product.hasPhoto {
            buffer.setString(area.right - TextWidth.of(PhotoBox.marker), area.y, PhotoBox.marker, style: Theme.muted)
        }
        let nameWidth = photoBox == nil && product.hasPhoto ? textWidth - TextWidth.of(PhotoBox.marker) - 2 : textWidth
        var y = area.y
        buffer.setString(area.x, y, product.name, style: Theme.title, maxWidth: nameWidth)
        y += 1
        // Category, SKU and barcode each as its own run: the codes stay left to right.
        var x = buffer.setString(area.x, y, product.category, style: Theme.muted, maxWidth: textWidth)
        x = buffer.setString(x, y, "  ·  " + L.t("product.sku"), style: Theme.muted, maxWidth: area.x + textWidth - x) + 1
        x = buffer.setString(x, y, product.sku, style: Theme.muted, maxWidth: max(0, area.x + textWidth - x), leftToRight: true)
        if let barcode = product.barcode, x < area.x + textWidth {
            x = buffer.setString(x, y, "  ·  " + L.t("product.barcode"), style: Theme.muted, maxWidth: area.x + textWidth - x) + 1
            buffer.setString(x, y, barcode, style: Theme.muted, maxWidth: max(0, area.x + textWidth - x), leftToRight: true)
        }
        y += 2
        let text = Paragraph(product.description.isEmpty ? L.t("product.no_description") : product.description)
        let lines = text.lines(width: textWidth)
        text.render(into: &buffer, area: Rect(x: area.x, y: y, width: textWidth, height: min(lines.count, 5)))
        y += min(lines.count, 5) + 1
        if product.variants.isEmpty {
            buffer.setString(area.x, y, L.t("product.price", ["price": Format.money(product.price, currency, withCode: true)]), style: Theme.title)
            y += 1
        } else {
            buffer.setString(area.x, y, L.t("product.choose_variant"), style: Theme.title)
            y += 1
            let rows = product.variants.map { [$0.name, Format.money($0.price, currency, withCode: true), $0.stock == 0 ? L.t("browse.sold_out") : L.t("product.in_stock", ["count": Format.number($0.stock)])] }
            let height = min(product.variants.count + 1, 7)
            Table(columns: [.init(L.t("product.column.variant"), width: .length(16)), .numeric(L.t("product.column.price"), width: 16), .numeric(L.t("browse.column.stock"), width: 12)], rows: rows)
                .render(into: &buffer, area: Rect(x: area.x, y: y, width: min(area.width, 50), height: height), state: variants)
            y += height
        }
        y += 1
        let stockText = available == 0 ? L.t("product.sold_out") : product.isLow(stock: available) ? L.t("product.only_left", ["count": Format.number(available)]) : L.t("product.in_stock", ["count": Format.number(available)])
        buffer.setString(area.x, y, stockText, style: product.isLow(stock: available) ? Theme.error : .plain)
        y += 2
        x = buffer.setString(area.x, y, L.t("product.quantity"), style: Theme.title) + 2
        x = buffer.setString(x, y, " \(Format.number(quantity)) ", style: Theme.key)
        let price = selectedVariant?.price ?? product.price
        buffer.setString(x + 2, y, L.t("product.line_total", ["total": Format.money(price * quantity, currency, withCode: true)]), style: Theme.muted, maxWidth: area.right - x - 2)
        if !session.isSignedIn {
            buffer.setString(area.x, y + 2, L.t("product.guest_hint"), style: Theme.muted, maxWidth: area.width)
        }
        // Drawn last, so a long line below the description stops at its frame.
        if let photoBox { PhotoBox(photo: photo, images: session.settings.images).render(into: &buffer, area: photoBox) }
    }
}
