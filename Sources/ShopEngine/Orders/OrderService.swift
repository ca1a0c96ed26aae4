import Foundation

/// Checkout and orders. Checkout is one immediate transaction: prices and stock re-read,
/// guarded stock decrements, order and lines written, ledger rows, cart emptied.
public struct OrderService: Sendable {
    let context: EngineContext
    init(_ context: EngineContext) { self.context = context }

    // MARK: - Checkout

    public func create(_ request: OrderRequest, caller: Caller) throws -> Order {
        try place(request, caller: caller).order
    }

    /// Like `create`, also telling whether the order already existed under the request's
    /// idempotency key (a retried request: nothing new was charged or taken from stock).
    public func place(_ request: OrderRequest, caller: Caller) throws -> (order: Order, replayed: Bool) {
        let contact = try validContact(request.contact, counter: request.counterSale)
        let key = try request.idempotencyKey.map { try Self.validIdempotencyKey($0) }
        let explicitItems = try request.items.map { try Self.mergedItems($0) }
        let coupon = request.coupon.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let fingerprint = Self.fingerprint(request, contact: contact)
        let now = context.now
        return try context.store.write { db in
            let me = try context.requireUser(caller, db)
            if request.counterSale && !me.role.isStaff { throw ShopError.forbidden }
            let owner: Int64? = request.counterSale ? request.customerID : me.id
            var contact = contact
            if request.counterSale, let owner {
                // A sale for a known customer: blank contact fields come from their profile.
                guard let profile = try db.first("SELECT first_name, last_name, coalesce(phone, pending_phone, ''), coalesce(email, ''), address, postal_code FROM users WHERE id = ?", owner,
                                                 map: { Contact(firstName: $0.string(0), lastName: $0.string(1), phone: $0.string(2), email: $0.string(3), address: $0.string(4), postalCode: $0.string(5)) })
                else { throw ShopError.notFound("Customer") }
                contact.fillBlanks(from: profile)
            }
            // Stock held by orders nobody paid in time goes back first: a buyer is never refused
            // stock (or a place under the unpaid-orders cap) that an expired order still holds.
            try UnpaidOrders.expireDue(db, now: now, expiry: context.unpaidExpiry)
            let scope = "user:\(me.id)"
            if let key, let existing = try db.first("SELECT id, request_hash FROM orders WHERE idempotency_scope = ? AND idempotency_key = ?", scope, key, map: { ($0.int64(0), $0.string(1)) }) {
                guard existing.1 == fingerprint else {
                    throw ShopError(.conflict, "idempotency_key_reused", "This Idempotency-Key was used for a different order")
                }
                return (try load(db, id: existing.0)!, true)
            }
            if !request.counterSale {
                let limit = context.configuration.maxUnpaidOrders
                guard try UnpaidOrders.openCount(db, userID: me.id) < limit else {
                    throw ShopError(.conflict, "too_many_unpaid_orders",
                                    "You have \(limit) unpaid order\(limit == 1 ? "" : "s"); pay or cancel one before placing another")
                }
            }
            let fromCart = explicitItems == nil
            // The cart as its owner sees it: a line flagged "no longer sold" refuses the order by name.
            let cart = try fromCart ? CartService(context).load(db, userID: me.id) : nil
            if let cart { try CartService.refuseNoLongerSold(cart) }
            let items = explicitItems ?? cart?.items.map { OrderRequest.Item(productID: $0.productId, variantID: $0.variantId, quantity: $0.quantity) } ?? []
            guard !items.isEmpty else { throw ShopError.invalid("empty_cart", fromCart ? "Your cart is empty" : "The order has no items", field: "items") }
            guard items.count <= Money.maxLines else { throw ShopError.invalid("too_many_items", "At most \(Money.maxLines) lines per order", field: "items") }

            // Lines at today's prices; stock taken with guarded updates (never below zero).
            var lines: [(item: OrderRequest.Item, sku: String, name: String, price: Int64)] = []
            for item in items {
                let (name, _) = try CartService.purchasable(db, productID: item.productId, variantID: item.variantId, inCart: fromCart)
                guard let row = try db.first("SELECT p.sku, coalesce(v.price, p.price), coalesce(v.stock, p.stock) FROM products p LEFT JOIN product_variants v ON v.id = ? WHERE p.id = ?",
                                             item.variantId, item.productId, map: { (sku: $0.string(0), price: $0.int64(1), stock: $0.int64(2)) }) else { throw ShopError.notFound("Product") }
                guard try Ledger.move(db, productID: item.productId, variantID: item.variantId, delta: -item.quantity) else {
                    throw ShopError(.conflict, "out_of_stock", row.stock == 0 ? "\(name) is out of stock" : "Only \(row.stock) left of \(name)", field: "items",
                                        parameters: ShopError.stockParameters(name: name, left: row.stock))
                }
                lines.append((item, row.sku, name, row.price))
            }
            let subtotal = try Money.sum(lines.map { try Money.product($0.price, $0.item.quantity, field: "items") }, field: "items")
            let (couponID, discount) = try applyCoupon(db, code: coupon, subtotal: subtotal, now: now)
            let total = try Money.difference(subtotal, discount, field: "coupon")
            let id = try NewOrder(ownerID: owner, channel: request.counterSale ? .counter : .online, subtotal: subtotal, discount: discount,
                                  total: total, currency: context.currency.code, couponID: couponID,
                                  couponCode: couponID == nil ? nil : coupon?.uppercased(), contact: contact,
                                  paymentMethod: request.paymentMethod, createdBy: me.id, idempotencyScope: key == nil ? nil : scope,
                                  idempotencyKey: key, requestHash: fingerprint,
                                  lines: lines.map { .init(productId: $0.item.productId, variantId: $0.item.variantId, sku: $0.sku, name: $0.name,
                                                           quantity: $0.item.quantity, unitPrice: $0.price) })
                .write(db, now: now)
            if fromCart { try db.run("DELETE FROM cart_items WHERE user_id = ?", me.id) }
            return (try load(db, id: id)!, false)
        }
    }

