/// The rows that make an order, written the same way by an online order (`OrderService.place`)
/// and a counter sale (`CounterSales`): the order (pending), its first status, its lines at the
/// prices already decided, and their ledger rows. Stock was already taken by the caller.
struct NewOrder {
    struct Line {
        let productId: Int64
        let variantId: Int64?
        let sku: String
        let name: String
        let quantity: Int64
        let unitPrice: Int64
    }

    var ownerID: Int64?
    var channel: Order.Channel
    var subtotal: Int64
    var discount: Int64 = 0
    var total: Int64
    var currency: String
    var couponID: Int64? = nil
    var couponCode: String? = nil
    var contact: Contact
    var paymentMethod: PaymentMethod
    /// Who placed it: the customer online, the cashier at the counter.
    var createdBy: Int64
    var idempotencyScope: String? = nil
    var idempotencyKey: String? = nil
    var requestHash: String? = nil
    var lines: [Line]

    /// Writes the order; returns its id (its number is `S-` and the id in six digits).
    func write(_ db: Connection, now: Int64) throws -> Int64 {
        let id = try Self.nextID(db)
        try db.run("""
            INSERT INTO orders(id, number, user_id, status, channel, subtotal, discount, total, currency, coupon_id, coupon_code,
              first_name, last_name, phone, email, address, postal_code, delivery_date, note, payment_method, created_by,
              idempotency_scope, idempotency_key, request_hash, created_at, updated_at)
            VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, String(format: "S-%06lld", id), ownerID, channel.rawValue, subtotal, discount, total, currency,
                             couponID, couponCode, contact.firstName, contact.lastName, contact.phone, contact.email,
                             contact.address, contact.postalCode, contact.deliveryDate, contact.note, paymentMethod.rawValue,
                             createdBy, idempotencyScope, idempotencyKey, requestHash, now, now])
        try db.run("INSERT INTO order_status_history(order_id, status, user_id, at) VALUES (?, 'pending', ?, ?)", id, createdBy, now)
        for line in lines {
            try db.run("INSERT INTO order_items(order_id, product_id, variant_id, sku, name, quantity, unit_price) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: [id, line.productId, line.variantId, line.sku, line.name, line.quantity, line.unitPrice])
            try Ledger.record(db, productID: line.productId, variantID: line.variantId, delta: -line.quantity,
                              reason: "sale", orderID: id, userID: createdBy, now: now)
        }
        return id
    }

    /// The new order's id, which its number shows: unique, and larger than every order placed before.
    ///
    /// SQLite: one after the largest, read under the one write lock, so numbers also run without
    /// gaps. PostgreSQL: the identity sequence (migration 11 moved it past the ids written this way
    /// before). Reading max(id) there made every two concurrent checkouts conflict, so one of them
    /// always ran again; a sequence never conflicts, at the price of a gap in the numbers wherever a
    /// checkout rolled back or ran again after a conflict elsewhere.
    static func nextID(_ db: Connection) throws -> Int64 {
        let sql = switch db.dialect {
        case .sqlite: "SELECT coalesce(max(id), 0) + 1 FROM orders"
        case .postgres: "SELECT nextval(pg_get_serial_sequence('orders', 'id'))"
        }
        guard let id = try db.scalarInt(sql) else { throw DatabaseError(code: 1, message: "no next order id", sql: sql) }
        return id
    }
}
