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
        #expect(try api.temporary.runSQLInAnotherProcess("UPDATE products SET stock = 2 WHERE id = \(id);") == 0)
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

    /// Which of the two look-alike queries is asked first (each must get its own answer).
    enum Order: String, CaseIterable, CustomTestStringConvertible {
        case encodedFirst, plainFirst
        var testDescription: String { rawValue }
    }

    @Test("q=a%26sort%3Dprice (one search for \"a&sort=price\") and q=a&sort=price (a search sorted by price) never share a cached answer",
          arguments: Order.allCases)
    func encodedSeparatorsAreNotSeparators(_ order: Order) throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009034", role: .staff)
        // By name: Apple sorter pricey, Apricot, Avocado. By price: Apricot, Avocado, Apple sorter pricey.
        for (sku, name, price) in [("AP-1", "Apple sorter pricey", 900), ("AP-2", "Apricot", 100), ("AV-1", "Avocado", 500)] {
            _ = try api.createProduct(staff, sku: sku, name: name, price: price)
        }
        func names(_ path: String) -> [String] { api.call("GET", path).items.compactMap { $0["name"] as? String } }
        let encoded = "/products?q=a%26sort%3Dprice", plain = "/products?q=a&sort=price"
        // Every word of "a&sort=price" must match: only one product does, listed by name.
        let oneSearch = ["Apple sorter pricey"]
        let byPrice = ["Apricot", "Avocado", "Apple sorter pricey"]
        switch order {
        case .encodedFirst:
            #expect(names(encoded) == oneSearch)
            #expect(names(plain) == byPrice, "a price sort, not the cached answer to the encoded query")
        case .plainFirst:
            #expect(names(plain) == byPrice)
            #expect(names(encoded) == oneSearch, "one search, not the cached price sort")
        }
        // Both stay cached side by side.
        #expect(names(encoded) == oneSearch)
        #expect(names(plain) == byPrice)
    }

    @Test("a cache key re-encodes every decoded part: look-alikes differ, different spellings of one request agree")
    func cacheKeys() {
        func key(_ target: String) -> String {
            let request = HTTPRequest(method: "GET", target: target)
            return ResponseCache.key(path: request.path, query: request.query)
        }
        #expect(key("/api/v1/products?q=a%26sort%3Dprice") != key("/api/v1/products?q=a&sort=price"))
        #expect(key("/api/v1/products?q=a%3Db") == key("/api/v1/products?q=a=b"), "both are q = \"a=b\": one request")
        #expect(key("/api/v1/products?q=x%26y") != key("/api/v1/products?q=x&y="))
        #expect(key("/api/v1/products?a=1%26b%3D2") != key("/api/v1/products?a=1&b=2"))
        #expect(key("/api/v1/products%3Fq%3Dx") != key("/api/v1/products?q=x"), "a ? in the path is not the query")
        #expect(key("/api/v1/products?q=%25") != key("/api/v1/products?q=%2525"))
        #expect(key("/api/v1/products?sort=price&q=a") == key("/api/v1/products?q=a&sort=price"))
        #expect(key("/api/v1/products?q=t%C3%A9+x") == key("/api/v1/products?q=t%c3%a9%20x"))
    }
}
