/// Stock changes: every one is a guarded update plus a ledger row, inside the caller's transaction.
enum Ledger {
    /// Applies `delta` to the product's (or variant's) stock unless it would go negative.
    /// Returns false, changing nothing, when there is not enough stock.
    static func move(_ db: Connection, productID: Int64, variantID: Int64?, delta: Int64) throws -> Bool {
        if let variantID {
            let changed = try db.run("UPDATE product_variants SET stock = stock + ? WHERE id = ? AND product_id = ? AND stock + ? >= 0", delta, variantID, productID, delta)
            guard changed == 1 else { return false }
            try db.run("UPDATE products SET stock = stock + ? WHERE id = ?", delta, productID)
            return true
        }
        return try db.run("UPDATE products SET stock = stock + ? WHERE id = ? AND stock + ? >= 0", delta, productID, delta) == 1
    }

    static func record(_ db: Connection, productID: Int64, variantID: Int64?, delta: Int64, reason: String, orderID: Int64?, userID: Int64?, now: Int64) throws {
        try db.run("INSERT INTO stock_ledger(product_id, variant_id, delta, reason, order_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   arguments: [productID, variantID, delta, reason, orderID, userID, now])
    }
}
