import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

@Suite("Staff: quick sale")
struct StaffQuickSaleTests {
    @Test("a counter sale by barcode with cash places the order, takes the stock and prints a receipt with the change")
    func cashSaleByBarcode() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Quick sale")
        #expect(app.text.contains("Quick sale"))
        app.scan("4006381333931")
        app.press(.char("+"))                       // two loaves
        #expect(app.text.contains("TOTAL  9.00 USD"))
        app.press(.enter)                           // empty code: take payment
        #expect(app.text.contains("Take payment"))
        app.type("20")
        #expect(app.text.contains("Change 11.00"))  // shown before it is taken
        app.press(.enter)

        let screen = app.text
        #expect(screen.contains("CHANGE DUE  11.00"))
        #expect(screen.contains("Sale S-000001 complete"))
        let orders = try f.orders()
        #expect(orders.count == 1)
        #expect(orders[0].status == .delivered && orders[0].channel == .counter && orders[0].total == 900)
        #expect(orders[0].items.map(\.quantity) == [2])
        #expect(try f.stock(f.bread) == 8)

        let receipt = try String(contentsOfFile: f.receiptDirectory + "/S-000001.txt", encoding: .utf8)
        #expect(receipt.contains("2 × Sourdough bread"))
        #expect(receipt.range(of: #"TOTAL USD +9\.00"#, options: .regularExpression) != nil)
        #expect(receipt.range(of: #"Cash given +20\.00"#, options: .regularExpression) != nil)
        #expect(receipt.range(of: #"Change +11\.00"#, options: .regularExpression) != nil)
        #expect(screen.contains("2 × Sourdough bread"))   // the receipt is on screen too

