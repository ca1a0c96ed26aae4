import ShopEngine

/// Adds a product, or edits one: every field, variants written as `name=price` separated by
/// `;` (a new variant may add its starting stock: `3 kg=64.00=2`; a name holding `;`, `=` or
/// `\` writes it `\;`, `\=`, `\\`). Stock of an existing
/// product changes only through a stock adjustment (the ledger), never here. A photo is named
/// by a PNG/JPEG file's path on this machine; it is checked before anything is saved.
struct ProductFormScreen: Screen {
    let product: Product?
    var title: String { product.map { L.t("product_form.title_edit", ["name": $0.name]) } ?? L.t("product_form.title_new") }
    private var form: FormState
    private var saving = false

    init(product: Product?) {
        self.product = product
        var fields = [
            FormField("sku", label: L.t("products.column.sku"), input: TextFieldState(maxLength: 64)),
            FormField("barcode", label: L.t("product_form.barcode"), placeholder: L.t("product_form.optional"), input: TextFieldState(maxLength: 64)),
            FormField("name", label: L.t("customer_finder.name"), input: TextFieldState(maxLength: 200)),
            FormField("description", label: L.t("product_form.description"), placeholder: L.t("product_form.optional"), input: TextFieldState(maxLength: 5000)),
            FormField("category", label: L.t("products.column.category"), placeholder: L.t("product_form.optional"), input: TextFieldState(maxLength: 100)),
            FormField("price", label: L.t("quick_sale.column.price"), placeholder: L.t("product_form.price_placeholder"), input: TextFieldState(maxLength: 16, filter: .decimal)),
        ]
        if product == nil { fields.append(FormField("stock", label: L.t("quick_sale.column.stock"), placeholder: Format.number(0), input: TextFieldState(maxLength: 10, filter: .digits))) }
        fields += [
            FormField("active", label: L.t("product_form.for_sale"), placeholder: L.t("product_form.yes_no"), input: TextFieldState(maxLength: 3)),
            FormField("variants", label: L.t("product_form.variants"), placeholder: L.t("product_form.variants_placeholder"), input: TextFieldState(maxLength: 2000)),
            FormField("photo", label: L.t("customer_photo.file"), placeholder: product?.hasPhoto == true ? L.t("customer_photo.has_photo") : L.t("product_form.photo_placeholder"),
                      input: TextFieldState(maxLength: 1024)),
        ]
        form = FormState(fields)
        form["active"].setText(product.map { $0.active ? L.t("product_form.yes") : L.t("product_form.no") } ?? L.t("product_form.yes"))
    }

    private struct Saved: Sendable { let result: Outcome<Product> }

    var bindings: [KeyBinding] {
        [KeyBinding(keys: [.tab], label: "Tab/↑↓", help: L.t("coupon_form.keys.next")), KeyBinding(keys: [.enter], help: L.t("coupon_form.keys.save")),
         KeyBinding(keys: [.escape], help: L.t("cash_up.keys.cancel"))]
    }
    var capturesText: Bool { true }

    mutating func start(_ context: inout ScreenContext) {
        guard let product else { return }
        let currency = context.session.currency
        form["sku"].setText(product.sku)
        form["barcode"].setText(product.barcode ?? "")
        form["name"].setText(product.name)
        form["description"].setText(product.description)
        form["category"].setText(product.category)
        if product.variants.isEmpty { form["price"].setText(Self.plain(product.price, currency)) }
        form["variants"].setText(Self.variantsText(product.variants, currency: currency))
    }

    /// The variants as the form shows them; `parseVariants` reads it back to the same names and
    /// prices, whatever characters the names hold (they may come from the HTTP API).
    static func variantsText(_ variants: [Product.Variant], currency: Currency) -> String {
        variants.map { escaped($0.name) + "=" + plain($0.price, currency) }.joined(separator: "; ")
    }

    private static let specials: Set<Character> = ["\\", ";", "="]

