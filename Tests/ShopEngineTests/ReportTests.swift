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

@Suite("Staff reports: sales per hour, per day and best sellers")
struct SalesFigureTests {
    @Test("sales per hour and per day are net of refunds for returns, counted when the money moved; best sellers net of returned units")
    func salesOverTime() throws {
        let t = try TestShop()
        let today = CivilDate(local: Int64(Date().timeIntervalSince1970))
        let yesterday = CivilDate(local: today.startLocal - 12 * 3600)
        t.clock.set(yesterday.startLocal + 8 * 3600)   // the clock only moves forward from here
        let staff = try t.staff()
        let tea = try t.shop.catalog.create(ProductDraft(sku: "T", name: "Tea", price: 250, stock: 50), caller: staff.caller)
        let cake = try t.shop.catalog.create(ProductDraft(sku: "C", name: "Cake", price: 1000, stock: 50), caller: staff.caller)
        func sale(_ items: [(Product, Int64)], at seconds: Int64) throws -> Order {
            t.clock.set(seconds)
            let order = try t.shop.orders.create(OrderRequest(items: items.map { .init(productID: $0.0.id, quantity: $0.1) }, contact: Contact(), counterSale: true), caller: staff.caller)
            _ = try t.shop.payments.create(orderID: order.id, amount: order.total, method: .cash, completed: true, caller: staff.caller)
            return order
        }
        _ = try sale([(cake, 3)], at: yesterday.startLocal + 15 * 3600)          // 30.00 yesterday at 15
        let morning = try sale([(tea, 4)], at: today.startLocal + 9 * 3600 + 600) // 10.00 today at 9
        _ = try sale([(cake, 1), (tea, 1)], at: today.startLocal + 11 * 3600)     // 12.50 today at 11
        t.clock.set(today.startLocal + 14 * 3600 + 5)
        _ = try t.shop.orders.returnItems(orderID: morning.id, lines: [ReturnLine(productID: tea.id, quantity: 2)], refundMethod: .cash, caller: staff.caller)
        t.clock.set(today.startLocal + 16 * 3600)

        let hours = try t.shop.reports.salesByHour(caller: staff.caller)
        #expect(hours.count == 24)
        #expect(hours[9] == 1000 && hours[11] == 1250 && hours[14] == -500)
        #expect(hours.reduce(0, +) == (try t.shop.reports.day(caller: staff.caller).total))   // the same netting as the day summary
        #expect(try t.shop.reports.salesByHour(yesterday.description, caller: staff.caller)[15] == 3000)

        let days = try t.shop.reports.salesByDay(days: 14, caller: staff.caller)
        #expect(days.count == 14)
        #expect(days.last == .init(day: today.description, amount: 1750))
        #expect(days[12] == .init(day: yesterday.description, amount: 3000))
        #expect(days.dropLast(2).allSatisfy { $0.amount == 0 })

        let top = try t.shop.reports.topProducts(caller: staff.caller)
        #expect(top.map(\.name) == ["Cake", "Tea"])
        #expect(top.map(\.quantity) == [1, 3])          // 4 + 1 teas sold, 2 returned
        #expect(top.map(\.amount) == [1000, 750])

        let dashboard = try t.shop.reports.dashboard(caller: staff.caller)
        #expect(dashboard.hourly == hours && dashboard.daily == days && dashboard.topProducts == top)
        let customer = try t.customer()
        expectError("forbidden") { try t.shop.reports.salesByDay(caller: customer.caller) }
        expectError("invalid_day") { try t.shop.reports.topProducts("soon", caller: staff.caller) }
    }
}
