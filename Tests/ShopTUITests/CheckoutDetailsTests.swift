import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

/// The review shows only details the engine passed: every problem is marked on the details
/// step at once, not one per "place order".
@Suite("Checkout details are checked before the review")
struct CheckoutDetailsTests {
    @Test("a bad email, a delivery date in 2020 and an unknown coupon are all marked at once and the review does not open")
    func everyProblemAtOnce() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        _ = try h.shop.accounts.updateProfile(.init(firstName: "Maya", lastName: "Lee", address: "12 Elm Street"), caller: session.caller)
        session.updateUser(try h.shop.accounts.profile(caller: session.caller))
        _ = try h.shop.carts.add(productID: h.products["TEA"]!.id, quantity: 1, caller: session.caller)
        let d = h.driver(session, width: 100, height: 30)
        d.press(.char("c"), .enter)
        #expect(d.text.contains("Where should we deliver?"))
        d.press(.tab, .tab, .tab)                          // email
        d.type("maya@@example")
        d.press(.tab, .tab, .tab)                          // delivery date
        d.type("2020-01-01")
        d.press(.tab, .tab)                                // coupon
        d.type("NOPE")
        d.press(.enter)
        #expect(!d.text.contains("Review your order"), "\(d.text)")
        #expect(d.text.contains("Enter an email address like name@example.com"))
        #expect(d.text.contains("Delivery date must be a date like"))
        #expect(d.text.contains("There is no coupon NOPE"))
        #expect(d.text.contains("Please correct the 3 marked fields"))
        #expect(try h.shop.orders.list(caller: session.caller).items.isEmpty)
    }

    @Test("good details go on to the review")
    func goodDetails() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        _ = try h.shop.accounts.updateProfile(.init(firstName: "Maya", lastName: "Lee", address: "12 Elm Street"), caller: session.caller)
        session.updateUser(try h.shop.accounts.profile(caller: session.caller))
        _ = try h.shop.carts.add(productID: h.products["TEA"]!.id, quantity: 1, caller: session.caller)
        let d = h.driver(session, width: 100, height: 30)
        d.press(.char("c"), .enter, .enter)
        #expect(d.text.contains("Review your order"))
    }
}
