import Foundation
@testable import ShopEngine

/// A shop with staff, a signed-in customer, tea (10 at 2.50) and a cake sold by weight: what the
/// checkout, counter-sale, return and unpaid-order tests start from.
struct CommerceFixture {
    let t: TestShop
    let staff: SignIn
    let customer: SignIn
    let tea: Product
    let cake: Product

    static let twoCakes: [VariantDraft] = [.init(name: "1 kg", price: 1000, stock: 2), .init(name: "2 kg", price: 1800, stock: 1)]

    init(cake variants: [VariantDraft] = Self.twoCakes, configure: (inout ShopConfiguration) -> Void = { _ in }) throws {
        t = try TestShop(configure: configure)
        staff = try t.staff()
        customer = try t.customer()
        tea = try t.shop.catalog.create(ProductDraft(sku: "TEA", name: "Tea", price: 250, stock: 10), caller: staff.caller)
        cake = try t.shop.catalog.create(ProductDraft(sku: "CAKE", name: "Cake", variants: variants), caller: staff.caller)
    }

    var shop: Shop { t.shop }
    func stock(_ product: Product) throws -> Int64 { try shop.catalog.product(id: product.id, caller: staff.caller).stock }
    func ledger(_ product: Product) throws -> [StockMovement] { try shop.catalog.stockHistory(productID: product.id, caller: staff.caller) }
    func count(_ sql: String) throws -> Int64 { try shop.store.read { try $0.scalarInt(sql) ?? -1 } }
}
