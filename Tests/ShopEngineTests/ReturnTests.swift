import Foundation
import Synchronization
import Testing
@testable import ShopEngine

@Suite("Returns: goods back from a delivered order, stock through the ledger, refunds never above what was paid")
struct ReturnTests {
    typealias Fixture = CommerceFixture

    @Test("a partial return puts the stock back through the ledger, refunds the goods in cash and shows on the order")
    func partialReturn() throws {
        let f = try Fixture.forReturns()
        let order = try f.counterSale(tea: 4)
        #expect(try f.stock(f.tea) == 6)

        let done = try f.shop.orders.returnItems(orderID: order.id, lines: [ReturnLine(orderLineID: order.items[0].id, quantity: 1)], refundMethod: .cash, caller: f.staff.caller)
        #expect(done.record.refundAmount == 250, "cash back: one tea")
        #expect(done.record.refundMethod == .cash)
        #expect(done.record.lines.map(\.quantity) == [1] && done.record.lines[0].amount == 250)
        #expect(try f.stock(f.tea) == 7)
        let back = try f.ledger(f.tea).filter { $0.reason == "return" }
        #expect(back.map(\.delta) == [1] && back[0].orderId == order.id, "one ledger row, reason return")

        let seen = try f.shop.orders.order(id: order.id, caller: f.staff.caller)
        #expect(seen.items[0].returnedQuantity == 1)
        #expect(seen.refunded == 250)
        #expect(seen.returns.count == 1)
        #expect(seen.paid == 1000, "the payment taken stays completed")
        let payments = try f.shop.payments.list(orderID: order.id, caller: f.staff.caller).items
        let refund = payments.first { $0.id == done.record.paymentId }
        #expect(refund?.status == .refunded && refund?.amount == 250 && refund?.method == .cash, "the refund is a refunded payment")
    }

    @Test("a full return of a discounted sale with a variant refunds exactly what was paid and restocks the variant")
    func fullReturnWithDiscount() throws {
        let f = try Fixture.forReturns()
        _ = try f.shop.orders.createCoupon(code: "THIRD", kind: .percent, value: 33, caller: f.staff.caller)
        let order = try f.counterSale(tea: 3, cake: 1, coupon: "THIRD")
        #expect(order.total == 1750 - 577)
        #expect(try f.shop.catalog.product(id: f.cake.id, caller: f.staff.caller).variants[0].stock == 4)

        let first = try f.returnTea(order, 1)
        #expect(first.record.refundAmount == 250 * 1173 / 1750, "a share of the discount comes off (rounded down)")
        let rest = try f.shop.orders.returnItems(orderID: order.id, lines: [ReturnLine(productID: f.tea.id, quantity: 2), ReturnLine(productID: f.cake.id, variantID: f.kilo, quantity: 1)],
                                                 refundMethod: .card, caller: f.staff.caller)
        #expect(first.record.refundAmount + rest.record.refundAmount == order.total, "everything back: everything paid is refunded, no rounding left over")
        #expect(rest.order.refunded == order.total)
        #expect(rest.order.items.allSatisfy { $0.returnedQuantity == $0.quantity })
        #expect(try f.stock(f.tea) == 10)
        #expect(try f.shop.catalog.product(id: f.cake.id, caller: f.staff.caller).variants[0].stock == 5)
    }

    @Test("two returns never take back more than was sold, and the refused one writes nothing")
    func neverMoreThanSold() throws {
        let f = try Fixture.forReturns()
        let order = try f.counterSale(tea: 3)
        _ = try f.returnTea(order, 2)
        let before = (try f.rowCount("returns"), try f.rowCount("return_items"), try f.rowCount("payments"), try f.rowCount("stock_ledger"), try f.stock(f.tea))
        expectError("return_exceeds_sold") { try f.returnTea(order, 2) }
        // Asking for the same line twice in one return counts both.
        expectError("return_exceeds_sold") {
            try f.shop.orders.returnItems(orderID: order.id, lines: [ReturnLine(productID: f.tea.id, quantity: 1), ReturnLine(orderLineID: order.items[0].id, quantity: 1)],
                                          refundMethod: .cash, caller: f.staff.caller)
        }
        let after = (try f.rowCount("returns"), try f.rowCount("return_items"), try f.rowCount("payments"), try f.rowCount("stock_ledger"), try f.stock(f.tea))
        #expect(before == after, "nothing written on error")
        _ = try f.returnTea(order, 1)
        expectError("return_exceeds_sold") { try f.returnTea(order, 1) }
        #expect(try f.stock(f.tea) == 10)
    }

