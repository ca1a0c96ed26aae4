import Foundation
import Testing
@testable import ShopEngine

/// Overflow on money or quantities must be a clear error, never a trap (a trap kills the server).
@Suite("Money arithmetic cannot trap")
struct MoneyArithmeticTests {
    @Test("checked operations report overflow as amount_too_large and compute exact results up to Int64's edges")
    func checkedOperations() throws {
        #expect(try Money.product(999, Money.maxPrice, field: "items") == 999_000_000_000_000)
        expectError("amount_too_large") { try Money.product(Int64.max, 2, field: "items") }
        expectError("amount_too_large") { try Money.product(Int64.min, -1, field: "items") }
        #expect(try Money.sum(Int64.max - 1, 1, field: nil) == Int64.max)
        expectError("amount_too_large") { try Money.sum(Int64.max, 1, field: nil) }
        expectError("amount_too_large") { try Money.sum([Int64.max, 1, -5], field: nil) }
        expectError("amount_too_large") { try Money.difference(Int64.min, 1, field: nil) }
        #expect(try Money.difference(0, Int64.max, field: nil) == -Int64.max)
        // amount × percent overflows Int64 here, the percentage itself does not.
        #expect(try Money.percent(100, of: Int64.max, field: "coupon") == Int64.max)
        #expect(try Money.percent(10, of: Int64.max, field: "coupon") == Int64.max / 10)
        #expect(try Money.percent(33, of: 1_000, field: "coupon") == 330)
        #expect(try Money.percent(15, of: 99_999, field: "coupon") == 14_999)
        expectError("amount_too_large") { try Money.percent(101, of: 1, field: "coupon") }
        #expect(Money.saturatingProduct(Int64.max, 3) == Int64.max)
        #expect(Money.saturatingProduct(Int64.min, 3) == Int64.min)
        #expect(Money.saturatingDifference(Int64.min, 1) == Int64.min)
    }

    @Test("a stock change of Int64.min (whose abs traps) or one past the maximum stock is a 400 on delta")
    func stockDeltaExtremes() throws {
        let t = try TestShop()
        let staff = try t.staff()
        let tea = try t.shop.catalog.create(ProductDraft(sku: "TEA", name: "Tea", price: 250, stock: 10), caller: staff.caller)
        for delta in [Int64.min, Int64.min + 1, Int64.max, Money.maxStock + 1, -(Money.maxStock + 1)] {
            do {
                _ = try t.shop.catalog.adjustStock(productID: tea.id, delta: delta, reason: "typo", caller: staff.caller)
                Issue.record("delta \(delta) was accepted")
            } catch let error as ShopError {
                #expect(error.kind == .invalid && error.field == "delta", "\(delta): \(error)")
            }
        }
        _ = try t.shop.catalog.adjustStock(productID: tea.id, delta: Money.maxStock - 10, reason: "delivery", caller: staff.caller)
        expectError("stock_too_large") { try t.shop.catalog.adjustStock(productID: tea.id, delta: 1, reason: "one more", caller: staff.caller) }
        #expect(try t.shop.catalog.product(id: tea.id, caller: staff.caller).stock == Money.maxStock)
    }

    @Test("a 95% coupon on a subtotal whose × 95 overflows Int64 gives the exact discount")
    func percentCouponOnHugeSubtotal() throws {
        let t = try TestShop()
        let staff = try t.staff()
        let customer = try t.customer()
        let variants = (1...50).map { VariantDraft(name: "v\($0)", price: Money.maxPrice, stock: 999) }
        let a = try t.shop.catalog.create(ProductDraft(sku: "A", name: "Gold bar", variants: variants), caller: staff.caller)
        let b = try t.shop.catalog.create(ProductDraft(sku: "B", name: "Platinum bar", variants: variants), caller: staff.caller)
        _ = try t.shop.orders.createCoupon(code: "SALE", kind: .percent, value: 95, caller: staff.caller)
        let items = [a, b].flatMap { product in product.variants.map { OrderRequest.Item(productID: product.id, variantID: $0.id, quantity: 999) } }
        let order = try t.shop.orders.create(OrderRequest(items: items, contact: .sample, paymentMethod: .transfer, coupon: "SALE"), caller: customer.caller)
        let subtotal: Int64 = 100 * 999 * Money.maxPrice   // 9.99 × 10^16: × 95 is past Int64.max (9.22 × 10^18)
        #expect(order.subtotal == subtotal)
        #expect(order.discount == 94_905_000_000_000_000)
        #expect(order.total == subtotal - 94_905_000_000_000_000)
    }

