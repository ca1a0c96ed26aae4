import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

@Suite("Staff: products, dashboard, users, outbox")
struct StaffBackOfficeTests {
    @Test("a stock adjustment with a reason goes into the ledger and shows in the product's history")
    func stockAdjustment() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Products")
        #expect(app.text.contains("Lemon tart"))
        app.press(.char("/"))
        app.type("sourdough")
        app.press(.enter)
        #expect(!app.text.contains("Lemon tart"))
        app.press(.char("s"))
        #expect(app.text.contains("Stock of Sourdough bread"))
        app.type("+5")
        app.press(.tab)
        app.type("delivery from the mill")
        app.press(.enter)
        #expect(app.text.contains("Stock of Sourdough bread is now 15"))
        #expect(try f.stock(f.bread) == 15)
        let last = try #require(try f.shop.catalog.stockHistory(productID: f.bread.id, caller: f.staff.caller).first)
        #expect(last.delta == 5 && last.reason == "delivery from the mill")

        app.press(.char("l"))
        let ledger = app.screen()
        #expect(ledger.contains { $0.contains("+5") && $0.contains("delivery from the mill") })
        #expect(ledger.contains { $0.contains("+10") && $0.contains("initial stock") })
    }

    @Test("a stock change without a reason is refused on the form, and nothing is written")
    func stockNeedsReason() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Products")
        app.press(.char("/")); app.type("butter"); app.press(.enter)
        app.press(.char("s")); app.type("-1"); app.press(.enter)
        #expect(app.text.contains("Say why: it goes into the stock ledger"))
        #expect(try f.stock(f.butter) == 2)
    }

    @Test("the product list marks low stock and archived products; adding a product with variants from the form")
    func productsListAndForm() throws {
        let f = try StaffFixture()
        _ = try f.shop.catalog.update(id: f.tart.id, ProductChanges(active: false), caller: f.staff.caller)
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Products")
        let lines = app.screen()
        #expect(lines.contains { $0.contains("Butter") && $0.contains("2 low") })
        #expect(lines.contains { $0.contains("Lemon tart") && $0.contains("inactive") })
        #expect(lines.contains { $0.contains("Chocolate cake") && $0.contains("6/3 low") })

        app.press(.char("a"))
        app.type("PIE-APPLE"); app.press(.tab)
        app.type("4001234567890"); app.press(.tab)
        app.type("Apple pie"); app.press(.tab, .tab)
        app.type("Pies"); app.press(.tab, .tab, .tab, .tab)
        app.type("Small=8.50=4; Large=14.00=2")
        app.press(.enter)
        #expect(app.text.contains("Apple pie saved"))
        let pie = try f.shop.catalog.product(code: "4001234567890", caller: f.staff.caller)
        #expect(pie.variants.map(\.name) == ["Small", "Large"])
        #expect(pie.variants.map(\.price) == [850, 1400])
        #expect(pie.variants.map(\.stock) == [4, 2])
        #expect(app.text.contains("Apple pie"))           // back on the list, reloaded
    }

    @Test("a photo named by its file path: a file that is not an image is refused under the field and nothing is saved; a PNG is stored")
    func productPhotoFromFile() throws {
        let f = try StaffFixture()
        let notImage = f.directory.appendingPathComponent("notes.txt").path
        let png = f.directory.appendingPathComponent("butter.png").path
        try Data("just text".utf8).write(to: URL(fileURLWithPath: notImage))
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 64)).write(to: URL(fileURLWithPath: png))
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Products")
        app.press(.char("/")); app.type("butter"); app.press(.enter, .enter)
        #expect(app.text.contains("Photo file"))
        app.press(.tab, .tab)
        app.press(.ctrl("u")); app.type("Salted butter")
        for _ in 0..<6 { app.press(.tab) }
        app.type(notImage); app.press(.enter)
        #expect(app.text.contains("Only PNG and JPEG images are accepted"))
        #expect(try f.shop.catalog.product(id: f.butter.id, caller: f.staff.caller).name == "Butter", "a bad photo saves nothing")
        app.press(.ctrl("u")); app.type(f.directory.appendingPathComponent("missing.png").path); app.press(.enter)
        #expect(app.text.contains("No file at"))
        app.press(.ctrl("u")); app.type(png); app.press(.enter)
        #expect(app.text.contains("Salted butter saved"))
        let butter = try f.shop.catalog.product(id: f.butter.id, caller: f.staff.caller)
        #expect(butter.name == "Salted butter" && butter.hasPhoto)
        #expect(try f.shop.catalog.photo(productID: f.butter.id, caller: f.staff.caller).contentType == "image/png")
    }

    @Test("archiving a product that was sold keeps it, deleting one never sold removes it")
    func archiveOrDelete() throws {
        let f = try StaffFixture()
        _ = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 1)], contact: Contact(), counterSale: true), caller: f.staff.caller)
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Products")
        app.press(.char("/")); app.type("sourdough"); app.press(.enter)
        app.press(.char("x"))
        #expect(app.text.contains("Remove Sourdough bread?"))
        app.press(.char("y"))
        #expect(app.text.contains("Sourdough bread is archived"))
        #expect(try f.shop.catalog.product(id: f.bread.id, caller: f.staff.caller).archived)
        app.press(.char("/"), .ctrl("u")); app.type("lemon"); app.press(.enter)
        app.press(.char("x"), .char("y"))
        #expect(app.text.contains("Lemon tart deleted"))
    }

    @Test("a customer is refused the staff screens: the menu says so and the engine's refusal is shown, not a crash")
    func customerRefused() throws {
        let f = try StaffFixture()
        let customer = try f.person("+15550101234", role: .customer)
        let app = AppDriver(f.session(customer))
        app.press(.char("s"))
        #expect(app.text.contains("Staff screens are for shop staff"))

        let session = f.session(customer)
        let products = ScreenDriver(ProductsScreen(), session: session)
        #expect(products.notice?.kind == .error)
        #expect(products.notice?.text == "You are not allowed to do this")
        let dashboard = ScreenDriver(DashboardScreen(), session: session)
        #expect(dashboard.notice?.text == "You are not allowed to do this")
        var sale = ScreenDriver(QuickSaleScreen(), session: session)
        sale.type("BREAD-SD"); sale.press(.enter, .enter, .enter)
        #expect(sale.notice?.text == "You are not allowed to do this")
        #expect(sale.text.contains("Sourdough bread"))
        #expect(try f.orders().isEmpty)
    }

    @Test("users: only admins see the entry; an admin changes a role and deactivates an account")
    func users() throws {
        let f = try StaffFixture()
        let customer = try f.person("+15550101234", role: .customer)
        let staffApp = AppDriver(f.session(f.staff))
        staffApp.press(.char("s"))
        #expect(!staffApp.text.contains("Users"))
        #expect(ScreenDriver(UsersScreen(), session: f.session(f.staff)).notice?.text == "You are not allowed to do this")

        let admin = try f.person("+15550100999", role: .admin)
        let app = AppDriver(f.session(admin))
        app.openStaff("Users")
        app.press(.char("/")); app.type("0101234"); app.press(.enter)
        #expect(app.screen().contains { $0.contains("+15550101234") && $0.contains("customer") })
        app.press(.char("r"), .char("y"))
        #expect(app.screen().contains { $0.contains("+15550101234") && $0.contains("staff") })
        app.press(.char("a"), .char("y"))
        #expect(app.screen().contains { $0.contains("+15550101234") && $0.contains("off") })
        let changed = try f.shop.admin.listUsers(query: "0101234", caller: admin.caller).items[0]
        #expect(changed.id == customer.user.id && changed.role == .staff && !changed.active)

        app.press(.char("/"), .ctrl("u")); app.type("0100999"); app.press(.enter, .char("r"), .char("y"))
        #expect(app.text.contains("You cannot demote or deactivate your own account"))
    }

    @Test("the dashboard shows today's takings per method, orders to send and low stock; the cash-up prints the day's totals")
    func dashboardAndCashUp() throws {
        let f = try StaffFixture()
        let online = try f.person("+15550101234", role: .customer)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 2)], contact: .sample, paymentMethod: .card), caller: online.caller)
        _ = try f.shop.payments.create(orderID: order.id, amount: 900, method: .card, completed: true, caller: f.staff.caller)
        let counter = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.butter.id, quantity: 1)], contact: Contact(), counterSale: true), caller: f.staff.caller)
        _ = try f.shop.payments.create(orderID: counter.id, amount: 275, method: .cash, tendered: 500, completed: true, caller: f.staff.caller)

        let app = AppDriver(f.session(f.staff))
        app.openStaff("Dashboard")
        let lines = app.screen()
        #expect(lines.contains { $0.contains("Card") && $0.contains("9.00") })
        #expect(lines.contains { $0.contains("Cash") && $0.contains("2.75") })
        #expect(app.text.contains("Taken  11.75 USD"))
        #expect(lines.contains { $0.contains(order.number) && $0.contains("Sam Sample") })
        #expect(!lines.contains { $0.contains(counter.number) })   // handed over at the counter
        #expect(lines.contains { $0.contains("Butter") && $0.hasSuffix(" ") })
        #expect(app.text.contains("Lemon tart"))

        app.press(.char("u"))
        #expect(app.text.contains("Cash-up"))
        app.press(.char("p"))
        let today = try f.shop.reports.day(nil, caller: f.staff.caller).day
        let printed = try String(contentsOfFile: f.receiptDirectory + "/cashup-\(today).txt", encoding: .utf8)
        #expect(printed.range(of: #"Card \(1\) +9\.00"#, options: .regularExpression) != nil)
        #expect(printed.range(of: #"Cash \(1\) +2\.75"#, options: .regularExpression) != nil)
        #expect(printed.range(of: #"TOTAL USD +11\.75"#, options: .regularExpression) != nil)
        app.press(.left)
        #expect(app.text.contains(CashUpScreen.shift(today, by: -1)!))
        #expect(app.text.contains("No payments taken"))
    }

    @Test("e on the cash-up writes the day's orders as orders-YYYY-MM-DD.csv in the receipt folder and says where")
    func cashUpExportsOrders() throws {
        let f = try StaffFixture()
        let online = try f.person("+15550101234", role: .customer)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 2)], contact: .sample, paymentMethod: .card), caller: online.caller)
        _ = try f.shop.payments.create(orderID: order.id, amount: 900, method: .card, completed: true, caller: f.staff.caller)

        let app = AppDriver(f.session(f.staff))
        app.openStaff("Dashboard")
        app.press(.char("u"))
        app.press(.char("e"))
        let today = try f.shop.reports.day(nil, caller: f.staff.caller).day
        let path = f.receiptDirectory + "/orders-\(today).csv"
        #expect(app.text.contains("orders-\(today).csv (1 order) saved in"), "\(app.text)")   // a long temporary folder ends in …
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a BOM for spreadsheets")
        let csv = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(csv.hasPrefix("order_id,number,"))
        #expect(csv.contains(order.number) && csv.contains(",9.00,9.00 card completed,USD,"))
        // A second export the same day replaces the first with the complete day, and says so.
        app.press(.char("e"))
        #expect(app.text.contains("Replaced orders-\(today).csv (1 order) in"), "\(app.text)")
        app.press(.left, .char("e"))
        let yesterday = CashUpScreen.shift(today, by: -1)!
        #expect(try String(contentsOfFile: f.receiptDirectory + "/orders-\(yesterday).csv", encoding: .utf8).split(separator: "\r\n").count == 1,
                "only the header: no orders that day")
    }

    @Test("the demo outbox lists the codes kept instead of sent, for demo sessions only")
    func outbox() throws {
        let f = try StaffFixture()
        _ = try f.shop.accounts.requestCode(phone: "+15550107777", caller: .guest(address: "10.0.0.9"))
        let demo = AppDriver(f.session(f.staff, demo: true))
        demo.openStaff("Messages outbox")
        #expect(demo.screen().contains { $0.contains("+15550107777") && $0.contains("SMS") })
        let plain = AppDriver(f.session(f.staff))
        plain.press(.char("s"))
        #expect(!plain.text.contains("Messages outbox"))
    }
}
