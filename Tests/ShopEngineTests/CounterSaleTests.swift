import Foundation
import Testing
@testable import ShopEngine

@Suite("Counter sales: one operation, one transaction")
struct CounterSaleTests {
    typealias Fixture = CommerceFixture

    @Test("a cash sale with change is written whole: order delivered, payment completed with the cash tendered, stock and ledger taken")
    func cashWithChange() throws {
        let f = try Fixture()
        let sale = try f.sell([.init(productID: f.tea.id, quantity: 3)], [.init(method: .cash, amount: 750, tendered: 1000)])
        #expect(sale.order.status == .delivered && sale.order.channel == .counter)
        #expect(sale.order.total == 750 && sale.order.paid == 750 && sale.order.balance == 0)
        #expect(sale.order.items.map(\.unitPrice) == [250] && sale.order.items.map(\.quantity) == [3])
        #expect(sale.payments.count == 1 && sale.payments[0].status == .completed && sale.payments[0].tendered == 1000)
        #expect(sale.change == 250)
        #expect(!sale.replayed)
        #expect(try f.stock(f.tea) == 7)
        #expect(try f.count("SELECT sum(delta) FROM stock_ledger WHERE order_id = \(sale.order.id)") == -3)
        let history = try f.shop.orders.history(orderID: sale.order.id, caller: f.staff.caller).map(\.status)
        #expect(history == [.pending, .paid, .delivered])
    }

    @Test("split tenders (card, then cash) and a variant; a customer attached fills the order's contact from their profile")
    func splitTendersForCustomer() throws {
        let f = try Fixture()
        var changes = AccountService.ProfileChanges()
        changes.firstName = "Maya"; changes.lastName = "Lee"; changes.address = "12 Elm Street"
        _ = try f.shop.accounts.updateProfile(changes, caller: f.customer.caller)
        let sale = try f.sell([.init(productID: f.cake.id, variantID: f.cake.variants[1].id, quantity: 1), .init(productID: f.tea.id, quantity: 2)],
                              [.init(method: .card, amount: 1500), .init(method: .cash, amount: 800, tendered: 2000)], customer: f.customer.user.id)
        #expect(sale.order.total == 2300)
        #expect(sale.payments.map(\.method) == [.card, .cash] && sale.payments.map(\.amount) == [1500, 800])
        #expect(sale.change == 1200)
        #expect(sale.order.userId == f.customer.user.id)
        #expect(sale.order.firstName == "Maya" && sale.order.lastName == "Lee" && sale.order.address == "12 Elm Street")
        #expect(sale.order.paymentMethod == .card, "the largest tender names the order's method")
        #expect(try f.shop.orders.order(id: sale.order.id, caller: f.customer.caller).status == .delivered, "the customer sees it among their orders")
        #expect(try f.shop.catalog.product(id: f.cake.id, caller: f.staff.caller).variants[1].stock == 0)
    }

    @Test("a tender that fails validation, or tenders short of (or over) the total, leave nothing written")
    func refusedTendersWriteNothing() throws {
        let f = try Fixture()
        let lines = [OrderRequest.Item(productID: f.tea.id, quantity: 2)]
        let before = try f.footprint()
        expectError("invalid_amount") { try f.sell(lines, [.init(method: .cash, amount: -500)]) }
        expectError("invalid_amount") { try f.sell(lines, [.init(method: .card, amount: 0), .init(method: .cash, amount: 500)]) }
        expectError("invalid_method") { try f.sell(lines, [.init(method: .cashOnDelivery, amount: 500)]) }
        expectError("invalid_tendered") { try f.sell(lines, [.init(method: .card, amount: 500, tendered: 1000)]) }
        expectError("invalid_tendered") { try f.sell(lines, [.init(method: .cash, amount: 500, tendered: 400)]) }
        expectError("missing_tenders") { try f.sell(lines, []) }
        expectError("empty_sale") { try f.sell([], [.init(method: .cash, amount: 500)]) }
        expectError("out_of_stock") { try f.sell([.init(productID: f.tea.id, quantity: 11)], [.init(method: .cash, amount: 2750)]) }
        do {
            _ = try f.sell(lines, [.init(method: .card, amount: 300), .init(method: .cash, amount: 100, tendered: 2000)])
            Issue.record("a sale short of its total was finished")
        } catch let error as ShopError {
            #expect(error.code == "tenders_short" && error.field == "tenders")
            #expect(error.message.contains("1.00 USD is still due"), "the message says what is due: \(error.message)")
        }
        expectError("overpayment") { try f.sell(lines, [.init(method: .card, amount: 600)]) }
        #expect(try f.footprint() == before)
    }

