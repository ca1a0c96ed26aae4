import Foundation
import Testing
@testable import ShopEngine
import ShopTestSupport

@Suite("Moving a shop to another database (shop-server migrate)")
struct DatabaseCopyTests {
    /// The demo store plus a customer's signed-in session and a fresh order, on a SQLite file
    /// (what `migrate` copies from) whatever backend the tests run on. `target` is where the
    /// copy goes: the test's own empty PostgreSQL database (with `SHOP_TEST_POSTGRES`), or a new
    /// SQLite file.
    func demoShop() throws -> (t: TestShop, target: String, open: (String) throws -> Shop) {
        var postgresTarget: ShopConfiguration?
        let t = try TestShop(currency: try DemoStore.currency()) { config in
            if TestDatabase.isPostgres { postgresTarget = config }
            guard case .file(let messages) = config.messages else { return }   // the test's own folder
            let folder = (messages as NSString).deletingLastPathComponent
            config.databasePath = (folder as NSString).appendingPathComponent("source.sqlite")
            config.secretFile = nil
        }
        try DemoStore.seed(t.shop)
        let customer = try t.customer("+15550107777")
        let cheap = try t.shop.catalog.list(ProductQuery(limit: 100), caller: .guest()).items.first { $0.variants.isEmpty && $0.stock >= 2 }!
        _ = try t.shop.orders.create(OrderRequest(items: [.init(productID: cheap.id, quantity: 2)], contact: .sample), caller: customer.caller)
        let target = postgresTarget?.databasePath ?? t.directory.appendingPathComponent("moved.sqlite").path
        let open = { (path: String) throws -> Shop in
            var configuration = postgresTarget ?? t.configuration
            configuration.databasePath = path
            return try Shop(configuration)
        }
        return (t, target, open)
    }

    func rows(_ table: String, in database: String) throws -> Int64? {
        try Store(path: database).read { try $0.scalarInt("SELECT count(*) FROM \(table)") }
    }

    func everything(_ shop: Shop, staff: Caller) throws -> (products: [Product], orders: [Order], search: [Int64]) {
        var products: [Product] = []
        var cursor: String?
        repeat {
            let page = try shop.catalog.list(ProductQuery(limit: 100, cursor: cursor), caller: .guest())
            products += page.items
            cursor = page.nextCursor
        } while cursor != nil
        let orders = try shop.orders.list(limit: 100, caller: staff).items
        let search = try shop.catalog.list(ProductQuery(text: "tea", limit: 100), caller: .guest()).items.map(\.id)
        return (products, orders, search)
    }

    @Test("the copy holds the same products, orders and search results; sessions are left behind with a warning")
    func copiesEverything() throws {
        let (t, target, open) = try demoShop()
        let before = try everything(t.shop, staff: try t.shop.admin.localSignIn(phone: "+15550100900").caller)

        let report = try DatabaseCopy.run(from: t.databasePath, to: target)

        #expect(report.copied.contains { $0.name == "orders" && $0.rows == Int64(before.orders.count) })
        #expect(report.copied.contains { $0.name == "products" && $0.rows == Int64(before.products.count) })
        #expect(report.lines.contains { $0.hasPrefix("warning: left behind") && $0.contains("refresh_tokens") })
        #expect(report.lines.contains { $0.hasPrefix("verified: stock ledger sum(delta)") })
        let moved = try open(target)
        let after = try everything(moved, staff: try moved.admin.localSignIn(phone: "+15550100900").caller)
        #expect(after.products == before.products)
        #expect(after.orders.map(\.id) == before.orders.map(\.id))
        #expect(after.orders.map(\.total) == before.orders.map(\.total))
        #expect(after.search == before.search && !after.search.isEmpty, "the search index is rebuilt on the target")
        #expect(try HealthCheck.run(database: target) == [])
    }

    @Test("a target that already holds a shop is refused and keeps what it had")
    func refusesNonEmptyTarget() throws {
        let (t, target, _) = try demoShop()
        _ = try DatabaseCopy.run(from: t.databasePath, to: target)
        let orders = try rows("orders", in: target)

        expectError("migrate_failed") { try DatabaseCopy.run(from: t.databasePath, to: target) }
        #expect(try rows("orders", in: target) == orders && orders! > 0)
    }

    @Test("a missing source or a file that is not a shop is a clear error")
    func badSources() throws {
        let t = try TestShop()
        let target = t.directory.appendingPathComponent("moved.sqlite").path
        expectError("migrate_failed") { try DatabaseCopy.run(from: t.directory.appendingPathComponent("nope.sqlite").path, to: target) }
        let text = t.directory.appendingPathComponent("notes.txt").path
        try "not a database".write(toFile: text, atomically: true, encoding: .utf8)
        expectError("migrate_failed") { try DatabaseCopy.run(from: text, to: target) }
        #expect(try String(contentsOfFile: text, encoding: .utf8) == "not a database", "the file is left as it was")
    }
}
