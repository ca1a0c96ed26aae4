import Foundation
import Testing
import ShopEngine
@testable import ShopServer

@Suite("API Idempotency-Key")
struct APIIdempotencyTests {

    @Test("a retried POST /orders returns 200 with the same order and takes stock once; another body with the key is 409")
    func orders() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550007000", role: .staff)
        let me = try api.signIn(phone: "+15550007001")
        let other = try api.signIn(phone: "+15550007002")
        let pid = try #require(try api.createProduct(staff, sku: "IDEM", price: 700, stock: 10).int("id"))
        let body = api.contact(["items": [["product_id": pid, "quantity": 3]]])
        let first = api.call("POST", "/orders", json: body, token: me.access, headers: ["Idempotency-Key": "order-123"])
        #expect(first.status == 201)
        let retry = api.call("POST", "/orders", json: body, token: me.access, headers: ["Idempotency-Key": "order-123"])
        #expect(retry.status == 200)
        #expect(retry.int("id") == first.int("id"))
        #expect(retry.string("number") == first.string("number"))
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 7)
        #expect(api.call("GET", "/orders", token: me.access).items.count == 1)

        let different = api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 1]]]), token: me.access, headers: ["Idempotency-Key": "order-123"])
        #expect(different.status == 409)
        #expect(different.code == "idempotency_key_reused")
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 7)

        // Keys are per user: another customer's same key is a new order.
        let theirs = api.call("POST", "/orders", json: body, token: other.access, headers: ["Idempotency-Key": "order-123"])
        #expect(theirs.status == 201)
        #expect(theirs.int("id") != first.int("id"))
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 4)
        #expect(api.call("POST", "/orders", json: body, token: me.access, headers: ["Idempotency-Key": String(repeating: "k", count: 200)]).code == "invalid_idempotency_key")
    }

    @Test("concurrent retries of one POST /orders with the same key create one order")
    func concurrentRetries() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550007010", role: .staff)
        let me = try api.signIn(phone: "+15550007011")
        let pid = try #require(try api.createProduct(staff, sku: "IDEM2", price: 700, stock: 10).int("id"))
        let body = try JSONSerialization.data(withJSONObject: api.contact(["items": [["product_id": pid, "quantity": 2]]]))
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let r = api.call("POST", "/orders", body: [UInt8](body), contentType: "application/json", token: me.access, headers: ["Idempotency-Key": "same-key"])
            results.add(r.status, r.int("id"))
        }
        let all = results.values
        #expect(all.filter { $0.0 == 201 }.count == 1)
        #expect(all.allSatisfy { $0.0 == 201 || $0.0 == 200 })
        #expect(Set(all.map { $0.1 }).count == 1)
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 8)
    }

    @Test("a retried payment returns the same payment; another amount with the key is 409")
    func payments() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550007020", role: .staff)
        let me = try api.signIn(phone: "+15550007021")
        let pid = try #require(try api.createProduct(staff, sku: "IDEM3", price: 1000, stock: 10).int("id"))
        let order = try #require(api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 1]]]), token: me.access).int("id"))
        let first = api.call("POST", "/orders/\(order)/payments", json: ["amount": 600, "method": "card"], token: me.access, headers: ["Idempotency-Key": "pay-1"])
        #expect(first.status == 201)
        let retry = api.call("POST", "/orders/\(order)/payments", json: ["amount": 600, "method": "card"], token: me.access, headers: ["Idempotency-Key": "pay-1"])
        #expect(retry.status == 200 || retry.status == 201)
        #expect(retry.int("id") == first.int("id"))
        #expect(api.call("GET", "/orders/\(order)/payments", token: me.access).items.count == 1)
        let different = api.call("POST", "/orders/\(order)/payments", json: ["amount": 300, "method": "card"], token: me.access, headers: ["Idempotency-Key": "pay-1"])
        #expect(different.status == 409)
        #expect(different.code == "idempotency_key_reused")
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [(Int, Int64?)] = []
    func add(_ status: Int, _ id: Int64?) { lock.lock(); storage.append((status, id)); lock.unlock() }
    var values: [(Int, Int64?)] { lock.lock(); defer { lock.unlock() }; return storage }
}