    @Test("a price changed between the quote and the sale: tenders for the old total are refused, and the new quote shows the new price")
    func priceChangedAfterQuote() throws {
        let f = try Fixture()
        let lines = [OrderRequest.Item(productID: f.tea.id, quantity: 4)]
        let quote = try f.shop.orders.counterQuote(lines: lines, caller: f.staff.caller)
        #expect(quote.total == 1000 && quote.lines[0].unitPrice == 250 && quote.lines[0].stock == 10)
        // Another terminal raises the price.
        _ = try f.shop.catalog.update(id: f.tea.id, ProductChanges(price: 275), caller: f.staff.caller)
        let before = try f.footprint()
        expectError("tenders_short") { try f.sell(lines, [.init(method: .cash, amount: quote.total, tendered: 2000)]) }
        #expect(try f.footprint() == before)
        #expect(try f.shop.orders.list(status: .pending, caller: f.staff.caller).items.isEmpty, "no order is left pending")
        let fresh = try f.shop.orders.counterQuote(lines: lines, caller: f.staff.caller)
        #expect(fresh.total == 1100 && fresh.lines[0].unitPrice == 275)
        let sale = try f.sell(lines, [.init(method: .cash, amount: fresh.total, tendered: 2000)])
        #expect(sale.order.total == 1100 && sale.change == 900)
    }

    @Test("the quote flags lines short of stock and takes nothing")
    func quoteFlagsShortLines() throws {
        let f = try Fixture()
        let quote = try f.shop.orders.counterQuote(lines: [.init(productID: f.cake.id, variantID: f.cake.variants[1].id, quantity: 2), .init(productID: f.tea.id, quantity: 1)], caller: f.staff.caller)
        #expect(quote.lines.map(\.isShort) == [true, false])
        #expect(quote.lines[0].name == "Cake (2 kg)" && quote.total == 3850)
        #expect(try f.shop.catalog.product(id: f.cake.id, caller: f.staff.caller).variants[1].stock == 1)
        expectError("forbidden") { try f.shop.orders.counterQuote(lines: [.init(productID: f.tea.id, quantity: 1)], caller: f.customer.caller) }
    }

    @Test("a retry with the same key returns the same sale and takes stock once; another body under the key is refused")
    func idempotentRetry() throws {
        let f = try Fixture()
        let lines = [OrderRequest.Item(productID: f.tea.id, quantity: 2)]
        let tenders = [CounterSaleRequest.Tender(method: .cash, amount: 500, tendered: 500)]
        let first = try f.sell(lines, tenders, key: "till-1-0001")
        let retry = try f.sell(lines, tenders, key: "till-1-0001")
        #expect(retry.replayed && retry.order.id == first.order.id && retry.payments == first.payments)
        #expect(try f.stock(f.tea) == 8)
        #expect(try f.count("SELECT count(*) FROM payments") == 1)
        expectError("idempotency_key_reused") { try f.sell([.init(productID: f.tea.id, quantity: 1)], [.init(method: .cash, amount: 250)], key: "till-1-0001") }
        expectError("idempotency_key_reused") { try f.sell(lines, [.init(method: .card, amount: 500)], key: "till-1-0001") }
        #expect(try f.stock(f.tea) == 8)
    }

