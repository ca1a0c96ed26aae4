/// Store-wide settings kept in the `settings` table, so every process (servers, terminal
/// sessions, the command line) sees a change at once.
///
/// | key | default | who changes it |
/// |---|---|---|
/// | `store_name` | `Shop` | the demo, or SQL |
/// | `currency` | `USD:2` | `--currency` at start |
/// | `low_stock_threshold` | 5 | an admin: `shop.admin.updateSettings`, `PATCH /api/v1/admin/settings` |
/// | `demo_store` | none | `--demo` on a named database: the demo's language once filled (`DemoStore.seedOnce`) |
///
/// ```swift
/// let settings = try shop.admin.updateSettings(.init(lowStockThreshold: 3), caller: admin)
/// settings.lowStockThreshold   // 3: products at 3 units or fewer are "low stock"
/// ```
public struct StoreSettings: Codable, Sendable, Equatable {
    /// The name on receipts and the title bar.
    public var storeName: String
    /// A product (or variant) with this many units or fewer is running low (`Product.isLowStock`).
    public var lowStockThreshold: Int64

    public static let defaultStoreName = "Shop"
    public static let defaultLowStockThreshold: Int64 = 5
    public static let lowStockThresholdRange: ClosedRange<Int64> = 0...Money.maxStock

    /// Fields to change; nil leaves one as it is.
    public struct Changes: Codable, Sendable {
        public var lowStockThreshold: Int64?
        public init(lowStockThreshold: Int64? = nil) { self.lowStockThreshold = lowStockThreshold }
    }

    enum Key: String { case storeName = "store_name", currency, lowStockThreshold = "low_stock_threshold", demoStore = "demo_store" }

    // MARK: - Reading and writing

    static func load(_ db: Connection) throws -> StoreSettings {
        StoreSettings(storeName: try string(db, .storeName) ?? defaultStoreName, lowStockThreshold: try lowStockThreshold(db))
    }

    static func lowStockThreshold(_ db: Connection) throws -> Int64 {
        try string(db, .lowStockThreshold).flatMap { Int64($0) } ?? defaultLowStockThreshold
    }

    static func string(_ db: Connection, _ key: Key) throws -> String? {
        try db.scalarString("SELECT value FROM settings WHERE key = ?", key.rawValue)
    }

    static func set(_ db: Connection, _ key: Key, _ value: String) throws {
        try db.run("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key.rawValue, value)
    }
}

extension AdminService {
    /// The store's settings; staff and admins may read them.
    public func settings(caller: Caller) throws -> StoreSettings {
        try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try StoreSettings.load(db)
        }
    }

    /// Admins: changes settings (validated) and returns them all.
    public func updateSettings(_ changes: StoreSettings.Changes, caller: Caller) throws -> StoreSettings {
        try context.store.write { db in
            _ = try context.requireAdmin(caller, db)
            if let threshold = changes.lowStockThreshold {
                guard StoreSettings.lowStockThresholdRange.contains(threshold) else {
                    throw ShopError.invalid("invalid_low_stock_threshold", "low_stock_threshold must be 0 to \(Money.maxStock)", field: "low_stock_threshold")
                }
                try StoreSettings.set(db, .lowStockThreshold, String(threshold))
            }
            return try StoreSettings.load(db)
        }
    }
}
