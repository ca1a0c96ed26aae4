import Foundation
import Testing
@testable import ShopEngine
import ShopTestSupport
@testable import ShopTUI

/// Every customer screen of the Persian demo store, drawn in Persian at 80×24 and 120×35: the
/// words a Persian customer reads, Persian digits, the mirrored frame (title at the right), and
/// no English word left on screen except names, SKUs and key names.
@Suite("Customer screens in Persian at 80×24 and 120×35")
struct PersianCustomerScreensTests {
    static let sizes = [(80, 24), (120, 35)]
    /// A demo customer of the Persian store (Tehran, with an email).
    static let customerPhone = "+989121234501"

    /// The Persian demo store in a real SQLite file.
    final class PersianShop: @unchecked Sendable {
        let temporary: TemporaryShop<SystemClock>
        var shop: Shop { temporary.shop }
        init() throws {
            temporary = try TemporaryShop(clock: SystemClock(), prefix: "shop-tui-fa", defaultCountry: "+98", currency: try DemoStore.currency(language: .fa))
            try DemoStore.seed(shop, language: .fa)
        }
        func customer() throws -> Session {
            let session = Session(shop: shop)
            session.signedIn(try shop.admin.localSignIn(phone: customerPhone))
            return session
        }
    }

    // MARK: - What a Persian customer must see

    /// The demo people's phones and postal codes: written left to right, in ASCII digits.
    static let latinValues: [String] = ["+989120000999", "+989120000900", "+989141883291", "+989121234501", "+989131234502", "+989171234503",
                                        "5136813345", "1581654311", "8173916111", "7134845793", "09121234567", "F2", "F3", "F4", "zahra@example.com"]

