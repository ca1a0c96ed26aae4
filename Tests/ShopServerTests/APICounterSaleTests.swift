import Foundation
import Testing
import ShopEngine
@testable import ShopServer

@Suite("API counter sales")
struct APICounterSaleTests {
    @Test("POST /counter/sales sells, pays and hands over at once; a retry is 200, another body under the key 409, a customer 403, bad tenders 400 naming the field")
    func counterSales() throws {
        let api = try APIServer()
        defer { api.stop() }
        let document = try APIOpenAPITests.document()
        func call(_ json: Any, token: String, key: String? = nil) -> APIResult {
            let r = api.call("POST", "/counter/sales", json: json, token: token, headers: key.map { ["Idempotency-Key": $0] } ?? [:])
            for problem in APIOpenAPITests.validate(r, method: "POST", path: "/api/v1/counter/sales", document: document) {
                Issue.record("POST /counter/sales \(r.status): \(problem)\n\(r.text.prefix(400))")
            }
            return r
        }
        let staff = try api.signIn(phone: "+15550007100", role: .staff)
        let customer = try api.signIn(phone: "+15550007101")
        let pid = try #require(try api.createProduct(staff, sku: "TILL", price: 450, stock: 10).int("id"))
        let body: [String: Any] = ["lines": [["product_id": pid, "quantity": 2]],
                                   "tenders": [["method": "card", "amount": 500], ["method": "cash", "amount": 400, "tendered": 1000]],
                                   "customer_id": customer.userID]

        let sold = call(body, token: staff.access, key: "till-7")
        #expect(sold.status == 201)
        let order = try #require(sold.object["order"] as? [String: Any])
        #expect(order.string("status") == "delivered" && order.string("channel") == "counter" && order.int("total") == 900 && order.int("paid") == 900)
        #expect(order.int("user_id") == customer.userID)
        #expect((sold.object["payments"] as? [[String: Any]])?.map { $0.string("status") } == ["completed", "completed"])
        #expect(sold.int("change") == 600)
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 8)

        let retry = call(body, token: staff.access, key: "till-7")
        #expect(retry.status == 200)
        #expect((retry.object["order"] as? [String: Any])?.int("id") == order.int("id"))
        var other = body
        other["lines"] = [["product_id": pid, "quantity": 1]]
        let reused = call(other, token: staff.access, key: "till-7")
        #expect(reused.status == 409 && reused.code == "idempotency_key_reused")
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 8)

        let forbidden = call(body, token: customer.access)
        #expect(forbidden.status == 403 && forbidden.code == "forbidden")

        for (tenders, code) in [([["method": "cash", "amount": -900]], "invalid_amount"),
                                ([["method": "cheque", "amount": 900]], "invalid_method"),
                                ([["method": "cash_on_delivery", "amount": 900]], "invalid_method"),
                                ([["method": "card", "amount": 900, "tendered": 1000]], "invalid_tendered")] as [([[String: Any]], String)] {
            let bad = call(["lines": [["product_id": pid, "quantity": 2]], "tenders": tenders], token: staff.access)
            #expect(bad.status == 400 && bad.code == code && bad.object["field"] as? String == "tenders", "\(tenders): \(bad.text)")
        }
        let missing = call(["lines": [["product_id": pid, "quantity": 2]]], token: staff.access)
        #expect(missing.status == 400 && missing.object["field"] as? String == "tenders")
        let short = call(["lines": [["product_id": pid, "quantity": 2]], "tenders": [["method": "cash", "amount": 800]]], token: staff.access)
        #expect(short.status == 409 && short.code == "tenders_short" && short.errorMessage?.contains("1.00 USD is still due") == true)
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 8, "refused sales take nothing")
        #expect(api.call("GET", "/orders", token: staff.access).items.count == 1)
    }
}
