/// A signed-in customer's cart, kept in the database (it survives a dropped SSH session).
public struct CartService: Sendable {
    let context: EngineContext
    init(_ context: EngineContext) { self.context = context }

    public static let maxQuantity: Int64 = 999

    public struct Line: Codable, Sendable, Equatable {
        public let id: Int64
        public let productId: Int64
        public let variantId: Int64?
        public let name: String
        public let variantName: String?
        public let sku: String
        public let quantity: Int64
        public let unitPrice: Int64
        public let lineTotal: Int64
        /// Units in stock now. A line is never changed silently: when stock ran short it is flagged.
        public let available: Int64
        /// nil when the line can be bought as is; else `out_of_stock`, `short_stock` or `unavailable`
        /// (no longer sold: the product was archived or deactivated, or it now has variants and the
        /// line names none). An `unavailable` line stays until the customer removes it; checkout and
        /// quantity changes refuse it by name.
        public let problem: String?
    }

    public struct Cart: Codable, Sendable, Equatable {
        public let items: [Line]
        public let total: Int64
        public let currency: String
        public let itemCount: Int64
        public var canCheckout: Bool { !items.isEmpty && items.allSatisfy { $0.problem == nil } }
    }

    public func cart(caller: Caller) throws -> Cart {
        try context.store.read { db in
            let user = try context.requireUser(caller, db)
            return try load(db, userID: user.id)
        }
    }

    /// Adds `quantity` of a product (or variant); the same item again adds to its line.
    public func add(productID: Int64, variantID: Int64? = nil, quantity: Int64, caller: Caller) throws -> Cart {
        try Self.checkQuantity(quantity)
        return try context.store.write { db in
            let user = try context.requireUser(caller, db)
            let stock = try Self.purchasable(db, productID: productID, variantID: variantID)
            let existing = try db.first("SELECT id, quantity FROM cart_items WHERE user_id = ? AND product_id = ? AND variant_id IS NOT DISTINCT FROM ?", user.id, productID, variantID) { ($0.int64("id"), $0.int64("quantity")) }
            let newQuantity = (existing?.1 ?? 0) + quantity
            guard newQuantity <= Self.maxQuantity else {
                throw ShopError.invalid("invalid_quantity", "At most \(Self.maxQuantity) of one item per order", field: "quantity")
            }
            try Self.checkStock(stock, wanted: newQuantity)
            if let existing {
                try db.run("UPDATE cart_items SET quantity = ? WHERE id = ?", newQuantity, existing.0)
            } else {
                // The cart becomes one order, so it holds no more lines than an order may.
                guard (try db.scalarInt("SELECT count(*) FROM cart_items WHERE user_id = ?", user.id) ?? 0) < Money.maxLines else {
                    throw ShopError.invalid("too_many_items", "At most \(Money.maxLines) different items in a cart", field: "items")
                }
                try db.run("INSERT INTO cart_items(user_id, product_id, variant_id, quantity, added_at) VALUES (?, ?, ?, ?, ?)", user.id, productID, variantID, quantity, context.now)
            }
            return try load(db, userID: user.id)
        }
    }

    /// Changes a line's quantity and/or variant. Choosing a variant already in the cart merges the lines.
    public func update(lineID: Int64, quantity: Int64? = nil, variantID: Int64? = nil, caller: Caller) throws -> Cart {
        if let quantity { try Self.checkQuantity(quantity) }
        return try context.store.write { db in
            let user = try context.requireUser(caller, db)
            guard let line = try db.first("SELECT product_id, variant_id, quantity FROM cart_items WHERE id = ? AND user_id = ?", lineID, user.id,
                                          map: { (product: $0.int64("product_id"), variant: $0.optionalInt64("variant_id"), quantity: $0.int64("quantity")) }) else {
                throw ShopError.notFound("Cart line")
            }
            let targetVariant = variantID ?? line.variant
            var targetQuantity = quantity ?? line.quantity
            let stock = try Self.purchasable(db, productID: line.product, variantID: targetVariant, inCart: true)
            if targetVariant != line.variant,
               let twin = try db.first("SELECT id, quantity FROM cart_items WHERE user_id = ? AND product_id = ? AND variant_id IS NOT DISTINCT FROM ?", user.id, line.product, targetVariant, map: { ($0.int64("id"), $0.int64("quantity")) }) {
                targetQuantity += twin.1
                try db.run("DELETE FROM cart_items WHERE id = ?", twin.0)
            }
            guard targetQuantity <= Self.maxQuantity else { throw ShopError.invalid("invalid_quantity", "At most \(Self.maxQuantity) of one item per order", field: "quantity") }
            try Self.checkStock(stock, wanted: targetQuantity)
            try db.run("UPDATE cart_items SET variant_id = ?, quantity = ? WHERE id = ?", targetVariant, targetQuantity, lineID)
            return try load(db, userID: user.id)
        }
    }

    public func remove(lineID: Int64, caller: Caller) throws -> Cart {
        try context.store.write { db in
            let user = try context.requireUser(caller, db)
            guard try db.run("DELETE FROM cart_items WHERE id = ? AND user_id = ?", lineID, user.id) == 1 else { throw ShopError.notFound("Cart line") }
            return try load(db, userID: user.id)
        }
    }