    /// Checks a frame: Persian `labels` shown whole (each as its own right-to-left run), the screen
    /// `title` in the header right of the store's name, Persian digits, no stray English.
    func expectPersian(_ d: AppDriver, title: String, labels: [String], values: [String] = [], digits: Bool = true,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = d.lines
        let text = lines.joined(separator: "\n")
        #expect(lines[0].replacingTrailingSpaces().hasSuffix(Bidi.visualOrder("شیرینی‌سرای")), "the store at the right of the header:\n\(text)", sourceLocation: sourceLocation)
        #expect(lines[0].contains(Bidi.visualOrder(title, paragraph: .rightToLeft)), "the title «\(title)» in the header:\n\(text)", sourceLocation: sourceLocation)
        for label in labels {
            #expect(text.contains(Bidi.visualOrder(label, paragraph: .rightToLeft)), "«\(label)» whole on screen:\n\(text)", sourceLocation: sourceLocation)
        }
        if digits {
            #expect(text.contains { ("۰"..."۹").contains($0) }, "Persian digits on screen:\n\(text)", sourceLocation: sourceLocation)
        }
        // ASCII digits only inside values written left to right (phones, postal codes, SKUs, order numbers).
        let latinValues = values + Self.latinValues
        let stray = lines.dropFirst().filter { line in
            latinValues.reduce(line) { $0.replacingOccurrences(of: $1, with: "") }
                .replacing(#/F\d+|S-\d+|626\d{10}|[A-Z]+-[A-Z0-9-]+/#, with: "").contains { ("0"..."9").contains($0) }
        }
        #expect(stray.isEmpty, "ASCII digits outside phones, postal codes and codes: \(stray)\n\(text)", sourceLocation: sourceLocation)
        let english = EnglishOnScreen.words(lines, allowed: latinValues)
        #expect(english.isEmpty, "English words left on a Persian screen: \(english)\n\(text)", sourceLocation: sourceLocation)
    }

    // MARK: - The screens

    @Test("browse: Persian columns, counts and prices in Persian digits; search with Persian text finds Persian products")
    func browse() throws {
        let store = try PersianShop()
        try L.withLanguage(.fa) {
            for (w, h) in Self.sizes {
                let d = AppDriver(Session(shop: store.shop), width: w, height: h)
                d.settle()
                expectPersian(d, title: "فروشگاه", labels: ["کالا", "دسته", "موجودی", "جستجو"])
                d.press(.char("/")); d.type("سنگک"); d.advance(by: 0.2); d.press(.enter); d.settle()
                #expect(d.text.contains(Bidi.visualOrder("نان سنگک")), "a Persian search finds نان سنگک:\n\(d.text)")
                #expect(!d.text.contains(Bidi.visualOrder("نان بربری")), "\(d.text)")
            }
        }
    }

    @Test("product with variants: Persian labels, variant prices in Persian digits, the SKU left to right")
    func product() throws {
        let store = try PersianShop()
        try L.withLanguage(.fa) {
            for (w, h) in Self.sizes {
                let d = AppDriver(Session(shop: store.shop), width: w, height: h)
                d.settle()
                d.press(.char("/")); d.type("کیک شکلاتی"); d.advance(by: 0.2); d.press(.enter); d.settle()
                d.press(.enter); d.settle()
                let sku = try #require(store.shop.catalog.list(ProductQuery(text: "کیک شکلاتی"), caller: .guest()).items.first?.sku)
                expectPersian(d, title: "کیک شکلاتی", labels: ["یک نوع انتخاب کنید:", "تعداد", "نوع", "قیمت"], values: [sku])
                #expect(d.text.contains("\(sku)"), "the SKU as written: \(sku)\n\(d.text)")
                #expect(d.text.contains("۱۲٬۵۰۰٬۰۰۰"), "the variant's price in Persian digits and separators:\n\(d.text)")
            }
        }
    }

    @Test("cart, checkout details and review: Persian words, the review keeps phone and postal code at 80×24")
    func cartAndCheckout() throws {
        let store = try PersianShop()
        try L.withLanguage(.fa) {
            for (w, h) in Self.sizes {
                let session = try store.customer()
                try? store.shop.carts.clear(caller: session.caller)
                let bread = try #require(store.shop.catalog.list(ProductQuery(text: "نان سنگک"), caller: .guest()).items.first)
                _ = try store.shop.carts.add(productID: bread.id, variantID: nil, quantity: 2, caller: session.caller)
                let d = AppDriver(session, width: w, height: h)
                d.settle()
                d.press(.char("c")); d.settle()
                expectPersian(d, title: "سبد خرید", labels: ["کالا", "تعداد", "جمع", "جمع کل"])
                #expect(d.text.contains("۳۰۰٬۰۰۰"), "the line total in Persian digits:\n\(d.text)")
                d.press(.enter); d.settle()
                expectPersian(d, title: "تسویه حساب", labels: ["نام", "نام خانوادگی", "نشانی", "کد پستی", "تاریخ تحویل", "کد تخفیف"],
                              values: ["zahra@example.com"])
                // A Jalali delivery date that does not exist: a clear Persian error under the field.
                for _ in 0..<6 { d.press(.tab) }
                d.type("۱۴۰۳/۱۲/۳۱")
                d.press(.enter); d.settle()
                #expect(d.text.contains(Bidi.visualOrder("روز", paragraph: .rightToLeft)), "the no-such-date error in Persian:\n\(d.text)")
                #expect(d.app.topScreen is CheckoutScreen)
                for _ in 0..<10 { d.press(.backspace) }
                let next = JalaliDate(CivilDate(local: Int64(Date().timeIntervalSince1970) + 3 * 86_400))
                d.type(next.description)
                d.press(.enter); d.settle()
                expectPersian(d, title: "تسویه حساب", labels: ["سفارش خود را بازبینی کنید", "تحویل به:", "روش پرداخت:"],
                              values: ["zahra@example.com"])
                let review = d.text
                #expect(review.contains("+989121234501"), "the phone, left to right, on the review at \(w)×\(h):\n\(review)")
                #expect(review.contains("1581654311"), "the postal code on the review at \(w)×\(h):\n\(review)")
                #expect(review.contains(Bidi.visualOrder(next.formatted(), paragraph: .leftToRight)) || review.contains(next.formatted()),
                        "the delivery day in Jalali with Persian digits:\n\(review)")
            }
        }
    }

