import Foundation
import Testing
@testable import ShopEngine

/// A cart line whose product the shop stops selling (archived, deactivated) is kept and flagged
/// `unavailable`, never dropped: checkout and quantity changes refuse it by name, removing it
/// works, and restoring the product makes it good again. Runs on SQLite and, with
/// `SHOP_TEST_POSTGRES`, on PostgreSQL (`TestShop`).
@Suite("Cart lines of products no longer sold")
struct CartNoLongerSoldTests {
    typealias Fixture = CommerceFixture

    /// The customer's cart line for `product`, or nil when it is gone.
    func line(_ f: Fixture, _ product: Product) throws -> CartService.Line? {
        try f.shop.carts.cart(caller: f.customer.caller).items.first { $0.productId == product.id }
    }

    /// The error `body` throws (a failure is recorded when it throws none, or not a `ShopError`).
    func refusal(_ body: () throws -> Any) -> ShopError? {
        do { _ = try body(); Issue.record("expected a refusal"); return nil } catch let error as ShopError { return error } catch {
            Issue.record("expected a ShopError, got \(error)"); return nil
        }
    }

    @Test("archiving a product keeps every customer's line, flagged unavailable, with its quantity and price")
    func archiveKeepsLines() throws {
        let f = try Fixture()
        _ = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: .sample), caller: f.staff.caller)
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 3, caller: f.customer.caller)
        _ = try f.shop.carts.add(productID: f.cake.id, variantID: f.cake.variants[0].id, quantity: 1, caller: f.customer.caller)
        f.t.clock.advance(61)
        let other = try f.t.customer("+15550002222")
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 1, caller: other.caller)

        #expect(try f.shop.catalog.delete(id: f.tea.id, caller: f.staff.caller) == .archived)

        let tea = try #require(try line(f, f.tea), "the archived product's line is still in the cart")
        #expect(tea.quantity == 3 && tea.unitPrice == 250 && tea.name == "Tea")
        #expect(tea.problem == ShopError.Code.unavailable)
        #expect(try line(f, f.cake)?.problem == nil, "the other line is untouched")
        #expect(try f.shop.carts.cart(caller: other.caller).items.map(\.problem) == [ShopError.Code.unavailable], "every cart keeps its line")
        #expect(try !f.shop.carts.cart(caller: f.customer.caller).canCheckout)
    }

    @Test("a product no order names but a cart does is archived, not deleted, so the line stays")
    func cartAloneKeepsProduct() throws {
        let f = try Fixture()
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 2, caller: f.customer.caller)
        #expect(try f.shop.catalog.delete(id: f.tea.id, caller: f.staff.caller) == .archived)
        #expect(try line(f, f.tea)?.problem == ShopError.Code.unavailable)
        #expect(try f.shop.catalog.product(id: f.tea.id, caller: f.staff.caller).archived)
        // Once no cart or order names it, deleting it really deletes it.
        let unsold = try f.shop.catalog.create(ProductDraft(sku: "GONE", name: "Gone", price: 100, stock: 1), caller: f.staff.caller)
        #expect(try f.shop.catalog.delete(id: unsold.id, caller: f.staff.caller) == .deleted)
    }

    @Test("checkout from the cart refuses a line no longer sold by name (409 unavailable), taking and dropping nothing")
    func checkoutRefusesByName() throws {
        let f = try Fixture()
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 2, caller: f.customer.caller)
        _ = try f.shop.carts.add(productID: f.cake.id, variantID: f.cake.variants[0].id, quantity: 1, caller: f.customer.caller)
        _ = try f.shop.catalog.delete(id: f.tea.id, caller: f.staff.caller)
        _ = try f.shop.catalog.update(id: f.cake.id, ProductChanges(active: false), caller: f.staff.caller)

        let refused = refusal { try f.shop.orders.create(OrderRequest(contact: .sample), caller: f.customer.caller) }
        #expect(refused?.code == ShopError.Code.unavailable && refused?.kind == .conflict, "\(String(describing: refused))")
        #expect(refused?.message == "Tea and Cake (1 kg) are no longer sold: remove them from your cart", "both lines named")
        #expect(try f.shop.carts.cart(caller: f.customer.caller).items.count == 2, "the cart is as it was")
        #expect(try f.count("SELECT count(*) FROM orders") == 0)
        #expect(try f.stock(f.tea) == 10)

        // The Persian answer names the line too.
        let fa = ErrorMessages.load().message(for: try #require(refused), in: .fa)
        #expect(fa.contains("Tea") && fa.contains("دیگر عرضه نمی‌شود"), "\(fa)")
    }

    @Test("a flagged line's quantity cannot change (409 naming it) but the line can be removed, and then the rest checks out")
    func removeThenCheckout() throws {
        let f = try Fixture()
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 2, caller: f.customer.caller)
        let cart = try f.shop.carts.add(productID: f.cake.id, variantID: f.cake.variants[0].id, quantity: 1, caller: f.customer.caller)
        _ = try f.shop.catalog.delete(id: f.tea.id, caller: f.staff.caller)
        let teaLine = try #require(cart.items.first { $0.productId == f.tea.id })

        let patched = refusal { try f.shop.carts.update(lineID: teaLine.id, quantity: 1, caller: f.customer.caller) }
        #expect(patched?.code == ShopError.Code.unavailable && patched?.kind == .conflict)
        #expect(patched?.message == "Tea is no longer sold: remove it from your cart")
        #expect(try line(f, f.tea)?.quantity == 2, "the refused change changed nothing")

        let after = try f.shop.carts.remove(lineID: teaLine.id, caller: f.customer.caller)
        #expect(after.items.map(\.productId) == [f.cake.id] && after.canCheckout)
        let order = try f.shop.orders.create(OrderRequest(contact: .sample), caller: f.customer.caller)
        #expect(order.items.map(\.name) == ["Cake (1 kg)"])
    }

    @Test("restoring an archived or deactivated product makes its line good again, and it checks out")
    func restoreMakesLineGood() throws {
        let f = try Fixture()
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 2, caller: f.customer.caller)
        _ = try f.shop.carts.add(productID: f.cake.id, variantID: f.cake.variants[1].id, quantity: 1, caller: f.customer.caller)
        _ = try f.shop.catalog.delete(id: f.tea.id, caller: f.staff.caller)
        _ = try f.shop.catalog.update(id: f.cake.id, ProductChanges(active: false), caller: f.staff.caller)
        #expect(try f.shop.carts.cart(caller: f.customer.caller).items.map(\.problem) == [ShopError.Code.unavailable, ShopError.Code.unavailable])

        let restored = try f.shop.catalog.update(id: f.tea.id, ProductChanges(active: true), caller: f.staff.caller)
        #expect(!restored.archived && restored.active)
        _ = try f.shop.catalog.update(id: f.cake.id, ProductChanges(active: true), caller: f.staff.caller)
        let cart = try f.shop.carts.cart(caller: f.customer.caller)
        #expect(cart.items.map(\.problem) == [nil, nil] && cart.canCheckout)
        _ = try f.shop.carts.update(lineID: cart.items[0].id, quantity: 3, caller: f.customer.caller)
        let order = try f.shop.orders.create(OrderRequest(contact: .sample), caller: f.customer.caller)
        #expect(order.items.map(\.quantity) == [3, 1])
        #expect(try f.stock(f.tea) == 7)
    }

    @Test("a variant in a customer's cart is not removed (its line would go with it): 409 variant_in_use; at stock 0 the line shows sold out")
    func variantInCartKept() throws {
        let f = try Fixture()
        _ = try f.shop.carts.add(productID: f.cake.id, variantID: f.cake.variants[1].id, quantity: 1, caller: f.customer.caller)
        let onlyFirst = ProductChanges(variants: [.init(id: f.cake.variants[0].id, name: "1 kg", price: 1000)])
        let refused = refusal { try f.shop.catalog.update(id: f.cake.id, onlyFirst, caller: f.staff.caller) }
        #expect(refused?.code == "variant_in_use" && refused?.parameters["reason"] == "cart", "\(String(describing: refused))")
        #expect(try f.shop.catalog.product(id: f.cake.id, caller: f.staff.caller).variants.count == 2, "nothing changed")
        #expect(try line(f, f.cake)?.name == "Cake (2 kg)", "the line is still there")
        _ = try f.shop.catalog.adjustStock(productID: f.cake.id, variantID: f.cake.variants[1].id, delta: -1, reason: "discontinued", caller: f.staff.caller)
        #expect(try line(f, f.cake)?.problem == ShopError.Code.outOfStock)
        // Once no cart holds it, it can go.
        try f.shop.carts.clear(caller: f.customer.caller)
        #expect(try f.shop.catalog.update(id: f.cake.id, onlyFirst, caller: f.staff.caller).variants.map(\.name) == ["1 kg"])
    }

    @Test("an explicit order list naming a product no longer sold is still 404 not_found: nothing about it is revealed")
    func explicitItemsUnchanged() throws {
        let f = try Fixture()
        _ = try f.shop.catalog.update(id: f.tea.id, ProductChanges(active: false), caller: f.staff.caller)
        expectError("not_found") { try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 1)], contact: .sample), caller: f.customer.caller) }
        expectError("not_found") { try f.shop.carts.add(productID: f.tea.id, quantity: 1, caller: f.customer.caller) }
    }
}
