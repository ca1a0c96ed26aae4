import ShopEngine

/// A counter sale being rung up: its lines, the customer (nil: a walk-in), and the payments
/// the customer is making. Pure data: the screen edits it, `CounterCheckout` sends it.
///
///     var sale = Sale()
///     try sale.add(product, variant: nil, quantity: 2)
///     sale.take(.cash, given: 5000)        // change = given − due
struct Sale: Sendable, Equatable {
    struct Line: Sendable, Equatable {
        let productID: Int64
        let variantID: Int64?
        let name: String
        let unitPrice: Int64
        var quantity: Int64
        /// Stock when last looked up (the engine decides at checkout).
        var stock: Int64
        var total: Int64 { unitPrice * quantity }
        var isShort: Bool { quantity > stock }
    }

    /// One payment the customer makes; several when the sale is split across methods.
    struct Tender: Sendable, Equatable {
        let method: PaymentMethod
        let amount: Int64
        /// Cash handed over when more than `amount`.
        let given: Int64?
        var change: Int64 { max(0, (given ?? amount) - amount) }
    }

    struct Customer: Sendable, Equatable {
        let id: Int64
        let name: String
        let phone: String
    }

    var lines: [Line] = []
    var customer: Customer?
    var tenders: [Tender] = []
    /// Makes a retried checkout return the same order and payments, never a second sale.
    let key = "counter-" + Crypto.randomID()

    var total: Int64 { lines.reduce(0) { $0 + $1.total } }
    var itemCount: Int64 { lines.reduce(0) { $0 + $1.quantity } }
    var paid: Int64 { tenders.reduce(0) { $0 + $1.amount } }
    var due: Int64 { max(0, total - paid) }
    var change: Int64 { tenders.reduce(0) { $0 + $1.change } }
    var isCovered: Bool { !lines.isEmpty && due == 0 }

    // MARK: - Lines

    /// Adds `quantity` of a product (or one of its variants), merging with a line for the same
    /// item. Returns the line's index; throws when the shelf has fewer than asked for.
    @discardableResult
    mutating func add(_ product: Product, variant: Product.Variant?, quantity: Int64) throws -> Int {
        guard product.isForSale else {
            throw ShopError(.conflict, "not_for_sale", "\(product.name) is \(product.archived ? "archived" : "not active") and cannot be sold")
        }
        if variant == nil && !product.variants.isEmpty {
            throw ShopError(.invalid, "variant_required", "Choose a variant of \(product.name)")
        }
        let name = variant.map { "\(product.name) (\($0.name))" } ?? product.name
        let stock = variant?.stock ?? product.stock
        let index = lines.firstIndex { $0.productID == product.id && $0.variantID == variant?.id }
        let wanted = (index.map { lines[$0].quantity } ?? 0) + quantity
        try Self.checkStock(name: name, wanted: wanted, stock: stock)
        if let index {
            lines[index].quantity = wanted
            lines[index].stock = stock
            return index
        }
        lines.append(Line(productID: product.id, variantID: variant?.id, name: name, unitPrice: variant?.price ?? product.price, quantity: quantity, stock: stock))
        return lines.count - 1
    }

    /// Changes a line's quantity by `delta` (at least 1; Del removes a line).
    mutating func changeQuantity(at index: Int, by delta: Int64) throws {
        guard lines.indices.contains(index) else { return }
        let wanted = lines[index].quantity + delta
        guard wanted >= 1 else { throw ShopError(.invalid, "invalid_quantity", "Press Del to remove the line") }
        guard wanted <= 999 else { throw ShopError(.invalid, "invalid_quantity", "At most 999 of one item") }
        if delta > 0 { try Self.checkStock(name: lines[index].name, wanted: wanted, stock: lines[index].stock) }
        lines[index].quantity = wanted
    }

    mutating func remove(at index: Int) {
        if lines.indices.contains(index) { lines.remove(at: index) }
    }

