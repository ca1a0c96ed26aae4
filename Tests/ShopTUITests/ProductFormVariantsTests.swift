import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

@Suite("Variants in the product form")
struct ProductFormVariantsTests {
    /// Names the HTTP API accepts but that hold the form's own separators.
    static let awkward: [VariantDraft] = [
        VariantDraft(name: "Box; 6 pieces", price: 1200, stock: 2),
        VariantDraft(name: "Half=half", price: 700, stock: 3),
        VariantDraft(name: #"Slash \ box"#, price: 900, stock: 1),
        VariantDraft(name: "1 kg", price: 2400, stock: 5),
    ]

    @Test("variant names holding ; = or \\ are written so that reading the text back gives the same variants")
    func roundTrip() throws {
        let f = try StaffFixture()
        let pie = try f.shop.catalog.create(ProductDraft(sku: "PIE", name: "Pie", variants: Self.awkward), caller: f.staff.caller)
        let text = ProductFormScreen.variantsText(pie.variants, currency: f.shop.currency)
        let parsed = try ProductFormScreen.parseVariants(text, existing: pie.variants, currency: f.shop.currency)
        #expect(parsed.map(\.name) == pie.variants.map(\.name), "\(text)")
        #expect(parsed.map(\.price) == pie.variants.map(\.price))
        #expect(parsed.map(\.id) == pie.variants.map(\.id), "existing variants keep their ids")
    }

    @Test("editing a product whose variant names hold ; or = and saving unchanged keeps its variants as they were")
    func editAndSaveUnchanged() throws {
        let f = try StaffFixture()
        let pie = try f.shop.catalog.create(ProductDraft(sku: "PIE", name: "Pie", variants: Self.awkward), caller: f.staff.caller)
        let app = AppDriver(f.session(f.staff), width: 100, height: 30)
        app.openStaff("Products")
        app.press(.char("/")); app.type("pie"); app.press(.enter)
        app.press(.enter) // edit
        #expect(app.text.contains("Edit Pie"), "\(app.text)")
        app.press(.enter) // save
        #expect(app.text.contains("Pie saved"), "\(app.text)")
        let saved = try f.shop.catalog.product(id: pie.id, caller: f.staff.caller)
        #expect(saved.variants.map(\.name) == pie.variants.map(\.name))
        #expect(saved.variants.map(\.id) == pie.variants.map(\.id))
        #expect(saved.variants.map(\.stock) == pie.variants.map(\.stock))
    }
}