    @Test("quantity × a stored price near Int64.max is a 400 at checkout and in the cart, and nothing is written")
    func hugeStoredPrice() throws {
        let t = try TestShop()
        let staff = try t.staff()
        let customer = try t.customer()
        let bar = try t.shop.catalog.create(ProductDraft(sku: "BAR", name: "Bar", price: 1, stock: 1000), caller: staff.caller)
        // A price beyond today's validation (an older program, an import, a hand edit).
        try t.shop.store.write { _ = try $0.run("UPDATE products SET price = ? WHERE id = ?", Int64.max / 2, bar.id) }
        do {
            _ = try t.shop.orders.create(OrderRequest(items: [.init(productID: bar.id, quantity: 999)], contact: .sample, paymentMethod: .card), caller: customer.caller)
            Issue.record("an order worth more than Int64.max was placed")
        } catch let error as ShopError {
            #expect(error.code == "amount_too_large" && error.kind == .invalid && error.field == "items")
        }
        #expect(try t.shop.catalog.product(id: bar.id, caller: staff.caller).stock == 1000, "nothing taken from stock")
        #expect(try t.shop.orders.list(caller: customer.caller).items.isEmpty)
        expectError("amount_too_large") { try t.shop.carts.add(productID: bar.id, quantity: 3, caller: customer.caller) }
        #expect(try t.shop.carts.cart(caller: customer.caller).items.isEmpty)
    }

    @Test("payment amounts and cash tendered are bounded; a fixed coupon too")
    func amountBounds() throws {
        let t = try TestShop()
        let staff = try t.staff()
        let tea = try t.shop.catalog.create(ProductDraft(sku: "TEA", name: "Tea", price: 250, stock: 10), caller: staff.caller)
        let sale = try t.shop.orders.create(OrderRequest(items: [.init(productID: tea.id, quantity: 1)], contact: Contact(), counterSale: true), caller: staff.caller)
        expectError("invalid_amount") { try t.shop.payments.create(orderID: sale.id, amount: Money.maxAmount + 1, method: .cash, caller: staff.caller) }
        expectError("amount_too_large") { try t.shop.payments.create(orderID: sale.id, amount: 250, method: .cash, tendered: Int64.max, completed: true, caller: staff.caller) }
        let paid = try t.shop.payments.create(orderID: sale.id, amount: 250, method: .cash, tendered: Money.maxAmount, completed: true, caller: staff.caller)
        #expect(paid.change == Money.maxAmount - 250)
        expectError("invalid_coupon_value") { try t.shop.orders.createCoupon(code: "HUGE", kind: .fixed, value: Int64.max, caller: staff.caller) }
        expectError("invalid_price") { try t.shop.catalog.create(ProductDraft(sku: "X", name: "X", price: Money.maxPrice + 1), caller: staff.caller) }
    }

    @Test("a cart holds at most as many lines as an order may have")
    func cartLineLimit() throws {
        let t = try TestShop()
        let staff = try t.staff()
        let customer = try t.customer()
        let variants = (1...50).map { VariantDraft(name: "v\($0)", price: 1, stock: 2) }
        var products: [Product] = []
        for i in 0..<5 { products.append(try t.shop.catalog.create(ProductDraft(sku: "P\(i)", name: "P\(i)", variants: variants), caller: staff.caller)) }
        for product in products.prefix(4) {
            for variant in product.variants { _ = try t.shop.carts.add(productID: product.id, variantID: variant.id, quantity: 1, caller: customer.caller) }
        }
        #expect(try t.shop.carts.cart(caller: customer.caller).items.count == Money.maxLines)
        expectError("too_many_items") { try t.shop.carts.add(productID: products[4].id, variantID: products[4].variants[0].id, quantity: 1, caller: customer.caller) }
        _ = try t.shop.carts.add(productID: products[0].id, variantID: products[0].variants[0].id, quantity: 1, caller: customer.caller) // an existing line still grows
    }
}
