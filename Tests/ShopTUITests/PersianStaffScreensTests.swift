import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

/// The staff screens in Persian, judged from the frame a person sees at 80×24 and 120×35:
/// Persian labels (mirrored: the frame is drawn right to left), Persian digits in amounts and
/// dates, and no English word left but names, codes and key names.
@Suite("Persian staff screens")
struct PersianStaffScreensTests {
    static let sizes = [(80, 24), (120, 35)]

    /// `text` as a right-to-left line shows it (what `buffer.lines` holds for Persian).
    static func visual(_ text: String) -> String { Bidi.visualOrder(text, paragraph: .rightToLeft) }

    /// Opens the staff menu's entry at `row` (0: quick sale … 6: cash-up) with the keys a person presses.
    static func openStaff(_ app: AppDriver, row: Int) {
        app.press(.char("s"))
        for _ in 0..<row { app.press(.down) }
        app.press(.enter)
    }

    /// The screen's body: the lines between the frame's header and footer (the frame is the
    /// customer screens' part, checked there).
    static func body(_ app: AppDriver, _ width: Int, _ height: Int) -> [String] {
        Array(app.screen(width: width, height: height).dropFirst(2).dropLast(2))
    }

    static let names: [String] = ["Sourdough", "bread", "Butter", "Chocolate", "cake", "kg", "BREAD", "SD", "S", "000001", "receipts", "txt", "NOWRUZ"]

    @Test("quick sale in Persian: the sale, the payment panel with change, and the receipt — Persian words and digits, mirrored, at 80×24 and 120×35")
    func quickSale() throws {
        for (width, height) in Self.sizes {
            let f = try StaffFixture()
            try L.withLanguage(.fa) {
                let app = AppDriver(f.session(f.staff), width: width, height: height)
                Self.openStaff(app, row: 0)
                app.scan("۴۰۰۶۳۸۱۳۳۳۹۳۱")                 // Persian digits from the keyboard
                app.press(.char("+"))
                var screen = app.screen().joined(separator: "\n")
                #expect(screen.contains(Self.visual("جمع کل  ۹٫۰۰ USD")) || screen.contains(Self.visual("جمع کل  USD ۹٫۰۰")), "\(width)×\(height)\n\(screen)")
                #expect(screen.contains(Self.visual("کد")) && screen.contains(Self.visual("موجودی")), "\(screen)")
                #expect(screen.contains("Sourdough bread"))
                // Mirrored: the item column starts at the right edge, the amounts are on the left.
                let row = app.screen().first { $0.contains("Sourdough bread") } ?? ""
                #expect(row.trimmingCharacters(in: .whitespaces).hasSuffix("Sourdough bread"), "the first column on the right: «\(row)»")
                #expect(EnglishOnScreen.words(Self.body(app, width, height), allowed: Self.names).isEmpty,
                        "English left at \(width)×\(height): \(EnglishOnScreen.words(Self.body(app, width, height), allowed: Self.names))\n\(screen)")

                app.press(.enter)                                  // take payment
                screen = app.screen().joined(separator: "\n")
                #expect(screen.contains(Self.visual("دریافت وجه")), "\(screen)")
                app.type("۲۰")
                screen = app.screen().joined(separator: "\n")
                #expect(screen.contains(Self.visual("باقی‌مانده ۱۱٫۰۰")), "change shown before it is taken:\n\(screen)")
                #expect(EnglishOnScreen.words(Self.body(app, width, height), allowed: Self.names).isEmpty,
                        "English left: \(EnglishOnScreen.words(Self.body(app, width, height), allowed: Self.names))\n\(screen)")
                app.press(.enter)

                screen = app.screen().joined(separator: "\n")
                #expect(screen.contains(Self.visual("✓ فروش S-000001 انجام شد")), "\(screen)")
                #expect(screen.contains(Self.visual("باقی‌مانده برای پس‌دادن  ۱۱٫۰۰")), "\(screen)")
                #expect(screen.contains(Self.visual("رسید S-000001")), "the Persian receipt on screen:\n\(screen)")
                // A line whose name is Latin is still a right-to-left line: the quantity on its right.
                #expect(screen.contains("Sourdough bread × ۲"), "the receipt line read from the right:\n\(screen)")
                #expect(EnglishOnScreen.words(Self.body(app, width, height), allowed: Self.names).isEmpty,
                        "English left: \(EnglishOnScreen.words(Self.body(app, width, height), allowed: Self.names))\n\(screen)")

