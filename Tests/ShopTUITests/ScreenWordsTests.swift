import Foundation
import Testing
@testable import ShopTUI
@testable import ShopEngine

/// The last instances of "what the screen says is what happened" (issue 17), each at 80×24
/// where it was seen: list titles, item counts, variants named, low variants listed, hints
/// whose keys work, a code that can be returned to, demo codes on screen, receipts kept.
@Suite("Screen words match what happened")
struct ScreenWordsTests {
    // MARK: - Wording

    @Test("the staff 'Orders to send' list says so in its title, and the title follows the filter")
    func ordersTitleSaysWhichList() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Orders to send")
        #expect(app.lines[0].contains("Orders to send (paid)"), "\(app.lines[0])")
        app.press(.char("f"))
        #expect(app.lines[0].contains("Orders (sent)"), "\(app.lines[0])")
        #expect(app.text.contains("Status: sent"))
    }

    @Test("the cart, the checkout and the order list count the same order as the same number of items (units)")
    func itemsCountedOneWay() throws {
        let f = try StaffFixture()
        let customer = try f.person("+15550102020", role: .customer)
        _ = try f.shop.carts.add(productID: f.bread.id, quantity: 2, caller: customer.caller)
        _ = try f.shop.carts.add(productID: f.cake.id, variantID: f.cake.variants[0].id, quantity: 2, caller: customer.caller)
        let app = AppDriver(f.session(customer), width: 80, height: 24)
        app.press(.char("c"))
        #expect(app.text.contains("(4 items)"), "\(app.text)")
        app.press(.enter)
        #expect(app.text.contains("(4 items,"), "\(app.text)")
        _ = try f.shop.orders.create(OrderRequest(contact: .sample, paymentMethod: .cash), caller: customer.caller)
        app.press(.escape, .escape, .char("o"))
        #expect(app.lines.contains { $0.contains("4 items") }, "the order list counts units too:\n\(app.text)")
        #expect(!app.text.contains("2 items"))
        #expect(Format.items(4, lines: 2) == "4 items on 2 lines" && Format.items(1) == "1 item")
    }

    @Test("adding a variant names it: 'Added 1 × Chocolate cake (2 kg)'")
    func addedNamesTheVariant() throws {
        let f = try StaffFixture()
        let customer = try f.person("+15550102021", role: .customer)
        let app = AppDriver(f.session(customer), width: 80, height: 24)
        app.press(.char("/")); app.type("chocolate"); app.press(.enter, .enter)
        #expect(app.lines[0].contains("Chocolate cake"))
        app.press(.down, .enter)
        #expect(app.text.contains("Added 1 × Chocolate cake (2 kg)"), "\(app.text)")
    }

    @Test("a variant's stock change reports the variant's stock, not the product's total")
    func variantStockChangeSaysVariant() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Products")
        app.press(.char("/")); app.type("CAKE-CHOC"); app.press(.enter)
        app.press(.char("s"))
        app.press(.down, .enter)                  // 2 kg: 3 in stock
        app.type("+4"); app.press(.tab); app.type("delivery"); app.press(.enter)
        #expect(app.text.contains("Stock of Chocolate cake (2 kg) is now 7"), "\(app.text)")
        #expect(try f.stock(f.cake, variant: "2 kg") == 7)
    }

    // MARK: - Low stock

    @Test("the dashboard's low-stock list names low and sold-out variants with their own stock")
    func lowStockListsVariants() throws {
        let f = try StaffFixture()
        _ = try f.shop.catalog.adjustStock(productID: f.cake.id, variantID: f.cake.variants[1].id, delta: -3, reason: "sold out", caller: f.staff.caller)
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Dashboard")
        let lines = app.lines
        #expect(lines.contains { $0.range(of: #"Chocolate cake \(2 kg\) +sold out"#, options: .regularExpression) != nil }, "\(app.text)")
        #expect(lines.contains { $0.range(of: #"Lemon tart +sold out"#, options: .regularExpression) != nil })
        #expect(!lines.contains { $0.range(of: #"Chocolate cake +6"#, options: .regularExpression) != nil }, "not the product's total")
    }

    // MARK: - Sign-in

    @Test("the register screen's hint names a key that really opens phone sign-in")
    func registerHintKeyWorks() throws {
        let h = try AppHarness()
        let d = h.driver(width: 80, height: 24)
        d.press(.char("p"), .function(3))
        #expect(d.text.contains("Create an account with a password"))
        #expect(d.text.contains("F2 signs in with a phone code"), "\(d.text)")
        #expect(!d.text.contains("Esc, then sign in"))
        d.press(.function(2))
        #expect(d.text.contains("Sign in or create an account with your phone"), "\(d.text)")
    }

    @Test("after Esc from the code step, Enter on the same phone returns to the code still valid, saying so — no wait")
    func validCodeCanBeReturnedTo() throws {
        let h = try AppHarness()
        let d = h.driver(width: 80, height: 24)
        d.press(.char("p"))
        d.type("+15550103030"); d.press(.enter)
        #expect(d.text.contains("expires in"))
        d.press(.escape)
        #expect(!d.text.contains("expires in"), "back on the phone step")
        d.press(.enter)
        #expect(d.text.contains("expires in"), "back at the code entry:\n\(d.text)")
        #expect(d.text.contains("A code was already sent to +15550103030"), "\(d.text)")
        #expect(!d.text.contains("wait") && !d.text.contains("try again in"), "\(d.text)")
        d.type(try #require(h.code(for: "+15550103030"))); d.press(.enter)
        #expect(d.app.noticeText?.hasPrefix("Signed in as") == true, "the first code still signs in")
    }

    @Test("leaving sign-in while a code is valid and coming back: the phone is filled in and Enter returns to that code")
    func validCodeSurvivesLeavingSignIn() throws {
        let h = try AppHarness()
        let d = h.driver(width: 80, height: 24)
        d.press(.char("p"))
        d.type("+15550103031"); d.press(.enter)
        d.press(.escape, .escape)                 // code step → phone step → back to Browse
        #expect(!d.text.contains("Sign in or create"), "left sign-in")
        d.press(.char("p"))
        #expect(d.text.contains("+15550103031"), "the phone is still there:\n\(d.text)")
        d.press(.enter)
        #expect(d.text.contains("A code was already sent to +15550103031"), "\(d.text)")
        #expect(!d.text.contains("try again in"))
        d.type(try #require(h.code(for: "+15550103031"))); d.press(.enter)
        #expect(d.app.noticeText?.hasPrefix("Signed in as") == true)
    }

    @Test("in the demo the email verification code appears on screen like the phone code; outside the demo it does not")
    func demoShowsEmailCode() throws {
        let f = try StaffFixture()
        let signIn = try f.shop.accounts.register(AccountService.Registration(username: "maya", email: "maya@example.com", password: "correct horse 1", passwordConfirm: "correct horse 1",
                                                                               firstName: "Maya", lastName: "Lee", phone: "", address: ""), caller: .guest())
        let kept = try f.shop.admin.localOutbox(limit: 20).first { $0.to == "maya@example.com" }
        let code = try #require(kept?.text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init), "the demo kept the email code")
        let demo = AppDriver(f.session(signIn, demo: true), width: 80, height: 24)
        demo.press(.char("p"), .char("v"))
        #expect(demo.text.contains("Demo mode — the code sent to maya@example.com is \(code)"), "\(demo.text)")
        let real = AppDriver(f.session(signIn), width: 80, height: 24)
        real.press(.char("p"), .char("v"))
        #expect(real.text.contains("Enter the code we emailed"))
        #expect(!real.text.contains(code), "never on screen outside the demo")
    }

    // MARK: - Receipts

    @Test("a second shop numbering from the same start never overwrites a receipt: the new one gets its own name, and the notice says it")
    func receiptsNeverOverwritten() throws {
        let first = try StaffFixture(), second = try StaffFixture()
        func sell(_ f: StaffFixture, folder: String) -> AppDriver {
            let session = Session(shop: f.shop, settings: SessionSettings(receiptDirectory: folder))
            session.signedIn(f.staff)
            let app = AppDriver(session, width: 80, height: 24)
            app.openStaff("Quick sale")
            app.scan("4006381333931")
            app.press(.enter); app.type("100"); app.press(.enter)
            return app
        }
        let folder = first.receiptDirectory
        _ = sell(first, folder: folder)
        let kept = try String(contentsOfFile: folder + "/S-000001.txt", encoding: .utf8)
        try (kept + "\nsigned by the customer\n").write(toFile: folder + "/S-000001.txt", atomically: true, encoding: .utf8)
        let app = sell(second, folder: folder)
        #expect(try String(contentsOfFile: folder + "/S-000001.txt", encoding: .utf8).hasSuffix("signed by the customer\n"), "the first receipt is left as it was")
        #expect(FileManager.default.fileExists(atPath: folder + "/S-000001-2.txt"))
        #expect(app.text.contains("S-000001-2.txt"), "the notice says where:\n\(app.text)")
        // The same receipt printed again is not a new file.
        let path = try ReceiptPrinter.saveNew(Data(kept.utf8), in: folder, name: "S-000009")
        #expect(try ReceiptPrinter.saveNew(Data(kept.utf8), in: folder, name: "S-000009") == path)
    }
}