    // MARK: - Checking details before placing

    /// Every problem with an order's details at once, without placing it: the contact fields,
    /// the delivery date and the coupon, each checked by the same rules `create` applies (which
    /// would refuse them one at a time). Writes nothing; an empty answer means the details pass.
    /// The cart's stock is not checked here: it can change until the order is placed.
    ///
    ///     let problems = try shop.orders.validate(contact, coupon: "SAVE10", caller: caller)
    ///     for p in problems { form.setError(p.message, for: p.field!) }
    public func validate(_ contact: Contact, coupon: String? = nil, caller: Caller) throws -> [ShopError] {
        var problems = contactProblems(contact, counter: false)
        let code = coupon.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let now = context.now
        try context.store.read { db in
            _ = try context.requireUser(caller, db)
            if let code, let problem = try couponProblem(db, code: code, now: now) { problems.append(problem) }
        }
        return problems
    }

    /// Each contact field's error, not only the first (`validContact` stops at the first).
    private func contactProblems(_ contact: Contact, counter: Bool) -> [ShopError] {
        let checks: [() throws -> Void] = [
            { _ = try Validate.text(contact.firstName, field: "first_name", label: "First name", required: !counter, max: 100) },
            { _ = try Validate.text(contact.lastName, field: "last_name", label: "Last name", required: !counter, max: 100) },
            { _ = try validPhone(contact.phone, counter: counter) },
            { if !contact.email.trimmingCharacters(in: .whitespaces).isEmpty { _ = try Validate.email(contact.email) } },
            { _ = try Validate.text(contact.address, field: "address", label: "Address", required: !counter, max: 500, multiline: true) },
            { _ = try Validate.postalCode(contact.postalCode) },
            { _ = try validDeliveryDate(contact.deliveryDate) },
            { _ = try Validate.text(contact.note, field: "note", label: "Note", max: 500, multiline: true) },
        ]
        return checks.compactMap { check in
            do { try check(); return nil } catch let error as ShopError { return error } catch { return ShopError.invalid("invalid", "\(error)") }
        }
    }

    // MARK: - Reading

    /// One order. Customers see only their own: anyone else's id answers "not found".
    public func order(id: Int64, caller: Caller) throws -> Order {
        expireUnpaidIfDue()
        return try context.store.read { db in try visibleOrder(db, id: id, caller: caller) }
    }

