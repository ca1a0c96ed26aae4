import Foundation

/// A sale at the counter: the lines, what the customer hands over, and who they are (nil: a
/// walk-in). One engine operation, one transaction: the order, its completed payments, and the
/// hand-over (paid → delivered) are written together or not at all.
///
/// ```swift
/// let quote = try shop.orders.counterQuote(lines: [.init(productID: 7, quantity: 2)], caller: staff)
/// let sale = try shop.orders.counterSale(CounterSaleRequest(lines: [.init(productID: 7, quantity: 2)],
///                                        tenders: [.init(method: .cash, amount: quote.total, tendered: 5000)],
///                                        idempotencyKey: "till-1-0042"), caller: staff)
/// sale.change   // 5000 − total
/// ```
public struct CounterSaleRequest: Sendable, Equatable {
    public var lines: [OrderRequest.Item]
    public var tenders: [Tender]
    /// The customer the sale is for; nil for a walk-in.
    public var customerID: Int64?
    /// Makes a retried sale return the first one instead of selling twice.
    public var idempotencyKey: String?

    public init(lines: [OrderRequest.Item], tenders: [Tender], customerID: Int64? = nil, idempotencyKey: String? = nil) {
        self.lines = lines; self.tenders = tenders; self.customerID = customerID; self.idempotencyKey = idempotencyKey
    }

    /// One payment the customer makes: `amount` goes to the sale; with cash, `tendered` is what was
    /// handed over when more (the rest is change).
    public struct Tender: Sendable, Equatable, Codable {
        public var method: PaymentMethod
        public var amount: Int64
        public var tendered: Int64?
        public init(method: PaymentMethod, amount: Int64, tendered: Int64? = nil) {
            self.method = method; self.amount = amount; self.tendered = tendered
        }
    }

    /// The most tenders one sale may be split into.
    public static let maxTenders = 20
    /// The methods a counter takes (cash on delivery is for orders delivered later).
    public static let methods: [PaymentMethod] = [.cash, .card, .transfer]
}

/// The lines of a counter sale at today's prices and stock, before taking payment.
public struct CounterQuote: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public let productId: Int64
        public let variantId: Int64?
        public let sku: String
        public let name: String
        public let unitPrice: Int64
        public let quantity: Int64
        /// Stock on the shelf now; less than `quantity` means the line cannot be sold as it is.
        public let stock: Int64
        public let lineTotal: Int64
        public var isShort: Bool { quantity > stock }
    }
    public let lines: [Line]
    public let total: Int64
}

/// A finished counter sale: the order (delivered) and its completed payments.
public struct CounterSale: Sendable, Equatable {
    public let order: Order
    public let payments: [PaymentService.Payment]
    /// True when the sale already existed under the request's idempotency key.
    public let replayed: Bool
    /// Cash to hand back.
    public var change: Int64 { payments.reduce(0) { Money.saturatingSum($0, $1.change) } }
}

extension OrderService {
    // MARK: - Counter sales

