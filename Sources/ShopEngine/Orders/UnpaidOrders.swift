/// The rules for orders nobody pays: an online order waiting for a card or transfer payment holds
/// stock, so it is cancelled when still unpaid after `ShopConfiguration.unpaidExpiryMinutes`
/// (stock back through the ledger, coupon use released, a reason in its history), and a customer
/// may keep at most `ShopConfiguration.maxUnpaidOrders` orders open and unpaid at once.
///
/// Cash on delivery and counter sales never expire; an order with a completed payment (staff
/// took money) is never expired either. Every process sweeps: checkout (before stock is
/// checked), order reads, and shop-server on a timer. Sweeps are idempotent across processes:
/// each expiry is a guarded update on the order's status inside an immediate transaction.
enum UnpaidOrders {
    /// An order waiting for an online payment (SQL on the `orders` table). The partial index
    /// `orders_awaiting_online_payment(status, created_at)` (migration 5) repeats the first three
    /// terms, so the sweep reads only the due orders (checked with EXPLAIN QUERY PLAN).
    static let awaitingOnlinePayment = """
        status = 'pending' AND channel = 'online' AND payment_method IN ('card', 'transfer')
        AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = orders.id AND p.status = 'completed')
        """

    /// The same rule for a loaded order.
    static func awaitsOnlinePayment(_ order: Order) -> Bool {
        order.status == .pending && order.channel == .online && (order.paymentMethod == .card || order.paymentMethod == .transfer) && order.paid == 0
    }

    /// Open and unpaid orders of one customer (any payment method: cash on delivery holds stock
    /// too, until it is sent).
    static func openCount(_ db: Connection, userID: Int64) throws -> Int64 {
        try db.scalarInt("SELECT count(*) FROM orders WHERE user_id = ? AND status = 'pending' AND channel = 'online'", userID) ?? 0
    }

    /// True when some order is due to expire (a cheap indexed read; no write lock).
    static func anyDue(_ db: Connection, now: Int64, expiry: Int64) throws -> Bool {
        try db.scalarInt("SELECT 1 FROM orders WHERE \(awaitingOnlinePayment) AND created_at <= ? LIMIT 1", now - expiry) != nil
    }

    /// When the oldest order waiting for an online payment falls due, or nil when none waits.
    static func nextDue(_ db: Connection, expiry: Int64) throws -> Int64? {
        try db.scalarInt("SELECT min(created_at) FROM orders WHERE \(awaitingOnlinePayment)").map { $0 + expiry }
    }

    /// Expires due orders, at most `limit` per call; must run inside a write transaction.
    /// Returns how many this call expired (an order another process expired first is skipped).
    @discardableResult
    static func expireDue(_ db: Connection, now: Int64, expiry: Int64, limit: Int = 500) throws -> Int {
        let due = try db.query("SELECT id FROM orders WHERE \(awaitingOnlinePayment) AND created_at <= ? ORDER BY created_at LIMIT ?", now - expiry, limit) { $0.int64(0) }
        let reason = "Cancelled: not paid within \(describe(expiry))"
        var expired = 0
        for id in due {
            if try cancel(db, orderID: id, userID: nil, guardedBy: awaitingOnlinePayment, ledgerReason: "unpaid order expired", statusReason: reason, now: now) {
                expired += 1
            }
        }
        return expired
    }

    /// Cancels one order if it still matches `condition` (SQL on `orders`): status cancelled by a
    /// guarded update, so two callers cannot both cancel it; then its stock goes back through the
    /// ledger, its coupon use is released, pending payments fail and the history gets an entry.
    /// Returns false, changing nothing, when the order no longer matches.
    static func cancel(_ db: Connection, orderID id: Int64, userID: Int64?, guardedBy condition: String,
                       ledgerReason: String, statusReason: String?, now: Int64) throws -> Bool {
        guard try db.run("UPDATE orders SET status = 'cancelled', updated_at = ? WHERE id = ? AND \(condition)", now, id) == 1 else { return false }
        let sold = try db.query("SELECT product_id, variant_id, -sum(delta) AS quantity FROM stock_ledger WHERE order_id = ? GROUP BY product_id, variant_id", id) {
            (product: $0.int64("product_id"), variant: $0.optionalInt64("variant_id"), quantity: $0.int64("quantity"))
        }
        for line in sold where line.quantity > 0 {
            _ = try Ledger.move(db, productID: line.product, variantID: line.variant, delta: line.quantity)
            try Ledger.record(db, productID: line.product, variantID: line.variant, delta: line.quantity, reason: ledgerReason, orderID: id, userID: userID, now: now)
        }
        try db.run("UPDATE coupons SET used_count = used_count - 1 WHERE id = (SELECT coupon_id FROM orders WHERE id = ?) AND used_count > 0", id)
        try db.run("UPDATE payments SET status = 'failed', updated_at = ? WHERE order_id = ? AND status = 'pending'", now, id)
        try db.run("INSERT INTO order_status_history(order_id, status, user_id, at, reason) VALUES (?, 'cancelled', ?, ?, ?)", id, userID, now, statusReason)
        return true
    }

    /// "30 minutes", "1 minute", "2 hours", "1 day".
    static func describe(_ seconds: Int64) -> String {
        let minutes = seconds / 60
        func plural(_ n: Int64, _ unit: String) -> String { "\(n) \(unit)\(n == 1 ? "" : "s")" }
        if minutes % 1440 == 0 { return plural(minutes / 1440, "day") }
        if minutes % 60 == 0 { return plural(minutes / 60, "hour") }
        return plural(minutes, "minute")
    }
}
