import Foundation
import Synchronization
import Testing
@testable import ShopEngine

@Suite("Unpaid orders expire; a customer's unpaid orders are capped")
struct UnpaidOrderTests {
    typealias Fixture = CommerceFixture

    @Test("a card order still unpaid after the expiry is cancelled: stock back through the ledger, coupon released, reason in its history")
    func cardOrderExpires() throws {
        let f = try Fixture.forUnpaid()
        _ = try f.shop.orders.createCoupon(code: "ONCE", kind: .percent, value: 10, maxUses: 1, caller: f.staff.caller)
        let order = try f.order(.card, coupon: "ONCE")
        #expect(order.expiresAt == order.createdAt + 30 * 60, "the customer is told when it expires")
        #expect(try f.stock(f.tea) == 6)

        f.t.clock.advance(29 * 60 + 59)
        #expect(try f.shop.orders.expireUnpaid() == 0, "not yet due")
        #expect(try f.shop.orders.order(id: order.id, caller: f.customer.caller).status == .pending)

        f.t.clock.advance(1)
        let seen = try f.shop.orders.order(id: order.id, caller: f.customer.caller)   // reading sweeps
        #expect(seen.status == .cancelled)
        #expect(seen.statusReason == "Cancelled: not paid within 30 minutes")
        #expect(seen.expiresAt == nil)
        #expect(try f.stock(f.tea) == 10, "its stock is back")
        let restock = try f.ledger(f.tea).filter { $0.orderId == order.id && $0.delta > 0 }
        #expect(restock.map(\.delta) == [4] && restock.first?.reason == "unpaid order expired", "once, through the ledger")
        let history = try f.shop.orders.history(orderID: order.id, caller: f.customer.caller)
        #expect(history.last?.status == .cancelled && history.last?.reason == "Cancelled: not paid within 30 minutes" && history.last?.userId == nil)
        #expect(try f.shop.orders.coupons(caller: f.staff.caller).first { $0.code == "ONCE" }?.usedCount == 0, "its coupon use is released")
        #expect(try f.shop.orders.expireUnpaid() == 0, "and a second sweep changes nothing")
        #expect(try f.ledger(f.tea).filter { $0.orderId == order.id && $0.delta > 0 }.count == 1)
        _ = try f.order(.card, coupon: "ONCE")   // the coupon can be used again
    }