        // One key starts the next sale.
        app.press(.enter)
        #expect(app.text.contains("Nothing scanned yet"))
        #expect(app.text.contains("TOTAL  0.00 USD"))
    }

    @Test("a sale for a customer found by phone carries their name and contact; the receipt names them, a walk-in receipt does not")
    func saleForCustomer() throws {
        let f = try StaffFixture()
        let maya = try f.person("+15550107777", role: .customer)
        var changes = AccountService.ProfileChanges()
        changes.firstName = "Maya"; changes.lastName = "Lee"; changes.address = "12 Elm Street"
        _ = try f.shop.accounts.updateProfile(changes, caller: maya.caller)
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Quick sale")
        app.scan("4006381333931")
        app.press(.function(2))
        app.type("+15550107777"); app.press(.enter)
        #expect(app.text.contains("Maya Lee"))
        app.press(.enter)
        #expect(app.text.contains("Sale for Maya Lee"))
        app.press(.enter, .enter)                    // pay, cash exact
        #expect(app.text.contains("Sale S-000001 complete"))
        let order = try #require(try f.orders().first)
        #expect(order.firstName == "Maya" && order.lastName == "Lee" && order.phone == "+15550107777" && order.address == "12 Elm Street")
        let receipt = try String(contentsOfFile: f.receiptDirectory + "/S-000001.txt", encoding: .utf8)
        #expect(receipt.contains("Customer: Maya Lee"))

        app.press(.enter)                            // the next sale: walk-in
        app.scan("4006381333931"); app.press(.enter, .enter)
        let walkIn = try String(contentsOfFile: f.receiptDirectory + "/S-000002.txt", encoding: .utf8)
        #expect(!walkIn.contains("Customer"))
        #expect(!walkIn.contains("{{"), "no placeholder left over")
    }

    @Test("a split payment: part by card, the rest in cash, and the variant chosen from a list")
    func splitPayment() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Quick sale")
        app.scan("CAKE-CHOC")
        #expect(app.text.contains("Which Chocolate cake?"))
        app.press(.down, .enter)                     // 2 kg
        app.scan("BREAD-SD")
        #expect(app.text.contains("Chocolate cake (2 kg)"))
        #expect(app.text.contains("TOTAL  49.50 USD"))
        app.press(.function(5))
        app.press(.tab)                              // card
        app.type("30")
        app.press(.enter)
        #expect(app.text.contains("Due 19.50 USD"))
        #expect(app.text.contains("✓ Card 30.00"))
        app.press(.backTab)                          // cash, exact: Enter on an empty amount
        app.press(.enter)

        #expect(app.text.contains("Sale S-000001 complete"))
        let order = try #require(try f.orders().first)
        #expect(order.status == .delivered)
        let payments = try f.shop.payments.list(orderID: order.id, caller: f.staff.caller).items
        #expect(payments.map(\.method) == [.card, .cash])
        #expect(payments.map(\.amount) == [3000, 1950])
        #expect(payments.allSatisfy { $0.status == .completed })
        #expect(try f.stock(f.cake, variant: "2 kg") == 2)
    }

    @Test("an out-of-stock scan is refused with a clear message; a line that runs short is caught before payment, or refused whole by the engine, and the sale keeps its lines")
    func outOfStock() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Quick sale")
        app.scan("12345670")
        #expect(app.text.contains("✗ Lemon tart is out of stock"))
        #expect(app.text.contains("Nothing scanned yet"))

        app.scan("2*BUTTER")
        app.press(.char("+"))                        // only 2 on the shelf
        #expect(app.text.contains("Only 2 of Butter in stock"))
        #expect(app.screen().contains { $0.contains("Butter") && $0.contains(" 2 ") })

        // Someone else sells one meanwhile: opening the payment re-checks the shelf, and nothing is lost.
        _ = try f.shop.catalog.adjustStock(productID: f.butter.id, delta: -1, reason: "broken", caller: f.staff.caller)
        app.press(.enter)
        var screen = app.text
        #expect(screen.contains("Only 1 of Butter in stock: lower the quantity"))
        #expect(screen.contains("only 1 left"))
        #expect(!screen.contains("Take payment"))
        #expect(screen.contains("TOTAL  5.50 USD"))

        // And once more after the payment opened: the engine refuses the whole sale, nothing is sold.
        app.press(.char("-"), .enter)                // one butter: payment opens
        #expect(app.text.contains("Take payment"))
        _ = try f.shop.catalog.adjustStock(productID: f.butter.id, delta: -1, reason: "broken", caller: f.staff.caller)
        app.press(.tab, .enter)                      // card, the amount due
        screen = app.text
        #expect(screen.contains("Not sold: Butter is out of stock"))
        #expect(screen.contains("sold out"))
        #expect(screen.contains("TOTAL  2.75 USD"))
        #expect(try f.orders().isEmpty)
        #expect(try f.stock(f.butter) == 0)

        app.press(.delete)
        app.scan("BREAD-SD")
        app.press(.enter, .enter)                    // pay cash exact
        #expect(app.text.contains("Sale S-000001 complete"))
        #expect(try f.stock(f.bread) == 9)
    }

    @Test("a price changed by another session after scanning shows when payment opens; a change while paying is refused whole; the receipt matches the order sold")
    func priceChangedElsewhere() throws {
        let f = try StaffFixture()
        let other = AppDriver(f.session(try f.person("+15550100901", role: .staff)))   // another terminal
        other.openStaff("Products")
        other.press(.char("/")); other.type("sourdough"); other.press(.enter)
        func otherSetsBreadPrice(_ price: String) {
            other.press(.enter)                      // edit: SKU, barcode, name, description, category, price
            for _ in 0..<5 { other.press(.tab) }
            other.press(.ctrl("u")); other.type(price); other.press(.enter)
            #expect(other.text.contains("Sourdough bread saved"))
        }
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Quick sale")
        app.scan("4006381333931")
        app.press(.char("+"))                        // two loaves at 4.50
        #expect(app.text.contains("TOTAL  9.00 USD"))

        otherSetsBreadPrice("5.00")
        app.press(.function(5))
        var screen = app.text
        #expect(screen.contains("Take payment"))
        #expect(screen.contains("Price changed since scanning: the total is now 10.00 USD"))
        #expect(screen.contains("Price changed: Sourdough bread 4.50 → 5.00"))
        #expect(screen.contains("Due 10.00 USD"))
        #expect(screen.contains("TOTAL  10.00 USD"))

        app.type("7"); app.press(.enter)             // 7.00 in cash, 3.00 due
        #expect(app.text.contains("Due 3.00 USD"))
        otherSetsBreadPrice("5.50")
        app.press(.tab, .enter)                      // the 3.00 by card: the engine finds 11.00 to pay
        screen = app.text
        #expect(screen.contains("Not sold: 1.00 USD is still due: the tenders cover 10.00 of 11.00 USD"))
        #expect(screen.contains("Price changed: Sourdough bread 5.00 → 5.50"))
        #expect(screen.contains("Due 11.00 USD"))
        #expect(try f.orders().isEmpty, "no order is left pending")
        #expect(try f.stock(f.bread) == 10)

        app.type("20"); app.press(.enter)
        screen = app.text
        #expect(screen.contains("Sale S-000001 complete"))
        #expect(screen.contains("CHANGE DUE  9.00"))
        let order = try #require(try f.orders().first)
        #expect(order.status == .delivered && order.total == 1100 && order.paid == 1100)
        #expect(order.items.map(\.unitPrice) == [550])
        let receipt = try String(contentsOfFile: f.receiptDirectory + "/S-000001.txt", encoding: .utf8)
        #expect(receipt.range(of: #"2 × Sourdough bread +11\.00"#, options: .regularExpression) != nil)
        #expect(receipt.range(of: #"TOTAL USD +11\.00"#, options: .regularExpression) != nil)
        #expect(receipt.range(of: #"Cash +11\.00"#, options: .regularExpression) != nil)
        #expect(receipt.range(of: #"Change +9\.00"#, options: .regularExpression) != nil)
        #expect(screen.contains("Total 11.00 USD"))
    }

    @Test("codes scanned while a lookup runs are queued and added in order, and Enter then opens the payment")
    func scansWhileLookingUp() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Quick sale")
        app.holdsEffects = true
        app.scan("4006381333931")
        app.scan("5000112637922")
        app.scan("4006381333931")
        app.press(.enter)                            // pay, before any lookup came back
        #expect(app.pendingCount == 1)               // one lookup at a time; the rest wait
        #expect(app.text.contains("Looking up 4006381333931… · 2 more waiting"))
        app.settle()
        let lines = app.screen()
        let bread = try #require(lines.firstIndex { $0.contains("Sourdough bread") })
        let butter = try #require(lines.firstIndex { $0.contains("Butter") })
        #expect(bread < butter)
        #expect(lines[bread].contains(" 2 ") && lines[butter].contains(" 1 "))
        #expect(app.text.contains("Take payment"))
        #expect(app.text.contains("Due 11.75 USD"))
    }

    @Test("codes scanned while the engine prices or sells the sale are kept: during the quote they join this sale, during the sale they start the next")
    func scansWhileTheEngineWorks() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Quick sale")
        app.scan("BREAD-SD")
        app.holdsEffects = true
        app.press(.function(5))                      // the quote is asked for…
        #expect(app.pendingCount == 1)
        app.scan("5000112637922")                    // …and butter is scanned meanwhile
        app.settle()
        #expect(app.screen().contains { $0.contains("Butter") && $0.contains(" 1 ") })
        #expect(app.text.contains("Take payment"))
        #expect(app.text.contains("Due 7.25 USD"), "the payment opens for both lines")

        app.press(.enter)                            // cash exact: the sale goes to the engine…
        #expect(app.pendingCount == 1)
        app.scan("4006381333931")                    // …while the next customer's bread is scanned
        app.settle()
        #expect(app.text.contains("Sale S-000001 complete"))
        let first = try #require(try f.orders().first)
        #expect(first.items.map(\.name) == ["Sourdough bread", "Butter"])
        app.press(.enter)                            // next sale: the code waiting is looked up
        app.settle()
        #expect(app.screen().contains { $0.contains("Sourdough bread") && $0.contains(" 1 ") })
        #expect(app.text.contains("TOTAL  4.50 USD"))
    }

    @Test("the quick-sale screen at 80×24")
    func snapshot() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Quick sale")
        app.scan("4006381333931")
        app.scan("3*BUTTER")                         // refused: only 2
        app.scan("CAKE-CHOC")
        app.press(.enter)
        app.type("500011")
        expectGrid(app.screen(), [
            " Shop › Quick sale",
            " ✗ Only 2 of Butter in stock",
            " Code  500011                                            Customer: walk-in (F2)",
            " N*CODE adds N · Enter on an empty code (or F5) takes payment",
            " Item                                  Qty      Price       Total Stock",
            " Sourdough bread                         1       4.50        4.50 10 in stock",
            " Chocolate cake (1 kg)                   1      24.00       24.00 6 in stock",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            " ──────────────────────────────────────────────────────────────────────────────",
            " 2 items on 2 lines                                            TOTAL  28.50 USD",
            "Enter add / pay  F2 customer  F5 pay  Esc clear code                     F1 help",
        ])
    }

    @Test("a cashier who lost the staff role sees the engine's refusal, and the sale stays on screen")
    func demotedStaff() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Quick sale")
        app.scan("BREAD-SD")
        _ = try f.shop.admin.localSetRole(phone: StaffFixture.staffPhone, role: .customer)
        app.press(.enter, .enter)
        #expect(app.text.contains("✗ You are not allowed to do this"))
        #expect(app.text.contains("Sourdough bread"))
        #expect(try f.shop.orders.list(caller: f.person("+15550100999", role: .admin).caller).items.isEmpty)
    }
}