    /// Updates the stock figures from fresh products (after the engine said something ran out).
    mutating func refreshStock(_ products: [Product]) {
        for i in lines.indices {
            guard let product = products.first(where: { $0.id == lines[i].productID }) else { lines[i].stock = 0; continue }
            let stock = lines[i].variantID.map { id in product.variants.first { $0.id == id }?.stock ?? 0 } ?? product.stock
            lines[i].stock = product.isForSale ? stock : 0
        }
    }

    static func checkStock(name: String, wanted: Int64, stock: Int64) throws {
        guard wanted > stock else { return }
        throw ShopError(.conflict, "out_of_stock", stock <= 0 ? "\(name) is out of stock" : "Only \(stock) of \(name) in stock")
    }

    // MARK: - Payments

    /// Takes a payment towards what is due. Cash may be more than due (the rest is change);
    /// card and transfer may not. Returns the tender taken.
    @discardableResult
    mutating func take(_ method: PaymentMethod, amount: Int64, currency: Currency) throws -> Tender {
        guard due > 0 else { throw ShopError(.invalid, "nothing_due", "Nothing is left to pay") }
        guard amount > 0 else { throw ShopError(.invalid, "invalid_amount", "Enter an amount more than zero", field: "amount") }
        let tender: Tender
        if amount >= due {
            guard method == .cash || amount == due else {
                throw ShopError(.invalid, "overpayment", "\(method.label) can pay at most the \(currency.format(due)) due", field: "amount")
            }
            tender = Tender(method: method, amount: due, given: amount > due ? amount : nil)
        } else {
            tender = Tender(method: method, amount: amount, given: nil)
        }
        tenders.append(tender)
        return tender
    }

    /// Parses what the scanner or the keyboard typed: `CODE`, or `N*CODE` for N of them.
    static func parseCode(_ text: String) -> (code: String, quantity: Int64)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if let star = trimmed.firstIndex(of: "*"), let n = Int64(trimmed[..<star].trimmingCharacters(in: .whitespaces)), (1...999).contains(n) {
            let code = trimmed[trimmed.index(after: star)...].trimmingCharacters(in: .whitespaces)
            return code.isEmpty ? nil : (code, n)
        }
        return (trimmed, 1)
    }
}

/// Sends a covered sale to the engine: the order (a counter sale), then each payment as
/// completed, then the order again (now paid) for the receipt. Idempotency keys make a retry
/// after a failure finish the same sale instead of starting another.
enum CounterCheckout {
    struct Outcome: Sendable {
        /// The order, when it was placed (even if a payment failed afterwards).
        let order: Order?
        let payments: [PaymentService.Payment]
        let error: (any Error)?
    }

    static func complete(_ sale: Sale, shop: Shop, caller: Caller) -> Outcome {
        let items = sale.lines.map { OrderRequest.Item(productID: $0.productID, variantID: $0.variantID, quantity: $0.quantity) }
        let method = sale.tenders.max { $0.amount < $1.amount }?.method ?? .cash
        let request = OrderRequest(items: items, contact: Contact(), paymentMethod: method, idempotencyKey: sale.key,
                                   counterSale: true, customerID: sale.customer?.id)
        var order: Order
        do { order = try shop.orders.create(request, caller: caller) } catch { return Outcome(order: nil, payments: [], error: error) }
        var payments: [PaymentService.Payment] = []
        for (i, tender) in sale.tenders.enumerated() {
            do {
                payments.append(try shop.payments.create(orderID: order.id, amount: tender.amount, method: tender.method, tendered: tender.given,
                                                         completed: true, idempotencyKey: "\(sale.key)-p\(i)", caller: caller))
            } catch {
                return Outcome(order: order, payments: payments, error: error)
            }
        }
        if let paid = try? shop.orders.order(id: order.id, caller: caller) { order = paid }
        return Outcome(order: order, payments: payments, error: nil)
    }
}
