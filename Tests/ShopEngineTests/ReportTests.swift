import Foundation
import Testing
@testable import ShopEngine

@Suite("Staff reports")
struct ReportTests {
    @Test("the day summary totals completed payments per method; the packing list holds paid orders")
    func reports() throws {
        let t = try TestShop()
        t.clock.set(Int64(Date().timeIntervalSince1970))
        let staff = try t.staff(), customer = try t.customer()
        let tea = try t.shop.catalog.create(ProductDraft(sku: "T", name: "Tea", price: 500, stock: 10), caller: staff.caller)
        let a = try t.shop.orders.create(OrderRequest(items: [.init(productID: tea.id, quantity: 2)], contact: .sample), caller: customer.caller)
        _ = try t.shop.payments.create(orderID: a.id, amount: 600, method: .cash, tendered: 1000, completed: true, caller: staff.caller)
        _ = try t.shop.payments.create(orderID: a.id, amount: 400, method: .card, completed: true, caller: staff.caller)
        let b = try t.shop.orders.create(OrderRequest(items: [.init(productID: tea.id, quantity: 1)], contact: .sample), caller: customer.caller)
        _ = try t.shop.payments.create(orderID: b.id, amount: 500, method: .card, caller: customer.caller) // still pending
        let day = try t.shop.reports.day(caller: staff.caller)
        #expect(day.total == 1000)
        #expect(day.byMethod.map(\.method) == [.card, .cash])
        #expect(day.byMethod.first { $0.method == .cash }?.amount == 600)
        #expect(day.ordersPlaced == 2)
        #expect(try t.shop.reports.awaitingDispatch(caller: staff.caller).map(\.id) == [a.id])
        expectError("forbidden") { try t.shop.reports.day(caller: customer.caller) }
        expectError("invalid_day") { try t.shop.reports.day("yesterday", caller: staff.caller) }
    }
}
