import Foundation
import Testing
@testable import ShopEngine

@Suite("Cart, checkout, orders and payments")
struct CheckoutTests {
    typealias Fixture = CommerceFixture

    @Test("adding the same item again adds to its line; quantities and variants are checked")
    func cartRules() throws {
        let f = try Fixture()
        let me = f.customer.caller
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 2, caller: me)
        var cart = try f.shop.carts.add(productID: f.tea.id, quantity: 3, caller: me)
        #expect(cart.items.count == 1 && cart.items[0].quantity == 5)
        #expect(cart.total == 1250)
        expectError("invalid_quantity") { try f.shop.carts.add(productID: f.tea.id, quantity: 0, caller: me) }
        expectError("invalid_quantity") { try f.shop.carts.add(productID: f.tea.id, quantity: -1, caller: me) }
        expectError("invalid_quantity") { try f.shop.carts.add(productID: f.tea.id, quantity: 1000, caller: me) }
        expectError("out_of_stock") { try f.shop.carts.add(productID: f.tea.id, quantity: 6, caller: me) }
        expectError("variant_required") { try f.shop.carts.add(productID: f.cake.id, quantity: 1, caller: me) }
        expectError("invalid_variant") { try f.shop.carts.add(productID: f.cake.id, variantID: 999, quantity: 1, caller: me) }
        expectError("not_found") { try f.shop.carts.add(productID: 999, quantity: 1, caller: me) }
        expectError("sign_in_required") { try f.shop.carts.add(productID: f.tea.id, quantity: 1, caller: f.t.guest) }
        cart = try f.shop.carts.add(productID: f.cake.id, variantID: f.cake.variants[0].id, quantity: 1, caller: me)
        let cakeLine = try #require(cart.items.last)
        #expect(cakeLine.name == "Cake (1 kg)")
        cart = try f.shop.carts.update(lineID: cakeLine.id, quantity: 1, variantID: f.cake.variants[1].id, caller: me)
        #expect(cart.items.last?.unitPrice == 1800)
        cart = try f.shop.carts.remove(lineID: cart.items[0].id, caller: me)
        #expect(cart.items.count == 1)
    }

    @Test("a customer cannot see or change another customer's cart lines")
    func cartIsolation() throws {
        let f = try Fixture()
        let cart = try f.shop.carts.add(productID: f.tea.id, quantity: 1, caller: f.customer.caller)
        f.t.clock.advance(61)
        let other = try f.t.customer("+15550002222")
        expectError("not_found") { try f.shop.carts.update(lineID: cart.items[0].id, quantity: 2, caller: other.caller) }
        expectError("not_found") { try f.shop.carts.remove(lineID: cart.items[0].id, caller: other.caller) }
        #expect(try f.shop.carts.cart(caller: other.caller).items.isEmpty)
    }

    @Test("lines whose stock ran short are flagged with what is left, never changed")
    func shortStockFlagged() throws {
        let f = try Fixture()
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 4, caller: f.customer.caller)
        _ = try f.shop.catalog.adjustStock(productID: f.tea.id, delta: -8, reason: "spilled", caller: f.staff.caller)
        let cart = try f.shop.carts.cart(caller: f.customer.caller)
        #expect(cart.items[0].quantity == 4)
        #expect(cart.items[0].available == 2)
        #expect(cart.items[0].problem == "short_stock")
        #expect(!cart.canCheckout)
        expectError("out_of_stock") { try f.shop.orders.create(OrderRequest(contact: .sample), caller: f.customer.caller) }
        #expect(try f.stock(f.tea) == 2, "a failed checkout takes nothing")
        #expect(try f.shop.carts.cart(caller: f.customer.caller).items.count == 1, "and leaves the cart as it was")
    }

    @Test("checkout from the cart copies names and prices, decrements stock, writes the ledger and empties the cart")
    func checkoutFromCart() throws {
        let f = try Fixture()
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 3, caller: f.customer.caller)
        _ = try f.shop.carts.add(productID: f.cake.id, variantID: f.cake.variants[1].id, quantity: 1, caller: f.customer.caller)
        let order = try f.shop.orders.create(OrderRequest(contact: Contact(firstName: "نیما", lastName: "جوان", phone: "09141883291", email: "n@example.com", address: "تبریز", postalCode: "51368", deliveryDate: "2027-01-15", note: "ring twice"), paymentMethod: .cashOnDelivery), caller: f.customer.caller)
        #expect(order.status == .pending)
        #expect(order.subtotal == 3 * 250 + 1800 && order.total == order.subtotal)
        #expect(order.items.map(\.name) == ["Tea", "Cake (2 kg)"])
        #expect(order.phone == "+989141883291")
        #expect(order.number.hasPrefix("S-"))
        #expect(try f.stock(f.tea) == 7)
        #expect(try f.shop.catalog.product(id: f.cake.id, caller: f.staff.caller).variants[1].stock == 0)
        #expect(try f.shop.carts.cart(caller: f.customer.caller).items.isEmpty)
        _ = try f.shop.catalog.update(id: f.tea.id, ProductChanges(name: "Green tea", price: 999), caller: f.staff.caller)
        let again = try f.shop.orders.order(id: order.id, caller: f.customer.caller)
        #expect(again.items[0].name == "Tea" && again.items[0].unitPrice == 250, "the order keeps what was bought, at its price")
        let ledger = try f.shop.catalog.stockHistory(productID: f.tea.id, caller: f.staff.caller)
        #expect(ledger.first?.reason == "sale" && ledger.first?.delta == -3 && ledger.first?.orderId == order.id)
    }

    @Test("bad checkouts are refused and change nothing")
    func badCheckouts() throws {
        let f = try Fixture()
        let me = f.customer.caller
        expectError("empty_cart") { try f.shop.orders.create(OrderRequest(contact: .sample), caller: me) }
        var contact = Contact.sample
        contact.firstName = ""
        expectError("missing_first_name") { try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: contact), caller: me) }
        contact = .sample; contact.deliveryDate = "2020-01-01"
        expectError("invalid_delivery_date") { try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: contact), caller: me) }
        contact.deliveryDate = "2027-02-30"
        expectError("invalid_delivery_date") { try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: contact), caller: me) }
        expectError("invalid_quantity") { try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: -2)], contact: .sample), caller: me) }
        expectError("out_of_stock") { try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 5), .init(productID: f.cake.id, variantID: f.cake.variants[1].id, quantity: 2)], contact: .sample), caller: me) }
        expectError("invalid_variant") { try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, variantID: f.cake.variants[0].id, quantity: 1)], contact: .sample), caller: me) }
        expectError("invalid_coupon") { try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: .sample, coupon: "NOPE"), caller: me) }
        #expect(try f.stock(f.tea) == 10, "the partly checked order took no stock")
        #expect(try f.shop.orders.list(caller: f.staff.caller).items.isEmpty)
    }

    @Test("coupons: percent and fixed, validity window and use limit")
    func coupons() throws {
        let f = try Fixture()
        let now = f.t.clock.now()
        _ = try f.shop.orders.createCoupon(code: "TEN", kind: .percent, value: 10, maxUses: 1, caller: f.staff.caller)
        _ = try f.shop.orders.createCoupon(code: "LATER", kind: .fixed, value: 100, validFrom: now + 3600, caller: f.staff.caller)
        _ = try f.shop.orders.createCoupon(code: "OLD", kind: .fixed, value: 100, validUntil: now + 10, caller: f.staff.caller)
        expectError("forbidden") { try f.shop.orders.createCoupon(code: "MINE", kind: .percent, value: 50, caller: f.customer.caller) }
        expectError("invalid_coupon_value") { try f.shop.orders.createCoupon(code: "BIG", kind: .percent, value: 150, caller: f.staff.caller) }
        let items: [OrderRequest.Item] = [.init(productID: f.tea.id, quantity: 4)]
        let order = try f.shop.orders.create(OrderRequest(items: items, contact: .sample, coupon: "ten"), caller: f.customer.caller)
        #expect(order.discount == 100 && order.total == 900)
        expectError("coupon_used_up") { try f.shop.orders.create(OrderRequest(items: items, contact: .sample, coupon: "TEN"), caller: f.customer.caller) }
        expectError("coupon_not_yet_valid") { try f.shop.orders.create(OrderRequest(items: items, contact: .sample, coupon: "LATER"), caller: f.customer.caller) }
        f.t.clock.advance(10)
        expectError("coupon_expired") { try f.shop.orders.create(OrderRequest(items: items, contact: .sample, coupon: "OLD"), caller: f.customer.caller) }
        _ = try f.shop.orders.cancel(id: order.id, caller: f.customer.caller)
        _ = try f.shop.orders.create(OrderRequest(items: items, contact: .sample, coupon: "TEN"), caller: f.customer.caller)
    }

    @Test("a retried checkout with the same idempotency key returns the same order and takes stock once")
    func idempotency() throws {
        let f = try Fixture()
        let request = OrderRequest(items: [.init(productID: f.tea.id, quantity: 2)], contact: .sample, idempotencyKey: "abc-123")
        let first = try f.shop.orders.create(request, caller: f.customer.caller)
        let second = try f.shop.orders.create(request, caller: f.customer.caller)
        #expect(first.id == second.id)
        #expect(try f.stock(f.tea) == 8)
        var different = request
        different.items = [.init(productID: f.tea.id, quantity: 3)]
        expectError("idempotency_key_reused") { try f.shop.orders.create(different, caller: f.customer.caller) }
    }

    @Test("customers see only their own orders; someone else's id is not found; staff see all")
    func orderVisibility() throws {
        let f = try Fixture()
        let mine = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: .sample), caller: f.customer.caller)
        f.t.clock.advance(61)
        let other = try f.t.customer("+15550002222")
        let theirs = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: .sample), caller: other.caller)
        expectError("not_found") { try f.shop.orders.order(id: theirs.id, caller: f.customer.caller) }
        expectError("not_found") { try f.shop.orders.cancel(id: theirs.id, caller: f.customer.caller) }
        expectError("not_found") { try f.shop.payments.create(orderID: theirs.id, amount: 1, method: .card, caller: f.customer.caller) }
        expectError("not_found") { try f.shop.payments.list(orderID: theirs.id, caller: f.customer.caller) }
        #expect(try f.shop.orders.list(caller: f.customer.caller).items.map(\.id) == [mine.id])
        #expect(try f.shop.orders.list(caller: f.staff.caller).items.map(\.id) == [theirs.id, mine.id], "newest first")
        #expect(try f.shop.orders.list(status: .cancelled, caller: f.staff.caller).items.isEmpty)
    }

    @Test("status moves only forward: paid → sent → delivered; cancelling restocks and is final")
    func transitions() throws {
        let f = try Fixture()
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 4)], contact: .sample, paymentMethod: .card), caller: f.customer.caller)
        expectError("invalid_transition") { try f.shop.orders.updateStatus(id: order.id, to: .sent, caller: f.staff.caller) }
        expectError("forbidden") { try f.shop.orders.updateStatus(id: order.id, to: .sent, caller: f.customer.caller) }
        let payment = try f.shop.payments.create(orderID: order.id, amount: 1000, method: .card, caller: f.customer.caller)
        #expect(payment.status == .pending)
        _ = try f.shop.payments.updateStatus(paymentID: payment.id, to: .completed, caller: f.staff.caller)
        #expect(try f.shop.orders.order(id: order.id, caller: f.customer.caller).status == .paid)
        _ = try f.shop.orders.updateStatus(id: order.id, to: .sent, caller: f.staff.caller)
        expectError("invalid_transition") { try f.shop.orders.updateStatus(id: order.id, to: .sent, caller: f.staff.caller) }
        expectError("invalid_transition") { try f.shop.orders.cancel(id: order.id, caller: f.customer.caller) }
        let delivered = try f.shop.orders.updateStatus(id: order.id, to: .delivered, caller: f.staff.caller)
        #expect(delivered.status == .delivered)
        expectError("invalid_transition") { try f.shop.orders.updateStatus(id: order.id, to: .paid, caller: f.staff.caller) }
        #expect(try f.shop.orders.history(orderID: order.id, caller: f.customer.caller).map(\.status) == [.pending, .paid, .sent, .delivered])

        let second = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 2)], contact: .sample), caller: f.customer.caller)
        #expect(try f.stock(f.tea) == 4)
        _ = try f.shop.orders.cancel(id: second.id, caller: f.customer.caller)
        #expect(try f.stock(f.tea) == 6, "cancelling put the stock back")
        expectError("invalid_transition") { try f.shop.orders.cancel(id: second.id, caller: f.staff.caller) }
        #expect(try f.stock(f.tea) == 6, "and only once")
    }

    @Test("payments: no overpayment, none on cancelled orders, refunds only after cancelling")
    func payments() throws {
        let f = try Fixture()
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 4)], contact: .sample), caller: f.customer.caller)
        expectError("invalid_amount") { try f.shop.payments.create(orderID: order.id, amount: 0, method: .cash, caller: f.customer.caller) }
        expectError("invalid_amount") { try f.shop.payments.create(orderID: order.id, amount: -5, method: .cash, caller: f.customer.caller) }
        expectError("overpayment") { try f.shop.payments.create(orderID: order.id, amount: 1001, method: .cash, caller: f.customer.caller) }
        expectError("forbidden") { try f.shop.payments.create(orderID: order.id, amount: 100, method: .cash, completed: true, caller: f.customer.caller) }
        let cash = try f.shop.payments.create(orderID: order.id, amount: 600, method: .cash, tendered: 1000, completed: true, caller: f.staff.caller)
        #expect(cash.change == 400)
        #expect(try f.shop.orders.order(id: order.id, caller: f.staff.caller).status == .pending, "600 of 1000 paid")
        let card = try f.shop.payments.create(orderID: order.id, amount: 400, method: .card, completed: true, idempotencyKey: "k1", caller: f.staff.caller)
        #expect(try f.shop.payments.create(orderID: order.id, amount: 400, method: .card, completed: true, idempotencyKey: "k1", caller: f.staff.caller).id == card.id)
        let paid = try f.shop.orders.order(id: order.id, caller: f.staff.caller)
        #expect(paid.status == .paid && paid.paid == 1000)
        expectError("overpayment") { try f.shop.payments.create(orderID: order.id, amount: 1, method: .cash, caller: f.customer.caller) }
        expectError("invalid_transition") { try f.shop.payments.updateStatus(paymentID: card.id, to: .refunded, caller: f.staff.caller) }
        expectError("invalid_transition") { try f.shop.payments.updateStatus(paymentID: card.id, to: .pending, caller: f.staff.caller) }
        _ = try f.shop.orders.cancel(id: order.id, caller: f.staff.caller)
        expectError("order_cancelled") { try f.shop.payments.create(orderID: order.id, amount: 1, method: .cash, caller: f.customer.caller) }
        #expect(try f.shop.payments.updateStatus(paymentID: card.id, to: .refunded, caller: f.staff.caller).status == .refunded)
        #expect(try f.shop.payments.list(orderID: order.id, caller: f.customer.caller).items.count == 2)
    }

    @Test("a counter sale by staff for a walk-in customer needs no contact details")
    func counterSale() throws {
        let f = try Fixture()
        let sale = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 2)], contact: Contact(), paymentMethod: .cash, counterSale: true), caller: f.staff.caller)
        #expect(sale.channel == .counter && sale.userId == nil)
        _ = try f.shop.payments.create(orderID: sale.id, amount: sale.total, method: .cash, tendered: 1000, completed: true, caller: f.staff.caller)
        #expect(try f.shop.orders.order(id: sale.id, caller: f.staff.caller).status == .delivered, "handed over at the counter once paid")
        #expect(try f.shop.reports.awaitingDispatch(caller: f.staff.caller).isEmpty, "nothing to send")
        #expect(try f.shop.admin.findCustomer(phone: f.customer.user.phone!, caller: f.staff.caller).items.map(\.id) == [f.customer.user.id])
        #expect(try f.shop.admin.findCustomer(phone: "+15559998888", caller: f.staff.caller).items.isEmpty)
        expectError("forbidden") { try f.shop.admin.findCustomer(phone: f.staff.user.phone!, caller: f.customer.caller) }
        expectError("forbidden") { try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: Contact(), counterSale: true), caller: f.customer.caller) }
    }

    @Test("eight processes racing for the last units never oversell and never see 'database is locked'")
    func concurrentCheckouts() throws {
        let f = try Fixture()
        _ = try f.shop.catalog.adjustStock(productID: f.tea.id, delta: 15, reason: "restock", caller: f.staff.caller) // 25 in stock
        let results = try LoadProcess.runAll((0..<8).map { _ in ["checkout", f.t.databasePath, String(f.tea.id), "1", "5"] })
        var ordered = 0, refused = 0
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.counts["locked"] == nil && result.counts["error"] == nil, "\(result.counts) \(result.stderr)")
            ordered += result.counts["ordered"] ?? 0
            refused += result.counts["out_of_stock"] ?? 0
        }
        #expect(ordered == 25, "every unit sold exactly once")
        #expect(ordered + refused == 40, "each attempt got an order or an out-of-stock answer")
        #expect(try f.stock(f.tea) == 0)
        let sold = try f.shop.store.read { try $0.scalarInt("SELECT sum(quantity) FROM order_items WHERE product_id = ?", f.tea.id) } ?? 0
        #expect(sold + (try f.stock(f.tea)) == 25, "stock + units sold = initial stock")
        let ledger = try f.shop.store.read { try $0.scalarInt("SELECT sum(delta) FROM stock_ledger WHERE product_id = ?", f.tea.id) }
        #expect(ledger == 0, "the ledger agrees with the stock")

        // Now cancel every order from four processes at once: each restocks exactly once.
        let ids = try f.shop.store.read { try $0.query("SELECT id FROM orders") { String($0.int64(0)) } }
        let cancels = try LoadProcess.runAll((0..<4).map { _ in ["cancel", f.t.databasePath] + ids })
        #expect(cancels.allSatisfy { $0.status == 0 && $0.counts["locked"] == nil })
        #expect(cancels.reduce(0) { $0 + ($1.counts["cancelled"] ?? 0) } == ids.count)
        #expect(try f.stock(f.tea) == 25, "every cancelled unit back, none twice")
    }
}
