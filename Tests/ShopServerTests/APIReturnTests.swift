import Foundation
import Testing
import ShopEngine
@testable import ShopServer

@Suite("API returns")
struct APIReturnTests {
    @Test("POST /orders/{id}/returns: staff take goods back (201 with the refund and the order), customers 403, bad input 400, too many or undelivered 409")
    func returns() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550000070", role: .staff)
        let me = try api.signIn(phone: "+15550000071")
        let pid = try #require(try api.createProduct(staff, sku: "RET-1", price: 500, stock: 10).int("id"))
        let order = api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 3]], "payment_method": "cash"]), token: me.access)
        let orderID = try #require(order.int("id"))
        let lineID = try #require(order.items.first?.int("id"))
        #expect(order.items.first?.int("returned_quantity") == 0)
        #expect(order.int("refunded") == 0 && (order.object["returns"] as? [Any])?.isEmpty == true)

        let body: [String: Any] = ["items": [["order_item_id": lineID, "quantity": 1]], "refund_method": "cash"]
        let early = api.call("POST", "/orders/\(orderID)/returns", json: body, token: staff.access)
        #expect(early.status == 409 && early.code == "order_not_delivered")

        #expect(api.call("POST", "/orders/\(orderID)/payments", json: ["amount": 1500, "method": "cash", "status": "completed"], token: staff.access).status == 201)
        #expect(api.call("PATCH", "/orders/\(orderID)", json: ["status": "sent"], token: staff.access).status == 200)
        #expect(api.call("PATCH", "/orders/\(orderID)", json: ["status": "delivered"], token: staff.access).status == 200)

        let customer = api.call("POST", "/orders/\(orderID)/returns", json: body, token: me.access)
        #expect(customer.status == 403 && customer.code == "forbidden")
        #expect(api.call("POST", "/orders/\(orderID)/returns", json: body).status == 401)
        #expect(api.call("POST", "/orders/424242/returns", json: body, token: staff.access).status == 404)
        let method = api.call("POST", "/orders/\(orderID)/returns", json: ["items": [["order_item_id": lineID, "quantity": 1]], "refund_method": "cash_on_delivery"], token: staff.access)
        #expect(method.status == 400 && method.code == "invalid_refund_method")
        #expect(api.call("POST", "/orders/\(orderID)/returns", json: ["refund_method": "cash"], token: staff.access).code == "missing_items")
        let empty = api.call("POST", "/orders/\(orderID)/returns", json: ["items": [] as [Any], "refund_method": "cash"], token: staff.access)
        #expect(empty.status == 400 && empty.code == "no_return_lines")
        let zero = api.call("POST", "/orders/\(orderID)/returns", json: ["items": [["order_item_id": lineID, "quantity": 0]], "refund_method": "cash"], token: staff.access)
        #expect(zero.status == 400 && zero.code == "invalid_quantity")
        let unknown = api.call("POST", "/orders/\(orderID)/returns", json: ["items": [["order_item_id": 424242, "quantity": 1]], "refund_method": "cash"], token: staff.access)
        #expect(unknown.status == 400 && unknown.code == "unknown_order_line")
        let tooMany = api.call("POST", "/orders/\(orderID)/returns", json: ["items": [["product_id": pid, "quantity": 4]], "refund_method": "cash"], token: staff.access)
        #expect(tooMany.status == 409 && tooMany.code == "return_exceeds_sold")

        let done = api.call("POST", "/orders/\(orderID)/returns", json: body, token: staff.access)
        #expect(done.status == 201)
        #expect(done.int("refund_amount") == 500 && done.string("refund_method") == "cash")
        #expect(done.items.first?.int("order_item_id") == lineID && done.items.first?.int("quantity") == 1)
        let after = done.object["order"] as? [String: Any] ?? [:]
        #expect(after.int("refunded") == 500)
        #expect((after["items"] as? [[String: Any]])?.first?.int("returned_quantity") == 1)
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 8, "10 − 3 sold + 1 back")

        let mine = api.call("GET", "/orders/\(orderID)", token: me.access)
        #expect(mine.items.first?.int("returned_quantity") == 1 && (mine.object["returns"] as? [[String: Any]])?.first?.int("refund_amount") == 500)
        let payments = api.call("GET", "/orders/\(orderID)/payments", token: staff.access).items
        #expect(payments.contains { $0.string("status") == "refunded" && $0.int("amount") == 500 && $0.int("id") == done.int("payment_id") })

        let keyed = api.call("POST", "/orders/\(orderID)/returns", json: body, token: staff.access, headers: ["Idempotency-Key": "counter-7"])
        #expect(keyed.status == 201)
        let retried = api.call("POST", "/orders/\(orderID)/returns", json: body, token: staff.access, headers: ["Idempotency-Key": "counter-7"])
        #expect(retried.status == 200 && retried.int("id") == keyed.int("id"), "a retry returns the earlier return")
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 9, "one more back, not two")

        let rest = api.call("POST", "/orders/\(orderID)/returns", json: ["items": [["product_id": pid, "quantity": 2]], "refund_method": "card"], token: staff.access)
        #expect(rest.status == 409 && rest.code == "return_exceeds_sold", "only 1 is left to come back")
    }
}
