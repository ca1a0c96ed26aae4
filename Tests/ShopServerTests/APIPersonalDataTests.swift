import Foundation
import Testing
import ShopEngine
@testable import ShopServer

@Suite("API: a customer's own data")
struct APIPersonalDataTests {
    @Test("GET /me/export downloads the person's data; DELETE /me needs the confirmation, then ends every session")
    func exportAndDelete() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009000", role: .staff)
        let pid = try #require(try api.createProduct(staff, sku: "TEA", stock: 5).int("id"))
        let me = try api.signIn(phone: "+15550001000")
        #expect(api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 1]]]), token: me.access).status == 201)

        let export = api.call("GET", "/me/export", token: me.access)
        #expect(export.status == 200)
        #expect(export.headers["content-disposition"]?.contains("my-shop-data.json") == true)
        #expect((export.object["orders"] as? [Any])?.count == 1)
        #expect((export.object["profile"] as? [String: Any])?["phone"] as? String == "+15550001000")
        #expect(api.call("GET", "/me/export").status == 401)

        let unconfirmed = api.call("DELETE", "/me", json: ["confirm": "yes"], token: me.access)
        #expect(unconfirmed.status == 400 && unconfirmed.code == "confirmation_required")
        #expect(api.call("DELETE", "/me", json: ["confirm": "DELETE"], token: me.access).status == 204)
        #expect(api.call("GET", "/me", token: me.access).status == 401)
        let orders = api.call("GET", "/orders", token: staff.access)
        let order = try #require((orders.object["items"] as? [[String: Any]])?.first)
        #expect(order["phone"] as? String == "" && order["first_name"] as? String == "", "the order is kept without the contact")
    }
}
