/// Payments against orders. Customers record payments on their own orders (pending); staff
/// confirm, fail or refund them, or take completed payments at the counter. An order becomes
/// paid when completed payments cover its total; nobody can pay more than is owed.
public struct PaymentService: Sendable {
    let context: EngineContext
    init(_ context: EngineContext) { self.context = context }

    public enum Status: String, Codable, Sendable, CaseIterable { case pending, completed, failed, refunded }

    public struct Payment: Codable, Sendable, Equatable {
        public let id: Int64
        public let orderId: Int64
        public let amount: Int64
        public let method: PaymentMethod
        public let status: Status
        /// Cash handed over at the counter, when more than the amount (change = tendered − amount).
        public let tendered: Int64?
        public let createdAt: Int64
        public var change: Int64 { max(0, Money.saturatingDifference(tendered ?? amount, amount)) }

        static let columns = "id, order_id, amount, method, status, tendered, created_at"
        init(row: Row) {
            id = row.int64("id"); orderId = row.int64("order_id"); amount = row.int64("amount")
            method = row.value("method", or: .cash); status = row.value("status", or: .pending)
            tendered = row.optionalInt64("tendered"); createdAt = row.int64("created_at")
        }
    }

    public struct PaymentPage: Codable, Sendable {
        public let items: [Payment]
        public let nextCursor: String?
    }

    /// Records a payment. Staff may record it as completed at once (`completed: true`), e.g. at the counter.
    public func create(orderID: Int64, amount: Int64, method: PaymentMethod, tendered: Int64? = nil, completed: Bool = false,
                       idempotencyKey: String? = nil, caller: Caller) throws -> Payment {
        guard amount > 0, amount <= Money.maxAmount else {
            throw ShopError.invalid("invalid_amount", "The amount must be more than zero and at most \(Money.maxAmount) (in minor units)", field: "amount")
        }
        if let tendered, tendered < amount { throw ShopError.invalid("invalid_tendered", "Cash tendered is less than the amount", field: "tendered") }
        if let tendered, tendered > Money.maxAmount { throw ShopError.invalid("amount_too_large", "Cash tendered can be at most \(Money.maxAmount) (in minor units)", field: "tendered") }
        let key = try idempotencyKey.map { try OrderService.validIdempotencyKey($0) }
        let orders = OrderService(context)
        return try context.store.write { db in
            let me = try context.requireUser(caller, db)
            if completed && !me.role.isStaff { throw ShopError.forbidden }
            // An order past its time to pay is cancelled first: it takes no payment.
            try UnpaidOrders.expireDue(db, now: context.now, expiry: context.unpaidExpiry)
            let order = try orders.visibleOrder(db, id: orderID, caller: caller)
            let scope = "user:\(me.id)"
            if let key, let existing = try db.first("SELECT \(Payment.columns) FROM payments WHERE idempotency_scope = ? AND idempotency_key = ?", scope, key, map: Payment.init) {
                guard existing.orderId == orderID, existing.amount == amount, existing.method == method else {
                    throw ShopError(.conflict, "idempotency_key_reused", "This Idempotency-Key was used for a different payment")
                }
                return existing
            }
            guard order.status != .cancelled else { throw ShopError(.conflict, "order_cancelled", "Order \(order.number) is cancelled") }
            let committed = try db.scalarInt("SELECT coalesce(sum(amount), 0) FROM payments WHERE order_id = ? AND status IN ('pending', 'completed')", orderID) ?? 0
            // Goods returned make the order cost less, and the money refunded for them is no longer paid.
            let owed = try Money.difference(order.owed, Money.difference(committed, order.refunded, field: "amount"), field: "amount")
            guard amount <= owed else {
                throw ShopError(.conflict, "overpayment", owed <= 0 ? "Order \(order.number) is fully paid" : "Only \(context.currency.format(owed, withCode: true)) remains to be paid", field: "amount")
            }
            let now = context.now
            let id = try db.insert("""
                INSERT INTO payments(order_id, amount, method, status, tendered, created_by, idempotency_scope, idempotency_key, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, arguments: [orderID, amount, method.rawValue, (completed ? Status.completed : .pending).rawValue, tendered, me.id, key == nil ? nil : scope, key, now, now])
            if completed { try settle(db, orderID: orderID, userID: me.id) }
            return try db.first("SELECT \(Payment.columns) FROM payments WHERE id = ?", id, map: Payment.init)!
        }
    }

    public func list(orderID: Int64, limit: Int = 50, cursor: String? = nil, caller: Caller) throws -> PaymentPage {
        let limit = try Pagination.limit(limit)
        let after = try cursor.map { try Pagination.decodeID($0) } ?? 0
        return try context.store.read { db in
            _ = try OrderService(context).visibleOrder(db, id: orderID, caller: caller)
            let rows = try db.query("SELECT \(Payment.columns) FROM payments WHERE order_id = ? AND id > ? ORDER BY id LIMIT ?", orderID, after, limit + 1, map: Payment.init)
            let page = Array(rows.prefix(limit))
            return PaymentPage(items: page, nextCursor: rows.count > limit ? page.last.map { Pagination.encodeID($0.id) } : nil)
        }
    }

    /// Staff: pending → completed or failed; completed → refunded (only once the order is cancelled,
    /// so a paid order never slides back to unpaid).
    public func updateStatus(paymentID: Int64, to status: Status, caller: Caller) throws -> Payment {
        try context.store.write { db in
            let staff = try context.requireStaff(caller, db)
            try UnpaidOrders.expireDue(db, now: context.now, expiry: context.unpaidExpiry)
            guard let payment = try db.first("SELECT \(Payment.columns) FROM payments WHERE id = ?", paymentID, map: Payment.init) else { throw ShopError.notFound("Payment") }
            let orderStatus = try db.scalarString("SELECT status FROM orders WHERE id = ?", payment.orderId)
            switch (payment.status, status) {
            case (.pending, .completed):
                guard orderStatus != OrderStatus.cancelled.rawValue else { throw ShopError(.conflict, "order_cancelled", "The order is cancelled; mark the payment failed instead") }
            case (.pending, .failed): break
            case (.completed, .refunded):
                guard orderStatus == OrderStatus.cancelled.rawValue else {
                    throw ShopError(.conflict, "invalid_transition", "Cancel the order before refunding its payments")
                }
            default:
                throw ShopError(.conflict, "invalid_transition", "A \(payment.status.rawValue) payment cannot become \(status.rawValue)")
            }
            try db.run("UPDATE payments SET status = ?, updated_at = ? WHERE id = ?", status.rawValue, context.now, paymentID)
            if status == .completed { try settle(db, orderID: payment.orderId, userID: staff) }
            return try db.first("SELECT \(Payment.columns) FROM payments WHERE id = ?", paymentID, map: Payment.init)!
        }
    }

    /// A pending order whose completed payments cover its total becomes paid; a counter sale,
    /// handed over on the spot, then becomes delivered.
    private func settle(_ db: Connection, orderID: Int64, userID: Int64) throws {
        guard let order = try Order.load(db, id: orderID), order.status == .pending, order.paid >= order.total else { return }
        let orders = OrderService(context)
        try orders.setStatus(db, orderID: orderID, status: .paid, userID: userID)
        if order.channel == .counter { try orders.setStatus(db, orderID: orderID, status: .delivered, userID: userID) }
    }
}
