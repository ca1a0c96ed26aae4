import Foundation

/// Fills an empty database with the demo store from `assets/demo-catalog.json`: about 40
/// products (some Persian, some with variants, a few nearly sold out), coupons, a staff and an
/// admin account, and customers with past orders in every status. In Persian
/// (`assets/demo-catalog-fa.json`) it is an Iranian confectionery: Persian names, categories
/// and customers with +98 phones, prices in rials (IRR:0), accounts speaking Persian.
///
/// ```swift
/// try DemoStore.seed(shop, language: .fa)   // open `shop` with `DemoStore.currency(language: .fa)`
/// ```
public enum DemoStore {
    struct Catalog: Decodable {
        struct Item: Decodable {
            let sku: String; let barcode: String?; let name: String; let category: String; let description: String
            let price: Int64?; let stock: Int64?; let variants: [Variant]?
        }
        struct Variant: Decodable { let name: String; let price: Int64; let stock: Int64 }
        struct Coupon: Decodable { let code: String; let kind: String; let value: Int64; let maxUses: Int64? }
        struct Person: Decodable {
            let phone: String; let role: String; let firstName: String; let lastName: String
            let email: String?; let address: String?; let postalCode: String?
            /// The account's language; the demo's own when absent.
            let language: Language?
        }
        struct PastOrder: Decodable {
            let customer: String; let items: [[Line]]; let paymentMethod: String; let status: String; let daysAgo: Int64
        }
        enum Line: Decodable {
            case text(String), number(Int64), none
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if c.decodeNil() { self = .none } else if let n = try? c.decode(Int64.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
            }
        }
        let storeName: String; let currency: String
        /// Written as the address of orders for pick-up.
        let pickupAddress: String?
        /// Local phone forms (`0912…`) in this demo are read with this country code.
        let defaultCountry: String?
        let products: [Item]; let coupons: [Coupon]; let people: [Person]; let orders: [PastOrder]
    }

    /// The demo accounts, for sign-in hints: (phone, role, name).
    public static func people(language: Language = .en) throws -> [(phone: String, role: Role, name: String)] {
        try load(language).people.map { ($0.phone, Role(rawValue: $0.role) ?? .customer, "\($0.firstName) \($0.lastName)") }
    }

    /// The demo's currency, to open the demo shop with.
    public static func currency(language: Language = .en) throws -> Currency { try Currency.parse(try load(language).currency) }

    /// The country code the demo's people and local phone forms use (`+98` in Persian), if any.
    public static func defaultCountry(language: Language = .en) throws -> String? { try load(language).defaultCountry }

    static func load(_ language: Language = .en) throws -> Catalog {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Catalog.self, from: try Assets.data(language == .en ? "demo-catalog.json" : "demo-catalog-\(language.rawValue).json"))
    }

    /// True when the database has no products, users or orders (safe to fill).
    public static func isEmpty(_ shop: Shop) throws -> Bool {
        try shop.store.read(isEmpty)
    }

    static func isEmpty(_ db: Connection) throws -> Bool {
        (try db.scalarInt("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM products) + (SELECT count(*) FROM orders)") ?? 0) == 0
    }

    /// Fills `shop`, which must be empty, with the demo store in `language`.
    public static func seed(_ shop: Shop, language: Language = .en) throws {
        guard try isEmpty(shop) else { throw ShopError(.conflict, "not_empty", "The demo store goes only into an empty database") }
        let catalog = try load(language)
        for person in catalog.people {
            let (user, _) = try shop.admin.localSetRole(phone: person.phone, role: Role(rawValue: person.role) ?? .customer)
            try shop.store.write { db in
                try db.run("UPDATE users SET first_name = ?, last_name = ?, email = ?, address = ?, postal_code = ?, language = ?, auth_status = 'VERIFIED' WHERE id = ?",
                           arguments: [person.firstName, person.lastName, person.email, person.address ?? "", person.postalCode ?? "",
                                       (person.language ?? language).rawValue, user.id])
            }
        }
        let admin = try shop.admin.localSignIn(phone: catalog.people.first { $0.role == "admin" }!.phone).caller
        var products: [String: Product] = [:]
        for item in catalog.products {
            products[item.sku] = try shop.catalog.create(ProductDraft(
                sku: item.sku, barcode: item.barcode, name: item.name, description: item.description, category: item.category,
                price: item.price, stock: item.stock, variants: item.variants?.map { VariantDraft(name: $0.name, price: $0.price, stock: $0.stock) }), caller: admin)
        }
        for coupon in catalog.coupons {
            _ = try shop.orders.createCoupon(code: coupon.code, kind: .init(rawValue: coupon.kind) ?? .percent, value: coupon.value, maxUses: coupon.maxUses, caller: admin)
        }
        let now = shop.context.now
        for past in catalog.orders {
            let customer = try shop.admin.localSignIn(phone: past.customer)
            let items: [OrderRequest.Item] = past.items.compactMap { line in
                guard line.count == 3, case .text(let sku) = line[0], case .number(let quantity) = line[2], let product = products[sku] else { return nil }
                var variant: Int64?
                if case .text(let name) = line[1] { variant = product.variants.first { $0.name == name }?.id }
                return OrderRequest.Item(productID: product.id, variantID: variant, quantity: quantity)
            }
            let user = customer.user
            let contact = Contact(firstName: user.firstName, lastName: user.lastName, phone: user.phone ?? "", email: user.email ?? "",
                                  address: user.address.isEmpty ? catalog.pickupAddress ?? "Pick up at the shop" : user.address, postalCode: user.postalCode)
            let order = try shop.orders.create(OrderRequest(items: items, contact: contact, paymentMethod: PaymentMethod(rawValue: past.paymentMethod) ?? .card), caller: customer.caller)
            let status = OrderStatus(rawValue: past.status) ?? .pending
            if [.paid, .sent, .delivered].contains(status) && order.paymentMethod != .cashOnDelivery {
                _ = try shop.payments.create(orderID: order.id, amount: order.total, method: order.paymentMethod, completed: true, caller: admin)
            }
            if status == .sent || status == .delivered { _ = try shop.orders.updateStatus(id: order.id, to: .sent, caller: admin) }
            if status == .delivered { _ = try shop.orders.updateStatus(id: order.id, to: .delivered, caller: admin) }
            if status == .cancelled { _ = try shop.orders.cancel(id: order.id, caller: customer.caller) }
            // Unpaid online orders expire (`--unpaid-expiry`): a pending one is placed just now, so a
            // demo can still pay it.
            let when = status == .pending ? now : now - past.daysAgo * 86_400 - 3_600
            try shop.store.write { db in
                try db.run("UPDATE orders SET created_at = ?, updated_at = ? WHERE id = ?", when, when, order.id)
                try db.run("UPDATE order_status_history SET at = ? WHERE order_id = ? AND status = 'pending'", when, order.id)
                try db.run("UPDATE payments SET created_at = ? WHERE order_id = ?", when, order.id)
            }
            try shop.accounts.signOut(caller: customer.caller)
        }
        try shop.accounts.signOut(caller: admin)
        try shop.store.write { db in
            try StoreSettings.set(db, .storeName, catalog.storeName)
            try db.run("DELETE FROM rate_events")
        }
    }
}
