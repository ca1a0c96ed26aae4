import Foundation
import Testing
import ShopEngine
@testable import ShopServer

/// Overflowing numbers are 400s with a field and the server lives on; unpaid orders expire and
/// are capped, through the HTTP API.
@Suite("API: safe by default")
struct APISafeByDefaultTests {
    @Test("a stock delta of Int64.min (or a number past Int64) is a 400 on delta, and the server is still alive")
    func stockDeltaExtremes() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009000", role: .staff)
        let pid = try #require(try api.createProduct(staff, sku: "TEA", stock: 5).int("id"))
        for raw in ["-9223372036854775808", "9223372036854775808", "18446744073709551615", "9223372036854775807"] {
            let body = Array("{\"delta\": \(raw), \"reason\": \"typo\"}".utf8)
            let response = api.call("POST", "/products/\(pid)/stock", body: body, contentType: "application/json", token: staff.access)
            #expect(response.status == 400, "\(raw): \(response.status) \(response.text)")
            #expect(response.isErrorBody && response.string("field") == "delta", "\(raw): \(response.text)")
        }
        #expect(api.call("GET", "/healthz").status == 200)
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 5)
    }

    @Test("a 95% coupon on a subtotal whose × 95 overflows Int64 gives the exact discount over HTTP, server alive")
    func percentCouponOnHugeSubtotal() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009000", role: .staff)
        let variants: [[String: Any]] = (1...50).map { ["name": "v\($0)", "price": 1_000_000_000_000, "stock": 999] }
        let products = try ["A", "B"].map { try api.createProduct(staff, sku: $0, variants: variants) }
        let coupon = api.call("POST", "/coupons", json: ["code": "SALE", "kind": "percent", "value": 95], token: staff.access)
        #expect(coupon.status == 201)
        let customer = try api.signIn(phone: "+15550001000")
        let items: [[String: Any]] = products.flatMap { product in
            (product["variants"] as? [[String: Any]] ?? []).map { ["product_id": product["id"]!, "variant_id": $0["id"]!, "quantity": 999] }
        }
        #expect(items.count == 100)
        let order = api.call("POST", "/orders", json: api.contact(["items": items, "coupon": "SALE"]), token: customer.access)
        #expect(order.status == 201, "\(order.text)")
        let subtotal: Int64 = 100 * 999 * 1_000_000_000_000   // × 95 is past Int64.max
        #expect(order.int("subtotal") == subtotal && order.int("discount") == 94_905_000_000_000_000 && order.int("total") == subtotal - 94_905_000_000_000_000)
        #expect(api.call("GET", "/healthz").status == 200)
    }

    @Test("999 × a stored price near Int64.max is a 400 amount_too_large at checkout, nothing written, server alive")
    func quantityTimesHugePrice() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009000", role: .staff)
        let pid = try #require(try api.createProduct(staff, sku: "BAR", price: 1, stock: 1000).int("id"))
        // A price beyond today's validation (an older program, an import, a hand edit).
        try api.shop.store.write { _ = try $0.run("UPDATE products SET price = ? WHERE id = ?", Int64.max - 1, pid) }
        let customer = try api.signIn(phone: "+15550001000")
        let order = api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 999]]]), token: customer.access)
        #expect(order.status == 400, "\(order.text)")
        #expect(order.code == "amount_too_large" && order.string("field") == "items")
        #expect(api.call("GET", "/healthz").status == 200)
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 1000)
        #expect(api.call("GET", "/orders", token: customer.access).items.isEmpty)
    }

    @Test("a card order unpaid past the expiry is cancelled with a reason; past the cap a checkout is a 409 too_many_unpaid_orders")
    func expiryAndCap() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009000", role: .staff)
        let pid = try #require(try api.createProduct(staff, sku: "TEA", stock: 100).int("id"))
        let customer = try api.signIn(phone: "+15550001000")
        let one: [String: Any] = ["items": [["product_id": pid, "quantity": 1]]]
        var orders: [APIResult] = []
        for _ in 0..<5 { orders.append(api.call("POST", "/orders", json: api.contact(one), token: customer.access)) }
        #expect(orders.allSatisfy { $0.status == 201 })
        let first = orders[0]
        #expect(first.int("expires_at") == first.int("created_at")! + 30 * 60)
        #expect(first.object["status_reason"] is NSNull)

        let refused = api.call("POST", "/orders", json: api.contact(one), token: customer.access)
        #expect(refused.status == 409 && refused.code == "too_many_unpaid_orders" && refused.isErrorBody)
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 95, "the refused checkout took nothing")

        api.clock.advance(30 * 60)
        let customer2 = try api.signIn(phone: "+15550001000")   // access tokens last 15 minutes
        let expired = api.call("GET", "/orders/\(first.int("id")!)", token: customer2.access)
        #expect(expired.string("status") == "cancelled")
        #expect(expired.string("status_reason") == "Cancelled: not paid within 30 minutes")
        #expect(expired.object["expires_at"] is NSNull)
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 100)
        #expect(api.call("POST", "/orders", json: api.contact(one), token: customer2.access).status == 201, "room again")
    }
}