    @Test("orders and order detail: Jalali dates in Persian digits, Persian status, phone and postal code as their own runs; cancel in Persian")
    func ordersAndDetail() throws {
        let store = try PersianShop()
        try L.withLanguage(.fa) {
            for (w, h) in Self.sizes {
                let session = try store.customer()
                try? store.shop.carts.clear(caller: session.caller)
                let bread = try #require(store.shop.catalog.list(ProductQuery(text: "نان بربری"), caller: .guest()).items.first)
                _ = try store.shop.carts.add(productID: bread.id, variantID: nil, quantity: 1, caller: session.caller)
                let user = try #require(session.user)
                let day = CivilDate(local: Int64(Date().timeIntervalSince1970) + 2 * 86_400)
                let order = try store.shop.orders.create(OrderRequest(contact: Contact(firstName: user.firstName, lastName: user.lastName, phone: user.phone ?? "",
                                                                                       address: user.address, postalCode: user.postalCode, deliveryDate: day.description),
                                                                      paymentMethod: .cashOnDelivery, coupon: nil, idempotencyKey: "fa-\(w)"), caller: session.caller)
                let d = AppDriver(session, width: w, height: h)
                d.settle()
                d.press(.char("o")); d.settle()
                expectPersian(d, title: "سفارش‌های من", labels: ["سفارش", "تاریخ ثبت", "وضعیت", "در انتظار پرداخت"], values: [order.number])
                let today = JalaliDate(CivilDate(local: order.createdAt)).formatted()
                #expect(d.text.contains(today) || d.text.contains(String(today.reversed())), "the Jalali date \(today):\n\(d.text)")
                d.press(.enter); d.settle()
                expectPersian(d, title: "سفارش", labels: ["تحویل به", "پرداخت‌ها", "جمع کل"], values: [order.number, "IRR"])
                #expect(d.text.contains("+989121234501"), "the phone left to right:\n\(d.text)")
                #expect(d.text.contains("1581654311"), "the postal code left to right:\n\(d.text)")
                #expect(d.text.contains(JalaliDate(day).formatted()), "the delivery day in Jalali:\n\(d.text)")
                d.press(.char("x"))
                #expect(d.text.contains(Bidi.visualOrder("لغو شود؟", paragraph: .rightToLeft)), "the question in Persian:\n\(d.text)")
                d.press(.char("y")); d.settle()
                #expect(d.text.contains(Bidi.visualOrder("لغوشده").uppercased()), "the order shows cancelled in Persian:\n\(d.text)")
            }
        }
    }

    @Test("sign in: Persian words, the demo accounts in aligned columns (phones left to right)")
    func signIn() throws {
        let store = try PersianShop()
        try L.withLanguage(.fa) {
            for (w, h) in Self.sizes {
                var settings = SessionSettings()
                settings.demoPeople = try DemoStore.people(language: .fa)
                let d = AppDriver(Session(shop: store.shop, settings: settings), width: w, height: h)
                d.settle()
                d.press(.char("p")); d.settle()
                let people = try DemoStore.people(language: .fa)
                expectPersian(d, title: "ورود", labels: ["ورود یا ساخت حساب با تلفن همراه", "تلفن"], values: [], digits: false)
                let rows = d.lines.filter { line in people.contains { line.contains($0.phone) } }
                #expect(rows.count == people.count, "every demo account shown:\n\(d.text)")
                let phoneColumns = Set(rows.compactMap { row in people.first { row.contains($0.phone) }.flatMap { row.range(of: $0.phone) }.map { row.distance(from: row.startIndex, to: $0.upperBound) } })
                #expect(phoneColumns.count == 1, "the phones end in one column on every row (one row off by one was the bug):\n\(rows.joined(separator: "\n"))")
            }
        }
    }