    @Test("cash on delivery, counter sales and orders with a completed payment never expire; paid orders are not touched")
    func onlyUnpaidOnlineOrdersExpire() throws {
        let f = try Fixture.forUnpaid()
        let cod = try f.order(.cashOnDelivery, tea: 1)
        let counter = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: Contact(), paymentMethod: .card, counterSale: true), caller: f.staff.caller)
        let paid = try f.order(.card, tea: 1)
        _ = try f.shop.payments.create(orderID: paid.id, amount: paid.total, method: .card, completed: true, caller: f.staff.caller)
        let partly = try f.order(.transfer, tea: 1)
        _ = try f.shop.payments.create(orderID: partly.id, amount: 1, method: .transfer, completed: true, caller: f.staff.caller)
        let transfer = try f.order(.transfer, tea: 1)
        #expect(cod.expiresAt == nil && counter.expiresAt == nil && transfer.expiresAt != nil)
        #expect(try f.stock(f.tea) == 5)

        f.t.clock.advance(7 * 86_400)
        #expect(try f.shop.orders.expireUnpaid() == 1)
        let statuses = try [cod, counter, paid, partly, transfer].map { try f.shop.orders.order(id: $0.id, caller: f.staff.caller).status }
        #expect(statuses == [.pending, .pending, .paid, .pending, .cancelled])
        #expect(try f.stock(f.tea) == 6, "only the unpaid transfer order's unit came back")
    }

    @Test("checkout first releases stock held by expired orders, so the next buyer is not refused")
    func checkoutSweepsBeforeCheckingStock() throws {
        let f = try Fixture.forUnpaid()
        _ = try f.order(.card, tea: 10)
        f.t.clock.advance(61)
        let other = try f.t.customer("+15550002222")
        expectError("out_of_stock") { try f.order(.card, tea: 1, caller: other.caller) }
        f.t.clock.advance(30 * 60)
        let order = try f.order(.card, tea: 10, caller: other.caller)
        #expect(order.status == .pending)
        #expect(try f.stock(f.tea) == 0)
    }

    @Test("a payment for an order past its time is refused: the order was cancelled")
    func noPaymentAfterExpiry() throws {
        let f = try Fixture.forUnpaid(expiryMinutes: 60)
        let order = try f.order(.transfer, tea: 1)
        let pending = try f.shop.payments.create(orderID: order.id, amount: order.total, method: .transfer, caller: f.customer.caller)
        f.t.clock.advance(3600)
        expectError("order_cancelled") { try f.shop.payments.create(orderID: order.id, amount: order.total, method: .card, caller: f.customer.caller) }
        let cancelled = try f.shop.orders.order(id: order.id, caller: f.customer.caller)
        #expect(cancelled.statusReason == "Cancelled: not paid within 1 hour")
        #expect(try f.shop.payments.list(orderID: order.id, caller: f.customer.caller).items.first { $0.id == pending.id }?.status == .failed)
    }

    @Test("two processes sweeping the same file at once restock each expired order once")
    func concurrentSweepsRestockOnce() async throws {
        let f = try Fixture.forUnpaid()
        for _ in 0..<5 { _ = try f.order(.card, tea: 2) }
        #expect(try f.stock(f.tea) == 0)
        f.t.clock.advance(31 * 60)
        let shops = [f.shop, try f.t.openAgain(), try f.t.openAgain(), try f.t.openAgain()]
        let expired = try await withThrowingTaskGroup(of: Int.self) { group in
            for shop in shops { for _ in 0..<3 { group.addTask { try shop.orders.expireUnpaid() } } }
            return try await group.reduce(0, +)
        }
        #expect(expired == 5, "each order expired by exactly one sweep")
        #expect(try f.stock(f.tea) == 10, "stock back once, not twice")
        let restocks = try f.ledger(f.tea).filter { $0.reason == "unpaid order expired" }
        #expect(restocks.count == 5 && restocks.allSatisfy { $0.delta == 2 })
    }

    @Test("shop-server's timer expires due orders without anyone reading them, and stops when asked")
    func sweeperOnATimer() throws {
        let f = try Fixture.forUnpaid()
        let order = try f.order(.card, tea: 3)
        f.t.clock.advance(30 * 60)
        let logged = Mutex<[String]>([])
        let sweeper = UnpaidOrderSweeper.start(try f.t.openAgain(), every: 0.05) { line in logged.withLock { $0.append(line) } }
        let deadline = Date().addingTimeInterval(10)
        while logged.withLock({ $0.isEmpty }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        sweeper.stop()
        #expect(logged.withLock { $0 } == ["shop: cancelled 1 unpaid order past --unpaid-expiry"])
        let stored = try f.shop.store.read { try $0.scalarString("SELECT status FROM orders WHERE id = ?", order.id) }
        #expect(stored == "cancelled", "expired by the timer, not by a read")
        #expect(try f.stock(f.tea) == 10)
    }

    @Test("a customer may keep at most --max-unpaid-orders open unpaid orders; the next checkout is refused and writes nothing")
    func unpaidOrdersAreCapped() throws {
        let f = try Fixture.forUnpaid(maxUnpaid: 2)
        _ = try f.order(.card, tea: 1)
        _ = try f.order(.cashOnDelivery, tea: 1)
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 1, caller: f.customer.caller)
        do {
            _ = try f.shop.orders.create(OrderRequest(contact: .sample, paymentMethod: .card), caller: f.customer.caller)
            Issue.record("a third unpaid order was accepted")
        } catch let error as ShopError {
            #expect(error.code == "too_many_unpaid_orders")
            #expect(error.httpStatus == 409)
            #expect(error.message.contains("pay or cancel"))
        }
        #expect(try f.stock(f.tea) == 8, "nothing was taken from stock")
        #expect(try f.shop.carts.cart(caller: f.customer.caller).items.count == 1, "the cart is left as it was")
        #expect(try f.shop.orders.list(caller: f.customer.caller).items.count == 2)

        // Staff selling at the counter are not limited, and other customers are not affected.
        for _ in 0..<3 { _ = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: Contact(), counterSale: true), caller: f.staff.caller) }
        f.t.clock.advance(61)
        _ = try f.order(.card, tea: 1, caller: try f.t.customer("+15550002222").caller)

        // Cancelling one (or paying it) makes room again.
        let open = try f.shop.orders.list(status: .pending, caller: f.customer.caller).items
        _ = try f.shop.orders.cancel(id: open[0].id, caller: f.customer.caller)
        _ = try f.shop.orders.create(OrderRequest(contact: .sample, paymentMethod: .card), caller: f.customer.caller)
    }

    @Test("expired orders no longer count against the cap")
    func expiredOrdersFreeTheCap() throws {
        let f = try Fixture.forUnpaid(maxUnpaid: 1)
        _ = try f.order(.card, tea: 1)
        expectError("too_many_unpaid_orders") { try f.order(.card, tea: 1) }
        f.t.clock.advance(30 * 60)
        #expect(try f.order(.card, tea: 1).status == .pending)
    }

    @Test("--unpaid-expiry and --max-unpaid-orders are parsed and validated")
    func flags() throws {
        let config = try Options.parse(["--unpaid-expiry", "45", "--max-unpaid-orders", "3"], flags: Options.engineFlags, environment: [:]).configuration()
        #expect(config.unpaidExpiryMinutes == 45 && config.maxUnpaidOrders == 3)
        let defaults = try Options.parse([], flags: Options.engineFlags, environment: [:]).configuration()
        #expect(defaults.unpaidExpiryMinutes == 30 && defaults.maxUnpaidOrders == 5)
        let fromEnvironment = try Options.parse([], flags: Options.engineFlags, environment: ["SHOP_UNPAID_EXPIRY": "10080", "SHOP_MAX_UNPAID_ORDERS": "1"]).configuration()
        #expect(fromEnvironment.unpaidExpiryMinutes == 10_080 && fromEnvironment.maxUnpaidOrders == 1)
        for bad in [["--unpaid-expiry", "0"], ["--unpaid-expiry", "10081"], ["--unpaid-expiry", "soon"], ["--max-unpaid-orders", "0"], ["--max-unpaid-orders", "-3"]] {
            #expect(throws: Options.UsageError.self, "\(bad)") { try Options.parse(bad, flags: Options.engineFlags, environment: [:]).configuration() }
        }
    }
}

extension CommerceFixture {
    /// The unpaid-order tests choose the expiry and the cap, and sell one cake size.
    static func forUnpaid(expiryMinutes: Int = 30, maxUnpaid: Int = 5) throws -> CommerceFixture {
        try CommerceFixture(cake: [.init(name: "1 kg", price: 1000, stock: 2)]) { config in
            config.unpaidExpiryMinutes = expiryMinutes
            config.maxUnpaidOrders = maxUnpaid
        }
    }

    func order(_ method: PaymentMethod, tea quantity: Int64 = 4, coupon: String? = nil, caller: Caller? = nil) throws -> Order {
        try shop.orders.create(OrderRequest(items: [.init(productID: tea.id, quantity: quantity)], contact: .sample, paymentMethod: method, coupon: coupon),
                               caller: caller ?? customer.caller)
    }
}