    /// Orders newest first. Customers get their own; staff get all (optionally one customer's).
    public func list(status: OrderStatus? = nil, customerID: Int64? = nil, limit: Int = 20, cursor: String? = nil, caller: Caller) throws -> OrderPage {
        let limit = try Pagination.limit(limit)
        let before = try cursor.map { try Pagination.decodeID($0) } ?? Int64.max
        expireUnpaidIfDue()
        return try context.store.read { db in
            let me = try context.requireUser(caller, db)
            let owner: Int64? = me.role.isStaff ? customerID : me.id
            let ids = try db.query("""
                SELECT id FROM orders WHERE id < ? AND (CAST(? AS BIGINT) IS NULL OR user_id = ?) AND (CAST(? AS TEXT) IS NULL OR status = ?)
                ORDER BY id DESC LIMIT ?
                """, arguments: [before, owner, owner, status?.rawValue, status?.rawValue, limit + 1]) { $0.int64(0) }
            let page = Array(ids.prefix(limit))
            return OrderPage(items: try Order.load(db, ids: page, unpaidExpiry: context.unpaidExpiry), nextCursor: ids.count > limit ? page.last.map(Pagination.encodeID) : nil)
        }
    }

    public struct StatusChange: Codable, Sendable, Equatable {
        public let status: OrderStatus
        public let at: Int64
        /// Who changed it; nil when the shop did (an unpaid order expiring).
        public let userId: Int64?
        /// What the customer is told, when there is more to say than the status.
        public let reason: String?
    }

    public func history(orderID: Int64, caller: Caller) throws -> [StatusChange] {
        expireUnpaidIfDue()
        return try context.store.read { db in
            _ = try visibleOrder(db, id: orderID, caller: caller)
            return try db.query("SELECT status, at, user_id, reason FROM order_status_history WHERE order_id = ? ORDER BY id", orderID) {
                StatusChange(status: $0.value("status", or: .pending), at: $0.int64("at"), userId: $0.optionalInt64("user_id"), reason: $0.optionalString("reason"))
            }
        }
    }

    // MARK: - Unpaid orders

    /// Cancels every order still waiting for an online payment (card or transfer) after
    /// `--unpaid-expiry` minutes: stock back through the ledger, coupon use released, the reason
    /// in its history. Returns how many it cancelled. Safe to run from any number of processes at
    /// once (each order is expired once). A housekeeping job applying the shop's own rule, so it
    /// takes no caller: shop-server runs it on a timer, and checkout and order reads run it too.
    ///
    /// ```swift
    /// let expired = try shop.orders.expireUnpaid()
    /// ```
    @discardableResult
    public func expireUnpaid() throws -> Int {
        let now = context.now, expiry = context.unpaidExpiry
        // A cheap read first: the write lock is taken only when something is due.
        guard try context.store.read({ try UnpaidOrders.anyDue($0, now: now, expiry: expiry) }) else { return 0 }
        return try context.store.write { try UnpaidOrders.expireDue($0, now: now, expiry: expiry) }
    }

    /// When the next order waiting for an online payment falls due (seconds since 1970), or nil
    /// when none waits: until then, reading orders expires nothing, so a kept answer stays exact.
    public func nextUnpaidExpiry() throws -> Int64? {
        try context.store.read { try UnpaidOrders.nextDue($0, expiry: context.unpaidExpiry) }
    }

    /// Before showing orders: expire the due ones, so nobody sees (or pays) an order that is
    /// past its time. Best effort: a busy database must not fail the read itself, and the next
    /// read, checkout or shop-server's timer sweeps again.
    private func expireUnpaidIfDue() {
        _ = try? expireUnpaid()
    }

    // MARK: - Status

    /// Staff move an order forward: paid → sent → delivered (cash on delivery: pending → sent).
    /// Nothing moves backwards; "paid" comes from payments and "cancelled" from `cancel`.
    public func updateStatus(id: Int64, to status: OrderStatus, caller: Caller) throws -> Order {
        try context.store.write { db in
            let staff = try context.requireStaff(caller, db)
            guard let order = try Order.load(db, id: id) else { throw ShopError.notFound("Order") }
            let allowed: Bool
            switch (order.status, status) {
            case (.paid, .sent), (.sent, .delivered): allowed = true
            case (.pending, .sent): allowed = order.paymentMethod == .cashOnDelivery
            default: allowed = false
            }
            guard allowed else { throw Self.invalidTransition(from: order.status, to: status, order: order) }
            try setStatus(db, orderID: id, status: status, userID: staff)
            return try load(db, id: id)!
        }
    }

    /// Cancels a pending or paid order and puts its stock back (through the ledger).
    public func cancel(id: Int64, caller: Caller) throws -> Order {
        try context.store.write { db in
            let me = try context.requireUser(caller, db)
            let order = try visibleOrder(db, id: id, caller: caller)
            guard order.canBeCancelled,
                  try UnpaidOrders.cancel(db, orderID: id, userID: me.id, guardedBy: "status IN ('pending', 'paid')",
                                          ledgerReason: "order cancelled", statusReason: nil, now: context.now)
            else { throw Self.invalidTransition(from: order.status, to: .cancelled, order: order) }
            return try load(db, id: id)!
        }
    }

