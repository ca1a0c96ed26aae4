import Foundation
import ShopEngine

/// Bulk-generated orders for the export benchmark: each with 1–3 lines copied from generated
/// products and a payment, spread over the last year, names partly Persian. Written straight
/// into the tables in batches of 10,000 orders per transaction (checkout's rules are benchmarked
/// elsewhere; here only the volume matters).
enum OrderSeeder {
    static let firstNames = ["Sara", "Ali", "Maryam", "Reza", "سارا", "علی", "Emma", "Noah"]
    static let lastNames = ["Karimi", "Smith", "Ahmadi", "رضایی", "Jones", "محمدی"]
    static let statuses = ["paid", "sent", "delivered", "pending", "cancelled"]
    static let methods = ["cash", "card", "transfer", "cash_on_delivery"]

    static func seed(_ store: Store, count: Int) throws {
        if try store.read({ try $0.scalarInt("SELECT count(*) FROM products") }) ?? 0 < 1_000 {
            try CatalogSeeder.seed(store, count: 1_000)
        }
        let products = try store.read { db in
            try db.query("SELECT id, sku, name, price FROM products ORDER BY id LIMIT 1000") { (id: $0.int64(0), sku: $0.string(1), name: $0.string(2), price: $0.int64(3)) }
        }
        let currency = try store.read { try $0.scalarString("SELECT value FROM settings WHERE key = 'currency'") }.map { String($0.prefix(3)) } ?? "USD"
        let now = Int64(Date().timeIntervalSince1970)
        let first = (try store.read { try $0.scalarInt("SELECT coalesce(max(id), 0) FROM orders") } ?? 0) + 1
        var done = 0
        while done < count {
            let batch = min(10_000, count - done)
            try store.write { db in
                for k in 0..<batch {
                    let n = first + Int64(done + k)
                    let created = now - 365 * 86_400 + (n - first) * 365 * 86_400 / Int64(max(count, 1)) // oldest first, over a year
                    let lines = (0..<Int(1 + n % 3)).map { products[Int((n * 7 + Int64($0) * 13) % Int64(products.count))] }
                    let quantities = lines.indices.map { Int64(1 + (Int(n) + $0) % 4) }
                    let subtotal = zip(lines, quantities).reduce(Int64(0)) { $0 + $1.0.price * $1.1 }
                    let status = statuses[Int(n % Int64(statuses.count))]
                    let method = methods[Int(n % Int64(methods.count))]
                    try db.run("""
                        INSERT INTO orders(id, number, status, channel, subtotal, discount, total, currency, first_name, last_name, phone, email,
                                           address, postal_code, delivery_date, note, payment_method, created_at, updated_at)
                        VALUES (?, ?, ?, 'online', ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)
                        """, arguments: [n, "B-\(n)", status, subtotal, subtotal, currency, firstNames[Int(n % 8)], lastNames[Int(n % 6)],
                                         "+1555\(String(1_000_000 + n % 9_000_000).suffix(7))", "buyer\(n % 5000)@example.com",
                                         "\(n % 300) Main Street, Apt \"\(n % 9)\"", String(10_000 + n % 90_000), n % 10 == 0 ? "ring twice, then wait" : "",
                                         method, created, created])
                    for (line, quantity) in zip(lines, quantities) {
                        try db.run("INSERT INTO order_items(order_id, product_id, sku, name, quantity, unit_price) VALUES (?, ?, ?, ?, ?, ?)",
                                   n, line.id, line.sku, line.name, quantity, line.price)
                    }
                    if status != "pending" {
                        try db.run("INSERT INTO payments(order_id, amount, method, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                                   n, subtotal, method, status == "cancelled" ? "refunded" : "completed", created, created)
                    }
                }
            }
            done += batch
        }
        // The ids were written here: PostgreSQL's sequence, where checkouts take theirs, moves past them.
        if store.dialect == .postgres {
            try store.write { _ = try $0.scalarInt("SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders))") }
        }
    }
}