    @Test("two counters returning the same goods at once from two processes: one return passes, the other is refused")
    func concurrentReturns() throws {
        let f = try Fixture.forReturns()
        let order = try f.counterSale(tea: 3)
        let shops = [f.shop, try f.t.openAgain()]
        let results = Mutex<[Result<Int64, ShopError>]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let result: Result<Int64, ShopError>
            do {
                let done = try shops[i].orders.returnItems(orderID: order.id, lines: [ReturnLine(productID: f.tea.id, quantity: 2)], refundMethod: .cash, caller: f.staff.caller)
                result = .success(done.record.refundAmount)
            } catch let error as ShopError { result = .failure(error) } catch { result = .failure(ShopError(.internal, "unexpected", "\(error)")) }
            results.withLock { $0.append(result) }
        }
        let all = results.withLock { $0 }
        #expect(all.compactMap { try? $0.get() } == [500], "one return of two teas")
        #expect(all.compactMap { if case .failure(let e) = $0 { e.code } else { nil } } == ["return_exceeds_sold"])
        #expect(try f.stock(f.tea) == 10 - 3 + 2)
        #expect(try f.shop.orders.order(id: order.id, caller: f.staff.caller).refunded == 500)
    }

    @Test("a retried return with the same Idempotency-Key gives the earlier one back; the key for a different return is refused")
    func idempotentReturn() throws {
        let f = try Fixture.forReturns()
        let order = try f.counterSale(tea: 3)
        let lines = [ReturnLine(productID: f.tea.id, quantity: 1)]
        let first = try f.shop.orders.returnItems(orderID: order.id, lines: lines, refundMethod: .cash, idempotencyKey: "ret-1", caller: f.staff.caller)
        let again = try f.shop.orders.returnItems(orderID: order.id, lines: lines, refundMethod: .cash, idempotencyKey: "ret-1", caller: f.staff.caller)
        #expect(!first.replayed && again.replayed)
        #expect(again.record == first.record)
        #expect(try f.stock(f.tea) == 8, "taken back once")
        #expect(again.order.refunded == 250)
        expectError("idempotency_key_reused") {
            try f.shop.orders.returnItems(orderID: order.id, lines: lines, refundMethod: .card, idempotencyKey: "ret-1", caller: f.staff.caller)
        }
        _ = try f.shop.orders.returnItems(orderID: order.id, lines: lines, refundMethod: .cash, idempotencyKey: "ret-2", caller: f.staff.caller)
        #expect(try f.stock(f.tea) == 9)
    }

    @Test("the refund is never more than was paid: a cash-on-delivery order delivered part paid refunds only what was paid beyond the goods kept")
    func refundCappedAtPaid() throws {
        let f = try Fixture.forReturns()
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 4)], contact: .sample, paymentMethod: .cashOnDelivery), caller: f.customer.caller)
        _ = try f.shop.orders.updateStatus(id: order.id, to: .sent, caller: f.staff.caller)
        _ = try f.shop.orders.updateStatus(id: order.id, to: .delivered, caller: f.staff.caller)
        _ = try f.shop.payments.create(orderID: order.id, amount: 300, method: .cash, completed: true, caller: f.staff.caller)
        #expect(try f.shop.orders.order(id: order.id, caller: f.staff.caller).balance == 700)

        let first = try f.returnTea(order, 1)
        #expect(first.record.refundAmount == 0 && first.record.paymentId == nil, "three teas kept cost 750; only 300 was paid: nothing to hand back, no payment row")
        #expect(first.order.balance == 450, "the balance is what the kept goods still cost")
        let second = try f.returnTea(order, 2)
        #expect(second.record.refundAmount == 50, "one tea kept (250) of 300 paid")
        #expect(second.order.balance == 0)
        expectError("overpayment", "nothing more is owed") { try f.shop.payments.create(orderID: order.id, amount: 1, method: .cash, completed: true, caller: f.staff.caller) }
        let third = try f.returnTea(order, 1)
        #expect(third.record.refundAmount == 250)
        #expect(third.order.refunded == 300, "never more than the 300 paid")
        #expect(third.order.balance == 0 && third.order.owed == 0)
        #expect(try f.stock(f.tea) == 10)
    }

    @Test("undelivered and cancelled orders are refused, customers are forbidden, bad lines and methods are refused, all writing nothing")
    func refusals() throws {
        let f = try Fixture.forReturns()
        let pending = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 2)], contact: .sample, paymentMethod: .cash), caller: f.customer.caller)
        expectError("order_not_delivered") { try f.returnTea(pending, 1) }
        _ = try f.shop.payments.create(orderID: pending.id, amount: pending.total, method: .cash, completed: true, caller: f.staff.caller)
        expectError("order_not_delivered", "paid but not delivered") { try f.returnTea(pending, 1) }
        _ = try f.shop.orders.updateStatus(id: pending.id, to: .sent, caller: f.staff.caller)
        expectError("order_not_delivered", "sent") { try f.returnTea(pending, 1) }
        let cancelled = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: .sample, paymentMethod: .cash), caller: f.customer.caller)
        _ = try f.shop.orders.cancel(id: cancelled.id, caller: f.customer.caller)
        expectError("order_not_delivered", "cancelled") { try f.returnTea(cancelled, 1) }

        let sale = try f.counterSale(tea: 2)
        let rows = (try f.rowCount("returns"), try f.rowCount("payments"), try f.rowCount("stock_ledger"))
        expectError("forbidden", "a customer") { try f.returnTea(sale, 1, caller: f.customer.caller) }
        expectError("sign_in_required", "a guest") { try f.returnTea(sale, 1, caller: f.t.guest) }
        expectError("invalid_refund_method") { try f.returnTea(sale, 1, method: .cashOnDelivery) }
        expectError("no_return_lines") { try f.shop.orders.returnItems(orderID: sale.id, lines: [], refundMethod: .cash, caller: f.staff.caller) }
        expectError("invalid_quantity") { try f.returnTea(sale, 0) }
        expectError("unknown_order_line") {
            try f.shop.orders.returnItems(orderID: sale.id, lines: [ReturnLine(productID: f.cake.id, variantID: f.kilo, quantity: 1)], refundMethod: .cash, caller: f.staff.caller)
        }
        expectError("unknown_order_line", "a line of another order") {
            try f.shop.orders.returnItems(orderID: sale.id, lines: [ReturnLine(orderLineID: pending.items[0].id, quantity: 1)], refundMethod: .cash, caller: f.staff.caller)
        }
        expectError("not_found") { try f.shop.orders.returnItems(orderID: 9999, lines: [ReturnLine(productID: f.tea.id, quantity: 1)], refundMethod: .cash, caller: f.staff.caller) }
        #expect(rows == (try f.rowCount("returns"), try f.rowCount("payments"), try f.rowCount("stock_ledger")), "nothing written")
        #expect(try f.stock(f.tea) == 10 - 2 - 2)
    }

    @Test("a customer sees the returns on their own order")
    func customerSeesReturns() throws {
        let f = try Fixture.forReturns()
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 2)], contact: .sample, paymentMethod: .card), caller: f.customer.caller)
        _ = try f.shop.payments.create(orderID: order.id, amount: order.total, method: .card, caller: f.customer.caller)
        let pending = try f.shop.payments.list(orderID: order.id, caller: f.staff.caller).items[0]
        _ = try f.shop.payments.updateStatus(paymentID: pending.id, to: .completed, caller: f.staff.caller)
        _ = try f.shop.orders.updateStatus(id: order.id, to: .sent, caller: f.staff.caller)
        _ = try f.shop.orders.updateStatus(id: order.id, to: .delivered, caller: f.staff.caller)
        _ = try f.returnTea(order, 1, method: .card)
        let mine = try f.shop.orders.order(id: order.id, caller: f.customer.caller)
        #expect(mine.items[0].returnedQuantity == 1 && mine.refunded == 250 && mine.returns.first?.refundMethod == .card)
    }

    @Test("the day's totals are net of return refunds, per method")
    func cashUpNetOfReturns() throws {
        let f = try Fixture.forReturns()
        let order = try f.counterSale(tea: 4)
        _ = try f.returnTea(order, 1)
        _ = try f.returnTea(order, 1, method: .card)
        let day = try f.shop.reports.day(caller: f.staff.caller)
        let cash = day.byMethod.first { $0.method == .cash }?.amount, card = day.byMethod.first { $0.method == .card }?.amount
        #expect(cash == 750, "the cash drawer holds what was taken less the cash handed back")
        #expect(card == -250, "a card refund with no card takings that day")
        #expect(day.total == 500)
        #expect(day.returned == 500 && day.refunded == 500)
    }
}

