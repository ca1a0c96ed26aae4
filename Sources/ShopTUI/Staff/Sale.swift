import ShopEngine

/// A counter sale being rung up: its lines, the customer (nil: a walk-in), and the payments
/// the customer is making. Pure data: the screen edits it, the engine sells it in one call
/// (`orders.counterSale`) and decides the prices; the sums here use the engine's checked
/// `Money` helpers, so no figure on the counter can overflow.
///
///     var sale = Sale()
///     try sale.add(product, variant: nil, quantity: 2)
///     try sale.take(.cash, amount: 5000, currency: currency)   // change = given − due
struct Sale: Sendable, Equatable {
    struct Line: Sendable, Equatable {
        let productID: Int64
        let variantID: Int64?
        var name: String
        /// The price when last looked up or quoted (the engine prices the sale itself).
        var unitPrice: Int64
        var quantity: Int64
        /// Stock when last looked up or quoted.
        var stock: Int64
        /// For display: the sale's `total` is the checked sum.
        var total: Int64 { Money.saturatingProduct(unitPrice, quantity) }
        var isShort: Bool { quantity > stock }
    }

    /// One payment the customer makes; several when the sale is split across methods.
    struct Tender: Sendable, Equatable {
        let method: PaymentMethod
        let amount: Int64
        /// Cash handed over when more than `amount`.
        let given: Int64?
        var change: Int64 { max(0, Money.saturatingDifference(given ?? amount, amount)) }
    }

    struct Customer: Sendable, Equatable {
        let id: Int64
        let name: String
        let phone: String
    }

    /// A price the quote found different from the one scanned.
    struct PriceChange: Sendable, Equatable {
        let name: String
        let was: Int64
        let now: Int64
    }

    private(set) var lines: [Line] = []
    var customer: Customer?
    private(set) var tenders: [Tender] = []
    /// The sum of the lines, checked (`amount_too_large` refuses the change that would overflow it).
    private(set) var total: Int64 = 0
    private(set) var paid: Int64 = 0
    /// Makes a retried sale return the same order and payments, never a second sale.
    let key = "counter-" + Crypto.randomID()

    var itemCount: Int64 { lines.reduce(0) { Money.saturatingSum($0, $1.quantity) } }
    /// `paid` never exceeds `total` (`take` keeps it so).
    var due: Int64 { max(0, Money.saturatingDifference(total, paid)) }
    var isCovered: Bool { !lines.isEmpty && due == 0 }

    // MARK: - Lines

    /// Adds `quantity` of a product (or one of its variants), merging with a line for the same
    /// item. Returns the line's index; throws when the shelf has fewer than asked for.
    @discardableResult
    mutating func add(_ product: Product, variant: Product.Variant?, quantity: Int64) throws -> Int {
        guard product.isForSale else {
            throw ShopError(.conflict, "not_for_sale", product.archived ? L.t("sale.error.archived", ["name": product.name]) : L.t("sale.error.inactive", ["name": product.name]))
        }
        if variant == nil && !product.variants.isEmpty {
            throw ShopError(.invalid, "variant_required", L.t("sale.error.variant_required", ["name": product.name]))
        }
        let name = variant.map { "\(product.name) (\($0.name))" } ?? product.name
        let stock = variant?.stock ?? product.stock
        let index = lines.firstIndex { $0.productID == product.id && $0.variantID == variant?.id }
        let wanted = try Money.sum(index.map { lines[$0].quantity } ?? 0, quantity, field: "quantity")
        guard wanted <= CartService.maxQuantity else { throw ShopError(.invalid, "invalid_quantity", L.t("sale.error.at_most", ["count": Format.number(CartService.maxQuantity)])) }
        try Self.checkStock(name: name, wanted: wanted, stock: stock)
        var next = self
        if let index {
            next.lines[index].quantity = wanted
            next.lines[index].stock = stock
        } else {
            next.lines.append(Line(productID: product.id, variantID: variant?.id, name: name, unitPrice: variant?.price ?? product.price, quantity: quantity, stock: stock))
        }
        try next.recount()
        self = next
        return index ?? lines.count - 1
    }

    /// Changes a line's quantity by `delta` (at least 1; Del removes a line).
    mutating func changeQuantity(at index: Int, by delta: Int64) throws {
        guard lines.indices.contains(index) else { return }
        let wanted = try Money.sum(lines[index].quantity, delta, field: "quantity")
        guard wanted >= 1 else { throw ShopError(.invalid, "invalid_quantity", L.t("sale.error.press_del")) }
        guard wanted <= CartService.maxQuantity else { throw ShopError(.invalid, "invalid_quantity", L.t("sale.error.at_most", ["count": Format.number(CartService.maxQuantity)])) }
        if delta > 0 { try Self.checkStock(name: lines[index].name, wanted: wanted, stock: lines[index].stock) }
        var next = self
        next.lines[index].quantity = wanted
        try next.recount()
        self = next
    }

