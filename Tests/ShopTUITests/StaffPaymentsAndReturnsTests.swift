import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

@Suite("Staff at the counter: an order's payments panel and returns")
struct StaffPaymentsAndReturnsTests {
    @Test("a web client's pending card payment is settled at the counter: the panel shows it pending, c completes it, the order is paid")
    func settleWebPayment() throws {
        let f = try StaffFixture()
        let web = try f.person("+15550101235", role: .customer)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 2)], contact: .sample, paymentMethod: .card), caller: web.caller)
        // What a web client's POST /orders/{id}/payments does: a pending payment, part of the total.
        let pending = try f.shop.payments.create(orderID: order.id, amount: 500, method: .card, caller: web.caller)
        #expect(pending.status == .pending)

        let app = AppDriver(f.session(f.staff))
        app.press(.char("o"))
        #expect(app.text.contains(order.number))
        app.press(.enter)
        #expect(app.text.contains("Order \(order.number)"))
        app.press(.char("m"))
        #expect(app.text.contains("Payments — order \(order.number)"))
        #expect(app.lines.contains { $0.contains("Card") && $0.contains("5.00") && $0.contains("pending") })
        #expect(app.text.contains("Paid 0.00") && app.text.contains("Balance 9.00") && app.text.contains("(pending 5.00)"))

        app.press(.char("c"))
        #expect(app.text.contains("Payment of 5.00 settled"))
        #expect(app.lines.contains { $0.contains("Card") && $0.contains("5.00") && $0.contains("completed") })
        #expect(app.text.contains("Paid 5.00") && app.text.contains("Balance 4.00"), "a partial payment: the balance is still due")
        let seen = try f.shop.orders.order(id: order.id, caller: f.staff.caller)
        #expect(seen.paid == 500 && seen.status == .pending)
        #expect(try f.shop.payments.list(orderID: order.id, caller: f.staff.caller).items.map(\.status) == [.completed])

        // A completed payment is not refunded while the order stands: the engine's rule, shown as it says.
        app.press(.char("u"))
        #expect(app.text.contains("Cancel the order before refunding its payments"))
        let second = try f.shop.payments.create(orderID: order.id, amount: 400, method: .transfer, caller: web.caller)
        app.press(.escape, .char("m"))
        app.press(.down, .char("f"))
        #expect(app.text.contains("Payment of 4.00 marked failed"))
        #expect(try f.shop.payments.list(orderID: order.id, caller: f.staff.caller).items.first { $0.id == second.id }?.status == .failed)

        // A part of the balance taken at the counter, from the panel.
        app.press(.char("$"))
        #expect(app.text.contains("Record a payment") && app.text.contains("Due 4.00"))
        app.press(.ctrl("u")); app.type("2.50"); app.press(.enter)
        #expect(app.text.contains("Payment of 2.50 recorded"))
        #expect(app.text.contains("Paid 7.50") && app.text.contains("Balance 1.50"))
        #expect(try f.shop.orders.order(id: order.id, caller: f.staff.caller).status == .pending, "not paid until the whole total is in")
    }

    @Test("a return with cash back shows the amount to hand over, restores the stock and saves a return slip")
    func returnWithCashBack() throws {
        let f = try StaffFixture()
        let sale = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 3), .init(productID: f.butter.id, quantity: 1)],
                                                         contact: Contact(), counterSale: true), caller: f.staff.caller)
        _ = try f.shop.payments.create(orderID: sale.id, amount: sale.total, method: .cash, tendered: 2000, completed: true, caller: f.staff.caller)
        #expect(try f.stock(f.bread) == 7)

        let app = AppDriver(f.session(f.staff))
        app.press(.char("o"), .enter)
        #expect(app.text.contains("DELIVERED"))
        let footer = app.lines.last ?? ""
        #expect(["$ pay", "m payments", "t return", "r receipt"].allSatisfy(footer.contains), "the staff keys fit the footer: \(footer)")
        app.press(.char("t"))
        #expect(app.text.contains("Return — order \(sale.number)"))
        app.press(.char("+"), .char("+"))       // two of the bread
        app.press(.enter)
        #expect(app.text.contains("Take back 2 items and refund by Cash?"), "the shared confirm prompt")
        app.press(.char("y"))
        #expect(app.text.contains("HAND OVER 9.00 USD IN CASH"))
        #expect(app.text.contains("2 × Sourdough bread back in stock"))
        #expect(try f.stock(f.bread) == 9, "stock restored")
        #expect(try f.stock(f.butter) == 1, "the butter stays sold")
        let ledger = try f.shop.catalog.stockHistory(productID: f.bread.id, caller: f.staff.caller)
        #expect(ledger.contains { $0.reason == "return" && $0.delta == 2 && $0.orderId == sale.id })

        let returned = try f.shop.orders.order(id: sale.id, caller: f.staff.caller)
        let record = try #require(returned.returns.first)
        let slip = try String(contentsOfFile: f.receiptDirectory + "/\(sale.number)-return-\(record.id).txt", encoding: .utf8)
        #expect(slip.contains("Return \(record.id) of order \(sale.number)"))
        #expect(slip.range(of: #"2 × Sourdough bread +9\.00"#, options: .regularExpression) != nil)
        #expect(slip.range(of: #"Cash back +9\.00"#, options: .regularExpression) != nil)

        // Back on the order: what came back and what was refunded.
        app.press(.escape)
        #expect(app.lines.contains { $0.contains("Sourdough bread") && $0.contains(" 3 ") && $0.contains(" 2 ") })
        #expect(app.text.contains("Refunded 9.00"))
        #expect(app.text.contains("Cash: 9.00 — refunded for a return"))
        // Only one bread is left to come back.
        app.press(.char("t"), .char("a"), .char("+"), .enter, .char("y"))
        #expect(app.text.contains("HAND OVER 4.50 USD IN CASH"))
        #expect(try f.stock(f.bread) == 10)

        // The cash-up: the cash taken less the cash handed back.
        let report = CashUpScreen.report(try f.shop.reports.day(nil, caller: f.staff.caller), storeName: "Shop", currency: f.shop.currency, printedAt: 0)
        #expect(report.range(of: #"Cash \(1\) +2\.75"#, options: .regularExpression) != nil, "16.25 taken, 13.50 handed back:\n\(report)")
        #expect(report.range(of: #"TOTAL USD +2\.75"#, options: .regularExpression) != nil)
        #expect(report.range(of: #"of which returns \(in TOTAL\) +13\.50"#, options: .regularExpression) != nil)
    }

    @Test("an order that is not delivered offers no return")
    func noReturnBeforeDelivery() throws {
        let f = try StaffFixture()
        let web = try f.person("+15550101236", role: .customer)
        _ = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 1)], contact: .sample, paymentMethod: .cash), caller: web.caller)
        let app = AppDriver(f.session(f.staff))
        app.press(.char("o"), .enter, .char("t"))
        #expect(app.text.contains("Only a delivered order takes returns (this one is pending)"))
        #expect(!app.text.contains("Return — order"))
    }
}