    @Test("only staff sell at the counter: a customer is refused, and so is a cashier demoted since signing in")
    func staffOnly() throws {
        let f = try Fixture()
        let lines = [OrderRequest.Item(productID: f.tea.id, quantity: 1)]
        let before = try f.footprint()
        expectError("forbidden") { try f.sell(lines, [.init(method: .cash, amount: 250)], as: f.customer.caller) }
        expectError("forbidden") { try f.sell(lines, [.init(method: .cash, amount: -1)], as: f.customer.caller) }
        expectError("sign_in_required") { try f.sell(lines, [.init(method: .cash, amount: 250)], as: f.t.guest) }
        _ = try f.shop.admin.localSetRole(phone: "+15550009999", role: .customer)
        expectError("forbidden") { try f.sell(lines, [.init(method: .cash, amount: 250)]) }
        #expect(try f.footprint() == before)
    }

    @Test("kill -9 in the middle of counter sales leaves each sale whole or absent: delivered and paid in full, stock + sold = initial")
    func killedMidSale() throws {
        let f = try Fixture()
        let initial: Int64 = 1_000_000
        let product = try f.shop.catalog.create(ProductDraft(sku: "LOAD", name: "Load", price: 250, stock: initial), caller: f.staff.caller)
        for round in 0..<3 {
            let process = Process()
            process.executableURL = LoadProcess.executable
            process.arguments = ["counter-sales", f.t.databasePath, String(product.id), "1000000"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let sold = try f.count("SELECT count(*) FROM orders WHERE channel = 'counter'")
            let deadline = Date().addingTimeInterval(30)
            // Wait for this process to sell something, then kill it at a random moment mid-stream.
            while try f.count("SELECT count(*) FROM orders WHERE channel = 'counter'") <= sold, Date() < deadline { usleep(5_000) }
            usleep(UInt32.random(in: 1_000...150_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): the child was killed, not finished")
        }
        let shop = try f.t.openAgain()   // a fresh connection, as after a crash
        let check = { (sql: String) throws -> Int64 in try shop.store.read { try $0.scalarInt(sql) ?? -1 } }
        let orders = try check("SELECT count(*) FROM orders WHERE channel = 'counter'")
        #expect(orders > 0)
        #expect(try check("SELECT count(*) FROM orders WHERE channel = 'counter' AND status != 'delivered'") == 0, "no counter order left pending or paid")
        #expect(try check("""
            SELECT count(*) FROM orders o WHERE channel = 'counter' AND total != (SELECT coalesce(sum(amount), 0) FROM payments p WHERE p.order_id = o.id AND p.status = 'completed')
            """) == 0, "every counter sale is paid exactly its total")
        #expect(try check("SELECT count(*) FROM orders o WHERE channel = 'counter' AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)") == 0)
        #expect(try check("SELECT count(*) FROM orders o WHERE channel = 'counter' AND (SELECT count(*) FROM order_status_history h WHERE h.order_id = o.id) != 3") == 0)
        let sold = try check("SELECT coalesce(sum(quantity), 0) FROM order_items WHERE product_id = \(product.id)")
        let stock = try check("SELECT stock FROM products WHERE id = \(product.id)")
        #expect(stock + sold == initial, "stock \(stock) + sold \(sold) must be \(initial)")
        #expect(try check("SELECT coalesce(sum(delta), 0) FROM stock_ledger WHERE product_id = \(product.id) AND reason = 'sale'") == -sold)
        #expect(try check("SELECT count(*) FROM payments p WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = p.order_id)") == 0)
    }
}

extension CommerceFixture {
    /// Orders, payments, ledger rows and stock: what a refused sale must leave as it was.
    func footprint() throws -> [Int64] {
        [try count("SELECT count(*) FROM orders"), try count("SELECT count(*) FROM order_items"), try count("SELECT count(*) FROM payments"),
         try count("SELECT count(*) FROM stock_ledger"), try count("SELECT count(*) FROM order_status_history"), try stock(tea), try stock(cake)]
    }

    func sell(_ lines: [OrderRequest.Item], _ tenders: [CounterSaleRequest.Tender], customer: Int64? = nil, key: String? = nil, as caller: Caller? = nil) throws -> CounterSale {
        try shop.orders.counterSale(CounterSaleRequest(lines: lines, tenders: tenders, customerID: customer, idempotencyKey: key), caller: caller ?? staff.caller)
    }
}
