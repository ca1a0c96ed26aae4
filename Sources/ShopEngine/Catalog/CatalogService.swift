/// The catalog: browsing and search for everyone; create, edit, archive, photos and stock for staff.
public struct CatalogService: Sendable {
    let context: EngineContext
    init(_ context: EngineContext) { self.context = context }

    static let maxPrice = Money.maxPrice // keeps quantity × price far from overflow
    static let maxStock = Money.maxStock
    /// Below this many search matches, reading and sorting them all beats walking a sorted index.
    static let searchDriveLimit: Int64 = 4_000

    // MARK: - Browsing

    /// A page of products for sale; with `includeInactive` (staff only, by their role now:
    /// refused for anyone else) inactive and archived ones too.
    public func list(_ query: ProductQuery, caller: Caller) throws -> ProductPage {
        let limit = try Pagination.limit(query.limit)
        let cursor = try query.cursor.map { try Pagination.decode($0) }
        if let min = query.minPrice, let max = query.maxPrice, min > max {
            throw ShopError.invalid("invalid_price_range", "min_price is above max_price", field: "min_price")
        }
        // Read before the transaction, so a count kept at this version is never newer than what
        // the transaction sees (a count only chooses a plan: see SearchMatchCounts).
        let counts = try query.text != nil && context.store.dialect == .sqlite
            ? SearchMatchCounts.Snapshot(counts: context.matchCounts, version: context.store.changeCounter()) : nil
        return try context.store.read { db in
            if query.includeInactive { _ = try context.requireStaff(caller, db) }
            let search = try query.text.flatMap { try SearchTerms.search($0, db) }
            let (filter, order) = Self.browse(query, after: cursor)
            let rows = try search.map {
                try Self.searchPage(db, search: $0.within(category: query.category), filter: filter, order: order, sort: query.sort, after: cursor,
                                    category: query.category, count: limit + 1, matchCounts: counts)
            }
                ?? Self.page(db, filter: filter, order: order, count: limit + 1)
            let page = Array(rows.prefix(limit))
            var next: String?
            if rows.count > limit, let last = page.last {
                switch query.sort {
                case .name: next = Pagination.encode(PageCursor(id: last.id, text: last.text))
                case .price, .priceDesc: next = Pagination.encode(PageCursor(id: last.id, number: last.number))
                case .newest: next = Pagination.encodeID(last.id)
                }
            }
            return ProductPage(items: try Product.load(db, ids: page.map(\.id), currency: context.currency.code), nextCursor: next)
        }
    }

    // MARK: - Pages in sort order

    /// The conditions and order of a page for `query`, after `cursor` (the previous page's last product).
    static func browse(_ query: ProductQuery, after cursor: PageCursor?) -> (filter: SQLFilter, order: String) {
        var conditions: [String] = []
        var arguments: [SQLBindable?] = []
        if !query.includeInactive { conditions.append("p.active = 1 AND p.archived_at IS NULL") }
        if let category = query.category, !category.isEmpty { conditions.append("p.category = ?"); arguments.append(category) }
        // Sorted by price, a price range narrows the sorted index; in any other order, the
        // unary + keeps SQLite from choosing a price index and then sorting every product in
        // the range (it tests each product of the order's index instead, a page's worth).
        let price = query.sort == .price || query.sort == .priceDesc ? "p.price" : "+p.price"
        if let min = query.minPrice { conditions.append("\(price) >= ?"); arguments.append(min) }
        if let max = query.maxPrice { conditions.append("\(price) <= ?"); arguments.append(max) }
        if query.inStockOnly { conditions.append("p.stock > 0") }
        if let cursor {
            let rest = Self.after(query.sort, cursor)
            conditions.append(rest.condition)
            arguments += rest.arguments
        }
        let order = switch query.sort {
        case .name: "p.sort_name, p.id"
        case .price: "p.price, p.id"
        case .priceDesc: "p.price DESC, p.id DESC"
        case .newest: "p.id DESC"
        }
        return (SQLFilter(conditions: conditions, arguments: arguments), order)
    }

