import Foundation
import Testing
@testable import ShopEngine

@Suite("Persian demo store")
struct PersianDemoTests {
    /// Persian letters (Arabic script block), as a reader would see them.
    func isPersian(_ text: String) -> Bool { text.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) } }

    @Test("the Persian demo is an Iranian shop: Persian products, categories and customers, +98 phones, rials, every order status")
    func persianStore() throws {
        let t = try TestShop(defaultCountry: try DemoStore.defaultCountry(language: .fa), currency: try DemoStore.currency(language: .fa))
        try DemoStore.seed(t.shop, language: .fa)
        let products = try t.shop.catalog.list(ProductQuery(limit: 100), caller: .guest()).items
        #expect(products.count >= 35)
        #expect(products.allSatisfy { isPersian($0.name) && isPersian($0.description) && isPersian($0.category) }, "\(products.filter { !isPersian($0.name) }.map(\.name))")
        #expect(products.contains { $0.name == "نان سنگک" && $0.currency == "IRR" })
        #expect(products.contains { $0.variants.contains { $0.name == "۱ کیلو" } })
        #expect(products.contains { $0.stock <= 2 })
        let categories = try t.shop.catalog.categories(caller: .guest()).map(\.name)
        #expect(categories.count >= 6 && categories.allSatisfy(isPersian), "\(categories)")
        // Persian search finds a Persian product, whatever the Yeh typed.
        #expect(try t.shop.catalog.list(ProductQuery(text: "سنگك"), caller: .guest()).items.contains { $0.name == "نان سنگک" })

        let people = try DemoStore.people(language: .fa)
        #expect(people.allSatisfy { $0.phone.hasPrefix("+98") && isPersian($0.name) }, "\(people)")
        #expect(Set(people.map(\.role)) == [.admin, .staff, .customer])
        let staff = try t.shop.admin.localSignIn(phone: "+989120000900").caller
        let orders = try t.shop.orders.list(limit: 100, caller: staff).items
        #expect(Set(orders.map(\.status)) == Set(OrderStatus.allCases))
        #expect(orders.allSatisfy { isPersian($0.firstName) && isPersian($0.address) })
        #expect(isPersian(t.shop.storeName()))

        // Its customers speak Persian: their codes come in Persian; a local 09… form signs in.
        let request = try t.shop.accounts.requestCode(phone: "09121234501", caller: t.guest)
        #expect(request.phone == "+989121234501")
        #expect(t.messages().last?.text.hasPrefix("کد ورود شما به فروشگاه") == true)
        let zahra = try t.shop.accounts.verifyCode(requestID: request.requestId, code: try #require(t.lastCode(to: "+989121234501")), caller: t.guest)
        #expect(!zahra.user.isNew && zahra.user.language == .fa && zahra.user.firstName == "زهرا")
    }

    @Test("the English demo is unchanged, except that its Persian customer speaks Persian")
    func englishDemoKeepsPersianCustomer() throws {
        let t = try TestShop(currency: try DemoStore.currency())
        try DemoStore.seed(t.shop)
        #expect(t.shop.storeName().contains("Demo"))
        let nima = try t.shop.admin.localSignIn(phone: "+989141883291")
        #expect(nima.user.language == .fa)
        #expect(try t.shop.admin.localSignIn(phone: "+15550100001").user.language == .en)
    }

    @Test("--demo with Persian opens a temporary Persian store in rials with +98 local phones")
    func demoDatabase() throws {
        let demo = try DemoDatabase.open(try Options.parse(["--demo"], flags: Options.engineFlags + [.init("demo", help: "")], environment: [:]), language: .fa)
        defer { demo.remove() }
        #expect(demo.isTemporary)
        #expect(demo.shop.currency.spec == "IRR:0")
        #expect(demo.shop.configuration.defaultCountry == "+98")
        #expect(isPersian(demo.shop.storeName()))
    }
}