    public func clear(caller: Caller) throws {
        try context.store.write { db in
            let user = try context.requireUser(caller, db)
            try db.run("DELETE FROM cart_items WHERE user_id = ?", user.id)
        }
    }

    // MARK: - Helpers

    func load(_ db: Connection, userID: Int64) throws -> Cart {
        let lines = try db.query("""
            SELECT c.id, c.product_id, c.variant_id, p.name, v.name AS variant_name, p.sku, c.quantity,
                   coalesce(v.price, p.price) AS unit_price, coalesce(v.stock, p.stock) AS available,
                   p.active = 1 AND p.archived_at IS NULL
                     AND (c.variant_id IS NOT NULL OR NOT EXISTS(SELECT 1 FROM product_variants x WHERE x.product_id = p.id)) AS purchasable
            FROM cart_items c JOIN products p ON p.id = c.product_id
            LEFT JOIN product_variants v ON v.id = c.variant_id
            WHERE c.user_id = ? ORDER BY c.id
            """, userID) { row throws -> Line in
            let quantity = row.int64("quantity"), price = row.int64("unit_price"), stock = row.int64("available")
            let problem: String? = !row.bool("purchasable") ? ShopError.Code.unavailable : stock == 0 ? ShopError.Code.outOfStock : stock < quantity ? ShopError.Code.shortStock : nil
            let name = row.string("name"), variantName = row.optionalString("variant_name")
            return Line(id: row.int64("id"), productId: row.int64("product_id"), variantId: row.optionalInt64("variant_id"),
                        name: variantName.map { "\(name) (\($0))" } ?? name,
                        variantName: variantName, sku: row.string("sku"), quantity: quantity, unitPrice: price,
                        lineTotal: try Money.product(price, quantity, field: "quantity"), available: stock, problem: problem)
        }
        return Cart(items: lines, total: try Money.sum(lines.lazy.map(\.lineTotal), field: "items"), currency: context.currency.code,
                    itemCount: try Money.sum(lines.lazy.map(\.quantity), field: "items"))
    }

    static func checkQuantity(_ quantity: Int64) throws {
        guard (1...maxQuantity).contains(quantity) else {
            throw ShopError.invalid("invalid_quantity", "Quantity must be between 1 and \(maxQuantity)", field: "quantity")
        }
    }

    static func checkStock(_ stock: (name: String, stock: Int64), wanted: Int64) throws {
        guard wanted <= stock.stock else {
            throw ShopError(.conflict, "out_of_stock", stock.stock == 0 ? "\(stock.name) is out of stock" : "Only \(stock.stock) left of \(stock.name)", field: "quantity",
                            parameters: ShopError.stockParameters(name: stock.name, left: stock.stock))
        }
    }

    /// The product (or variant) if it can be bought: for sale, variant of this product, variant
    /// chosen when the product has variants. Returns its display name and stock. `inCart`: the
    /// item is a line of the caller's cart, which they see, so a product no longer for sale is
    /// refused by name (409 `unavailable`) rather than as "not found".
    static func purchasable(_ db: Connection, productID: Int64, variantID: Int64?, inCart: Bool = false) throws -> (name: String, stock: Int64) {
        guard let product = try db.first("SELECT name, stock, active = 1 AND archived_at IS NULL AS for_sale, EXISTS(SELECT 1 FROM product_variants WHERE product_id = ?1) AS has_variants FROM products WHERE id = ?1", productID,
                                         map: { (name: $0.string("name"), stock: $0.int64("stock"), forSale: $0.bool("for_sale"), hasVariants: $0.bool("has_variants")) })
        else { throw ShopError.notFound("Product") }
        let variant = try variantID.flatMap { id in
            try db.first("SELECT name, stock FROM product_variants WHERE id = ? AND product_id = ?", id, productID, map: { (name: $0.string("name"), stock: $0.int64("stock")) })
        }
        let name = variant.map { "\(product.name) (\($0.name))" } ?? product.name
        guard product.forSale else { throw inCart ? Self.noLongerSold([name], field: nil) : ShopError.notFound("Product") }
        if variantID != nil {
            guard let variant else {
                // A field of the request is wrong, not the resource it is sent to: 400, not 404.
                throw ShopError.invalid("invalid_variant", "That variant does not belong to this product", field: "variant_id")
            }
            return (name, variant.stock)
        }
        guard !product.hasVariants else {
            throw ShopError.invalid("variant_required", "Choose a variant of \(product.name)", field: "variant_id")
        }
        return (name, product.stock)
    }

    /// Refuses a cart whose lines the shop no longer sells (`problem == unavailable`), naming them
    /// all: the customer removes them (they are never dropped silently) and orders the rest.
    static func refuseNoLongerSold(_ cart: Cart) throws {
        let names = cart.items.filter { $0.problem == ShopError.Code.unavailable }.map(\.name)
        if !names.isEmpty { throw noLongerSold(names) }
    }

    /// 409 `unavailable` naming the lines, e.g. "Chocolate cake (1 kg) is no longer sold: remove it from your cart".
    static func noLongerSold(_ names: [String], field: String? = "items") -> ShopError {
        let listed = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
        let message = names.count == 1 ? "\(listed) is no longer sold: remove it from your cart" : "\(listed) are no longer sold: remove them from your cart"
        return ShopError(.conflict, ShopError.Code.unavailable, message, field: field,
                         parameters: ["reason": "cart_line", "name": names.joined(separator: ", ")])
    }
}
