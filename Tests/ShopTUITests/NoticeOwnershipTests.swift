import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

/// "Messages that are current": a notice belongs to the screen that raised it and is gone once
/// that screen is left, whichever way (back, a section key, another screen pushed).
@Suite("Notices belong to their screen")
struct NoticeOwnershipTests {
    @Test("a notice raised on a product is gone on the cart, and gone after going back")
    func productNoticeStaysOnProduct() throws {
        let h = try AppHarness()
        let d = h.driver(try h.customerSession(), width: 80, height: 24)
        d.press(.char("/")); d.type("matcha"); d.press(.enter, .enter)   // sold out
        d.press(.enter)
        let raised = try #require(d.app.noticeText, "adding a sold-out product says why")
        #expect(d.lines[1].contains(raised))
        d.press(.char("c"))
        #expect(d.app.noticeText == nil, "the product's notice is not the cart's: \(d.lines[1])")
        #expect(!d.text.contains(raised))

        d.press(.char("b"), .enter)
        d.press(.enter)
        #expect(d.app.noticeText != nil)
        d.press(.escape)
        #expect(d.app.noticeText == nil, "back on Browse, the product's notice went with it")
    }

    @Test("a cancelled order's refusal does not follow to another order")
    func orderNoticeStaysOnOrder() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        let tea = try #require(h.products["TEA"]).id
        _ = try h.shop.orders.create(OrderRequest(items: [.init(productID: tea, quantity: 1)], contact: .sample, paymentMethod: .card), caller: session.caller)
        let cancelled = try h.shop.orders.create(OrderRequest(items: [.init(productID: tea, quantity: 1)], contact: .sample, paymentMethod: .card), caller: session.caller)
        _ = try h.shop.orders.cancel(id: cancelled.id, caller: session.caller)
        let d = h.driver(session, width: 80, height: 24)
        d.press(.char("o"), .enter)
        d.press(.char("x"))
        #expect(d.app.noticeText?.contains("can no longer be cancelled") == true)
        d.press(.escape, .down, .enter)
        #expect(d.app.noticeText == nil, "another order, no stale refusal: \(d.lines[1])")
    }

    @Test("the quick sale's words stay on the quick sale; Signed in as … travels")
    func saleNoticeStaysOnSale() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Quick sale")
        app.scan("4006381333931")
        app.press(.escape)
        #expect(app.text.contains("? Discard this sale of 1 item and leave?"), "the shared confirm prompt")
        app.press(.char("y"))
        #expect(app.lines[0].contains("Staff"))
        #expect(app.app.noticeText == nil, "the sale is gone, and so is its warning: \(app.lines[1])")

        let h = try AppHarness()
        let d = h.driver(width: 80, height: 24)
        d.press(.char("p"))
        d.type("+15550007777"); d.press(.enter)
        d.type(try #require(h.code(for: "+15550007777"))); d.press(.enter)   // Enter signs in (no auto-submit)
        #expect(d.app.noticeText?.hasPrefix("Signed in as") == true, "a notice meant to travel survives the screen it came from")
    }
}

@Suite("Notices about a state go when the state changes")
struct NoticeScopeTests {
    @Test("'Marked sent' goes when another terminal marks the order delivered")
    func markedSentGoesWhenDelivered() throws {
        let f = try StaffFixture()
        let other = try f.temporary.openAgain()
        let customer = try f.person("+15550101234", role: .customer)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 1)], contact: .sample, paymentMethod: .cashOnDelivery), caller: customer.caller)
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Orders")
        app.press(.enter)
        app.press(.char("n"), .char("y"))
        #expect(app.app.noticeText == "Marked sent")
        app.tick(); app.tick()                       // baseline for the change watch
        _ = try other.orders.updateStatus(id: order.id, to: .delivered, caller: f.staff.caller)
        app.tick(); app.tick()
        #expect(app.text.contains("DELIVERED") || app.text.contains("delivered"))
        #expect(app.app.noticeText == nil, "the order is delivered now; 'Marked sent' no longer describes it")
    }
}