    mutating func remove(at index: Int) {
        guard lines.indices.contains(index) else { return }
        lines.remove(at: index)
        try? recount()   // a smaller sum of checked figures cannot overflow
    }

    /// Takes the engine's prices and stock figures for the lines; returns the prices that changed.
    /// The tenders taken so far are dropped: they were for the old total.
    @discardableResult
    mutating func apply(_ quote: CounterQuote) throws -> [PriceChange] {
        var next = self, changes: [PriceChange] = []
        for i in next.lines.indices {
            guard let fresh = quote.lines.first(where: { $0.productId == lines[i].productID && $0.variantId == lines[i].variantID }) else { continue }
            if fresh.unitPrice != lines[i].unitPrice { changes.append(PriceChange(name: fresh.name, was: lines[i].unitPrice, now: fresh.unitPrice)) }
            next.lines[i].unitPrice = fresh.unitPrice
            next.lines[i].stock = fresh.stock
            next.lines[i].name = fresh.name
        }
        next.tenders = []
        try next.recount()
        self = next
        return changes
    }

    private mutating func recount() throws {
        total = try Money.sum(lines.map { try Money.product($0.unitPrice, $0.quantity, field: "quantity") }, field: "quantity")
        paid = try Money.sum(tenders.map(\.amount), field: "amount")
    }

    static func checkStock(name: String, wanted: Int64, stock: Int64) throws {
        guard wanted > stock else { return }
        throw ShopError(.conflict, ShopError.Code.outOfStock, stock <= 0 ? L.t("sale.error.out_of_stock", ["name": name])
                         : L.t("sale.error.only_in_stock", ["count": Format.number(stock), "name": name]))
    }

    // MARK: - Payments

    /// Takes a payment towards what is due. Cash may be more than due (the rest is change);
    /// card and transfer may not. Returns the tender taken.
    @discardableResult
    mutating func take(_ method: PaymentMethod, amount: Int64, currency: Currency) throws -> Tender {
        guard due > 0 else { throw ShopError(.invalid, "nothing_due", L.t("sale.error.nothing_due")) }
        guard amount > 0 else { throw ShopError(.invalid, "invalid_amount", L.t("sale.error.amount_zero"), field: "amount") }
        guard tenders.count < CounterSaleRequest.maxTenders else { throw ShopError(.invalid, "too_many_tenders", L.t("sale.error.too_many_tenders", ["count": Format.number(CounterSaleRequest.maxTenders)]), field: "amount") }
        guard amount <= Money.maxAmount else { throw ShopError(.invalid, "amount_too_large", L.t("sale.error.amount_too_large", ["amount": Format.money(Money.maxAmount, currency)]), field: "amount") }
        let tender: Tender
        if amount >= due {
            guard method == .cash || amount == due else {
                throw ShopError(.invalid, "overpayment", L.t("sale.error.overpayment", ["method": Words.method(method).lowercased(), "due": Format.money(due, currency)]), field: "amount")
            }
            tender = Tender(method: method, amount: due, given: amount > due ? amount : nil)
        } else {
            tender = Tender(method: method, amount: amount, given: nil)
        }
        tenders.append(tender)
        try recount()
        return tender
    }

    /// Takes back the last tender (Ctrl-Z in the payment panel, which says so).
    mutating func undoTender() {
        guard !tenders.isEmpty else { return }
        tenders.removeLast()
        try? recount()   // a smaller sum of checked figures cannot overflow
    }

    mutating func clearTenders() {
        tenders = []
        paid = 0
    }

    /// What the engine is asked to sell: the lines, one tender per payment, the customer.
    var request: CounterSaleRequest {
        CounterSaleRequest(lines: lines.map { OrderRequest.Item(productID: $0.productID, variantID: $0.variantID, quantity: $0.quantity) },
                           tenders: tenders.map { CounterSaleRequest.Tender(method: $0.method, amount: $0.amount, tendered: $0.given) },
                           customerID: customer?.id, idempotencyKey: key)
    }

    var items: [OrderRequest.Item] { request.lines }

    /// Parses what the scanner or the keyboard typed: `CODE`, or `N*CODE` for N of them.
    static func parseCode(_ text: String) -> (code: String, quantity: Int64)? {
        let trimmed = Numerals.ascii(text).trimmingCharacters(in: .whitespaces)   // ۱۲ or 12
        guard !trimmed.isEmpty else { return nil }
        if let star = trimmed.firstIndex(of: "*"), let n = Int64(trimmed[..<star].trimmingCharacters(in: .whitespaces)), (1...CartService.maxQuantity).contains(n) {
            let code = trimmed[trimmed.index(after: star)...].trimmingCharacters(in: .whitespaces)
            return code.isEmpty ? nil : (code, n)
        }
        return (trimmed, 1)
    }
}
