import Foundation

/// `shop-server check`: SQLite's own checks plus the shop's invariants, read in one snapshot
/// while the shop keeps running.
public enum HealthCheck {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let check: String
        public let detail: String
        public var description: String { "\(check): \(detail)" }
    }

    /// Every problem found (empty: healthy). At most `limit` per check, so a badly damaged file
    /// still gives a readable report.
    public static func run(database: String, limit: Int = 20) throws -> [Problem] {
        let location = try DatabaseLocation(database)
        if case .sqlite = location, !FileManager.default.fileExists(atPath: database) { throw ShopError(.invalid, "check_failed", "There is no database at \(database)") }
        let db = try location.isPostgres ? Connection(postgres: database) : Connection(inspecting: database)
        return try db.readTransaction { db in
            var problems: [Problem] = []
            func add(_ check: String, _ rows: [String]) { problems += rows.prefix(limit).map { Problem(check: check, detail: $0) } }

            // SQLite's own checks; PostgreSQL checks pages and enforces foreign keys itself.
            if db.dialect == .sqlite {
                let integrity = try db.query("PRAGMA integrity_check") { $0.string(0) }
                if integrity != ["ok"] { add("integrity_check", integrity) }
                add("foreign_key_check", try db.query("PRAGMA foreign_key_check") { "\($0.string(0)) row \($0.optionalInt64(1).map(String.init) ?? "?") refers to a missing \($0.string(2)) row" })
            }
            let version = db.dialect == .sqlite ? try db.scalarInt("PRAGMA user_version") : try db.scalarInt("SELECT coalesce(max(version), 0) FROM schema_migrations")
            guard Int(version ?? 0) >= 2 else { return problems }   // no commerce tables yet

            // Every stock figure is the sum of its ledger rows.
            add("stock_ledger", try db.query("""
                SELECT p.sku, p.stock, coalesce((SELECT sum(delta) FROM stock_ledger l WHERE l.product_id = p.id AND l.variant_id IS NULL), 0)
                FROM products p WHERE NOT EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id)
                  AND p.stock <> coalesce((SELECT sum(delta) FROM stock_ledger l WHERE l.product_id = p.id AND l.variant_id IS NULL), 0)
                """) { "product \($0.string(0)) has stock \($0.int64(1)) but its ledger sums to \($0.int64(2))" })
            add("stock_ledger", try db.query("""
                SELECT p.sku, v.name, v.stock, coalesce((SELECT sum(delta) FROM stock_ledger l WHERE l.variant_id = v.id), 0)
                FROM product_variants v JOIN products p ON p.id = v.product_id
                WHERE v.stock <> coalesce((SELECT sum(delta) FROM stock_ledger l WHERE l.variant_id = v.id), 0)
                """) { "variant \($0.string(0)) \($0.string(1)) has stock \($0.int64(2)) but its ledger sums to \($0.int64(3))" })
            add("stock_ledger", try db.query("""
                SELECT p.sku, p.stock, (SELECT sum(stock) FROM product_variants v WHERE v.product_id = p.id)
                FROM products p WHERE EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id)
                  AND p.stock <> (SELECT sum(stock) FROM product_variants v WHERE v.product_id = p.id)
                """) { "product \($0.string(0)) has stock \($0.int64(1)) but its variants hold \($0.int64(2))" })
            add("stock", try db.query("SELECT sku, stock FROM products WHERE stock < 0") { "product \($0.string(0)) has negative stock \($0.int64(1))" })

            // Every order's figures agree with its lines.
            add("order_totals", try db.query("""
                SELECT o.number, o.subtotal, coalesce((SELECT sum(quantity * unit_price) FROM order_items i WHERE i.order_id = o.id), 0), o.discount, o.total
                FROM orders o
                WHERE o.subtotal <> coalesce((SELECT sum(quantity * unit_price) FROM order_items i WHERE i.order_id = o.id), 0)
                   OR o.total <> o.subtotal - o.discount
                """) { "order \($0.string(0)): subtotal \($0.int64(1)) (lines \($0.int64(2))) − discount \($0.int64(3)) ≠ total \($0.int64(4))" })

            // An order marked paid (or later) that was paid online or at the counter is covered by completed payments.
            add("payments", try db.query("""
                SELECT o.number, o.status, o.total, coalesce((SELECT sum(amount) FROM payments p WHERE p.order_id = o.id AND p.status = 'completed'), 0)
                FROM orders o
                WHERE o.status IN ('paid', 'sent', 'delivered') AND o.payment_method <> 'cash_on_delivery'
                  AND coalesce((SELECT sum(amount) FROM payments p WHERE p.order_id = o.id AND p.status = 'completed'), 0) < o.total
                """) { "order \($0.string(0)) is \($0.string(1)) but completed payments cover \($0.int64(3)) of \($0.int64(2))" })
            return problems
        }
    }
}
