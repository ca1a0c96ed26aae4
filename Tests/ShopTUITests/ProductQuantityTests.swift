import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

/// The product page's quantity: typed digits replace what is shown, and the stock is the limit,
/// said at once (not after Enter, and never `20 in stock` next to `Quantity 200`).
@Suite("Product page quantity")
struct ProductQuantityTests {
    private func openRice(_ h: AppHarness, stock: Int64) throws -> AppDriver {
        _ = try h.shop.catalog.create(ProductDraft(sku: "RICE", name: "Basmati rice", category: "Shop", price: 300, stock: stock), caller: h.staff.caller)
        let d = h.driver(width: 80, height: 24)
        d.press(.char("/")); d.type("rice"); d.press(.enter, .enter)
        #expect(d.lines[0].contains("Basmati rice"))
        return d
    }

    @Test("typed digits replace the quantity shown: 25 is 25 (not 125), and after - a new 3 is 3 (not 243)")
    func digitsReplace() throws {
        let h = try AppHarness()
        let d = try openRice(h, stock: 500)
        d.type("25")
        #expect(d.text.contains("Quantity   25 "), "\(d.text)")
        d.press(.char("-"))
        #expect(d.text.contains("Quantity   24 "))
        d.type("3")
        #expect(d.text.contains("Quantity   3 "), "\(d.text)")
    }

    @Test("a quantity above the stock is capped at once and the limit is said: 20 in stock, typing 200 shows 20")
    func capAtStock() throws {
        let h = try AppHarness()
        let d = try openRice(h, stock: 20)
        #expect(d.text.contains("20 in stock"))
        d.type("200")
        #expect(!d.text.contains("Quantity   200 "))
        #expect(d.text.contains("Quantity   20 "), "\(d.text)")
        #expect(d.text.contains("Only 20 in stock"))
        d.press(.char("+"))
        #expect(d.text.contains("Quantity   20 "))
        d.press(.char("-"))
        #expect(d.text.contains("Quantity   19 "))
    }
}