    /// Prices the lines as the counter would sell them now (staff only). Nothing is written or
    /// reserved: the sale itself re-reads prices and stock and refuses tenders that no longer cover it.
    public func counterQuote(lines: [OrderRequest.Item], caller: Caller) throws -> CounterQuote {
        let items = try Self.counterItems(lines)
        return try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try Self.quote(db, items: items)
        }
    }

    /// Sells `request.lines` at the counter in one immediate transaction (staff only, the role
    /// re-read inside it): prices and stock re-read, stock taken with guarded updates, the order
    /// (channel counter) and its lines and ledger rows written, one completed payment per tender,
    /// then paid → delivered. The tenders must add up to the total exactly, or nothing is
    /// written (`tenders_short` with the amount still due, or `overpayment`). A retry with the
    /// same idempotency key returns the same sale; another body under it is `idempotency_key_reused`.
    public func counterSale(_ request: CounterSaleRequest, caller: Caller) throws -> CounterSale {
        _ = try context.store.read { try context.requireStaff(caller, $0) }   // refuse customers before judging their input
        let items = try Self.counterItems(request.lines)
        let tenders = try Self.validTenders(request.tenders)
        let key = try request.idempotencyKey.map { try Self.validIdempotencyKey($0) }
        let fingerprint = Self.counterFingerprint(items: items, tenders: tenders, customerID: request.customerID)
        let now = context.now
        return try context.store.write { db in
            let staffID = try context.requireStaff(caller, db)
            let idempotency = key.map { (scope: "user:\(staffID)", key: $0, fingerprint: fingerprint) }
            if let idempotency, let earlier = try earlierSale(db, idempotency) { return earlier }
            let contact = try request.customerID.map { try Self.customerContact(db, id: $0) } ?? Contact()
            // Stock held by orders nobody paid in time goes back first (as at checkout).
            try UnpaidOrders.expireDue(db, now: now, expiry: context.unpaidExpiry)
            let quote = try Self.quote(db, items: items)
            try Self.takeStock(db, quote)
            try checkCovered(quote.total, by: tenders)
            let id = try writeOrder(db, quote: quote, customerID: request.customerID, contact: contact,
                                    method: tenders.max { $0.amount < $1.amount }?.method ?? .cash, staffID: staffID, idempotency: idempotency)
            for tender in tenders {
                try db.run("""
                    INSERT INTO payments(order_id, amount, method, status, tendered, created_by, created_at, updated_at)
                    VALUES (?, ?, ?, 'completed', ?, ?, ?, ?)
                    """, arguments: [id, tender.amount, tender.method.rawValue, tender.tendered, staffID, now, now])
            }
            // Paid in full and handed over on the spot.
            try setStatus(db, orderID: id, status: .paid, userID: staffID)
            try setStatus(db, orderID: id, status: .delivered, userID: staffID)
            return CounterSale(order: try load(db, id: id)!, payments: try Self.payments(db, orderID: id), replayed: false)
        }
    }

    private typealias Idempotency = (scope: String, key: String, fingerprint: String)

    /// The sale made earlier under this key, or nil; `idempotency_key_reused` when its body differed.
    private func earlierSale(_ db: Connection, _ idempotency: Idempotency) throws -> CounterSale? {
        guard let earlier = try db.first("SELECT id, request_hash FROM orders WHERE idempotency_scope = ? AND idempotency_key = ?", idempotency.scope, idempotency.key,
                                         map: { (id: $0.int64(0), fingerprint: $0.string(1)) }) else { return nil }
        guard earlier.fingerprint == idempotency.fingerprint else {
            throw ShopError(.conflict, "idempotency_key_reused", "This Idempotency-Key was used for a different sale")
        }
        return CounterSale(order: try load(db, id: earlier.id)!, payments: try Self.payments(db, orderID: earlier.id), replayed: true)
    }

    /// The tenders' amounts add up to `total` exactly: short is `tenders_short` with the amount due.
    private func checkCovered(_ total: Int64, by tenders: [CounterSaleRequest.Tender]) throws {
        let currency = context.currency
        let paid = try Money.sum(tenders.map(\.amount), field: "tenders")
        let due = try Money.difference(total, paid, field: "tenders")
        guard due <= 0 else {
            throw ShopError(.conflict, "tenders_short", "\(currency.format(due, withCode: true)) is still due: the tenders cover \(currency.format(paid)) of \(currency.format(total, withCode: true))", field: "tenders")
        }
        guard due == 0 else {
            throw ShopError(.conflict, "overpayment", "The tenders add up to \(currency.format(paid)), more than the \(currency.format(total, withCode: true)) total; cash over the amount is `tendered`", field: "tenders")
        }
    }

    /// The order (pending, channel counter), its lines at the quoted prices and their ledger rows.
    private func writeOrder(_ db: Connection, quote: CounterQuote, customerID: Int64?, contact: Contact, method: PaymentMethod, staffID: Int64, idempotency: Idempotency?) throws -> Int64 {
        try NewOrder(ownerID: customerID, channel: .counter, subtotal: quote.total, total: quote.total, currency: context.currency.code,
                     contact: contact, paymentMethod: method, createdBy: staffID, idempotencyScope: idempotency?.scope,
                     idempotencyKey: idempotency?.key, requestHash: idempotency?.fingerprint,
                     lines: quote.lines.map { .init(productId: $0.productId, variantId: $0.variantId, sku: $0.sku, name: $0.name,
                                                    quantity: $0.quantity, unitPrice: $0.unitPrice) })
            .write(db, now: context.now)
    }

    // MARK: - Counter helpers

    /// Lines merged by item, each quantity 1…999, at least one and at most `Money.maxLines`.
    static func counterItems(_ lines: [OrderRequest.Item]) throws -> [OrderRequest.Item] {
        guard !lines.isEmpty else { throw ShopError.invalid("empty_sale", "The sale has no lines", field: "lines") }
        return try mergedItems(lines)
    }

    /// Tenders checked one by one: a counter method, an amount more than zero and at most
    /// `Money.maxAmount`, and `tendered` only with cash, at least the amount.
    static func validTenders(_ tenders: [CounterSaleRequest.Tender]) throws -> [CounterSaleRequest.Tender] {
        guard !tenders.isEmpty else { throw ShopError.invalid("missing_tenders", "Take a payment: the sale has no tenders", field: "tenders") }
        guard tenders.count <= CounterSaleRequest.maxTenders else {
            throw ShopError.invalid("too_many_tenders", "At most \(CounterSaleRequest.maxTenders) tenders per sale", field: "tenders")
        }
        for tender in tenders {
            guard CounterSaleRequest.methods.contains(tender.method) else {
                throw ShopError.invalid("invalid_method", "A counter takes cash, card or transfer", field: "tenders")
            }
            guard tender.amount > 0, tender.amount <= Money.maxAmount else {
                throw ShopError.invalid("invalid_amount", "Each tender's amount must be more than zero and at most \(Money.maxAmount) (in minor units)", field: "tenders")
            }
            if let tendered = tender.tendered {
                guard tender.method == .cash else { throw ShopError.invalid("invalid_tendered", "Only cash has an amount tendered", field: "tenders") }
                guard tendered >= tender.amount else { throw ShopError.invalid("invalid_tendered", "Cash tendered is less than the amount", field: "tenders") }
                guard tendered <= Money.maxAmount else { throw ShopError.invalid("amount_too_large", "Cash tendered can be at most \(Money.maxAmount) (in minor units)", field: "tenders") }
            }
        }
        return tenders
    }

    /// Takes each line's quantity off the shelf with a guarded update (never below zero).
    static func takeStock(_ db: Connection, _ quote: CounterQuote) throws {
        for line in quote.lines {
            guard try Ledger.move(db, productID: line.productId, variantID: line.variantId, delta: -line.quantity) else {
                throw ShopError(.conflict, "out_of_stock", line.stock <= 0 ? "\(line.name) is out of stock" : "Only \(line.stock) left of \(line.name)", field: "lines",
                                parameters: ShopError.stockParameters(name: line.name, left: line.stock))
            }
        }
    }

    /// The name and contact a sale for this customer carries, from their profile.
    static func customerContact(_ db: Connection, id: Int64) throws -> Contact {
        guard let contact = try db.first("SELECT first_name, last_name, coalesce(phone, pending_phone, ''), coalesce(email, ''), address, postal_code FROM users WHERE id = ?", id,
                                         map: { Contact(firstName: $0.string(0), lastName: $0.string(1), phone: $0.string(2), email: $0.string(3), address: $0.string(4), postalCode: $0.string(5)) })
        else { throw ShopError(.notFound, "not_found", "Customer not found", field: "customer_id") }
        return contact
    }

    /// Today's price and stock of each line, read inside the caller's transaction.
    static func quote(_ db: Connection, items: [OrderRequest.Item]) throws -> CounterQuote {
        var lines: [CounterQuote.Line] = []
        for item in items {
            let (name, stock) = try CartService.purchasable(db, productID: item.productId, variantID: item.variantId)
            guard let row = try db.first("SELECT p.sku, coalesce(v.price, p.price) FROM products p LEFT JOIN product_variants v ON v.id = ? WHERE p.id = ?",
                                         item.variantId, item.productId, map: { (sku: $0.string(0), price: $0.int64(1)) })
            else { throw ShopError.notFound("Product") }
            lines.append(CounterQuote.Line(productId: item.productId, variantId: item.variantId, sku: row.sku, name: name, unitPrice: row.price, quantity: item.quantity,
                                           stock: stock, lineTotal: try Money.product(row.price, item.quantity, field: "lines")))
        }
        return CounterQuote(lines: lines, total: try Money.sum(lines.map(\.lineTotal), field: "lines"))
    }

    static func payments(_ db: Connection, orderID: Int64) throws -> [PaymentService.Payment] {
        try db.query("SELECT \(PaymentService.Payment.columns) FROM payments WHERE order_id = ? ORDER BY id", orderID, map: PaymentService.Payment.init)
    }

    static func counterFingerprint(items: [OrderRequest.Item], tenders: [CounterSaleRequest.Tender], customerID: Int64?) -> String {
        let lines = items.map { "\($0.productId):\($0.variantId ?? 0):\($0.quantity)" }.joined(separator: ",")
        let paid = tenders.map { "\($0.method.rawValue):\($0.amount):\($0.tendered ?? 0)" }.joined(separator: ",")
        let text = ["counter-sale", lines, paid, String(customerID ?? 0)].joined(separator: "\u{1F}")
        return Crypto.hex(Crypto.sha256(Array(text.utf8)))
    }
}
