import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

/// Cancelling an order that was paid says what happens to the money, before and after.
@Suite("Cancelling a paid order")
struct CancelPaidOrderTests {
    @Test("staff cancelling a card-paid order are told what was paid and to refund it from Payments; refunded, it leaves the cash-up")
    func staffAreToldToRefund() throws {
        let f = try StaffFixture()
        let web = try f.person("+15550101236", role: .customer)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 2)], contact: .sample, paymentMethod: .card), caller: web.caller)
        _ = try f.shop.payments.create(orderID: order.id, amount: 900, method: .card, completed: true, caller: f.staff.caller)

        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.press(.char("o"), .enter)
        #expect(app.text.contains("Order \(order.number)"))
        app.press(.char("x"))
        #expect(app.text.contains("Cancel order \(order.number)?"))
        #expect(app.text.contains("Paid 9.00 by card: refund it from Payments (m) after cancelling"), "\(app.text)")
        app.press(.char("y"))
        #expect(app.text.contains("CANCELLED"))
        #expect(app.text.contains("Paid 9.00 by card: refund it from Payments (m)"), "the money is said after the cancel too")
        app.press(.char("m"), .char("u"))
        #expect(try f.shop.payments.list(orderID: order.id, caller: f.staff.caller).items.map(\.status) == [.refunded])
    }

    @Test("a customer cancelling a paid order is told the shop refunds it; an unpaid order says nothing about money")
    func customerIsTold() throws {
        let f = try StaffFixture()
        let me = try f.person("+15550101237", role: .customer)
        let paid = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 1)], contact: .sample, paymentMethod: .cash), caller: me.caller)
        _ = try f.shop.payments.create(orderID: paid.id, amount: 450, method: .cash, completed: true, caller: f.staff.caller)
        let app = AppDriver(f.session(me), width: 80, height: 24)
        app.press(.char("o"), .enter, .char("x"))
        #expect(app.text.contains("Paid 4.50 in cash: the shop refunds it once the order is cancelled"), "\(app.text)")
        app.press(.char("n"))
        let unpaid = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 1)], contact: .sample), caller: me.caller)
        let other = AppDriver(f.session(me), width: 80, height: 24)
        other.press(.char("o"))
        #expect(other.text.contains(unpaid.number))
        other.press(.enter, .char("x"))
        #expect(other.text.contains("Cancel order \(unpaid.number)?"))
        #expect(!other.text.contains("refund"))
    }
}