    // MARK: - Coupons (staff)

    public struct Coupon: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable { case percent, fixed }
        public let id: Int64
        public let code: String
        public let kind: Kind
        public let value: Int64
        public let validFrom: Int64?
        public let validUntil: Int64?
        public let maxUses: Int64?
        public let usedCount: Int64
        public let active: Bool

        init(id: Int64, code: String, kind: Kind, value: Int64, validFrom: Int64?, validUntil: Int64?, maxUses: Int64?, usedCount: Int64, active: Bool) {
            self.id = id; self.code = code; self.kind = kind; self.value = value; self.validFrom = validFrom
            self.validUntil = validUntil; self.maxUses = maxUses; self.usedCount = usedCount; self.active = active
        }

        init(row: Row) {
            self.init(id: row.int64("id"), code: row.string("code"), kind: row.value("kind", or: .fixed), value: row.int64("value"),
                      validFrom: row.optionalInt64("valid_from"), validUntil: row.optionalInt64("valid_until"), maxUses: row.optionalInt64("max_uses"),
                      usedCount: row.int64("used_count"), active: row.bool("active"))
        }
    }

    /// Issues a coupon; the rules (window, uses, one coupon per code) are in `issueCoupon` (Coupons.swift).
    public func createCoupon(code: String, kind: Coupon.Kind, value: Int64, validFrom: Int64? = nil, validUntil: Int64? = nil, maxUses: Int64? = nil, caller: Caller) throws -> Coupon {
        try issueCoupon(code: code, kind: kind, value: value, validFrom: validFrom, validUntil: validUntil, maxUses: maxUses, caller: caller)
    }

    public func coupons(caller: Caller) throws -> [Coupon] {
        try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try db.query("SELECT id, code, kind, value, valid_from, valid_until, max_uses, used_count, active FROM coupons ORDER BY code", map: Coupon.init)
        }
    }

    // MARK: - Helpers

    func visibleOrder(_ db: Connection, id: Int64, caller: Caller) throws -> Order {
        let me = try context.requireUser(caller, db)
        guard let order = try load(db, id: id), me.role.isStaff || order.userId == me.id else { throw ShopError.notFound("Order") }
        return order
    }

    /// An order with its expiry filled in.
    func load(_ db: Connection, id: Int64) throws -> Order? {
        try Order.load(db, id: id, unpaidExpiry: context.unpaidExpiry)
    }

    func setStatus(_ db: Connection, orderID: Int64, status: OrderStatus, userID: Int64?) throws {
        try db.run("UPDATE orders SET status = ?, updated_at = ? WHERE id = ?", status.rawValue, context.now, orderID)
        try db.run("INSERT INTO order_status_history(order_id, status, user_id, at) VALUES (?, ?, ?, ?)", orderID, status.rawValue, userID, context.now)
    }

    static func invalidTransition(from: OrderStatus, to: OrderStatus, order: Order) -> ShopError {
        ShopError(.conflict, "invalid_transition", "Order \(order.number) is \(from.rawValue) and cannot become \(to.rawValue)")
    }

    private func applyCoupon(_ db: Connection, code: String?, subtotal: Int64, now: Int64) throws -> (Int64?, Int64) {
        guard let code else { return (nil, 0) }
        if let problem = try couponProblem(db, code: code, now: now) { throw problem }
        guard let coupon = try db.first("SELECT id, code, kind, value, valid_from, valid_until, max_uses, used_count, active FROM coupons WHERE code = ?", code, map: Coupon.init)
        else { throw ShopError.invalid("invalid_coupon", "There is no coupon \(code)", field: "coupon") }
        guard try db.run("UPDATE coupons SET used_count = used_count + 1 WHERE id = ? AND (max_uses IS NULL OR used_count < max_uses)", coupon.id) == 1 else {
            throw ShopError.invalid("coupon_used_up", "Coupon \(code) has been used up", field: "coupon")
        }
        let discount = coupon.kind == .percent ? try Money.percent(coupon.value, of: subtotal, field: "coupon") : min(coupon.value, subtotal)
        return (coupon.id, discount)
    }

    /// Why a coupon cannot be used now (unknown, disabled, not yet or no longer valid, used up),
    /// or nil. One home for the rule: `validate` asks it, `applyCoupon` asks it before counting a use.
    private func couponProblem(_ db: Connection, code: String, now: Int64) throws -> ShopError? {
        guard let coupon = try db.first("SELECT id, code, kind, value, valid_from, valid_until, max_uses, used_count, active FROM coupons WHERE code = ?", code, map: Coupon.init)
        else { return ShopError.invalid("invalid_coupon", "There is no coupon \(code)", field: "coupon") }
        guard coupon.active else { return ShopError.invalid("coupon_disabled", "Coupon \(code) has been disabled by the shop", field: "coupon") }
        if let from = coupon.validFrom, now < from { return ShopError.invalid("coupon_not_yet_valid", "Coupon \(code) is not valid yet", field: "coupon") }
        if let until = coupon.validUntil, now >= until { return ShopError.invalid("coupon_expired", "Coupon \(code) has expired", field: "coupon") }
        if let max = coupon.maxUses, coupon.usedCount >= max { return ShopError.invalid("coupon_used_up", "Coupon \(code) has been used up", field: "coupon") }
        return nil
    }

    private func validPhone(_ raw: String, counter: Bool) throws -> String {
        let phone = raw.trimmingCharacters(in: .whitespaces)
        if phone.isEmpty {
            if !counter { throw ShopError.invalid("missing_phone", "Phone is required", field: "phone") }
            return ""
        }
        return try Phone.normalize(phone, defaultCountry: context.configuration.defaultCountry)
    }

    private func validContact(_ contact: Contact, counter: Bool) throws -> Contact {
        var c = contact
        c.firstName = try Validate.text(contact.firstName, field: "first_name", label: "First name", required: !counter, max: 100)
        c.lastName = try Validate.text(contact.lastName, field: "last_name", label: "Last name", required: !counter, max: 100)
        c.phone = try validPhone(contact.phone, counter: counter)
        c.email = contact.email.trimmingCharacters(in: .whitespaces).isEmpty ? "" : try Validate.email(contact.email)
        c.address = try Validate.text(contact.address, field: "address", label: "Address", required: !counter, max: 500, multiline: true)
        c.postalCode = try Validate.postalCode(contact.postalCode)
        c.note = try Validate.text(contact.note, field: "note", label: "Note", max: 500, multiline: true)
        c.deliveryDate = try validDeliveryDate(contact.deliveryDate)
        return c
    }

    /// `YYYY-MM-DD`, today or later (UTC), within a year; empty means "as soon as possible".
    private func validDeliveryDate(_ raw: String) throws -> String {
        let text = Text.foldDigits(raw).trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return "" }
        let invalid = ShopError.invalid("invalid_delivery_date", "Delivery date must be a date like 2026-12-24, today or later", field: "delivery_date")
        guard let date = CivilDate(text) else { throw invalid }
        let today = CivilDate(utc: context.now).startUTC
        guard date.startUTC >= today, date.startUTC - today <= 366 * 86_400 else { throw invalid }
        return text
    }

    static func validIdempotencyKey(_ key: String) throws -> String {
        guard (1...128).contains(key.count), key.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) else {
            throw ShopError.invalid("invalid_idempotency_key", "Idempotency-Key must be 1–128 visible ASCII characters")
        }
        return key
    }

    /// Explicit items with duplicates merged; each quantity 1…`CartService.maxQuantity`.
    static func mergedItems(_ items: [OrderRequest.Item]) throws -> [OrderRequest.Item] {
        guard items.count <= Money.maxLines else { throw ShopError.invalid("too_many_items", "At most \(Money.maxLines) lines per order", field: "items") }
        var merged: [OrderRequest.Item] = []
        for item in items {
            try CartService.checkQuantity(item.quantity)
            if let i = merged.firstIndex(where: { $0.productId == item.productId && $0.variantId == item.variantId }) {
                merged[i].quantity += item.quantity
                try CartService.checkQuantity(merged[i].quantity)
            } else {
                merged.append(item)
            }
        }
        return merged
    }

    static func fingerprint(_ request: OrderRequest, contact: Contact) -> String {
        let items = (request.items ?? []).map { "\($0.productId):\($0.variantId ?? 0):\($0.quantity)" }.joined(separator: ",")
        let text = [items, request.items == nil ? "cart" : "items", contact.firstName, contact.lastName, contact.phone, contact.email,
                    contact.address, contact.postalCode, contact.deliveryDate, contact.note, request.paymentMethod.rawValue,
                    request.coupon ?? "", String(request.customerID ?? 0)].joined(separator: "\u{1F}")
        return Crypto.hex(Crypto.sha256(Array(text.utf8)))
    }
}
