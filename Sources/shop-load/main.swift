// shop-load: drives one database file from a separate process, for multi-process tests and
// benchmarks. Prints one JSON line of counts; exit status 0 unless something unexpected failed.
import Foundation
import ShopEngine

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("shop-load: \(message)\n".utf8))
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
    print("""
    usage: shop-load counter DB N                 N increments of one counter row, each in BEGIN IMMEDIATE
           shop-load checkout DB PRODUCT QTY N    N checkouts of QTY units (a new customer per process)
           shop-load cancel DB ORDER...           cancel the given orders as staff
           shop-load counter-sales DB PRODUCT N   N counter sales of 1–3 units as staff, each paid by card + cash with change
           shop-load seed DB N                    add N generated products (bulk, for benchmarks)
           shop-load seed-orders DB N             add N generated orders with lines and payments (bulk, for benchmarks)
           shop-load browse DB N                  time N of each catalog query; prints median and p99 in ms (SHOP_BROWSE_ONLY=TEXT: those named with TEXT)
           shop-load tokens DB N                  N new customer accounts, signed in: one access token a line (no JSON)
    """)
    exit(arguments.isEmpty ? 0 : 64)
}

nonisolated(unsafe) var counts: [String: Int] = [:] // one thread only
func count(_ key: String) { counts[key, default: 0] += 1 }
let started = Date()

/// A fresh account of `role`, signed in (each process buys as its own customer).
func signInNewAccount(_ shop: Shop, role: Role = .customer) throws -> Caller {
    let phone = "+1555" + String(Crypto.randomInt(below: 10_000_000) + 10_000_000).suffix(7)
    _ = try shop.admin.localSetRole(phone: phone, role: role)
    return try shop.admin.localSignIn(phone: phone).caller
}

do {
    switch arguments[0] {
    case "counter":
        guard arguments.count == 3, let n = Int(arguments[2]) else { fail("counter DB N") }
        let store = try Store(path: arguments[1], migrations: [Migration(1, "counter", sql: "CREATE TABLE counter(id INTEGER PRIMARY KEY, value INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0);")])
        for _ in 0..<n {
            do {
                try store.write { db in
                    let value = try db.scalarInt("SELECT value FROM counter WHERE id = 1") ?? 0
                    try db.run("UPDATE counter SET value = ? WHERE id = 1", value + 1)
                }
                count("ok")
            } catch let error as SQLiteError where error.isBusy {
                count("locked")
            }
        }
    case "checkout":
        guard arguments.count == 5, let product = Int64(arguments[2]), let quantity = Int(arguments[3]), let n = Int(arguments[4]) else { fail("checkout DB PRODUCT QTY N") }
        var config = ShopConfiguration(databasePath: arguments[1], messages: .outbox, passwordIterations: 1_000)
        config.maxUnpaidOrders = .max   // one customer places thousands of unpaid orders here, on purpose
        let shop = try Shop(config)
        let caller = try signInNewAccount(shop)
        for _ in 0..<n {
            do {
                _ = try shop.orders.create(OrderRequest(items: [.init(productID: product, quantity: Int64(quantity))], contact: .sample), caller: caller)
                count("ordered")
            } catch let error as ShopError where error.code == "out_of_stock" {
                count("out_of_stock")
            } catch let error as SQLiteError where error.isBusy {
                count("locked")
            }
        }
    case "cancel":
        let shop = try Shop(ShopConfiguration(databasePath: arguments[1], messages: .outbox, passwordIterations: 1_000))
        let staff = try signInNewAccount(shop, role: .staff)
        for id in arguments.dropFirst(2).compactMap({ Int64($0) }) {
            do {
                _ = try shop.orders.cancel(id: id, caller: staff)
                count("cancelled")
            } catch let error as ShopError where error.code == "invalid_transition" {
                count("already")
            } catch let error as SQLiteError where error.isBusy {
                count("locked")
            }
        }
    case "counter-sales":
        // Run by the kill -9 test: every sale must be whole (order, lines, payments, delivered) or absent.
        guard arguments.count == 4, let product = Int64(arguments[2]), let n = Int(arguments[3]) else { fail("counter-sales DB PRODUCT N") }
        let shop = try Shop(ShopConfiguration(databasePath: arguments[1], messages: .outbox, passwordIterations: 1_000))
        let staff = try signInNewAccount(shop, role: .staff)
        for i in 0..<n {
            let lines = [OrderRequest.Item(productID: product, quantity: Int64(i % 3 + 1))]
            do {
                let total = try shop.orders.counterQuote(lines: lines, caller: staff).total
                let card = total / 2
                let tenders = [CounterSaleRequest.Tender(method: .card, amount: card),
                               CounterSaleRequest.Tender(method: .cash, amount: total - card, tendered: total - card + 100)]
                _ = try shop.orders.counterSale(CounterSaleRequest(lines: lines, tenders: tenders, idempotencyKey: "load-\(i)"), caller: staff)
                count("sold")
            } catch let error as ShopError where error.code == "out_of_stock" {
                count("out_of_stock")
            } catch let error as SQLiteError where error.isBusy {
                count("locked")
            }
        }
    case "seed":
        guard arguments.count == 3, let n = Int(arguments[2]) else { fail("seed DB N") }
        let shop = try Shop(ShopConfiguration(databasePath: arguments[1], messages: .outbox))
        try CatalogSeeder.seed(shop.store, count: n)
        counts["products"] = n
    case "seed-orders":
        guard arguments.count == 3, let n = Int(arguments[2]) else { fail("seed-orders DB N") }
        let shop = try Shop(ShopConfiguration(databasePath: arguments[1], messages: .outbox))
        try OrderSeeder.seed(shop.store, count: n)
        counts["orders"] = n
    case "tokens":
        // For load generators (Benchmarks/checkout): many buyers without the code flow's limits.
        guard arguments.count == 3, let n = Int(arguments[2]) else { fail("tokens DB N") }
        let shop = try Shop(ShopConfiguration(databasePath: arguments[1], messages: .outbox, passwordIterations: 1_000))
        for i in 0..<n {
            let phone = "+1555" + String(2_000_000 + i)
            _ = try shop.admin.localSetRole(phone: phone, role: .customer)
            print(try shop.admin.localSignIn(phone: phone).access)
        }
        exit(0)
    case "browse":
        guard arguments.count == 3, let n = Int(arguments[2]) else { fail("browse DB N") }
        let shop = try Shop(ShopConfiguration(databasePath: arguments[1], messages: .outbox))
        for (name, figure) in try BrowseTimer.run(shop, iterations: n) { counts[name] = figure }
    default:
        fail("unknown command \(arguments[0])")
    }
} catch {
    count("error")
    FileHandle.standardError.write(Data("shop-load: \(error)\n".utf8))
}
counts["ms"] = Int(Date().timeIntervalSince(started) * 1000)
let json = try JSONSerialization.data(withJSONObject: counts, options: .sortedKeys)
print(String(decoding: json, as: UTF8.self))
exit(counts["error"] == nil ? 0 : 1)
