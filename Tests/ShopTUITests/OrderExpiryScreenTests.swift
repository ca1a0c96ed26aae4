import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

@Suite("Order screens: unpaid orders")
struct OrderExpiryScreenTests {
    @Test("the order detail says until when a card order waits for payment, and why it was cancelled once it expired")
    func expiryAndReasonShown() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        let tea = h.products["TEA"]!.id
        let order = try h.shop.orders.create(OrderRequest(items: [.init(productID: tea, quantity: 2)], contact: .sample, paymentMethod: .card), caller: session.caller)
        let d = h.driver(session)
        d.press(.char("o"), .enter)
        #expect(d.text.contains("Pay by \(Format.timestamp(order.createdAt + 30 * 60))"))

        // Half an hour later (the harness runs on the real clock: move the order back instead).
        try h.shop.store.write { _ = try $0.run("UPDATE orders SET created_at = created_at - 1800 WHERE id = ?", order.id) }
        d.press(.escape, .enter)
        #expect(d.text.contains("CANCELLED"))
        #expect(d.text.contains("Cancelled: not paid within 30 minutes"))
        #expect(!d.text.contains("Pay by"))
        #expect(try h.shop.catalog.product(id: tea, caller: session.caller).stock == 10)
    }
}
