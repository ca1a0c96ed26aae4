import Foundation
import Testing
@testable import ShopEngine
import ShopTestSupport
@testable import ShopTUI

/// The cart screen when staff archive a product a customer has in their cart: the line stays,
/// flagged, checkout and quantity keys say which line is in the way, and Del removes it.
@Suite("Cart screen: lines no longer sold")
struct CartNoLongerSoldScreenTests {
    @Test("an archived product's line stays flagged; Enter and + name it and change nothing; Del removes it and checkout opens")
    func archivedLineFlagged() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        let tea = h.products["TEA"]!, sangak = h.products["SANGAK"]!
        _ = try h.shop.carts.add(productID: tea.id, quantity: 2, caller: session.caller)
        _ = try h.shop.carts.add(productID: sangak.id, quantity: 1, caller: session.caller)
        #expect(try h.shop.catalog.delete(id: tea.id, caller: h.staff.caller) == .archived)

        let d = h.driver(session)
        d.press(.char("c"))
        #expect(d.lines.contains { $0.contains("Black tea") && $0.contains("no longer sold") }, "the line, flagged:\n\(d.text)")
        #expect(d.text.contains("Fix the lines marked in red before checkout"), "\(d.text)")

        d.press(.down)  // the bread line, so Enter has to find the tea line itself
        d.press(.enter)
        #expect(d.app.topScreen is CartScreen, "no checkout with a line no longer sold")
        #expect(d.app.noticeText == "No longer sold: Black tea. Press Del to remove it", "the notice names the line:\n\(d.text)")
        #expect(d.text.contains("No longer sold: Black tea. Press Del to remove it"), "and it is on screen:\n\(d.text)")
        d.press(.char("+"))
        #expect(d.app.noticeText == "No longer sold: Black tea. Press Del to remove it", "\(d.text)")
        #expect(try h.shop.carts.cart(caller: session.caller).items.first { $0.productId == tea.id }?.quantity == 2, "+ changed nothing")

        d.press(.delete)  // Enter selected the tea line
        #expect(d.app.pendingQuestion?.contains("Remove Black tea") == true, "\(d.app.pendingQuestion ?? "no question")")
        d.press(.char("y"))
        #expect(try h.shop.carts.cart(caller: session.caller).items.map(\.productId) == [sangak.id])
        #expect(!d.lines.contains { $0.contains("Black tea") && !$0.contains("No longer sold:") }, "the row is gone:\n\(d.text)")
        #expect(!d.text.contains("no longer sold") && !d.text.contains("Fix the lines"), "\(d.text)")
        d.press(.enter)
        #expect(d.app.topScreen is CheckoutScreen, "the rest checks out:\n\(d.text)")
    }

    @Test("restoring the product makes the line good again on screen")
    func restoredLineGood() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        let tea = h.products["TEA"]!
        _ = try h.shop.carts.add(productID: tea.id, quantity: 2, caller: session.caller)
        _ = try h.shop.catalog.delete(id: tea.id, caller: h.staff.caller)
        let d = h.driver(session)
        d.press(.char("c"))
        #expect(d.text.contains("no longer sold"), "\(d.text)")
        _ = try h.shop.catalog.update(id: tea.id, ProductChanges(active: true), caller: h.staff.caller)
        d.press(.char("b"), .char("c"))  // away and back: the cart reloads
        #expect(!d.text.contains("no longer sold") && d.text.contains("Black tea"), "\(d.text)")
        d.press(.enter)
        #expect(d.app.topScreen is CheckoutScreen, "\(d.text)")
    }
}

extension PersianCustomerScreensTests {
    @Test("a Persian cart flags a line no longer sold in Persian, and Enter names it in Persian")
    func cartLineNoLongerSold() throws {
        let store = try PersianShop()
        let staffPhone = try #require(try DemoStore.people(language: .fa).first { $0.role == .staff }?.phone)
        let staff = try store.shop.admin.localSignIn(phone: staffPhone).caller
        try L.withLanguage(.fa) {
            for (w, h) in Self.sizes {
                let session = try store.customer()
                try? store.shop.carts.clear(caller: session.caller)
                let simple = try store.shop.catalog.list(ProductQuery(limit: 50), caller: .guest()).items.filter { $0.variants.isEmpty && $0.stock > 1 }
                let (gone, kept) = (try #require(simple.first), try #require(simple.dropFirst().first))
                _ = try store.shop.carts.add(productID: gone.id, quantity: 1, caller: session.caller)
                _ = try store.shop.carts.add(productID: kept.id, quantity: 1, caller: session.caller)
                _ = try store.shop.catalog.delete(id: gone.id, caller: staff)

                let d = AppDriver(session, width: w, height: h)
                d.settle()
                d.press(.char("c")); d.settle()
                expectPersian(d, title: "سبد خرید", labels: ["دیگر عرضه نمی‌شود"], values: [gone.name, kept.name])
                d.press(.enter); d.settle()
                #expect(d.app.topScreen is CartScreen)
                #expect(d.app.noticeText == "«\(gone.name)» دیگر عرضه نمی‌شود: برای حذف، Del را بزنید", "the notice names the line, in Persian:\n\(d.text)")
                expectPersian(d, title: "سبد خرید", labels: [], values: [gone.name, kept.name])
                _ = try store.shop.catalog.update(id: gone.id, ProductChanges(active: true), caller: staff)
            }
        }
    }
}
