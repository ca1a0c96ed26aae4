import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

/// Amounts as the demo shows them ("1,199,999.80"), found in text.
private func amounts(in text: String) -> [String] {
    let regex = try! NSRegularExpression(pattern: #"-?\d{1,3}(,\d{3})*\.\d{2}"#)
    return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) }
}

/// An amount cut short on screen: one decimal ("100.0 "), or a thousands group cut ("1,19 ").
private func cutAmounts(in text: String) -> [String] {
    let regex = try! NSRegularExpression(pattern: #"\d\.\d(?!\d)|\d,\d{1,2}(?![\d,])"#)
    return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) }
}

@Suite("Dashboard pictures; no amount cut at 80×24; text cut at words")
struct DashboardAndAmountsTests {
    /// Today: an online order (2 loaves by card, 9.00) and a counter sale (butter in cash, 2.75).
    private func sales(_ f: StaffFixture) throws -> Order {
        let online = try f.person("+15550101234", role: .customer)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 2)], contact: .sample, paymentMethod: .card), caller: online.caller)
        _ = try f.shop.payments.create(orderID: order.id, amount: 900, method: .card, completed: true, caller: f.staff.caller)
        let counter = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.butter.id, quantity: 1)], contact: Contact(), counterSale: true), caller: f.staff.caller)
        _ = try f.shop.payments.create(orderID: counter.id, amount: 275, method: .cash, tendered: 500, completed: true, caller: f.staff.caller)
        return order
    }

    // MARK: - Dashboard

    @Test("the dashboard at 80×24 charts today per hour and the last 14 days, labelled, and lists today's best sellers beside the takings")
    func dashboardAt80x24() throws {
        let f = try StaffFixture()
        let order = try sales(f)
        let hours = try f.shop.reports.salesByHour(caller: f.staff.caller)
        let best = hours.indices.max { hours[$0] < hours[$1] }!
        let today = try f.shop.reports.day(caller: f.staff.caller).day

        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Dashboard")
        let lines = app.screen()
        #expect(lines.count == 24 && lines.allSatisfy { TextWidth.of($0) == 80 })
        #expect(app.text.contains("Today by hour · best \(String(format: "%02d", best)):00 11.75"))
        #expect(app.text.contains("Last 14 days · best \(today.suffix(5)) 11.75"))
        #expect(lines.contains { $0.contains("11.75┤") })                       // the scale is labelled
        #expect(lines.filter { $0.contains("█") }.count >= 4)                    // both charts have a bar
        #expect(lines.contains { $0.contains("└") && $0.contains(String(today.suffix(2))) })   // today's label under its bar
        #expect(lines.contains { $0.contains("Best sellers today") })
        #expect(lines.contains { $0.range(of: #"Sourdough bread +2 +9\.00"#, options: .regularExpression) != nil })
        #expect(lines.contains { $0.range(of: #"Butter +1 +2\.75"#, options: .regularExpression) != nil })
        // The figures that were there stay.
        #expect(app.text.contains("Taken  11.75 USD"))
        #expect(lines.contains { $0.contains("Card") && $0.contains("9.00") })
        #expect(lines.contains { $0.contains(order.number) && $0.contains("Sam Sample") })
        #expect(app.text.contains("Low stock"))
    }

    @Test("the dashboard at 120×40 draws taller charts and keeps every figure")
    func dashboardAt120x40() throws {
        let f = try StaffFixture()
        let order = try sales(f)
        let small = AppDriver(f.session(f.staff), width: 80, height: 24)
        small.openStaff("Dashboard")
        let app = AppDriver(f.session(f.staff), width: 120, height: 40)
        app.openStaff("Dashboard")
        let lines = app.screen()
        #expect(lines.filter { $0.contains("█") }.count > small.screen().filter { $0.contains("█") }.count)
        #expect(lines.filter { $0.contains("██") }.count >= 14)               // 7 rows of bars in each chart
        #expect(app.text.contains("Today by hour · best"))
        #expect(app.text.contains("Last 14 days · best"))
        #expect(lines.contains { $0.range(of: #"Sourdough bread +2 +9\.00"#, options: .regularExpression) != nil })
        #expect(lines.contains { $0.contains(order.number) && $0.contains("Sam Sample") && $0.contains("9.00") })
        #expect(app.text.contains("Taken  11.75 USD"))
        #expect(lines.contains { $0.contains("Lemon tart") })
    }

    // MARK: - Amounts at 80×24

    @Test("after a cash sale at 80×24 the receipt panel shows the saved receipt's lines as they are, every amount whole")
    func receiptPanelMatchesFile() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Quick sale")
        app.scan("4006381333931")
        app.press(.char("+"))                   // 9.00
        app.press(.enter)
        app.type("100")
        app.press(.enter)
        let file = try String(contentsOfFile: f.receiptDirectory + "/S-000001.txt", encoding: .utf8)
        #expect(file.contains("Cash given") && file.contains("100.00") && file.contains("91.00"))

        let lines = app.screen()
        guard let top = lines.firstIndex(where: { $0.contains("┌ Receipt") }) else { Issue.record("no receipt panel:\n\(app.text)"); return }
        let x0 = Array(lines[top]).firstIndex(of: "┌")!
        let fileLines = file.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let width = fileLines.map { TextWidth.of($0) }.max()!
        for (i, expected) in fileLines.enumerated() {
            let row = Array(lines[top + 1 + i])
            let shown = String(row[(x0 + 2)..<min(row.count, x0 + 2 + width)])
            #expect(shown == expected.padding(toLength: width, withPad: " ", startingAt: 0), "receipt line \(i)")
        }
        for amount in amounts(in: file) { #expect(app.text.contains(amount), "\(amount) whole on screen") }
        #expect(cutAmounts(in: app.text).isEmpty, "\(cutAmounts(in: app.text))")
    }

    @Test("cart, order detail, dashboard and cash-up at 80×24 show the widest demo-like amounts whole; names give way")
    func widestAmountsWhole() throws {
        let f = try StaffFixture()
        let machine = try f.shop.catalog.create(ProductDraft(sku: "ESPRESSO-XL", name: "Espresso machine, dual boiler, polished brass", category: "Kitchen",
                                                             price: 119_999_980, stock: 10), caller: f.staff.caller)
        let customer = try f.person("+15550102222", role: .customer)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: machine.id, quantity: 1)], contact: .sample, paymentMethod: .cash), caller: customer.caller)
        _ = try f.shop.payments.create(orderID: order.id, amount: order.total, method: .cash, tendered: 120_000_000, completed: true, caller: f.staff.caller)
        _ = try f.shop.carts.add(productID: machine.id, quantity: 1, caller: customer.caller)

        func check(_ name: String, _ lines: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
            let text = lines.joined(separator: "\n")
            for amount in expected {
                #expect(text.contains(amount), "\(name): \(amount) whole\n\(text)", sourceLocation: sourceLocation)
            }
            #expect(cutAmounts(in: text).isEmpty, "\(name): cut \(cutAmounts(in: text))\n\(text)", sourceLocation: sourceLocation)
        }
        let cart = ScreenDriver(CartScreen(), session: f.session(customer))
        check("cart", cart.lines(), ["1,199,999.80", "Total  1,199,999.80 USD"])
        let detail = ScreenDriver(OrderDetailScreen(orderID: order.id, number: order.number), session: f.session(f.staff))
        check("order detail", detail.lines(), ["Subtotal 1,199,999.80", "Total 1,199,999.80 USD", "Paid 1,199,999.80", "1,200,000.00", "change 0.20"])
        let dashboard = ScreenDriver(DashboardScreen(), session: f.session(f.staff))
        let dashboardLines = dashboard.lines()
        check("dashboard", dashboardLines, ["Taken  1,199,999.80 USD", "1,199,999.80┤", "By hour · best", "14 days · best"])
        #expect(dashboardLines.contains { $0.range(of: #"Cash +1 +1,199,999\.80"#, options: .regularExpression) != nil })
        #expect(dashboardLines.contains { $0.range(of: #"Espresso machine… +1 1,199,999\.80"#, options: .regularExpression) != nil })
        #expect(dashboardLines.contains { $0.contains(order.number) && $0.trimmingCharacters(in: .whitespaces).hasSuffix("1,199,999.80") })
        let cashUp = ScreenDriver(CashUpScreen(), session: f.session(f.staff))
        check("cash-up", cashUp.lines(), ["1,199,999.80"])
        #expect(cashUp.lines().contains { $0.range(of: #"TOTAL USD +1,199,999\.80"#, options: .regularExpression) != nil })
    }

    @Test("every screen that shows amounts, customer and staff, at 80×24 with the widest demo-like amount: each amount whole")
    func everyScreenWithAmounts() throws {
        let f = try StaffFixture()
        let machine = try f.shop.catalog.create(ProductDraft(sku: "ESPRESSO-XL", name: "Espresso machine, dual boiler, polished brass", category: "Kitchen",
                                                             price: 119_999_980, stock: 10), caller: f.staff.caller)
        let admin = try f.person("+15550102223", role: .admin)
        let customer = try f.person("+15550102222", role: .customer)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: machine.id, quantity: 1)], contact: .sample, paymentMethod: .cash), caller: customer.caller)
        _ = try f.shop.payments.create(orderID: order.id, amount: order.total, method: .cash, tendered: 120_000_000, completed: true, caller: f.staff.caller)
        _ = try f.shop.orders.updateStatus(id: order.id, to: .sent, caller: f.staff.caller)
        _ = try f.shop.orders.updateStatus(id: order.id, to: .delivered, caller: f.staff.caller)
        _ = try f.shop.carts.add(productID: machine.id, quantity: 1, caller: customer.caller)
        _ = try f.shop.orders.createCoupon(code: "BIG", kind: .fixed, value: 99_999_999, caller: f.staff.caller)
        let wide = "1,199,999.80"

        var checked: [String] = []
        func check(_ name: String, _ d: AppDriver, expect amounts: [String] = [wide], sourceLocation: SourceLocation = #_sourceLocation) {
            checked.append(name)
            let text = d.text
            for amount in amounts { #expect(text.contains(amount), "\(name): \(amount) whole\n\(text)", sourceLocation: sourceLocation) }
            #expect(cutAmounts(in: text).isEmpty, "\(name): cut \(cutAmounts(in: text))\n\(text)", sourceLocation: sourceLocation)
        }

        let shopper = AppDriver(f.session(customer), width: 80, height: 24)
        shopper.press(.char("/")); shopper.type("espresso"); shopper.press(.enter)
        check("browse", shopper)
        shopper.press(.enter)
        check("product", shopper)
        shopper.press(.char("c"))
        check("cart", shopper)
        shopper.press(.enter)
        check("checkout details", shopper)
        shopper.press(.escape, .escape, .char("o"))
        check("my orders", shopper)
        shopper.press(.enter)
        check("my order detail", shopper)

        let staff = AppDriver(f.session(admin), width: 80, height: 24)
        staff.openStaff("Products")
        staff.press(.char("/")); staff.type("ESPRESSO"); staff.press(.enter)
        check("staff products", staff)
        staff.press(.escape, .escape)
        staff.openStaff("Orders")
        check("staff orders", staff)
        staff.press(.enter)
        check("staff order detail", staff)
        staff.press(.char("m"))
        check("order payments", staff)
        staff.press(.escape, .char("t"))
        staff.press(.char("a"))
        check("return", staff)
        for _ in 0..<4 where staff.app.depth > 1 { staff.press(.escape) }
        staff.openStaff("Coupons")
        check("coupons", staff, expect: ["999,999.99"])
        for _ in 0..<4 where staff.app.depth > 1 { staff.press(.escape) }
        staff.openStaff("Quick sale")
        staff.scan("ESPRESSO-XL")
        check("quick sale", staff)
        staff.press(.function(5))
        check("quick sale payment", staff)
        #expect(checked.count == 14)
    }

    // MARK: - Text cut at words

    @Test("at 80×24 the staff menu's descriptions that do not fit end with … after a whole word")
    func staffMenuCutAtWords() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.press(.char("s"))
        let lines = app.screen()
        let entries = ["Quick sale": "the counter: scan, take payment, print the receipt",
                       "Products": "catalog: search, add, edit, archive, stock ± and its ledger",
                       "Orders": "all orders: filter, mark sent/delivered, payments, cancel",
                       "Coupons": "issue (percent or fixed, days valid, use limit), uses, disable"]
        var cut = 0
        for (name, detail) in entries {
            guard let line = lines.first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + "  ") }),
                  let start = line.range(of: String(detail.prefix(8))) else { Issue.record("no row \(name)"); continue }
            let shown = String(line[start.lowerBound...]).trimmingCharacters(in: .whitespaces)
            if shown == detail { continue }
            cut += 1
            #expect(shown.hasSuffix("…"), "\(name): \(shown)")
            let kept = String(shown.dropLast())
            #expect(detail.hasPrefix(kept), "\(name): \(shown)")
            let next = detail[detail.index(detail.startIndex, offsetBy: kept.count)]
            #expect(!next.isLetter && !next.isNumber, "\(name) cut inside a word: \(shown)")
        }
        #expect(cut > 0)
        #expect(app.text.contains("all orders: filter, mark sent/delivered, payments…"))
    }

    @Test("at 80×24 a notice longer than the line ends with … after a whole word")
    func noticeCutAtWord() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 80, height: 24)
        app.openStaff("Cash-up")
        app.press(.char("p"))
        let notice = app.screen().first { $0.contains("Receipt saved") }
        #expect(notice?.contains("✓ Receipt saved to…") == true, "\(notice ?? app.text)")
    }
}
