import Foundation

// MARK: - Sales over time and the day's best sellers (the dashboard's charts)

extension ReportService {
    /// Takings of one local day (`YYYY-MM-DD`), net of refunds for returns the same way
    /// `DaySummary.total` is: completed payments count at the time they were taken, refunds for
    /// returned goods at the time the money went back.
    public struct DayTotal: Codable, Sendable, Equatable {
        public let day: String
        public let amount: Int64
    }

    /// One product's sales on a day: units and line amounts (before an order's coupon discount)
    /// of paid orders placed that day, less the units and refunds of its returns that day.
    public struct ProductSales: Codable, Sendable, Equatable {
        public let productID: Int64
        public let name: String
        public let quantity: Int64
        public let amount: Int64
    }

    /// Net takings per local hour of `day` (default today): 24 amounts, index = hour.
    ///
    ///     let hours = try shop.reports.salesByHour(caller: staff)   // hours[9] == takings 09:00–09:59
    public func salesByHour(_ day: String? = nil, caller: Caller) throws -> [Int64] {
        let date = try civilDay(day)
        return try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try Self.hourly(db, date)
        }
    }

    /// Net takings per local day for the `days` days ending today, oldest first (days without
    /// sales are there with 0).
    public func salesByDay(days: Int = 14, caller: Caller) throws -> [DayTotal] {
        guard (1...366).contains(days) else { throw ShopError.invalid("invalid_days", "Days must be 1 to 366", field: "days") }
        return try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try Self.daily(db, through: CivilDate(local: context.now), days: days)
        }
    }

    /// The day's best sellers by amount (then units), at most `limit`.
    public func topProducts(_ day: String? = nil, limit: Int = 5, caller: Caller) throws -> [ProductSales] {
        let date = try civilDay(day)
        let limit = try Pagination.limit(limit)
        return try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try Self.topProducts(db, date, limit: limit)
        }
    }

    func civilDay(_ day: String?) throws -> CivilDate {
        guard let day else { return CivilDate(local: context.now) }
        guard let parsed = CivilDate(day) else { throw ShopError.invalid("invalid_day", "Day must look like 2026-11-21", field: "day") }
        return parsed
    }

    // MARK: - Queries (inside a read snapshot)

    /// Completed payments plus refunds for returns (negated) between `from` and `until`, as
    /// `(created_at, amount)` rows: the one place the dashboard's charts net refunds.
    private static let takings = """
        SELECT created_at, amount FROM payments WHERE status = 'completed' AND created_at >= ?1 AND created_at < ?2
        UNION ALL
        SELECT created_at, -refund_amount FROM returns WHERE refund_amount > 0 AND created_at >= ?1 AND created_at < ?2
        """

    static func hourly(_ db: Connection, _ date: CivilDate) throws -> [Int64] {
        var hours = [Int64](repeating: 0, count: 24)
        // The SQL's local time and CivilDate both use the process's time zone (`Dialect.localHour`).
        let rows = try db.query("""
            SELECT \(db.dialect.localHour("created_at")) AS hour, sum(amount) AS amount
            FROM (\(takings)) AS takings GROUP BY hour ORDER BY hour
            """, date.startLocal, date.nextLocal.startLocal) { ($0.int("hour"), $0.int64("amount")) }
        for (hour, amount) in rows where hours.indices.contains(hour) { hours[hour] += amount }
        return hours
    }

    static func daily(_ db: Connection, through last: CivilDate, days: Int) throws -> [DayTotal] {
        var dates = [last]
        // Step back from local midnight by half a day: right across DST changes too.
        while dates.count < days { dates.insert(CivilDate(local: dates[0].startLocal - 12 * 3600), at: 0) }
        let rows = try db.query("""
            SELECT \(db.dialect.localDay("created_at")) AS day, sum(amount) AS amount
            FROM (\(takings)) AS takings GROUP BY day
            """, dates[0].startLocal, last.nextLocal.startLocal) { ($0.string("day"), $0.int64("amount")) }
        let byDay = Dictionary(rows, uniquingKeysWith: +)
        return dates.map { DayTotal(day: $0.description, amount: byDay[$0.description] ?? 0) }
    }

    static func topProducts(_ db: Connection, _ date: CivilDate, limit: Int) throws -> [ProductSales] {
        try db.query("""
            SELECT p.id AS id, p.name AS name, sum(s.quantity) AS quantity, sum(s.amount) AS amount FROM (
                SELECT oi.product_id AS product_id, oi.quantity AS quantity, oi.quantity * oi.unit_price AS amount
                FROM order_items oi JOIN orders o ON o.id = oi.order_id
                WHERE o.status IN ('paid', 'sent', 'delivered') AND o.created_at >= ?1 AND o.created_at < ?2
                UNION ALL
                SELECT oi.product_id, -ri.quantity, -ri.amount
                FROM return_items ri JOIN returns r ON r.id = ri.return_id JOIN order_items oi ON oi.id = ri.order_item_id
                WHERE r.created_at >= ?1 AND r.created_at < ?2
            ) s JOIN products p ON p.id = s.product_id
            GROUP BY p.id HAVING sum(s.quantity) > 0
            ORDER BY amount DESC, quantity DESC, name LIMIT ?3
            """, date.startLocal, date.nextLocal.startLocal, limit) {
            ProductSales(productID: $0.int64("id"), name: $0.string("name"), quantity: $0.int64("quantity"), amount: $0.int64("amount"))
        }
    }
}