extension CommerceFixture {
    /// The returns tests sell one cake size with more stock.
    static func forReturns() throws -> CommerceFixture { try CommerceFixture(cake: [.init(name: "1 kg", price: 1000, stock: 5)]) }

    var kilo: Int64 { cake.variants[0].id }

    /// A counter sale paid in full in cash: delivered on the spot.
    func counterSale(tea: Int64 = 4, cake: Int64 = 0, coupon: String? = nil) throws -> Order {
        var items = [OrderRequest.Item(productID: self.tea.id, quantity: tea)]
        if cake > 0 { items.append(.init(productID: self.cake.id, variantID: kilo, quantity: cake)) }
        let order = try shop.orders.create(OrderRequest(items: items, contact: Contact(), coupon: coupon, counterSale: true), caller: staff.caller)
        _ = try shop.payments.create(orderID: order.id, amount: order.total, method: .cash, completed: true, caller: staff.caller)
        let delivered = try shop.orders.order(id: order.id, caller: staff.caller)
        #expect(delivered.status == .delivered)
        return delivered
    }

    func returnTea(_ order: Order, _ quantity: Int64, method: PaymentMethod = .cash, caller: Caller? = nil) throws -> OrderService.ReturnOutcome {
        try shop.orders.returnItems(orderID: order.id, lines: [ReturnLine(productID: tea.id, quantity: quantity)], refundMethod: method, caller: caller ?? staff.caller)
    }

    func rowCount(_ table: String) throws -> Int64 { try count("SELECT count(*) FROM \(table)") }
}
