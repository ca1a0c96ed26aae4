/// Sliding-window limits kept in the database, so every process (HTTP server, one TUI per
/// SSH customer) shares them.
struct RateLimiter {
    let store: Store
    let clock: any ShopClock

    /// Counts one event in `bucket`; throws `too_many_requests` (with the wait) past `limit`
    /// events within `window` seconds. The event is recorded in its own transaction, so it
    /// counts even when the operation it guards then fails.
    func hit(_ bucket: String, limit: Int, window: Int64, message: String) throws {
        guard limit > 0 else { return }
        let now = clock.now()
        let wait: Int64? = try store.write { db in
            try db.run("DELETE FROM rate_events WHERE bucket = ? AND at <= ?", bucket, now - window)
            let count = try db.scalarInt("SELECT count(*) FROM rate_events WHERE bucket = ?", bucket) ?? 0
            if count >= limit {
                let oldest = try db.scalarInt("SELECT min(at) FROM rate_events WHERE bucket = ?", bucket) ?? now
                return oldest + window - now
            }
            try db.run("INSERT INTO rate_events(bucket, at) VALUES (?, ?)", bucket, now)
            if Crypto.randomInt(below: 200) == 0 { // now and then, forget stale buckets of all addresses
                try db.run("DELETE FROM rate_events WHERE at <= ?", now - 86_400)
            }
            return nil
        }
        if let wait { throw ShopError.tooMany(message, retryAfter: Int(wait)) }
    }
}
