import Foundation
import Testing
@testable import ShopEngine

@Suite("Coupons: issue, window, one coupon per code, disable, list with uses")
struct CouponTests {
    struct Fixture {
        let t: TestShop
        let staff: SignIn
        let customer: SignIn
        let tea: Product
        init() throws {
            t = try TestShop()
            staff = try t.staff()
            customer = try t.customer()
            tea = try t.shop.catalog.create(ProductDraft(sku: "TEA", name: "Tea", price: 1000, stock: 50), caller: staff.caller)
        }
        var shop: Shop { t.shop }
        var now: Int64 { t.clock.now() }
        func buy(_ coupon: String) throws -> Order {
            try shop.orders.create(OrderRequest(items: [.init(productID: tea.id, quantity: 1)], contact: .sample, coupon: coupon), caller: customer.caller)
        }
    }

    /// The field a refusal names, and its code.
    func refusal(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "accepted" } catch let e as ShopError { return "\(e.code) field=\(e.field ?? "none")" } catch { return "\(error)" }
    }

    @Test("bad values and windows are refused, each naming its field")
    func badInputNamesTheField() throws {
        let f = try Fixture()
        let staff = f.staff.caller, now = f.now
        #expect(refusal { try f.shop.orders.issueCoupon(code: "X", kind: .percent, value: 10, validFrom: nil, validUntil: nil, maxUses: nil, caller: staff) } == "invalid_coupon_code field=code")
        #expect(refusal { try f.shop.orders.issueCoupon(code: "ZERO", kind: .fixed, value: 0, validFrom: nil, validUntil: nil, maxUses: nil, caller: staff) } == "invalid_coupon_value field=value")
        #expect(refusal { try f.shop.orders.issueCoupon(code: "HALF", kind: .percent, value: 101, validFrom: nil, validUntil: nil, maxUses: nil, caller: staff) } == "invalid_coupon_value field=value")
        #expect(refusal { try f.shop.orders.issueCoupon(code: "BACK", kind: .percent, value: 10, validFrom: now + 7200, validUntil: now + 3600, maxUses: nil, caller: staff) } == "invalid_coupon_dates field=valid_until")
        #expect(refusal { try f.shop.orders.issueCoupon(code: "SAME", kind: .percent, value: 10, validFrom: now + 3600, validUntil: now + 3600, maxUses: nil, caller: staff) } == "invalid_coupon_dates field=valid_until")
        #expect(refusal { try f.shop.orders.issueCoupon(code: "PAST", kind: .percent, value: 10, validFrom: nil, validUntil: now - 1, maxUses: nil, caller: staff) } == "coupon_window_past field=valid_until")
        #expect(refusal { try f.shop.orders.issueCoupon(code: "NEGF", kind: .percent, value: 10, validFrom: -5, validUntil: nil, maxUses: nil, caller: staff) } == "invalid_coupon_date field=valid_from")
        #expect(refusal { try f.shop.orders.issueCoupon(code: "USES", kind: .percent, value: 10, validFrom: nil, validUntil: nil, maxUses: 0, caller: staff) } == "invalid_coupon_uses field=max_uses")
        // Typed days: malformed or impossible dates name their field; the last day is included.
        #expect(refusal { try OrderService.CouponWindow(from: "2026-02-30", until: "") } == "invalid_coupon_date field=valid_from")
        #expect(refusal { try OrderService.CouponWindow(from: "", until: "31/12/2026") } == "invalid_coupon_date field=valid_until")
        #expect(refusal { try OrderService.CouponWindow(from: "2026-12-31", until: "2026-12-01") } == "invalid_coupon_dates field=valid_until")
        let window = try OrderService.CouponWindow(from: "2026-12-01", until: "2026-12-01")
        #expect(window.from == CivilDate("2026-12-01")!.startLocal && window.until == CivilDate("2026-12-02")!.startLocal)
        #expect(try f.shop.orders.coupons(caller: staff).isEmpty, "nothing was issued")
    }

    @Test("a code is one coupon for good: issuing it again is refused while it runs, before it starts and after it ended")
    func sameCodeNeverOverlaps() throws {
        let f = try Fixture()
        let staff = f.staff.caller, now = f.now
        _ = try f.shop.orders.issueCoupon(code: "spring", kind: .percent, value: 10, validFrom: now + 3600, validUntil: now + 7200, maxUses: nil, caller: staff)
        // Another window of the same code (any case), overlapping or not, is refused naming the code.
        #expect(refusal { try f.shop.orders.issueCoupon(code: "SPRING", kind: .fixed, value: 100, validFrom: now + 5000, validUntil: now + 9000, maxUses: nil, caller: staff) } == "coupon_exists field=code")
        #expect(refusal { try f.shop.orders.issueCoupon(code: "Spring", kind: .fixed, value: 100, validFrom: now + 8000, validUntil: nil, maxUses: nil, caller: staff) } == "coupon_exists field=code")
        f.t.clock.advance(7200)
        #expect(refusal { try f.shop.orders.issueCoupon(code: "SPRING", kind: .fixed, value: 100, validFrom: nil, validUntil: nil, maxUses: nil, caller: staff) } == "coupon_exists field=code",
                "an ended code is not issued again: old orders keep meaning one coupon")
        #expect(try f.shop.orders.coupons(caller: staff).map(\.code) == ["SPRING"])
    }

    @Test("a disabled coupon is refused at checkout with coupon_disabled; enabling it again works; only staff may")
    func disableThenCheckoutRefused() throws {
        let f = try Fixture()
        let ten = try f.shop.orders.createCoupon(code: "TEN", kind: .percent, value: 10, caller: f.staff.caller)
        let first = try f.buy("ten")
        #expect(first.discount == 100 && first.couponCode == "TEN", "the order keeps the coupon's code, not the letters as typed")
        expectError("forbidden") { try f.shop.orders.setCouponActive(id: ten.id, active: false, caller: f.customer.caller) }
        let off = try f.shop.orders.setCouponActive(id: ten.id, active: false, caller: f.staff.caller)
        #expect(!off.active && off.usedCount == 1 && off.state(at: f.now) == .disabled)
        #expect(refusal { try f.buy("TEN") } == "coupon_disabled field=coupon")
        #expect(try f.shop.orders.coupons(caller: f.staff.caller)[0].usedCount == 1, "the refused checkout used nothing")
        expectError("not_found") { try f.shop.orders.setCouponActive(id: 9999, active: false, caller: f.staff.caller) }
        _ = try f.shop.orders.setCouponActive(id: ten.id, active: true, caller: f.staff.caller)
        #expect(try f.buy("TEN").discount == 100)
    }

    @Test("the list shows each coupon's uses and state; customers may not list, issue or disable")
    func listWithUses() throws {
        let f = try Fixture()
        let staff = f.staff.caller, now = f.now
        _ = try f.shop.orders.issueCoupon(code: "FIVE", kind: .fixed, value: 500, validFrom: nil, validUntil: nil, maxUses: 2, caller: staff)
        _ = try f.shop.orders.issueCoupon(code: "LATER", kind: .percent, value: 5, validFrom: now + 3600, validUntil: nil, maxUses: nil, caller: staff)
        _ = try f.buy("FIVE"); _ = try f.buy("FIVE")
        let list = try f.shop.orders.coupons(caller: staff)
        #expect(list.map(\.code) == ["FIVE", "LATER"])
        #expect(list[0].usedCount == 2 && list[0].state(at: now) == .usedUp)
        #expect(list[1].usedCount == 0 && list[1].state(at: now) == .scheduled)
        expectError("forbidden") { try f.shop.orders.coupons(caller: f.customer.caller) }
        expectError("forbidden") { try f.shop.orders.issueCoupon(code: "MINE", kind: .percent, value: 50, validFrom: nil, validUntil: nil, maxUses: nil, caller: f.customer.caller) }
        expectError("forbidden") { try f.shop.orders.issueCoupon(code: "X", kind: .percent, value: 500, validFrom: nil, validUntil: nil, maxUses: nil, caller: f.customer.caller) }
    }
}
