import Foundation
import Testing
import ShopEngine
@testable import ShopServer

/// Customers see only their own things; someone else's id is 404, not 403. Staff routes refuse
/// customers; admin routes refuse staff.
@Suite("API authorization")
struct APIAuthorizationTests {

    @Test("a customer cannot read or change another customer's cart line, order, payments or profile")
    func ownershipIsolation() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550001000", role: .staff)
        let alice = try api.signIn(phone: "+15550001001")
        let bob = try api.signIn(phone: "+15550001002")
        let pid = try #require(try api.createProduct(staff, sku: "A-1", price: 500, stock: 20).int("id"))

        let aliceCart = api.call("POST", "/cart/items", json: ["product_id": pid, "quantity": 2], token: alice.access)
        let aliceLine = try #require(aliceCart.items.first?.int("id"))
        let aliceOrder = try #require(api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 1]]]), token: alice.access).int("id"))
        let alicePayment = try #require(api.call("POST", "/orders/\(aliceOrder)/payments", json: ["amount": 100, "method": "card"], token: alice.access).int("id"))
        _ = api.call("PATCH", "/me", json: ["first_name": "Alice", "address": "Secret street 1"], token: alice.access)

        // Bob: every one of Alice's ids is "not found".
        let attempts: [(String, String, [String: Any]?)] = [
            ("PATCH", "/cart/items/\(aliceLine)", ["quantity": 5]),
            ("DELETE", "/cart/items/\(aliceLine)", nil),
            ("GET", "/orders/\(aliceOrder)", nil),
            ("POST", "/orders/\(aliceOrder)/cancel", nil),
            ("GET", "/orders/\(aliceOrder)/payments", nil),
            ("POST", "/orders/\(aliceOrder)/payments", ["amount": 100, "method": "card"]),
        ]
        for (method, path, body) in attempts {
            let r = api.call(method, path, json: body, token: bob.access)
            #expect(r.status == 404, "\(method) \(path) as another customer → \(r.status) \(r.text)")
            #expect(r.isErrorBody)
        }
        // Bob's own lists do not show Alice's things.
        #expect(api.call("GET", "/orders", token: bob.access).items.isEmpty)
        #expect(api.call("GET", "/orders?customer_id=\(alice.userID)", token: bob.access).items.isEmpty)
        #expect(api.call("GET", "/cart", token: bob.access).items.isEmpty)
        let bobMe = api.call("GET", "/me", token: bob.access)
        #expect(bobMe.int("id") == bob.userID)
        #expect(!bobMe.text.contains("Secret street"))
        // A customer cannot complete a payment (not even their own), nor reach another's.
        #expect(api.call("PATCH", "/payments/\(alicePayment)", json: ["status": "completed"], token: bob.access).status == 403)
        #expect(api.call("PATCH", "/payments/\(alicePayment)", json: ["status": "completed"], token: alice.access).status == 403)

        // Alice's things are unchanged.
        #expect(api.call("GET", "/cart", token: alice.access).items.first?.int("quantity") == 2)
        #expect(api.call("GET", "/orders/\(aliceOrder)", token: alice.access).string("status") == "pending")
        #expect(api.call("GET", "/orders/\(aliceOrder)/payments", token: alice.access).items.count == 1)

        // Staff see everyone's orders and can filter by customer.
        #expect(api.call("GET", "/orders/\(aliceOrder)", token: staff.access).status == 200)
        #expect(api.call("GET", "/orders?customer_id=\(alice.userID)", token: staff.access).items.count == 1)
    }

    @Test("staff routes refuse customers (403) and guests (401); admin routes refuse staff")
    func roleGates() throws {
        let api = try APIServer()
        defer { api.stop() }
        let admin = try api.signIn(phone: "+15550001010", role: .admin)
        let staff = try api.signIn(phone: "+15550001011", role: .staff)
        let customer = try api.signIn(phone: "+15550001012")
        let pid = try #require(try api.createProduct(staff, sku: "G-1", price: 500, stock: 20).int("id"))
        let order = try #require(api.call("POST", "/orders", json: api.contact(["payment_method": "cash_on_delivery", "items": [["product_id": pid, "quantity": 1]]]), token: customer.access).int("id"))
        let payment = try #require(api.call("POST", "/orders/\(order)/payments", json: ["amount": 100, "method": "cash"], token: customer.access).int("id"))

        let staffOnly: [(String, String, Any?)] = [
            ("POST", "/products", ["sku": "Z", "name": "Z", "price": 1]),
            ("PATCH", "/products/\(pid)", ["price": 1]),
            ("DELETE", "/products/\(pid)", nil),
            ("POST", "/products/\(pid)/stock", ["delta": 1, "reason": "x"]),
            ("GET", "/products/\(pid)/stock", nil),
            ("PATCH", "/orders/\(order)", ["status": "sent"]),
            ("PATCH", "/payments/\(payment)", ["status": "completed"]),
            ("GET", "/coupons", nil),
            ("POST", "/coupons", ["code": "XYZ", "kind": "fixed", "value": 1]),
            ("PATCH", "/coupons/1", ["active": false]),
        ]
        for (method, path, body) in staffOnly {
            #expect(api.call(method, path, json: body, token: customer.access).status == 403, "\(method) \(path) as customer")
            #expect(api.call(method, path, json: body).status == 401, "\(method) \(path) as guest")
        }
        let adminOnly: [(String, String, Any?)] = [
            ("GET", "/admin/users", nil),
            ("PATCH", "/admin/users/\(customer.userID)", ["role": "admin"]),
        ]
        for (method, path, body) in adminOnly {
            #expect(api.call(method, path, json: body, token: staff.access).status == 403, "\(method) \(path) as staff")
            #expect(api.call(method, path, json: body, token: customer.access).status == 403, "\(method) \(path) as customer")
            #expect(api.call(method, path, json: body).status == 401, "\(method) \(path) as guest")
        }
        // Nothing changed by the refused calls.
        #expect(api.call("GET", "/products/\(pid)").int("price") == 500)
        #expect(api.call("GET", "/orders/\(order)", token: admin.access).string("status") == "pending")
        #expect(api.call("GET", "/admin/users", token: admin.access).items.first { $0.int("id") == customer.userID }?.string("role") == "customer")
        // Staff may do them: cash on delivery may be sent while pending.
        #expect(api.call("PATCH", "/orders/\(order)", json: ["status": "sent"], token: staff.access).status == 200)
    }

    @Test("a customer sees inactive products as missing; staff see them")
    func inactiveProducts() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550001020", role: .staff)
        let customer = try api.signIn(phone: "+15550001021")
        let pid = try #require(try api.createProduct(staff, sku: "H-1", price: 500, stock: 20, extra: ["active": false]).int("id"))
        #expect(api.call("GET", "/products/\(pid)", token: customer.access).status == 404)
        #expect(api.call("GET", "/products/\(pid)").status == 404)
        #expect(api.call("GET", "/products?include_inactive=true").items.isEmpty)
        #expect(api.call("GET", "/products/\(pid)", token: staff.access).status == 200)
        #expect(api.call("POST", "/cart/items", json: ["product_id": pid, "quantity": 1], token: customer.access).status == 404)
    }
}
