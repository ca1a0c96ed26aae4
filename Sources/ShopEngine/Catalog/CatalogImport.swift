/// What a product import did — or, with `check`, would do. Nothing is written when `problems`
/// is not empty: an import is one transaction, all or nothing.
public struct ProductImportReport: Sendable, Equatable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The file line (1-based; the header is line 1).
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Data rows read (one per product, or one per variant).
    public var rows = 0
    /// Distinct SKUs in the file.
    public var products = 0
    public var created = 0
    /// Existing products the file changed.
    public var updated = 0
    /// Existing products the file gives exactly as they are (nothing written for them).
    public var unchanged = 0
    /// Stock-ledger rows written (reason "import").
    public var stockChanges = 0
    public var problems: [Problem] = []
    /// True when the import was committed (false with `check`, or when any line is bad).
    public var written = false
}

extension CatalogService {
    /// Imports products from a CSV file's bytes (see `CatalogImport` for the columns): new SKUs are
    /// created, existing ones updated, stock set through the ledger with reason "import". One
    /// transaction: nothing is written when any line is bad, or with `check`. Staff only.
    ///
    /// ```swift
    /// let report = try shop.catalog.importProducts(csv: bytes, check: true, caller: staff)
    /// for problem in report.problems { print(problem) }   // "line 7: price \"12,5x\" is not …"
    /// ```
    public func importProducts(csv: [UInt8], check: Bool = false, caller: Caller,
                               progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> ProductImportReport {
        try CatalogImport(context: context, check: check, progress: progress).run(csv) { db in try context.requireStaff(caller, db) }
    }

    /// The same for the command line (`shop-server import products`): whoever can open the
    /// database file is trusted; ledger rows carry no user.
    public func localImportProducts(csv: [UInt8], check: Bool = false,
                                    progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> ProductImportReport {
        try CatalogImport(context: context, check: check, progress: progress).run(csv) { _ in nil }
    }
}

/// Reads a product CSV and writes it in one transaction.
///
/// Columns (header row first, any order, names case-insensitive): `sku`, `name`, `price` are
/// required; `description`, `category`, `stock`, `barcode`, `variant`, `active` are optional.
/// A product with variants takes one row per variant, sharing the SKU: `variant` names it and
/// `price`/`stock` are the variant's; the product's own cells repeat (or stay empty) on its other
/// rows. A column left out leaves that field of an existing product as it is; an empty `stock`
/// cell leaves its stock as it is (0 for a new product); an empty `barcode` cell removes it.
struct CatalogImport {
    enum Column: String, CaseIterable {
        case sku, name, description, category, price, stock, barcode, variant, active
        static let required: [Column] = [.sku, .name, .price]
    }

    let context: EngineContext
    let check: Bool
    let progress: ((Int, Int) -> Void)?

    static let ledgerReason = "import"
    /// Page cache while importing (KiB).
    static let cacheKiB = 64 * 1024

    /// Thrown inside the transaction to roll it back while still answering with the report.
    private struct RollBack: Error { let report: ProductImportReport }

    // MARK: - Parsed file

    struct Variant {
        let line: Int
        let name: String
        let price: Int64
        let stock: Int64?
    }

    struct Item {
        let line: Int
        let sku: String
        let name: String
        var description: String?
        var category: String?
        var barcode: String?
        var active: Bool?
        var price: Int64?
        var stock: Int64?
        var variants: [Variant] = []
        var valid: CatalogService.ValidProduct?
    }

    func run(_ bytes: [UInt8], authorize: (Connection) throws -> Int64?) throws -> ProductImportReport {
        try CSV.requireUTF8(bytes)
        var records = CSV.records(bytes)
        guard !records.isEmpty else { throw ShopError.invalid("empty_file", "The file is empty: it needs a header row (sku,name,price,…)") }
        let header = records.removeFirst()
        let columns = try Self.columns(header)
        var report = ProductImportReport()
        var items = parse(records, columns: columns, report: &report)
        report.rows = records.count
        records = [] // the items hold what is needed: not the file's cells too while writing
        report.products = items.count
        for index in items.indices {
            let item = items[index]
            do {
                items[index].valid = try CatalogService.validate(ProductDraft(
                    sku: item.sku, barcode: item.barcode, name: item.name, description: item.description, category: item.category,
                    price: item.price, stock: item.stock, active: item.active,
                    variants: item.variants.isEmpty ? nil : item.variants.map { VariantDraft(name: $0.name, price: $0.price, stock: $0.stock) }))
            } catch let error as ShopError {
                report.problems.append(.init(line: item.line, message: error.message))
            }
        }
        let now = context.now
        do {
            return try context.store.write { db in
                let userID = try authorize(db)
                // A large import touches many pages: a bigger page cache for this transaction keeps
                // SQLite from spilling them to the WAL before the commit.
                let sqlite = db.dialect == .sqlite
                let cache = sqlite ? try db.scalarInt("PRAGMA cache_size") ?? -2000 : 0
                if sqlite { try db.execute("PRAGMA cache_size = -\(Self.cacheKiB)") }
                defer { if sqlite { try? db.execute("PRAGMA cache_size = \(cache)") } }
                var postings = SearchPostings.Bulk()
                try SearchPostings.$deferred.withValue(true) {
                    try write(items, columns: columns, userID: userID, now: now, db: db, postings: &postings, report: &report)
                }
                report.problems.sort { $0.line < $1.line }
                guard report.problems.isEmpty, !check else { throw RollBack(report: report) }
                try postings.write(db) // nothing to report can come of it: skipped when rolling back
                report.written = true
                return report
            }
        } catch let rollBack as RollBack {
            return rollBack.report
        }
    }

    // MARK: - Reading

    /// Column positions from the header row; unknown, duplicate and missing columns are errors naming them.
    static func columns(_ header: CSV.Record) throws -> [Column: Int] {
        if let problem = header.problem { throw ShopError.invalid("invalid_header", "line \(header.line): \(problem)") }
        var columns: [Column: Int] = [:]
        var unknown: [String] = []
        for (position, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard let column = Column(rawValue: name) else { unknown.append("\"\(raw)\""); continue }
            guard columns[column] == nil else { throw ShopError.invalid("duplicate_column", "line \(header.line): column \(name) appears twice") }
            columns[column] = position
        }
        let known = Column.allCases.map(\.rawValue).joined(separator: ", ")
        if !unknown.isEmpty {
            throw ShopError.invalid("unknown_column", "line \(header.line): unknown column\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", ")) (known: \(known))")
        }
        let missing = Column.required.filter { columns[$0] == nil }.map(\.rawValue)
        if !missing.isEmpty {
            throw ShopError.invalid("missing_column", "line \(header.line): missing column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) (required: sku, name, price)")
        }
        return columns
    }

    /// Items by SKU in file order; every bad line lands in `report.problems`.
    func parse(_ records: [CSV.Record], columns: [Column: Int], report: inout ProductImportReport) -> [Item] {
        var items: [Item] = []
        var bySKU: [String: Int] = [:]           // index in items
        var firstLines: [String: Int] = [:]      // first line of each SKU, good or bad
        var skusWithVariants: Set<String> = []
        var variantLines: [String: Int] = [:]
        let currency = context.currency
        for record in records {
            func problem(_ message: String) { report.problems.append(.init(line: record.line, message: message)) }
            if let text = record.problem { problem(text); continue }
            guard record.fields.count == columns.count else {
                problem("expected \(columns.count) fields (as in the header), found \(record.fields.count)"); continue
            }
            func cell(_ column: Column) -> String? {
                guard let position = columns[column] else { return nil }
                // Spreadsheets write line breaks inside cells as CRLF; the catalog keeps LF.
                let field = record.fields[position]
                return CSV.unguardFormula(field.utf8.contains(0x0D) ? field.replacingOccurrences(of: "\r\n", with: "\n") : field)
            }
            do {
                let sku = try CatalogService.validSKU(cell(.sku) ?? "")
                let variantName = try cell(.variant).map { try Validate.text($0, field: "variant", label: "Variant name", max: 100) } ?? ""
                // Duplicates first, so a second row of a SKU is reported even when the first is bad.
                let key = sku.lowercased()
                if variantName.isEmpty {
                    if let first = firstLines[key] { throw ShopError.invalid("duplicate_sku", "duplicate SKU \(sku) (also on line \(first))") }
                } else {
                    if let first = firstLines[key], !skusWithVariants.contains(key) {
                        throw ShopError.invalid("duplicate_sku", "duplicate SKU \(sku) (line \(first) gives it without a variant)")
                    }
                    let variantKey = key + "\u{0}" + variantName.lowercased()
                    if let twin = variantLines[variantKey] { throw ShopError.invalid("duplicate_variant", "variant \"\(variantName)\" of SKU \(sku) is also on line \(twin)") }
                    variantLines[variantKey] = record.line
                    skusWithVariants.insert(key)
                }
                if firstLines[key] == nil { firstLines[key] = record.line }
                // A variant row after a SKU's first row may leave the product's cells empty, name too.
                let name = try Validate.text(cell(.name), field: "name", label: "Name", max: 200)
                if name.isEmpty && (variantName.isEmpty || bySKU[key] == nil) { throw ShopError.invalid("missing_name", "Name is required") }
                let priceText = Text.trimmed(cell(.price) ?? "")
                guard !priceText.isEmpty else { throw ShopError.invalid("missing_price", "price is empty") }
                guard let price = currency.parseAmount(priceText) else {
                    throw ShopError.invalid("invalid_price", "price \"\(priceText)\" is not an amount in \(currency.code) (like \(Self.exampleAmount(currency)))")
                }
                var stock: Int64?
                if let text = cell(.stock).map({ Text.trimmed($0) }), !text.isEmpty {
                    guard let n = Int64(Text.foldDigits(text)) else { throw ShopError.invalid("invalid_stock", "stock \"\(text)\" is not a whole number") }
                    stock = try CatalogService.validStock(n)
                }
                var active: Bool?
                if let text = cell(.active).map({ Text.trimmed($0).lowercased() }), !text.isEmpty {
                    switch text {
                    case "yes", "true", "1", "y": active = true
                    case "no", "false", "0", "n": active = false
                    default: throw ShopError.invalid("invalid_active", "active \"\(text)\" must be yes or no")
                    }
                }
                if variantName.isEmpty {
                    bySKU[key] = items.count
                    items.append(Item(line: record.line, sku: sku, name: name, description: cell(.description), category: cell(.category),
                                      barcode: cell(.barcode), active: active, price: price, stock: stock))
                    continue
                }
                let variant = Variant(line: record.line, name: variantName, price: price, stock: stock)
                guard let index = bySKU[key] else {
                    bySKU[key] = items.count
                    items.append(Item(line: record.line, sku: sku, name: name, description: cell(.description), category: cell(.category),
                                      barcode: cell(.barcode), active: active, variants: [variant]))
                    continue
                }
                let item = items[index]
                // The product's own cells repeat on each variant row, or stay empty.
                func same(_ label: String, _ mine: String?, _ first: String?) throws {
                    guard let mine, !mine.isEmpty, mine != (first ?? "") else { return }
                    throw ShopError.invalid("inconsistent_product", "\(label) differs from line \(item.line), the first row of SKU \(sku)")
                }
                try same("name", name, item.name)
                try same("description", cell(.description), item.description)
                try same("category", cell(.category), item.category)
                try same("barcode", cell(.barcode), item.barcode)
                if let active, active != (item.active ?? active) {
                    throw ShopError.invalid("inconsistent_product", "active differs from line \(item.line), the first row of SKU \(sku)")
                }
                items[index].variants.append(variant)
            } catch let error as ShopError {
                problem(error.message)
            } catch {
                problem("\(error)")
            }
        }
        return items
    }

    /// "12.50" in USD, "125000" in IRR: how prices are written in the file.
    static func exampleAmount(_ currency: Currency) -> String {
        currency.minorDigits == 0 ? "125000" : "12.5" + String(repeating: "0", count: currency.minorDigits - 1)
    }

    // MARK: - Writing

    func write(_ items: [Item], columns: [Column: Int], userID: Int64?, now: Int64, db: Connection,
               postings: inout SearchPostings.Bulk, report: inout ProductImportReport) throws {
        let hasVariantColumn = columns[.variant] != nil
        for (done, item) in items.enumerated() {
            if let progress, done % 500 == 0 { progress(done, items.count) }
            guard let valid = item.valid else { continue }
            // No savepoint per product: a failure rolls the whole transaction back anyway, and a
            // savepoint journal (a temporary file) cost ~25 writes per product. A product that fails
            // half way may leave rows that later products are checked against; the report can
            // only gain a line from that, never lose one.
            do {
                if let current = try db.first("SELECT id, name, description, category, barcode, price, stock, active, archived_at IS NOT NULL FROM products WHERE sku = ?", valid.sku, map: {
                    Current(id: $0.int64(0), name: $0.string(1), description: $0.string(2), category: $0.string(3), barcode: $0.optionalString(4),
                            price: $0.int64(5), stock: $0.int64(6), active: $0.bool(7), archived: $0.bool(8))
                }) {
                    let (changed, moves) = try update(current, item, valid, hasVariantColumn: hasVariantColumn, userID: userID, now: now, db: db, postings: &postings)
                    report.stockChanges += moves
                    if changed { report.updated += 1 } else { report.unchanged += 1 }
                } else {
                    try CatalogService.checkUnique(db, sku: nil, barcode: valid.barcode, except: nil)
                    report.stockChanges += try insert(item, valid, userID: userID, now: now, db: db, postings: &postings)
                    report.created += 1
                }
            } catch let error as ShopError {
                report.problems.append(.init(line: item.line, message: "SKU \(valid.sku): \(error.message)"))
            }
        }
        progress?(items.count, items.count)
    }

    /// A product as the database has it before the import.
    struct Current {
        let id: Int64
        let name, description, category: String
        let barcode: String?
        let price, stock: Int64
        let active, archived: Bool
    }

    /// A new product, with its stock recorded in the ledger. Returns the ledger rows written.
    private func insert(_ item: Item, _ valid: CatalogService.ValidProduct, userID: Int64?, now: Int64, db: Connection,
                        postings: inout SearchPostings.Bulk) throws -> Int {
        let stock = valid.variants.isEmpty ? valid.stock : valid.variants.reduce(Int64(0)) { $0 + ($1.stock ?? 0) } // ≤ 50 × maxStock: no overflow
        let price = valid.variants.map(\.price).min() ?? valid.price
        let id = try Self.insertRow(db, """
            INSERT INTO products(sku, barcode, name, sort_name, description, category, price, stock, active, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [valid.sku, valid.barcode ?? nil, valid.name, Text.searchFold(valid.name), valid.description, valid.category,
                  price, stock, item.active ?? true, now, now])
        postings.add(productID: id)
        var moves = 0
        if valid.variants.isEmpty {
            moves += try record(productID: id, variantID: nil, delta: stock, userID: userID, now: now, db: db)
        } else {
            for (position, variant) in valid.variants.enumerated() {
                let variantID = try Self.insertRow(db, "INSERT INTO product_variants(product_id, name, price, stock, position) VALUES (?, ?, ?, ?, ?)",
                                                   [id, variant.name, variant.price, variant.stock ?? 0, position])
                moves += try record(productID: id, variantID: variantID, delta: variant.stock ?? 0, userID: userID, now: now, db: db)
            }
        }
        try CatalogService.index(db, productID: id, name: valid.name, description: valid.description, sku: valid.sku, category: valid.category,
                                 barcode: valid.barcode ?? nil, replacing: false)
        return moves
    }

    /// An existing product: the file's columns overwrite, columns it leaves out stay as they are.
    /// Nothing is written (`updated_at` included) when the file says what the shop already has.
    /// Returns whether anything changed and the ledger rows written.
    private func update(_ current: Current, _ item: Item, _ valid: CatalogService.ValidProduct, hasVariantColumn: Bool,
                        userID: Int64?, now: Int64, db: Connection, postings: inout SearchPostings.Bulk) throws -> (Bool, Int) {
        let id = current.id
        let existing = try db.query("SELECT id, name, price, stock FROM product_variants WHERE product_id = ? ORDER BY position, id", id) {
            (id: $0.int64(0), name: $0.string(1), price: $0.int64(2), stock: $0.int64(3))
        }
        if !hasVariantColumn && !existing.isEmpty {
            throw ShopError.invalid("has_variants", "the product has variants in the shop; give them in a variant column, one row each")
        }
        let description = item.description != nil ? valid.description : current.description
        let category = item.category != nil ? valid.category : current.category
        let barcode: String? = item.barcode != nil ? (valid.barcode ?? nil) : current.barcode
        if barcode != current.barcode { try CatalogService.checkUnique(db, sku: nil, barcode: .some(barcode), except: id) }
        let price = valid.variants.isEmpty ? valid.price : current.price // with variants: refreshed from them below
        let active = item.active ?? current.active
        let archived = current.archived && item.active != true
        // By bytes: a name the file spells with other code points (a decomposed Hangul syllable)
        // is other words to the search index, though Swift's `==` takes it for the same text.
        func differs(_ a: String?, _ b: String?) -> Bool { !(a ?? "").utf8.elementsEqual((b ?? "").utf8) || (a == nil) != (b == nil) }
        let textChanged = differs(valid.name, current.name) || differs(description, current.description) || differs(category, current.category)
            || differs(barcode, current.barcode)
        var changed = textChanged || price != current.price || active != current.active || archived != current.archived
        if changed {
            try db.run("""
                UPDATE products SET name = ?, sort_name = ?, description = ?, category = ?, barcode = ?, price = ?, active = ?,
                  archived_at = CASE WHEN ? = 1 THEN archived_at ELSE NULL END WHERE id = ?
                """, arguments: [valid.name, Text.searchFold(valid.name), description, category, barcode, price, active, archived, id])
        }
        var moves = 0
        var variantsChanged = false
        if hasVariantColumn {
            let same = existing.count == valid.variants.count
                && zip(existing, valid.variants).allSatisfy { $0.name == $1.name && $0.price == $1.price }
            if !same {
                // Variants are matched by name; their stock goes through the ledger below, not replaceVariants.
                let ids = Dictionary(existing.map { ($0.name.lowercased(), $0.id) }, uniquingKeysWith: { a, _ in a })
                let drafts = valid.variants.map { VariantDraft(id: ids[$0.name.lowercased()], name: $0.name, price: $0.price, stock: nil) }
                try CatalogService.replaceVariants(db, productID: id, with: drafts, staff: userID ?? 0, now: now) // `staff` only records new variants' stock: none here
                variantsChanged = true
            }
            for variant in valid.variants {
                guard let stock = variant.stock else { continue }
                let row = same ? existing.first { $0.name == variant.name }.map { ($0.id, $0.stock) }
                    : try db.first("SELECT id, stock FROM product_variants WHERE product_id = ? AND name = ?", id, variant.name, map: { ($0.int64(0), $0.int64(1)) })
                if let row { moves += try setStock(productID: id, variantID: row.0, current: row.1, to: stock, userID: userID, now: now, db: db) }
            }
        }
        if valid.variants.isEmpty, let stock = item.stock {
            let before = variantsChanged ? try db.scalarInt("SELECT stock FROM products WHERE id = ?", id) ?? 0 : current.stock
            moves += try setStock(productID: id, variantID: nil, current: before, to: stock, userID: userID, now: now, db: db)
        }
        changed = changed || variantsChanged || moves > 0
        if variantsChanged || (moves > 0 && !valid.variants.isEmpty) { try CatalogService.refreshAggregates(db, productID: id) }
        if changed { try db.run("UPDATE products SET updated_at = ? WHERE id = ?", now, id) }
        if textChanged || price != current.price || variantsChanged { // the price (a variant's lowest) sorts searches too
            try postings.replace(db, productID: id) // before the words change
        }
        if textChanged {
            try CatalogService.index(db, productID: id, name: valid.name, description: description, sku: valid.sku, category: category, barcode: barcode, replacing: true)
        }
        return (changed, moves)
    }

    /// Runs `insert` (an `INSERT` of one row) and gives the new row's id. On SQLite without
    /// `RETURNING id`: SQLite runs a `RETURNING` through an ephemeral table each time, which made
    /// a product's insert ~2× as costly (`python3` + `sqlite3` module, 100,000 products).
    private static func insertRow(_ db: Connection, _ insert: String, _ arguments: [SQLBindable?]) throws -> Int64 {
        guard db.dialect == .sqlite else { return try db.insert(insert + " RETURNING id", arguments: arguments) }
        try db.run(insert, arguments: arguments)
        guard let id = try db.scalarInt("SELECT last_insert_rowid()") else { throw DatabaseError(code: 1, message: "no id for the row just inserted", sql: insert) }
        return id
    }

    /// A ledger row for stock a new product or variant arrives with; 1 when it wrote one.
    private func record(productID: Int64, variantID: Int64?, delta: Int64, userID: Int64?, now: Int64, db: Connection) throws -> Int {
        guard delta != 0 else { return 0 }
        try Ledger.record(db, productID: productID, variantID: variantID, delta: delta, reason: Self.ledgerReason, orderID: nil, userID: userID, now: now)
        return 1
    }

    /// Moves stock from `current` to `target` through the ledger (reason "import"); 1 when it wrote a row.
    private func setStock(productID: Int64, variantID: Int64?, current: Int64, to target: Int64, userID: Int64?, now: Int64, db: Connection) throws -> Int {
        let delta = target - current // both within 0…maxStock: no overflow
        guard delta != 0 else { return 0 }
        guard try Ledger.move(db, productID: productID, variantID: variantID, delta: delta) else {
            throw ShopError(.conflict, "stock_changed", "the stock changed while importing; try again")
        }
        try Ledger.record(db, productID: productID, variantID: variantID, delta: delta, reason: Self.ledgerReason, orderID: nil, userID: userID, now: now)
        return 1
    }
}
