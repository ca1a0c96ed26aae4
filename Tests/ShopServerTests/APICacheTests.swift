import Foundation
import Testing
@testable import ShopEngine
@testable import ShopServer

@Suite("Cached catalog reads")
struct APICacheTests {
    @Test("an anonymous product list is served from the cache until any process changes the database")
    func invalidation() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009031", role: .staff)
        let id = try #require(try api.createProduct(staff, sku: "CACHED", price: 100, stock: 5).int("id"))
        func stock() -> Int? { api.call("GET", "/products?q=CACHED").items.first?["stock"] as? Int }
        #expect(stock() == 5)
        #expect(stock() == 5)
        // Another process writes to the same file (the sqlite3 shell, not our code at all).
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["sqlite3", api.shop.store.path, "UPDATE products SET stock = 2 WHERE id = \(id);"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        #expect(stock() == 2, "the next request sees the other process's change")
        // A checkout in this process through the API.
        let customer = try api.signIn(phone: "+15550009032")
        let order = api.call("POST", "/orders", json: api.contact(["items": [["product_id": id, "quantity": 1]]]), token: customer.access)
        #expect(order.status == 201)
        #expect(stock() == 1)
        #expect(api.call("GET", "/products/\(id)").int("stock") == 1)
    }

    @Test("signed-in callers are never served another caller's cached answer")
    func staffBypass() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009033", role: .staff)
        let id = try #require(try api.createProduct(staff, sku: "HIDDEN", price: 100, stock: 5).int("id"))
        #expect(api.call("PATCH", "/products/\(id)", json: ["active": false], token: staff.access).status == 200)
        #expect(api.call("GET", "/products/\(id)").status == 404, "hidden from guests")
        #expect(api.call("GET", "/products/\(id)", token: staff.access).status == 200, "visible to staff")
        #expect(api.call("GET", "/products/\(id)").status == 404)
    }
}