    @Test("profile, register and password reset: Persian words; the profile shows the account's language")
    func accountScreens() throws {
        let store = try PersianShop()
        try L.withLanguage(.fa) {
            for (w, h) in Self.sizes {
                let d = AppDriver(try store.customer(), width: w, height: h)
                d.settle()
                d.press(.char("p")); d.settle()
                expectPersian(d, title: "نمایه", labels: ["نام", "نشانی", "کد پستی", "زبان", "فارسی"], values: ["zahra@example.com"])
                let guest = AppDriver(Session(shop: store.shop), width: w, height: h)
                guest.settle()
                guest.press(.char("p")); guest.settle()
                guest.press(.function(3)); guest.settle()
                expectPersian(guest, title: "ساخت حساب", labels: ["نام کاربری", "گذرواژه", "تکرار گذرواژه"], digits: false)
                guest.press(.function(2)); guest.settle()
                guest.press(.function(2)); guest.settle()
                guest.press(.function(4)); guest.settle()
                expectPersian(guest, title: "فراموشی گذرواژه", labels: ["تعیین گذرواژهٔ تازه"], digits: false)
            }
        }
    }

    @Test("the test's English-word finder flags English and lets names, SKUs and key names pass")
    func finderCanFail() {
        #expect(EnglishOnScreen.words(["  Loading…  ", "Enter کالا"]) == ["Loading"])
        #expect(EnglishOnScreen.words(["Black tea  SKU TEA-1"], allowed: ["Black tea", "TEA-1"]).isEmpty)
        #expect(EnglishOnScreen.words(["Sourd…  رسید receipts/S-000001.txt"], allowed: ["Sourdough"]).isEmpty, "a name cut to fit, a saved file's path")
    }
}

@Suite("An account's language: not chosen is a real state")
struct AccountLanguageChoiceTests {
    @Test("a Persian session signing into an account that never chose a language stays Persian; a chosen language is applied; the profile says which")
    func notChosenKeepsTheSession() throws {
        let h = try AppHarness()
        // The staff account was made without a language: NULL in the engine, English in the API.
        let staff = try h.shop.admin.localSignIn(phone: "+15550009999")
        #expect(staff.user.chosenLanguage == nil)
        #expect(staff.user.language == .en, "the API's answer for an account that never chose")
        try L.withLanguage(.fa) {
            let d = h.driver(width: 100, height: 30)
            d.settle()
            d.press(.char("p")); d.settle()
            d.type("+15550009999"); d.press(.enter); d.settle()
            d.type(h.code(for: "+15550009999")!); d.press(.enter); d.settle()
            #expect(L.language == .fa, "never chose: the session keeps Persian")
            d.press(.escape); d.settle()
            d.press(.char("p")); d.settle()
            #expect(d.text.contains(Bidi.visualOrder("انتخاب نشده", paragraph: .rightToLeft)), "the profile says no language was chosen:\n\(d.text)")
        }
        // Another account that chose English: a Persian session switches to it on sign-in.
        let chooser = try h.temporary.person("+15550004444", role: .customer)
        _ = try h.shop.accounts.updateProfile(AccountService.ProfileChanges(language: .en), caller: chooser.caller)
        #expect(try h.shop.accounts.profile(caller: chooser.caller).chosenLanguage == .en)
        try L.withLanguage(.fa) {
            let d = h.driver(width: 100, height: 30)
            d.settle()
            d.press(.char("p")); d.settle()
            d.type("+15550004444"); d.press(.enter); d.settle()
            d.type(h.code(for: "+15550004444")!); d.press(.enter); d.settle()
            #expect(L.language == .en, "a chosen English is applied on sign-in:\n\(d.text)")
        }
    }
}