                let receipt = try String(contentsOfFile: f.receiptDirectory + "/S-000001.txt", encoding: .utf8)
                let order = try f.orders()[0]
                #expect(receipt.contains(JalaliDate(CivilDate(local: order.createdAt)).formatted()), "Jalali date:\n\(receipt)")
                #expect(receipt.contains("۲ × Sourdough bread") && receipt.contains("۲۰٫۰۰") && receipt.contains("۱۱٫۰۰"), "\(receipt)")
            }
        }
    }

    @Test("cash-up in Persian: the day in Solar Hijri with Persian digits, a day typed in Solar Hijri, a bad day gets a clear Persian error")
    func cashUp() throws {
        for (width, height) in Self.sizes {
            let f = try StaffFixture()
            let items = [OrderRequest.Item(productID: f.bread.id, quantity: 1)]
            _ = try f.shop.orders.counterSale(CounterSaleRequest(lines: items, tenders: [.init(method: .cash, amount: 450)]), caller: f.staff.caller)
            L.withLanguage(.fa) {
                let app = AppDriver(f.session(f.staff), width: width, height: height)
                Self.openStaff(app, row: 6)
                var screen = app.screen().joined(separator: "\n")
                let today = JalaliDate(CivilDate(local: Int64(Date().timeIntervalSince1970))).formatted()
                #expect(screen.contains(today) || screen.contains(Self.visual(today)), "today \(today) in Solar Hijri:\n\(screen)")
                #expect(screen.contains(Self.visual("بستن صندوق")), "\(screen)")
                #expect(screen.contains("۴٫۵۰"), "the cash total in Persian digits:\n\(screen)")
                #expect(EnglishOnScreen.words(Self.body(app, width, height), allowed: []).isEmpty,
                        "English left: \(EnglishOnScreen.words(Self.body(app, width, height), allowed: []))\n\(screen)")

                app.press(.char("d"))
                for _ in 0..<16 { app.press(.backspace) }
                app.type("۱۴۰۳/۱۲/۳۱")                        // 1403 is not a leap year: no 30th… no 31st of Esfand
                app.press(.enter)
                screen = app.screen().joined(separator: "\n")
                #expect(!screen.contains("Esfand") && screen.contains(Self.visual("روز")), "a Persian error under the field:\n\(screen)")
                for _ in 0..<16 { app.press(.backspace) }
                app.type("1405/01/01")
                app.press(.enter)
                screen = app.screen().joined(separator: "\n")
                #expect(screen.contains("۱۴۰۵/۰۱/۰۱") || screen.contains(Self.visual("۱۴۰۵/۰۱/۰۱")), "the typed day shown:\n\(screen)")
                #expect(screen.contains(Self.visual("پرداختی دریافت نشده")), "nothing taken that day:\n\(screen)")
            }
        }
    }

    /// Opens staff menu entry `row` at `width`×`height` in Persian, presses `keys`, and checks the
    /// body: `words` (Persian, as the screen shows them) are there and no English word is left.
    static func expectPersian(_ f: StaffFixture, row: Int, keys: [Key] = [], words: [String], allowed: [String] = names,
                              as person: SignIn? = nil, demo: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        for (width, height) in sizes {
            L.withLanguage(.fa) {
                let app = AppDriver(f.session(person ?? f.staff, demo: demo), width: width, height: height)
                openStaff(app, row: row)
                for key in keys { app.press(key) }
                let screen = app.screen().joined(separator: "\n")
                for word in words {
                    #expect(screen.contains(visual(word)), "«\(word)» at \(width)×\(height):\n\(screen)", sourceLocation: sourceLocation)
                }
                let english = EnglishOnScreen.words(body(app, width, height), allowed: allowed)
                #expect(english.isEmpty, "English left at \(width)×\(height): \(english)\n\(screen)", sourceLocation: sourceLocation)
            }
        }
    }

    static let catalogNames: [String] = names + ["BUTTER", "CAKE", "CHOC", "TART", "LEM", "Lemon", "tart", "Bread", "Dairy", "Cakes", "PNG", "JPEG", "MiB", "KiB"]

    @Test("products, its stock dialog and the product form in Persian at 80×24 and 120×35")
    func products() throws {
        let f = try StaffFixture()
        Self.expectPersian(f, row: 1, words: ["کالاها", "دسته", "قیمت"], allowed: Self.catalogNames)
        Self.expectPersian(f, row: 1, keys: [.char("s")], words: ["موجودی", "علت"], allowed: Self.catalogNames)
        Self.expectPersian(f, row: 1, keys: [.char("a")], words: ["کالای تازه", "بارکد", "برای فروش"], allowed: Self.catalogNames)
    }

    @Test("users (an admin's) and the demo's message outbox in Persian at 80×24 and 120×35")
    func usersAndOutbox() throws {
        let f = try StaffFixture()
        let admin = try f.person("+15550100901", role: .admin)
        _ = try f.shop.accounts.requestCode(phone: "+15550100902", language: .fa, caller: .guest())
        Self.expectPersian(f, row: 8, words: ["کاربران", "نقش"], allowed: Self.names, as: admin)
        Self.expectPersian(f, row: 9, words: ["صندوق پیام‌ها", "گیرنده"], allowed: Self.names, as: admin, demo: true)
    }

    @Test("the dashboard in Persian: Solar Hijri day, Persian digits, at 80×24 and 120×35")
    func dashboard() throws {
        let f = try StaffFixture()
        let items = [OrderRequest.Item(productID: f.bread.id, quantity: 2)]
        _ = try f.shop.orders.counterSale(CounterSaleRequest(lines: items, tenders: [.init(method: .cash, amount: 900)]), caller: f.staff.caller)
        Self.expectPersian(f, row: 4, words: ["داشبورد", "پرفروش‌های امروز", "دریافتی"], allowed: Self.catalogNames)
        L.withLanguage(.fa) {
            let app = AppDriver(f.session(f.staff), width: 120, height: 35)
            Self.openStaff(app, row: 4)
            let screen = app.screen().joined(separator: "\n")
            let today = JalaliDate(CivilDate(local: Int64(Date().timeIntervalSince1970))).formatted()
            #expect(screen.contains(today) || screen.contains(Self.visual(today)), "today in Solar Hijri \(today):\n\(screen)")
            #expect(screen.contains("۹٫۰۰"), "today's takings in Persian digits:\n\(screen)")
        }
    }

    @Test("coupons and the coupon form in Persian; a coupon's last day typed in Solar Hijri is kept as that day")
    func coupons() throws {
        let f = try StaffFixture()
        Self.expectPersian(f, row: 5, words: ["کدهای تخفیف", "اعتبار"], allowed: Self.catalogNames)
        Self.expectPersian(f, row: 5, keys: [.char("n")], words: ["کد تخفیف تازه", "معتبر تا"], allowed: Self.catalogNames)
        L.withLanguage(.fa) {
            let app = AppDriver(f.session(f.staff), width: 120, height: 35)
            Self.openStaff(app, row: 5)
            app.press(.char("n"))
            app.type("NOWRUZ")
            app.press(.tab, .tab)
            app.type("۱۰")
            app.press(.tab, .tab)
            app.type("۱۴۰۶/۰۱/۱۳")                        // Sizdah Bedar 1406, 2027-04-02
            app.press(.enter)
            let screen = app.screen().joined(separator: "\n")
            #expect(!screen.contains(Self.visual("کد، نوع و مقدار لازم است")), "saved and back to the list:\n\(screen)")
            #expect(screen.contains("۱۴۰۶/۰۱/۱۳") || screen.contains(Self.visual("تا ۱۴۰۶/۰۱/۱۳")), "the last day shown in Solar Hijri:\n\(screen)")
        }
        let coupon = try f.shop.orders.coupons(caller: f.staff.caller).first { $0.code == "NOWRUZ" }
        #expect(coupon?.validUntil.map { CivilDate(local: $0 - 1).description } == "2027-04-02", "stored as the Gregorian day: \(String(describing: coupon))")
    }

    @Test("customer photo and the staff key help in Persian at 80×24 and 120×35")
    func customerPhoto() throws {
        let f = try StaffFixture()
        Self.expectPersian(f, row: 7, words: ["عکس مشتری", "تلفن مشتری"], allowed: Self.catalogNames)
    }

    @Test("a return and an order's payments in Persian: Persian words and digits, Solar Hijri time")
    func returnAndPayments() throws {
        let f = try StaffFixture()
        let items = [OrderRequest.Item(productID: f.bread.id, quantity: 2)]
        let sold = try f.shop.orders.counterSale(CounterSaleRequest(lines: items, tenders: [.init(method: .cash, amount: 900, tendered: 1000)]), caller: f.staff.caller)
        L.withLanguage(.fa) {
            var returns = ScreenDriver(ReturnScreen(order: sold.order), session: f.session(f.staff))
            returns.press(.char("a"))
            var text = returns.lines(width: 78, height: 21)
            #expect(text.joined().contains("۹٫۰۰") || text.joined().contains("۴٫۵۰"), "\(text.joined(separator: "\n"))")
            #expect(EnglishOnScreen.words(text, allowed: Self.catalogNames).isEmpty, "English left: \(EnglishOnScreen.words(text, allowed: Self.catalogNames))\n\(text.joined(separator: "\n"))")
            let payments = ScreenDriver(OrderPaymentsScreen(orderID: sold.order.id, number: sold.order.number), session: f.session(f.staff))
            text = payments.lines(width: 118, height: 31)
            let when = JalaliDate(CivilDate(local: sold.payments[0].createdAt)).formatted()
            #expect(text.joined().contains(when), "the payment's time in Solar Hijri \(when):\n\(text.joined(separator: "\n"))")
            #expect(EnglishOnScreen.words(text, allowed: Self.catalogNames).isEmpty, "English left: \(EnglishOnScreen.words(text, allowed: Self.catalogNames))\n\(text.joined(separator: "\n"))")
        }
    }

    @Test("an engine refusal at the counter is shown in Persian, never the engine's English text")
    func engineErrorInPersian() throws {
        let f = try StaffFixture()
        L.withLanguage(.fa) {
            let app = AppDriver(f.session(f.staff))
            Self.openStaff(app, row: 0)
            app.scan("9999999999994")                                  // no such barcode
            let banner = app.screen().filter { $0.contains("✗") }
            #expect(!banner.isEmpty, "an error is shown:\n\(app.text)")
            let english = EnglishOnScreen.words(banner, allowed: ["9999999999994"])
            #expect(english.isEmpty, "English in the error: \(english)\n\(banner.joined(separator: "\n"))")
            app.scan("4006381333931")
            app.press(.char("+"), .char("+"), .char("+"), .char("+"), .char("+"), .char("+"), .char("+"), .char("+"), .char("+"), .char("+"))   // 11 of 10 in stock
            let short = app.screen().filter { $0.contains("✗") }
            #expect(EnglishOnScreen.words(short, allowed: Self.names).isEmpty, "\(short.joined(separator: "\n"))")
        }
    }

    @Test("the quick sale's dialogs in Persian at 80×24 and 120×35: customer by phone, variant, product by name, discard")
    func quickSaleDialogs() throws {
        let f = try StaffFixture()
        Self.expectPersian(f, row: 0, keys: [.function(2)], words: ["یافتن مشتری با تلفن", "تلفن"])
        Self.expectPersian(f, row: 0, keys: Array("6260100000017").map { Key.char($0) } + [.enter], words: ["کدام", "موجود"], allowed: Self.catalogNames)
        Self.expectPersian(f, row: 0, keys: Array("Sourdough").map { Key.char($0) } + [.enter], words: ["کالاهای مطابق"], allowed: Self.catalogNames)
        Self.expectPersian(f, row: 0, keys: Array("4006381333931").map { Key.char($0) } + [.enter, .escape], words: ["کنار گذاشته شود"], allowed: Self.catalogNames)
    }
}
