import Foundation
import Testing
@testable import ShopEngine

@Suite("Moving a shop to another database (shop-server migrate)")
struct DatabaseCopyTests {
    /// The demo store plus a customer's signed-in session and a fresh order, on a real file.
    func demoShop() throws -> TestShop {
        let t = try TestShop(currency: try DemoStore.currency())
        try DemoStore.seed(t.shop)
        let customer = try t.customer("+15550107777")
        let cheap = try t.shop.catalog.list(ProductQuery(limit: 100), caller: .guest()).items.first { $0.variants.isEmpty && $0.stock >= 2 }!
        _ = try t.shop.orders.create(OrderRequest(items: [.init(productID: cheap.id, quantity: 2)], contact: .sample), caller: customer.caller)
        return t
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
        let t = try demoShop()
        let before = try everything(t.shop, staff: try t.shop.admin.localSignIn(phone: "+15550100900").caller)
        let target = t.directory.appendingPathComponent("moved.sqlite").path

        let report = try DatabaseCopy.run(from: t.databasePath, to: target)

        #expect(report.copied.contains { $0.name == "orders" && $0.rows == Int64(before.orders.count) })
        #expect(report.copied.contains { $0.name == "products" && $0.rows == Int64(before.products.count) })
        #expect(report.lines.contains { $0.hasPrefix("warning: left behind") && $0.contains("refresh_tokens") })
        #expect(report.lines.contains { $0.hasPrefix("verified: stock ledger sum(delta)") })
        var configuration = t.configuration
        configuration.databasePath = target
        let moved = try Shop(configuration)
        let after = try everything(moved, staff: try moved.admin.localSignIn(phone: "+15550100900").caller)
        #expect(after.products == before.products)
        #expect(after.orders.map(\.id) == before.orders.map(\.id))
        #expect(after.orders.map(\.total) == before.orders.map(\.total))
        #expect(after.search == before.search && !after.search.isEmpty, "the search index is rebuilt on the target")
        #expect(try HealthCheck.run(database: target) == [])
    }

    @Test("a target that already holds a shop is refused and keeps what it had")
    func refusesNonEmptyTarget() throws {
        let t = try demoShop()
        let target = t.directory.appendingPathComponent("moved.sqlite").path
        _ = try DatabaseCopy.run(from: t.databasePath, to: target)
        let orders = try Connection(inspecting: target).scalarInt("SELECT count(*) FROM orders")

        expectError("migrate_failed") { try DatabaseCopy.run(from: t.databasePath, to: target) }
        #expect(try Connection(inspecting: target).scalarInt("SELECT count(*) FROM orders") == orders)
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
