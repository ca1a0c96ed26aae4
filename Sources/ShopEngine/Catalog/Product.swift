/// A product as customers and staff see it. Prices are minor units of `currency`.
/// With variants, `price` is the lowest variant price and `stock` the sum of variant stock.
public struct Product: Codable, Sendable, Equatable {
    public let id: Int64
    public var sku: String
    public var barcode: String?
    public var name: String
    public var description: String
    public var category: String
    public var price: Int64
    public var currency: String
    public var stock: Int64
    public var active: Bool
    public var archived: Bool
    public var hasPhoto: Bool
    public var variants: [Variant]
    public var createdAt: Int64
    public var updatedAt: Int64

    public struct Variant: Codable, Sendable, Equatable {
        public let id: Int64
        public var name: String
        public var price: Int64
        public var stock: Int64
    }

    /// The columns `init(row:)` reads by name; select them from `products p`.
    static let columns = """
        p.id, p.sku, p.barcode, p.name, p.description, p.category, p.price, p.stock, p.active,
        p.archived_at IS NOT NULL AS archived, EXISTS(SELECT 1 FROM product_photos ph WHERE ph.product_id = p.id) AS has_photo,
        p.created_at, p.updated_at
        """

    init(row: Row, currency: String, lowStockThreshold: Int64) {
        id = row.int64("id"); sku = row.string("sku"); barcode = row.optionalString("barcode"); name = row.string("name")
        description = row.string("description"); category = row.string("category"); price = row.int64("price"); stock = row.int64("stock")
        active = row.bool("active"); archived = row.bool("archived"); hasPhoto = row.bool("has_photo")
        createdAt = row.int64("created_at"); updatedAt = row.int64("updated_at")
        self.currency = currency
        self.lowStockThreshold = lowStockThreshold
        variants = []
    }

    /// Products by id with their variants, in the order of `ids`.
    static func load(_ db: Connection, ids: [Int64], currency: String) throws -> [Product] {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        var byID: [Int64: Product] = [:]
        let threshold = try StoreSettings.lowStockThreshold(db)
        try db.forEach("SELECT \(columns) FROM products p WHERE p.id IN (\(marks))", arguments: ids) {
            let product = Product(row: $0, currency: currency, lowStockThreshold: threshold)
            byID[product.id] = product
        }
        try db.forEach("SELECT product_id, id, name, price, stock FROM product_variants WHERE product_id IN (\(marks)) ORDER BY product_id, position, id", arguments: ids) {
            byID[$0.int64("product_id")]?.variants.append(Variant(id: $0.int64("id"), name: $0.string("name"), price: $0.int64("price"), stock: $0.int64("stock")))
        }
        return ids.compactMap { byID[$0] }
    }

    static func load(_ db: Connection, id: Int64, currency: String) throws -> Product? {
        try load(db, ids: [id], currency: currency).first
    }

    /// True when customers may see and buy it.
    public var isForSale: Bool { active && !archived }

    /// The shop's "low stock" line when the product was read (setting `low_stock_threshold`,
    /// see `StoreSettings`): a count at or below it is running low.
    public var lowStockThreshold: Int64

    /// What is running low, one entry per thing a shelf holds: the product itself, or each of
    /// its variants that is low ("Carrot cake (1 kg)", 0), lowest first.
    public var lowStockEntries: [(name: String, stock: Int64)] {
        if variants.isEmpty { return isLow(stock: stock) ? [(name, stock)] : [] }
        return variants.filter { isLow(stock: $0.stock) }.sorted { $0.stock < $1.stock }.map { ("\(name) (\($0.name))", $0.stock) }
    }

    /// Whether `units` (this product's or one variant's stock) is running low, sold out included.
    public func isLow(stock units: Int64) -> Bool { units <= lowStockThreshold }

    /// For sale and running low: its stock, or with variants any variant's, is at or below the
    /// threshold. The staff product list and the dashboard flag these.
    public var isLowStock: Bool {
        isForSale && (variants.isEmpty ? isLow(stock: stock) : variants.contains { isLow(stock: $0.stock) })
    }
}

/// What staff enter to create a product.
public struct ProductDraft: Codable, Sendable {
    public var sku: String
    public var barcode: String?
    public var name: String
    public var description: String?
    public var category: String?
    public var price: Int64?
    public var stock: Int64?
    public var active: Bool?
    public var variants: [VariantDraft]?

    public init(sku: String, barcode: String? = nil, name: String, description: String? = nil, category: String? = nil,
                price: Int64? = nil, stock: Int64? = nil, active: Bool? = nil, variants: [VariantDraft]? = nil) {
        self.sku = sku; self.barcode = barcode; self.name = name; self.description = description
        self.category = category; self.price = price; self.stock = stock; self.active = active; self.variants = variants
    }
}

/// A variant in a create or edit form; `id` names an existing variant when editing.
public struct VariantDraft: Codable, Sendable {
    public var id: Int64?
    public var name: String
    public var price: Int64
    public var stock: Int64?
    public init(id: Int64? = nil, name: String, price: Int64, stock: Int64? = nil) {
        self.id = id; self.name = name; self.price = price; self.stock = stock
    }
}

/// Fields to change; nil leaves a field as it is. An empty `barcode` removes it.
/// Stock is changed only through `adjustStock` (with a reason, into the ledger) — except for
/// new variants, which start with their own stock.
public struct ProductChanges: Codable, Sendable {
    public var sku: String?
    public var barcode: String?
    public var name: String?
    public var description: String?
    public var category: String?
    public var price: Int64?
    public var active: Bool?
    public var variants: [VariantDraft]?
    public init(sku: String? = nil, barcode: String? = nil, name: String? = nil, description: String? = nil,
                category: String? = nil, price: Int64? = nil, active: Bool? = nil, variants: [VariantDraft]? = nil) {
        self.sku = sku; self.barcode = barcode; self.name = name; self.description = description
        self.category = category; self.price = price; self.active = active; self.variants = variants
    }
}

public struct ProductPage: Codable, Sendable {
    public let items: [Product]
    public let nextCursor: String?
}

public struct Category: Codable, Sendable, Equatable {
    public let name: String
    public let productCount: Int
}

/// Search, filters and order for the product list.
public struct ProductQuery: Sendable {
    public enum Sort: String, Sendable, CaseIterable { case name, price, priceDesc = "price_desc", newest }
    public var text: String?
    public var category: String?
    public var minPrice: Int64?
    public var maxPrice: Int64?
    public var inStockOnly: Bool
    public var sort: Sort
    public var limit: Int
    public var cursor: String?
    /// Staff only: include inactive and archived products.
    public var includeInactive: Bool

    public init(text: String? = nil, category: String? = nil, minPrice: Int64? = nil, maxPrice: Int64? = nil,
                inStockOnly: Bool = false, sort: Sort = .name, limit: Int = 20, cursor: String? = nil, includeInactive: Bool = false) {
        self.text = text; self.category = category; self.minPrice = minPrice; self.maxPrice = maxPrice
        self.inStockOnly = inStockOnly; self.sort = sort; self.limit = limit; self.cursor = cursor; self.includeInactive = includeInactive
    }
}

/// One row of the stock ledger.
public struct StockMovement: Codable, Sendable, Equatable {
    public let id: Int64
    public let productId: Int64
    public let variantId: Int64?
    public let delta: Int64
    public let reason: String
    public let orderId: Int64?
    public let createdAt: Int64
}