    private static func escaped(_ name: String) -> String {
        var out = ""
        for ch in name {
            if specials.contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    /// Splits at each `separator` not escaped by a backslash; escapes stay in the parts.
    private static func split(_ text: Substring, on separator: Character) -> [Substring] {
        var parts: [Substring] = []
        var start = text.startIndex, i = text.startIndex, escaping = false
        while i < text.endIndex {
            let ch = text[i]
            if escaping { escaping = false } else if ch == "\\" { escaping = true } else if ch == separator {
                parts.append(text[start..<i])
                start = text.index(after: i)
            }
            i = text.index(after: i)
        }
        parts.append(text[start...])
        return parts
    }

    /// Drops the backslash of each `\x`.
    private static func unescaped(_ text: Substring) -> String {
        var out = "", escaping = false
        for ch in text {
            if !escaping && ch == "\\" { escaping = true; continue }
            escaping = false
            out.append(ch)
        }
        return out
    }

    /// `1250` → `12.50`, without thousands separators, for editing.
    static func plain(_ amount: Int64, _ currency: Currency) -> String {
        currency.format(amount).replacingOccurrences(of: ",", with: "")
    }

    /// Parses `name=price[=stock]; …`, keeping the ids of variants that already exist (by name).
    static func parseVariants(_ text: String, existing: [Product.Variant], currency: Currency) throws -> [VariantDraft] {
        try split(Substring(text), on: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { part in
            let pieces = split(Substring(part), on: "=").map { unescaped($0).trimmingCharacters(in: .whitespaces) }
            guard (2...3).contains(pieces.count), !pieces[0].isEmpty, let price = PaymentPanel.parse(pieces[1], currency) else {
                throw ShopError(.invalid, "invalid_variants", L.t("product_form.error.variants", ["part": part]), field: "variants")
            }
            var stock: Int64?
            if pieces.count == 3 {
                guard let n = Numerals.int(pieces[2]).map(Int64.init), n >= 0 else {
                    throw ShopError(.invalid, "invalid_variants", L.t("product_form.error.variant_stock", ["part": part]), field: "variants")
                }
                stock = n
            }
            let id = existing.first { $0.name.lowercased() == pieces[0].lowercased() }?.id
            return VariantDraft(id: id, name: pieces[0], price: price, stock: id == nil ? stock : nil)
        }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let saved as Saved):
            saving = false
            switch saved.result {
            case .success(let p):
                context.say(L.t("product_form.saved", ["name": p.name]), .success)
                context.go(.pop)
            case .failure(let error):
                if let e = error as? ShopError, let field = e.field.map({ $0 == "variant_id" ? "variants" : $0 }), form.fields.contains(where: { $0.id == field }) {
                    form.setError(ScreenContext.describe(e), for: field)
                    form.focus(on: field)
                }
                context.fail(error)
            }
        case .key(.escape): return false
        case .key(.enter): save(&context)
        case .key(let key): _ = form.handle(key)
        default: break
        }
        return true
    }

    private mutating func save(_ context: inout ScreenContext) {
        guard !saving else { return }
        form.clearErrors()
        let currency = context.session.currency
        let values = form
        let text = { (id: String) in values[id].text.trimmingCharacters(in: .whitespaces) }
        var price: Int64?
        if !text("price").isEmpty {
            guard let p = PaymentPanel.parse(text("price"), currency) else { fail(L.t("product_form.error.price", ["example": Format.money(1250, currency)]), "price", &context); return }
            price = p
        }
        let active: Bool
        switch text("active").lowercased() {
        case "yes", "y", "", L.t("product_form.yes"): active = true
        case "no", "n", L.t("product_form.no"): active = false
        default: fail(L.t("product_form.error.yes_no"), "active", &context); return
        }
        let variants: [VariantDraft]
        do { variants = try Self.parseVariants(text("variants"), existing: product?.variants ?? [], currency: currency) } catch {
            fail(ScreenContext.describe(error), "variants", &context); return
        }
        let photoPath = text("photo")
        let shop = context.shop, caller = context.caller
        let save: @Sendable () throws -> Product
        if let product {
            let changes = ProductChanges(sku: text("sku"), barcode: text("barcode"), name: text("name"), description: form["description"].text,
                                         category: text("category"), price: price, active: active,
                                         variants: variants.isEmpty && product.variants.isEmpty ? nil : variants)
            save = { try shop.catalog.update(id: product.id, changes, caller: caller) }
        } else {
            guard text("stock").isEmpty || Numerals.int(text("stock")) != nil else { fail(L.t("product_form.error.whole"), "stock", &context); return }
            let draft = ProductDraft(sku: text("sku"), barcode: text("barcode").isEmpty ? nil : text("barcode"), name: text("name"),
                                     description: form["description"].text, category: text("category"), price: price,
                                     stock: Numerals.int(text("stock")).map(Int64.init), active: active, variants: variants.isEmpty ? nil : variants)
            save = { try shop.catalog.create(draft, caller: caller) }
        }
        saving = true
        context.run {
            Saved(result: Result {
                // The file is read and checked first: a bad photo saves nothing.
                let photo = photoPath.isEmpty ? nil : try PhotoFile.load(photoPath)
                let saved = try save()
                guard let photo else { return saved }
                try shop.catalog.setPhoto(productID: saved.id, bytes: photo.bytes, contentType: photo.contentType, caller: caller)
                return try shop.catalog.product(id: saved.id, caller: caller)
            })
        }
    }

    private mutating func fail(_ message: String, _ field: String, _ context: inout ScreenContext) {
        form.setError(message, for: field)
        form.focus(on: field)
        context.say(L.t("coupon_form.fix_field"), .error)
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let heading = product.map { L.t("product_form.heading", ["sku": $0.sku, "status": Words.status(of: $0), "count": Format.number($0.stock)]) }
            ?? L.t("product_form.intro")
        buffer.setString(area.x, area.y, heading, style: Theme.title, maxWidth: area.width)
        let body = area.splitTop(2).rest
        Form(labelWidth: 13).render(into: &buffer, area: body.splitLeft(76).left, state: form)
        if saving { buffer.setString(area.x, area.bottom - 1, L.t("coupon_form.saving"), style: Theme.title) }
    }
}