    /// The condition on `products p` for the products after `cursor` in `sort` order.
    static func after(_ sort: ProductQuery.Sort, _ cursor: PageCursor) -> (condition: String, arguments: [SQLBindable?]) {
        switch sort {
        case .name: ("(p.sort_name, p.id) > (?, ?)", [cursor.text ?? "", cursor.id])
        case .price: ("(p.price, p.id) > (?, ?)", [cursor.number ?? 0, cursor.id])
        case .priceDesc: ("(p.price, p.id) < (?, ?)", [cursor.number ?? 0, cursor.id])
        case .newest: ("p.id < ?", [cursor.id])
        }
    }

    /// Conditions on `products p` (joined with AND) and their arguments.
    struct SQLFilter {
        var conditions: [String]
        var arguments: [SQLBindable?]
        var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }

        /// This filter, and a word of the product starting with each of `words` (none: unchanged).
        func testing(words: [String], _ dialect: Dialect) -> SQLFilter {
            guard !words.isEmpty else { return self }
            var tested = self
            // " cake dark " contains " ca": a word starting with "ca".
            tested.conditions.append("EXISTS (SELECT 1 FROM product_words w WHERE w.product_id = p.id AND "
                                     + words.map { _ in dialect.textContains("w.words", "?") }.joined(separator: " AND ") + ")")
            tested.arguments += words.map { " " + $0 }
            return tested
        }
    }

    /// The first `count` products passing `filter` in `order` (their id and sort keys).
    static func page(_ db: Connection, filter: SQLFilter, order: String, count: Int) throws -> [PageCursor] {
        try db.query("SELECT p.id, p.sort_name, p.price FROM products p \(filter.whereClause) ORDER BY \(order) LIMIT ?", arguments: filter.arguments + [count], map: cursor)
    }

    /// The first `count` products passing `filter` (`category` among its conditions) and matching
    /// `search`, in `order` (`sort`, after `after`). Few matches (under `driveLimit`): walk the
    /// filter's products in order for a while (`SearchWalk`), then read every match. Many: race
    /// the ways of reading a page in sort order (`SearchRace`): the words' postings
    /// (`SearchPostings`), within a category the postings and the category word's skipping ahead
    /// to each other, newest first the search index backwards, and the walk of the filter's
    /// products testing each one's words; when each gave up within its `limits` (smaller when
    /// the count says reading every match is cheap: `Limits.within`), read every match.
    /// Always exact.
    static func searchPage(_ db: Connection, search: SearchTerms.Search, filter: SQLFilter, order: String, sort: ProductQuery.Sort, after: PageCursor?,
                           category: String?, count: Int, driveLimit: Int64 = searchDriveLimit,
                           limits: SearchRace.Limits = .standard, matchCounts: SearchMatchCounts.Snapshot? = nil) throws -> [PageCursor] {
        if db.dialect == .postgres {
            return try postgresSearchPage(db, search: search, filter: filter, order: order, sort: sort, after: after, category: category, count: count,
                                          driveLimit: driveLimit, postingBudget: limits.postings, walkWindow: Int64(limits.walk))
        }
        let matches = try SearchMatchCounts.count(db, search.expression, upTo: max(driveLimit, SearchRace.countLimit), snapshot: matchCounts)
        func readEveryMatch() throws -> [PageCursor] {
            guard matches < limits.lookUpEach else {
                // Too many to look each up: SQLite walks the order's index and tests each product
                // against the matches, which finds a page of a word in most products early.
                let driven = SQLFilter(conditions: filter.conditions + ["p.id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?)"],
                                       arguments: filter.arguments + [search.expression])
                return try page(db, filter: driven, order: order, count: count)
            }
            guard let words = search.words else { return try Self.everyMatch(db, expression: search.expression, filter: filter, order: order, count: count) }
            let (driving, tested) = try Self.drivingParts(db, search: search, words: words, common: limits.commonWord, matchCounts: matchCounts)
            return try Self.everyMatch(db, expression: driving, filter: filter.testing(words: tested, db.dialect), order: order, count: count)
        }
        guard let words = search.words else { return try readEveryMatch() }
        let limits = limits.within(matches: matches)
        var entrants: [(reader: any SearchReader, limit: Int)] = []
        if matches >= driveLimit {
            if limits.postings > 0, let postings = try SearchPostings.Reader(db, words: words, categoryWord: nil, filter: filter, sort: sort, after: after, count: count) {
                entrants.append((reader: postings, limit: limits.postings))
            }
            if limits.leapfrog > 0, let categoryWord = try category.flatMap({ try SearchTerms.longestWord($0, db) }),
               let leapfrog = try SearchPostings.Reader(db, words: words, categoryWord: categoryWord, filter: filter, sort: sort, after: after, count: count) {
                entrants.append((reader: leapfrog, limit: limits.leapfrog))
            }
            if sort == .newest {
                entrants.append((reader: SearchIndexNewest(expression: search.expression, filter: filter, after: after, count: count), limit: limits.index))
            }
        }
        // Few matches: only the walk, which finds a page in a few hundred products when they are
        // dense among the filter's (a common word within a category).
        entrants.append((reader: SearchWalk(words: words, filter: filter, order: order, sort: sort, count: count), limit: limits.walk))
        if let raced = try SearchRace.page(db, entrants, count: count) { return raced }
        return try readEveryMatch()
    }

    /// The search index expression to read every match from, and the typed words to test on each
    /// match's `product_words` instead: each word with `common` matches or more whose leaving
    /// still leaves fewer ("number ch" in Snacks: "ch" and Snacks have 5,952 in common). FTS5 reads the whole list of every word of an AND ("number" in each of a
    /// million products: ~20 ms), where testing a few thousand matches' words costs a lookup each.
    static func drivingParts(_ db: Connection, search: SearchTerms.Search, words: [String], common limit: Int64,
                             matchCounts: SearchMatchCounts.Snapshot?) throws -> (expression: String, tested: [String]) {
        var kept = Array(search.parts.indices)
        // Each common word in turn leaves the expression if what is left still has fewer matches.
        for i in words.indices where kept.count > 1 {
            guard try SearchMatchCounts.count(db, search.parts[i], upTo: limit, snapshot: matchCounts) >= limit else { continue }
            let rest = kept.filter { $0 != i }
            if try SearchMatchCounts.count(db, rest.map { search.parts[$0] }.joined(separator: " AND "), upTo: limit, snapshot: matchCounts) < limit {
                kept = rest
            }
        }
        let tested = words.indices.filter { !kept.contains($0) }.map { words[$0] }
        return (kept.map { search.parts[$0] }.joined(separator: " AND "), tested)
    }

    /// The first `count` products matching `expression` and passing `filter`, in `order`, from
    /// every match: driven from the search index (each match looked up by id, the first `count`
    /// kept while sorting), so it costs a lookup a match wherever they lie in the order. Left to
    /// itself SQLite may walk the order's index testing each product against the matches, which
    /// costs the whole filter when they come last (`searchPage` leaves it that choice only
    /// above `Limits.lookUpEach` matches).
    static func everyMatch(_ db: Connection, expression: String, filter: SQLFilter, order: String, count: Int) throws -> [PageCursor] {
        try db.query(everyMatchSQL(filter, order: order), arguments: [expression] + filter.arguments + [count], map: cursor)
    }

    /// `everyMatch`'s statement; its arguments: the expression, the filter's, the count.
    static func everyMatchSQL(_ filter: SQLFilter, order: String) -> String {
        """
        SELECT p.id, p.sort_name, p.price FROM (SELECT rowid AS id FROM products_fts WHERE products_fts MATCH ?) m CROSS JOIN products p ON p.id = m.id
        \(filter.whereClause) ORDER BY \(order) LIMIT ?
        """
    }

    private static func cursor(_ row: Row) -> PageCursor {
        PageCursor(id: row.int64("id"), text: row.string("sort_name"), number: row.int64("price"))
    }

    /// One product; inactive or archived ones only for staff (by their role now).
    public func product(id: Int64, caller: Caller) throws -> Product {
        try context.store.read { db in
            guard let product = try Product.load(db, id: id, currency: context.currency.code),
                  try product.isForSale || isStaffNow(caller, db) else { throw ShopError.notFound("Product") }
            return product
        }
    }

    /// The product with this barcode or SKU (the counter's scanner types either).
    public func product(code: String, caller: Caller) throws -> Product {
        let code = Text.foldDigits(code).trimmingCharacters(in: .whitespaces)
        return try context.store.read { db in
            guard let id = try db.scalarInt("SELECT id FROM products WHERE barcode = ? UNION ALL SELECT id FROM products WHERE sku = ? LIMIT 1", code, code),
                  let product = try Product.load(db, id: id, currency: context.currency.code),
                  try product.isForSale || isStaffNow(caller, db) else { throw ShopError(.notFound, "not_found", "No product with barcode or SKU \"\(code)\"") }
            return product
        }
    }

    public func categories(caller: Caller) throws -> [Category] {
        try context.store.read { db in
            try db.query("SELECT category, count(*) AS product_count FROM products WHERE active = 1 AND archived_at IS NULL AND category <> '' GROUP BY category ORDER BY category") {
                Category(name: $0.string("category"), productCount: $0.int("product_count"))
            }
        }
    }

    public func photo(productID: Int64, caller: Caller) throws -> Photo {
        let photo = try context.store.read { db in
            try db.first("SELECT ph.content_type, ph.bytes FROM product_photos ph JOIN products p ON p.id = ph.product_id WHERE ph.product_id = ? AND (p.active = 1 AND p.archived_at IS NULL OR ? = 1)",
                         productID, try isStaffNow(caller, db)) { Photo(contentType: $0.string("content_type"), bytes: $0.blob("bytes")) }
        }
        guard let photo else { throw ShopError.notFound("Photo") }
        return photo
    }

    /// Whether the caller may see what only staff see (inactive and archived products), by the
    /// role read now in `db`'s transaction: never `caller.role`, which is the role at sign-in and
    /// goes stale when an admin in any process changes it. Guests, customers, demoted staff, and
    /// callers whose session ended or whose account was deactivated get what customers get.
    private func isStaffNow(_ caller: Caller, _ db: Connection) throws -> Bool {
        guard caller.isSignedIn else { return false }
        do {
            _ = try context.requireStaff(caller, db)
            return true
        } catch let error as ShopError where error.kind == .unauthorized || error.kind == .forbidden {
            return false
        }
    }

    // MARK: - Staff: create, edit, archive

    /// A draft that passed `validate`: what `create` and the CSV import write.
    struct ValidProduct {
        var sku: String
        var barcode: String??
        var name: String
        var description: String
        var category: String
        var price: Int64
        var stock: Int64
        var variants: [VariantDraft]
    }

    /// The checks every new product passes, whichever way it arrives (form, API, CSV import).
    static func validate(_ draft: ProductDraft) throws -> ValidProduct {
        let sku = try validSKU(draft.sku)
        let barcode = try validBarcode(draft.barcode)
        let name = try Validate.text(draft.name, field: "name", label: "Name", required: true, max: 200)
        let description = try Validate.text(draft.description, field: "description", label: "Description", max: 5000, multiline: true)
        let category = try Validate.text(draft.category, field: "category", label: "Category", max: 100)
        let variants = try validVariants(draft.variants ?? [], creating: true)
        if variants.isEmpty && draft.price == nil { throw ShopError.invalid("missing_price", "Price is required", field: "price") }
        let price = try validPrice(draft.price ?? 0)
        let stock = try validStock(draft.stock ?? 0)
        return ValidProduct(sku: sku, barcode: barcode, name: name, description: description, category: category, price: price, stock: stock, variants: variants)
    }

    public func create(_ draft: ProductDraft, caller: Caller) throws -> Product {
        let valid = try Self.validate(draft)
        let (sku, barcode, name, description, category) = (valid.sku, valid.barcode, valid.name, valid.description, valid.category)
        let (variants, price, stock) = (valid.variants, valid.price, valid.stock)
        let now = context.now
        return try context.store.write { db in
            let staff = try context.requireStaff(caller, db)
            try Self.checkUnique(db, sku: sku, barcode: barcode, except: nil)
            let id = try db.insert("""
                INSERT INTO products(sku, barcode, name, sort_name, description, category, price, stock, active, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, arguments: [sku, barcode, name, Text.searchFold(name), description, category, price, variants.isEmpty ? stock : 0, draft.active ?? true, now, now])
            if variants.isEmpty, stock > 0 {
                try Ledger.record(db, productID: id, variantID: nil, delta: stock, reason: "initial stock", orderID: nil, userID: staff, now: now)
            }
            for (position, variant) in variants.enumerated() {
                let variantID = try db.insert("INSERT INTO product_variants(product_id, name, price, stock, position) VALUES (?, ?, ?, ?, ?) RETURNING id",
                           id, variant.name, variant.price, variant.stock ?? 0, position)
                if let stock = variant.stock, stock > 0 {
                    try Ledger.record(db, productID: id, variantID: variantID, delta: stock, reason: "initial stock", orderID: nil, userID: staff, now: now)
                }
            }
            try Self.refreshAggregates(db, productID: id)
            try Self.index(db, productID: id)
            return try Product.load(db, id: id, currency: context.currency.code)!
        }
    }

    public func update(id: Int64, _ changes: ProductChanges, caller: Caller) throws -> Product {
        let sku = try changes.sku.map { try Self.validSKU($0) }
        let barcode = try changes.barcode.map { try Self.validBarcode($0) }
        let name = try changes.name.map { try Validate.text($0, field: "name", label: "Name", required: true, max: 200) }
        let description = try changes.description.map { try Validate.text($0, field: "description", label: "Description", max: 5000, multiline: true) }
        let category = try changes.category.map { try Validate.text($0, field: "category", label: "Category", max: 100) }
        let price = try changes.price.map { try Self.validPrice($0) }
        let variants = try changes.variants.map { try Self.validVariants($0, creating: false) }
        let now = context.now
        return try context.store.write { db in
            let staff = try context.requireStaff(caller, db)
            guard try db.scalarInt("SELECT 1 FROM products WHERE id = ?", id) != nil else { throw ShopError.notFound("Product") }
            try Self.checkUnique(db, sku: sku, barcode: barcode ?? nil, except: id)
            if let sku { try db.run("UPDATE products SET sku = ? WHERE id = ?", sku, id) }
            if let barcode { try db.run("UPDATE products SET barcode = ? WHERE id = ?", barcode, id) }
            if let name { try db.run("UPDATE products SET name = ?, sort_name = ? WHERE id = ?", name, Text.searchFold(name), id) }
            if let description { try db.run("UPDATE products SET description = ? WHERE id = ?", description, id) }
            if let category { try db.run("UPDATE products SET category = ? WHERE id = ?", category, id) }
            if let price { try db.run("UPDATE products SET price = ? WHERE id = ?", price, id) }
            if let active = changes.active { try db.run("UPDATE products SET active = ?, archived_at = CASE WHEN ? = 1 THEN NULL ELSE archived_at END WHERE id = ?", active, active, id) }
            if let variants { try Self.replaceVariants(db, productID: id, with: variants, staff: staff, now: now) }
            try db.run("UPDATE products SET updated_at = ? WHERE id = ?", now, id)
            try Self.refreshAggregates(db, productID: id)
            try Self.index(db, productID: id)
            return try Product.load(db, id: id, currency: context.currency.code)!
        }
    }

    public enum Removal: String, Codable, Sendable { case deleted, archived }

    /// Deletes a product, or archives it when an order or a cart names it: order history stays
    /// whole, and a cart line is never changed silently — it stays, flagged "no longer sold"
    /// (`CartService.Line.problem`), until its customer removes it or staff restore the product
    /// (`update` with `active: true`).
    public func delete(id: Int64, caller: Caller) throws -> Removal {
        try context.store.write { db in
            _ = try context.requireStaff(caller, db)
            guard try db.scalarInt("SELECT 1 FROM products WHERE id = ?", id) != nil else { throw ShopError.notFound("Product") }
            if try db.scalarInt("SELECT 1 FROM order_items WHERE product_id = ?1 UNION ALL SELECT 1 FROM cart_items WHERE product_id = ?1 LIMIT 1", id) != nil {
                try db.run("UPDATE products SET active = 0, archived_at = ?, updated_at = ? WHERE id = ?", context.now, context.now, id)
                return .archived
            }
            try db.run("DELETE FROM stock_ledger WHERE product_id = ?", id)
            try db.run("DELETE FROM products_fts WHERE rowid = ?", id)
            try SearchPostings.remove(db, productID: id)
            try db.run("DELETE FROM product_words WHERE product_id = ?", id)
            try db.run("DELETE FROM products WHERE id = ?", id)
            return .deleted
        }
    }

    public func setPhoto(productID: Int64, bytes: [UInt8], contentType: String?, caller: Caller) throws {
        let photo = try Photo.validated(bytes, declaredType: contentType)
        try context.store.write { db in
            _ = try context.requireStaff(caller, db)
            guard try db.scalarInt("SELECT 1 FROM products WHERE id = ?", productID) != nil else { throw ShopError.notFound("Product") }
            try db.run("INSERT INTO product_photos(product_id, content_type, bytes, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(product_id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, updated_at = excluded.updated_at",
                       productID, photo.contentType, photo.bytes, context.now)
        }
    }

    // MARK: - Staff: stock

    /// Adds (or with a negative delta removes) stock, with a reason written to the ledger.
    public func adjustStock(productID: Int64, variantID: Int64? = nil, delta: Int64, reason: String, caller: Caller) throws -> Product {
        // `abs(Int64.min)` traps: compare magnitudes (unsigned) instead.
        guard delta != 0, delta.magnitude <= UInt64(Self.maxStock) else {
            throw ShopError.invalid("invalid_delta", "The change must be a non-zero whole number of at most \(Self.maxStock) units either way", field: "delta")
        }
        let reason = try Validate.text(reason, field: "reason", label: "Reason", required: true, max: 200)
        return try context.store.write { db in
            let staff = try context.requireStaff(caller, db)
            guard let product = try Product.load(db, id: productID, currency: context.currency.code) else { throw ShopError.notFound("Product") }
            if let variantID {
                // A variant of another product is a wrong field (400), not a missing resource: the product is there.
                guard product.variants.contains(where: { $0.id == variantID }) else {
                    throw ShopError.invalid("invalid_variant", "That variant does not belong to this product", field: "variant_id")
                }
            } else if !product.variants.isEmpty {
                throw ShopError.invalid("variant_required", "This product has variants: choose which one's stock to change", field: "variant_id")
            }
            let current = variantID.flatMap { id in product.variants.first { $0.id == id }?.stock } ?? product.stock
            guard try Money.sum(current, delta, field: "delta") <= Self.maxStock else {
                throw ShopError.invalid("stock_too_large", "Stock can be at most \(Self.maxStock) units (\(current) in stock)", field: "delta")
            }
            let changed = try Ledger.move(db, productID: productID, variantID: variantID, delta: delta)
            guard changed else {
                throw ShopError(.conflict, "insufficient_stock", "Stock cannot go below zero (\(product.variants.first { $0.id == variantID }?.stock ?? product.stock) in stock)")
            }
            try Ledger.record(db, productID: productID, variantID: variantID, delta: delta, reason: reason, orderID: nil, userID: staff, now: context.now)
            try db.run("UPDATE products SET updated_at = ? WHERE id = ?", context.now, productID)
            return try Product.load(db, id: productID, currency: context.currency.code)!
        }
    }

    public func stockHistory(productID: Int64, limit: Int = 50, caller: Caller) throws -> [StockMovement] {
        try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try db.query("SELECT id, product_id, variant_id, delta, reason, order_id, created_at FROM stock_ledger WHERE product_id = ? ORDER BY id DESC LIMIT ?", productID, try Pagination.limit(limit)) {
                StockMovement(id: $0.int64("id"), productId: $0.int64("product_id"), variantId: $0.optionalInt64("variant_id"), delta: $0.int64("delta"),
                              reason: $0.string("reason"), orderId: $0.optionalInt64("order_id"), createdAt: $0.int64("created_at"))
            }
        }
    }

    /// Products for sale that are running low (`Product.isLowStock`: at or below the store's
    /// `low_stock_threshold`, or with a variant that is), lowest stock first.
    public func lowStock(limit: Int = 50, caller: Caller) throws -> [Product] {
        try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try Self.lowStock(db, limit: try Pagination.limit(limit), currency: context.currency.code)
        }
    }

    static func lowStock(_ db: Connection, limit: Int, currency: String) throws -> [Product] {
        let threshold = try StoreSettings.lowStockThreshold(db)
        let ids = try db.query("""
            SELECT id FROM products p WHERE active = 1 AND archived_at IS NULL
            AND (stock <= ? OR EXISTS(SELECT 1 FROM product_variants v WHERE v.product_id = p.id AND v.stock <= ?))
            ORDER BY COALESCE((SELECT MIN(v.stock) FROM product_variants v WHERE v.product_id = p.id), stock), sort_name LIMIT ?
            """, threshold, threshold, limit) { $0.int64(0) }
        return try Product.load(db, ids: ids, currency: currency)
    }

    // MARK: - Helpers

    static func validSKU(_ raw: String) throws -> String {
        let sku = Text.trimmed(raw, newlines: false)
        guard (1...64).contains(sku.count), sku.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) else {
            throw ShopError.invalid("invalid_sku", "SKU must be 1–64 visible ASCII characters", field: "sku")
        }
        return sku
    }

    /// nil input: no barcode given; "" clears it.
    static func validBarcode(_ raw: String?) throws -> String?? {
        guard let raw else { return .none }
        let code = Text.trimmed(Text.foldDigits(raw), newlines: false)
        if code.isEmpty { return .some(nil) }
        guard (4...64).contains(code.count), code.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) else {
            throw ShopError.invalid("invalid_barcode", "Barcode must be 4–64 digits or letters", field: "barcode")
        }
        return .some(code)
    }

    static func validPrice(_ price: Int64) throws -> Int64 {
        guard price >= 0, price <= maxPrice else { throw ShopError.invalid("invalid_price", "Price must be zero or more (in minor units) and at most \(maxPrice)", field: "price") }
        return price
    }

    static func validStock(_ stock: Int64) throws -> Int64 {
        guard stock >= 0, stock <= maxStock else { throw ShopError.invalid("invalid_stock", "Stock must be zero or more and at most \(maxStock)", field: "stock") }
        return stock
    }

    static func validVariants(_ drafts: [VariantDraft], creating: Bool) throws -> [VariantDraft] {
        guard drafts.count <= 50 else { throw ShopError.invalid("too_many_variants", "At most 50 variants", field: "variants") }
        var names = Set<String>()
        return try drafts.map { draft in
            var variant = draft
            variant.name = try Validate.text(draft.name, field: "variants", label: "Variant name", required: true, max: 100)
            guard names.insert(variant.name.lowercased()).inserted else { throw ShopError.invalid("duplicate_variant", "Two variants are named \"\(variant.name)\"", field: "variants") }
            variant.price = try validPrice(draft.price)
            variant.stock = try draft.stock.map { try validStock($0) }
            if creating && draft.id != nil { throw ShopError.invalid("invalid_variants", "New products cannot name variant ids", field: "variants") }
            return variant
        }
    }

    static func checkUnique(_ db: Connection, sku: String?, barcode: String??, except id: Int64?) throws {
        if let sku, try db.scalarInt("SELECT 1 FROM products WHERE sku = ? AND id IS DISTINCT FROM ?", sku, id) != nil {
            throw ShopError(.conflict, "sku_taken", "Another product has SKU \(sku)", field: "sku")
        }
        if case .some(.some(let barcode)) = barcode, try db.scalarInt("SELECT 1 FROM products WHERE barcode = ? AND id IS DISTINCT FROM ?", barcode, id) != nil {
            throw ShopError(.conflict, "barcode_taken", "Another product has barcode \(barcode)", field: "barcode")
        }
    }

    /// Edits the variant set: named ids are updated, new names inserted, missing ones removed
    /// (refused when orders or carts reference them). Stock of existing variants changes only via the ledger.
    static func replaceVariants(_ db: Connection, productID: Int64, with drafts: [VariantDraft], staff: Int64, now: Int64) throws {
        let existing = Set(try db.query("SELECT id FROM product_variants WHERE product_id = ?", productID) { $0.int64(0) })
        let kept = Set(drafts.compactMap(\.id))
        guard kept.isSubset(of: existing) else { throw ShopError.invalid("unknown_variant", "A variant id does not belong to this product", field: "variants") }
        for removed in existing.subtracting(kept) {
            if try db.scalarInt("SELECT 1 FROM order_items WHERE variant_id = ? LIMIT 1", removed) != nil {
                throw ShopError(.conflict, "variant_in_use", "A variant with orders cannot be removed; set its stock to 0 instead", field: "variants")
            }
            // Its cart lines would go with it (ON DELETE CASCADE), and a cart line is never dropped
            // silently: the variant stays; at stock 0 those lines show "sold out".
            if try db.scalarInt("SELECT 1 FROM cart_items WHERE variant_id = ? LIMIT 1", removed) != nil {
                throw ShopError(.conflict, "variant_in_use", "A variant in a customer's cart cannot be removed; set its stock to 0 instead", field: "variants",
                                parameters: ["reason": "cart"])
            }
            try db.run("DELETE FROM stock_ledger WHERE variant_id = ?", removed)
            try db.run("DELETE FROM product_variants WHERE id = ?", removed)
        }
        // Park names first so renames that swap names do not trip the unique constraint.
        try db.run("UPDATE product_variants SET name = '~' || id WHERE product_id = ?", productID)
        for (position, draft) in drafts.enumerated() {
            if let id = draft.id {
                try db.run("UPDATE product_variants SET name = ?, price = ?, position = ? WHERE id = ?", draft.name, draft.price, position, id)
            } else {
                let variantID = try db.insert("INSERT INTO product_variants(product_id, name, price, stock, position) VALUES (?, ?, ?, ?, ?) RETURNING id", productID, draft.name, draft.price, draft.stock ?? 0, position)
                if let stock = draft.stock, stock > 0 {
                    try Ledger.record(db, productID: productID, variantID: variantID, delta: stock, reason: "initial stock", orderID: nil, userID: staff, now: now)
                }
            }
        }
    }

    /// With variants, the product row carries their lowest price and total stock (for filters and sorting).
    static func refreshAggregates(_ db: Connection, productID: Int64) throws {
        try db.run("""
            UPDATE products SET
              price = coalesce((SELECT min(price) FROM product_variants WHERE product_id = ?1), price),
              stock = coalesce((SELECT sum(stock) FROM product_variants WHERE product_id = ?1), stock)
            WHERE id = ?1
            """, productID)
    }

    /// Re-indexes a product for search: the folded text is built here and inserted once (folding
    /// in SQL's stead, so FTS sees the same folding as queries; an FTS5 UPDATE would cost a delete
    /// and an insert more, which a 100,000-product import feels).
    static func index(_ db: Connection, productID: Int64) throws {
        guard let row = try db.first("SELECT name, description, sku, category, barcode FROM products WHERE id = ?", productID, map: {
            ($0.string(0), $0.string(1), $0.string(2), $0.string(3), $0.optionalString(4))
        }) else { return }
        try index(db, productID: productID, name: row.0, description: row.1, sku: row.2, category: row.3, barcode: row.4, replacing: true)
    }

    /// The search text of a product is its name, description, SKU, category and barcode, folded.
    /// `replacing: false` for a product just inserted (no old row to remove).
    static func index(_ db: Connection, productID: Int64, name: String, description: String, sku: String, category: String, barcode: String?, replacing: Bool) throws {
        if replacing { try db.run("DELETE FROM products_fts WHERE rowid = ?", productID) }
        let text = Text.searchFold([name, description, sku, category, barcode ?? ""].joined(separator: " "))
        try db.run("INSERT INTO products_fts(rowid, search) VALUES (?, ?)", productID, text)
        try SearchTerms.index(db, productID: productID, text: text, replacing: replacing)
    }
}
