import Foundation

/// Figures for the staff dashboard and the end-of-day cash-up.
public struct ReportService: Sendable {
    let context: EngineContext
    init(_ context: EngineContext) { self.context = context }

    public struct DaySummary: Codable, Sendable, Equatable {
        /// `YYYY-MM-DD` in the shop's local time zone.
        public let day: String
        /// Completed payments taken that day, per method (refunded ones excluded), less the
        /// refunds for returns handed back that day by the same method: what the till holds.
        public let byMethod: [MethodTotal]
        public let total: Int64
        /// Refunded that day: payments of cancelled orders and refunds for returns.
        public let refunded: Int64
        /// Of `refunded`, the refunds for returned goods (already taken off `byMethod` and `total`).
        public var returned: Int64 = 0
        public let ordersPlaced: Int
        public let ordersCancelled: Int
        public let currency: String
    }

    public struct MethodTotal: Codable, Sendable, Equatable {
        public let method: PaymentMethod
        public let count: Int
        public let amount: Int64
    }

    /// Totals for one day (default today), for the dashboard and the cash-up report.
    public func day(_ day: String? = nil, caller: Caller) throws -> DaySummary {
        let date = try civilDay(day)
        return try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try summary(db, date)
        }
    }

    private func summary(_ db: Connection, _ date: CivilDate) throws -> DaySummary {
        let from = date.startLocal, until = date.nextLocal.startLocal
        let taken = try db.query("""
            SELECT method, count(*) AS count, sum(amount) AS amount FROM payments
            WHERE status = 'completed' AND created_at >= ? AND created_at < ? GROUP BY method ORDER BY method
            """, from, until) { MethodTotal(method: $0.value("method", or: .cash), count: $0.int("count"), amount: $0.int64("amount")) }
        let (methods, returned) = try Self.netOfReturns(db, taken, from: from, until: until)
        let refunded = try db.scalarInt("SELECT coalesce(sum(amount), 0) FROM payments WHERE status = 'refunded' AND updated_at >= ? AND updated_at < ?", from, until) ?? 0
        let placed = try db.scalarInt("SELECT count(*) FROM orders WHERE created_at >= ? AND created_at < ?", from, until) ?? 0
        let cancelled = try db.scalarInt("SELECT count(*) FROM order_status_history WHERE status = 'cancelled' AND at >= ? AND at < ?", from, until) ?? 0
        return DaySummary(day: date.description, byMethod: methods, total: try Money.sum(methods.lazy.map(\.amount), field: nil), refunded: refunded, returned: returned,
                          ordersPlaced: Int(placed), ordersCancelled: Int(cancelled), currency: context.currency.code)
    }

    /// Online orders to pack and send, oldest first: paid ones, and cash-on-delivery ones (paid
    /// at the door). Counter sales leave with the customer and are never on this list.
    public func awaitingDispatch(limit: Int = 50, caller: Caller) throws -> [Order] {
        try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try Self.awaitingDispatch(db, limit: try Pagination.limit(limit))
        }
    }

    /// Everything the staff dashboard shows, read in one snapshot: today's takings (also per
    /// hour, and per day for the last 14 days), today's best sellers, the packing list and the
    /// products running low (by the store's `low_stock_threshold`).
    public struct Dashboard: Sendable, Equatable {
        public let today: DaySummary
        public let awaitingDispatch: [Order]
        public let lowStock: [Product]
        /// The `low_stock_threshold` setting the list was made with.
        public let lowStockThreshold: Int64
        /// Today's net takings per local hour (24 amounts, index = hour).
        public var hourly: [Int64] = []
        /// Net takings of the last 14 days, oldest first, today last.
        public var daily: [DayTotal] = []
        /// Today's best sellers (at most 5).
        public var topProducts: [ProductSales] = []
    }

    public func dashboard(limit: Int = 50, caller: Caller) throws -> Dashboard {
        let limit = try Pagination.limit(limit)
        return try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            let today = CivilDate(local: context.now)
            return Dashboard(today: try summary(db, today), awaitingDispatch: try Self.awaitingDispatch(db, limit: limit),
                             lowStock: try CatalogService.lowStock(db, limit: limit, currency: context.currency.code),
                             lowStockThreshold: try StoreSettings.lowStockThreshold(db),
                             hourly: try Self.hourly(db, today), daily: try Self.daily(db, through: today, days: 14),
                             topProducts: try Self.topProducts(db, today, limit: 5))
        }
    }

    private static func awaitingDispatch(_ db: Connection, limit: Int) throws -> [Order] {
        let ids = try db.query("""
            SELECT id FROM orders WHERE channel = ? AND (status = ? OR (status = ? AND payment_method = ?)) ORDER BY id LIMIT ?
            """, Order.Channel.online.rawValue, OrderStatus.paid.rawValue, OrderStatus.pending.rawValue, PaymentMethod.cashOnDelivery.rawValue, limit) { $0.int64(0) }
        return try Order.load(db, ids: ids)
    }
}

extension Shop {
    public var reports: ReportService { ReportService(context) }
}
