import Foundation
import Testing
import ShopEngine
@testable import ShopServer

@Suite("API coupons: windows, one coupon per code, disable")
struct APICouponTests {
    @Test("bad windows and values are 400s naming the field; an existing code is 409; PATCH active:false makes checkout refuse it; customers get 403")
    func couponRules() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550000170", role: .staff)
        let me = try api.signIn(phone: "+15550000171")
        let later = 4_000_000_000   // in 2096, whatever clock the test server keeps
        func create(_ body: [String: Any]) -> APIResult { api.call("POST", "/coupons", json: ["kind": "percent", "value": 10].merging(body) { $1 }, token: staff.access) }

        let backwards = create(["code": "BACK", "valid_from": later + 7200, "valid_until": later + 3600])
        #expect(backwards.status == 400 && backwards.code == "invalid_coupon_dates" && backwards.string("field") == "valid_until")
        let past = create(["code": "PAST", "valid_until": 1_000_000_000])
        #expect(past.status == 400 && past.code == "coupon_window_past" && past.string("field") == "valid_until")
        let negative = create(["code": "NEG", "valid_from": -1])
        #expect(negative.status == 400 && negative.string("field") == "valid_from")
        let value = create(["code": "HUGE", "value": 101])
        #expect(value.status == 400 && value.string("field") == "value")
        let uses = create(["code": "USES", "max_uses": 0])
        #expect(uses.status == 400 && uses.string("field") == "max_uses")

        let ten = create(["code": "TEN", "valid_from": 1_000_000_000, "valid_until": later, "max_uses": 5])
        #expect(ten.status == 201)
        let again = create(["code": "ten", "valid_from": later + 7200, "valid_until": later + 9000])
        #expect(again.status == 409 && again.code == "coupon_exists" && again.string("field") == "code")

        let pid = try #require(try api.createProduct(staff, sku: "CP-1", price: 2000, stock: 5).int("id"))
        let order = api.call("POST", "/orders", json: api.contact(["coupon": "TEN", "items": [["product_id": pid, "quantity": 1]]]), token: me.access)
        #expect(order.status == 201 && order.int("discount") == 200)
        let listed = api.call("GET", "/coupons", token: staff.access).items.first
        #expect(listed?.int("used_count") == 1 && listed?.int("max_uses") == 5)

        let id = try #require(ten.int("id"))
        #expect(api.call("PATCH", "/coupons/\(id)", json: ["active": false], token: me.access).status == 403)
        #expect(api.call("PATCH", "/coupons/\(id)", json: [String: Any](), token: staff.access).status == 400)
        #expect(api.call("PATCH", "/coupons/99999", json: ["active": false], token: staff.access).status == 404)
        let off = api.call("PATCH", "/coupons/\(id)", json: ["active": false], token: staff.access)
        #expect(off.status == 200 && off.object["active"] as? Bool == false)
        let refused = api.call("POST", "/orders", json: api.contact(["coupon": "TEN", "items": [["product_id": pid, "quantity": 1]]]), token: me.access)
        #expect(refused.status == 400 && refused.code == "coupon_disabled" && refused.string("field") == "coupon")
    }
}
