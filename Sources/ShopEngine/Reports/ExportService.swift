import Foundation

/// What to export: which records, in which format, from when.
public struct ExportRequest: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case products, orders, customers, payments }
    public enum Format: String, Sendable, CaseIterable { case csv, json }

    public var kind: Kind
    public var format: Format
    /// Only records from this Unix time on (orders, payments, customers: created; products: updated).
    public var since: Int64?
    /// Only records before this Unix time.
    public var until: Int64?
    /// CSV for Excel: starts with a UTF-8 byte-order mark, so Persian text opens right.
    public var excel: Bool

    public init(kind: Kind, format: Format = .csv, since: Int64? = nil, until: Int64? = nil, excel: Bool = false) {
        self.kind = kind; self.format = format; self.since = since; self.until = until; self.excel = excel
    }

    /// `2026-11-21` (the shop's local midnight) or `2026-11-21T14:30:00Z` (UTC) as Unix time.
    public static func parseDate(_ text: String) throws -> Int64 {
        if let day = CivilDate(text) { return day.startLocal }
        let parts = text.split(separator: "T")
        if parts.count == 2, let day = CivilDate(String(parts[0])), parts[1].hasSuffix("Z") {
            let clock = parts[1].dropLast().split(separator: ":").map { Int($0) }
            if clock.count == 3, let h = clock[0], let m = clock[1], let s = clock[2], (0..<24).contains(h), (0..<60).contains(m), (0..<61).contains(s) {
                return day.startUTC + Int64(h * 3600 + m * 60 + s)
            }
        }
        throw ShopError.invalid("invalid_date", "Dates look like 2026-11-21 or 2026-11-21T14:30:00Z, got \"\(text)\"", field: "since")
    }
}

/// What an export wrote.
public struct ExportSummary: Sendable, Equatable {
    /// Records written: products, orders, customers or payments (not CSV lines).
    public let records: Int
    public let bytes: Int
}

/// Streams products, orders (with their lines and payments), customers and payments as CSV or
/// JSON lines: rows are written as the statement steps, so memory stays flat at a million rows.
///
/// CSV is RFC 4180 with CRLF line ends, amounts in major units with the currency's digits
/// (`12.50`, `125000`), dates in ISO 8601 UTC (`2026-11-21T14:30:00Z`); orders take one row per
/// order line with the order's columns repeated. JSON is one object per line, shaped like the
/// API's (amounts in minor units, as there).
///
/// ```swift
/// try shop.exports.writeFile(ExportRequest(kind: .orders, since: day), to: "orders.csv", caller: staff)
/// ```
public struct ExportService: Sendable {
    let context: EngineContext
    init(_ context: EngineContext) { self.context = context }

    public typealias Output = (UnsafeRawBufferPointer) throws -> Void

    /// Writes the export through `output` in chunks. Staff; customers need an admin.
    public func write(_ request: ExportRequest, caller: Caller, to output: Output) throws -> ExportSummary {
        try run(request, output: output) { db in
            if request.kind == .customers { _ = try context.requireAdmin(caller, db) } else { _ = try context.requireStaff(caller, db) }
        }
    }

    /// The same for the command line (`shop-server export`): whoever can open the database file is trusted.
    public func localWrite(_ request: ExportRequest, to output: Output) throws -> ExportSummary {
        try run(request, output: output) { _ in }
    }

    /// Writes the export to `path` atomically (a temporary file renamed when complete, mode 0600).
    public func writeFile(_ request: ExportRequest, to path: String, caller: Caller) throws -> ExportSummary {
        try AtomicFile.write(path) { try write(request, caller: caller, to: $0) }
    }

    public func localWriteFile(_ request: ExportRequest, to path: String) throws -> ExportSummary {
        try AtomicFile.write(path) { try localWrite(request, to: $0) }
    }

    private func run(_ request: ExportRequest, output: Output, authorize: (Connection) throws -> Void) throws -> ExportSummary {
        if let since = request.since, let until = request.until, since >= until {
            throw ShopError.invalid("invalid_date_range", "The start of the export is not before its end", field: "since")
        }
        // The writer keeps `output` only while this call runs.
        return try withoutActuallyEscaping(output) { output in
            var writer = ExportWriter(format: request.format, currency: context.currency, output: output)
            if request.excel && request.format == .csv { writer.buffer.append(contentsOf: CSV.bom) }
            // One read transaction: a consistent snapshot however long the export takes.
            let records = try context.store.read { db in
                try authorize(db)
                switch request.kind {
                case .products: return try ExportQueries.products(db, request, &writer)
                case .orders: return try ExportQueries.orders(db, request, &writer)
                case .customers: return try ExportQueries.customers(db, request, &writer)
                case .payments: return try ExportQueries.payments(db, request, &writer)
                }
            }
            try writer.flush()
            return ExportSummary(records: records, bytes: writer.written)
        }
    }
}

extension Shop {
    public var exports: ExportService { ExportService(context) }
}

// MARK: - Queries

enum ExportQueries {
    /// `created_at` (or another column) within the request's range, as SQL and arguments.
    static func range(_ column: String, _ request: ExportRequest) -> (sql: String, arguments: [SQLBindable?]) {
        ("\(column) >= ? AND \(column) < ?", [request.since ?? Int64.min, request.until ?? Int64.max])
    }

    static let productColumns = ["sku", "name", "description", "category", "price", "stock", "barcode", "variant", "active"]

    /// Products in the import's columns (one row per variant), so an export imports back as is.
    static func products(_ db: Connection, _ request: ExportRequest, _ w: inout ExportWriter) throws -> Int {
        let (condition, arguments) = range("+p.updated_at", request)
        if request.format == .csv { w.header(productColumns) }
        var count = 0
        var current: (id: Int64, fields: [ExportWriter.Field])?
        var variants: [[ExportWriter.Field]] = []
        func finishJSON() throws {
            guard let product = current else { return }
            w.object(product.fields + [("variants", .raw(w.array(variants)))])
            try w.flushIfFull()
        }
        try db.forEach("""
            SELECT p.id, p.sku, p.name, p.description, p.category, p.price, p.stock, p.barcode, p.active = 1 AND p.archived_at IS NULL,
                   p.created_at, p.updated_at, v.id, v.name, v.price, v.stock
            FROM products p LEFT JOIN product_variants v ON v.product_id = p.id
            WHERE \(condition) ORDER BY p.id, v.position, v.id
            """, arguments: arguments) { row in
            let id = row.int64(0)
            let hasVariant = !row.isNull(11)
            if request.format == .csv {
                if current?.id != id { count += 1; current = (id, []) }
                w.row([.text(row.string(1)), .text(row.string(2)), .text(row.string(3)), .text(row.string(4)),
                       .money(hasVariant ? row.int64(13) : row.int64(5)), .int(hasVariant ? row.int64(14) : row.int64(6)),
                       .text(row.optionalString(7) ?? ""), .text(hasVariant ? row.string(12) : ""), .bool(row.bool(8))])
                try w.flushIfFull()
                return
            }
            if current?.id != id {
                try finishJSON()
                count += 1
                variants = []
                current = (id, [("id", .int(id)), ("sku", .text(row.string(1))), ("barcode", row.isNull(7) ? .null : .text(row.string(7))),
                                ("name", .text(row.string(2))), ("description", .text(row.string(3))), ("category", .text(row.string(4))),
                                ("price", .money(row.int64(5))), ("currency", .text(w.currency.code)), ("stock", .int(row.int64(6))),
                                ("active", .bool(row.bool(8))), ("created_at", .date(row.int64(9))), ("updated_at", .date(row.int64(10)))])
            }
            if hasVariant {
                variants.append([("id", .int(row.int64(11))), ("name", .text(row.string(12))), ("price", .money(row.int64(13))), ("stock", .int(row.int64(14)))])
            }
        }
        if request.format == .json { try finishJSON() }
        return count
    }

    static let orderColumns = ["order_id", "number", "created_at", "status", "channel", "customer_id", "first_name", "last_name", "phone", "email",
                               "address", "postal_code", "delivery_date", "note", "payment_method", "coupon", "subtotal", "discount", "total",
                               "paid", "payments", "currency", "line_sku", "line_name", "product_id", "variant_id", "quantity", "unit_price", "line_total"]

    /// Orders with their lines and payments, oldest first. CSV: a row per order line, the order's
    /// columns repeated; `paid` sums completed payments and `payments` lists them all
    /// (`12.50 cash completed; 3.00 card refunded`). JSON: one order per line with `items` and `payments`.
    static func orders(_ db: Connection, _ request: ExportRequest, _ w: inout ExportWriter) throws -> Int {
        let (condition, arguments) = range("o.created_at", request)
        if request.format == .csv { w.header(orderColumns) }
        var count = 0
        var current: (id: Int64, fields: [ExportWriter.Field], payments: [(amount: Int64, method: String, status: String, id: Int64, at: Int64)])?
        var items: [[ExportWriter.Field]] = []
        func finishJSON() throws {
            guard let order = current else { return }
            let paid = order.payments.filter { $0.status == "completed" }.reduce(Int64(0)) { $0 &+ $1.amount }
            let payments = order.payments.map { p -> [ExportWriter.Field] in
                [("id", .int(p.id)), ("amount", .money(p.amount)), ("method", .text(p.method)), ("status", .text(p.status)), ("created_at", .date(p.at))]
            }
            w.object(order.fields + [("paid", .money(paid)), ("items", .raw(w.array(items))), ("payments", .raw(w.array(payments)))])
            try w.flushIfFull()
        }
        // By creation time through orders_by_created (which holds the rowid): no sort, flat memory.
        try db.forEach("""
            SELECT o.id, o.number, o.created_at, o.status, o.channel, o.user_id, o.first_name, o.last_name, o.phone, o.email,
                   o.address, o.postal_code, o.delivery_date, o.note, o.payment_method, o.coupon_code, o.subtotal, o.discount, o.total, o.currency,
                   i.sku, i.name, i.product_id, i.variant_id, i.quantity, i.unit_price
            FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
            WHERE \(condition) ORDER BY o.created_at, o.id, i.id
            """, arguments: arguments) { row in
            let id = row.int64(0)
            if current?.id != id {
                if request.format == .json { try finishJSON() }
                count += 1
                items = []
                let payments = try db.query("SELECT amount, method, status, id, created_at FROM payments WHERE order_id = ? ORDER BY id", id) {
                    (amount: $0.int64(0), method: $0.string(1), status: $0.string(2), id: $0.int64(3), at: $0.int64(4))
                }
                let customer: ExportWriter.Value = row.isNull(5) ? .null : .int(row.int64(5))
                let coupon: ExportWriter.Value = row.isNull(15) ? .null : .text(row.string(15))
                current = (id, [("id", .int(id)), ("number", .text(row.string(1))), ("created_at", .date(row.int64(2))), ("status", .text(row.string(3))),
                                ("channel", .text(row.string(4))), ("customer_id", customer), ("first_name", .text(row.string(6))),
                                ("last_name", .text(row.string(7))), ("phone", .text(row.string(8))), ("email", .text(row.string(9))),
                                ("address", .text(row.string(10))), ("postal_code", .text(row.string(11))), ("delivery_date", .text(row.string(12))),
                                ("note", .text(row.string(13))), ("payment_method", .text(row.string(14))), ("coupon", coupon),
                                ("subtotal", .money(row.int64(16))), ("discount", .money(row.int64(17))), ("total", .money(row.int64(18))),
                                ("currency", .text(row.string(19)))], payments)
            }
            let hasLine = !row.isNull(22)
            if request.format == .json {
                if hasLine {
                    items.append([("product_id", .int(row.int64(22))), ("variant_id", row.isNull(23) ? .null : .int(row.int64(23))),
                                  ("sku", .text(row.string(20))), ("name", .text(row.string(21))), ("quantity", .int(row.int64(24))),
                                  ("unit_price", .money(row.int64(25)))])
                }
                return
            }
            guard let order = current else { return }
            let paid = order.payments.filter { $0.status == "completed" }.reduce(Int64(0)) { $0 &+ $1.amount }
            let payments = order.payments.map { "\(w.currency.plain($0.amount)) \($0.method) \($0.status)" }.joined(separator: "; ")
            var cells = order.fields.map(\.value)
            cells.insert(contentsOf: [.money(paid), .text(payments)], at: 19) // before currency, as in orderColumns
            if hasLine {
                cells += [.text(row.string(20)), .text(row.string(21)), .int(row.int64(22)), row.isNull(23) ? .null : .int(row.int64(23)),
                          .int(row.int64(24)), .money(row.int64(25)), .money(Money.saturatingProduct(row.int64(25), row.int64(24)))]
            } else {
                cells += Array(repeating: .null, count: 7)
            }
            w.row(cells)
            try w.flushIfFull()
        }
        if request.format == .json { try finishJSON() }
        return count
    }

    static let customerColumns = ["id", "phone", "username", "email", "first_name", "last_name", "address", "postal_code",
                                  "email_verified", "active", "created_at", "orders", "last_order_at"]

    /// Customer accounts (role customer), never password hashes or pending identities.
    static func customers(_ db: Connection, _ request: ExportRequest, _ w: inout ExportWriter) throws -> Int {
        let (condition, arguments) = range("+u.created_at", request)
        if request.format == .csv { w.header(customerColumns) }
        var count = 0
        try db.forEach("""
            SELECT u.id, u.phone, u.username, u.email, u.first_name, u.last_name, u.address, u.postal_code, u.auth_status = 'VERIFIED' AND u.email IS NOT NULL,
                   u.active, u.created_at, (SELECT count(*) FROM orders o WHERE o.user_id = u.id), (SELECT max(o.created_at) FROM orders o WHERE o.user_id = u.id)
            FROM users u WHERE u.role = 'customer' AND \(condition) ORDER BY u.id
            """, arguments: arguments) { row in
            count += 1
            func optional(_ i: Int) -> ExportWriter.Value { row.isNull(i) ? .null : .text(row.string(i)) }
            let values: [ExportWriter.Value] = [.int(row.int64(0)), optional(1), optional(2), optional(3), .text(row.string(4)), .text(row.string(5)),
                                                .text(row.string(6)), .text(row.string(7)), .bool(row.bool(8)), .bool(row.bool(9)), .date(row.int64(10)),
                                                .int(row.int64(11)), row.isNull(12) ? .null : .date(row.int64(12))]
            if request.format == .csv { w.row(values) } else { w.object(Array(zip(customerColumns, values))) }
            try w.flushIfFull()
        }
        return count
    }

    static let paymentColumns = ["id", "order_id", "order_number", "created_at", "updated_at", "amount", "method", "status", "tendered", "currency"]

    static func payments(_ db: Connection, _ request: ExportRequest, _ w: inout ExportWriter) throws -> Int {
        let (condition, arguments) = range("p.created_at", request)
        if request.format == .csv { w.header(paymentColumns) }
        var count = 0
        try db.forEach("""
            SELECT p.id, p.order_id, o.number, p.created_at, p.updated_at, p.amount, p.method, p.status, p.tendered, o.currency
            FROM payments p JOIN orders o ON o.id = p.order_id
            WHERE \(condition) ORDER BY p.created_at, p.id
            """, arguments: arguments) { row in
            count += 1
            let values: [ExportWriter.Value] = [.int(row.int64(0)), .int(row.int64(1)), .text(row.string(2)), .date(row.int64(3)), .date(row.int64(4)),
                                                .money(row.int64(5)), .text(row.string(6)), .text(row.string(7)), row.isNull(8) ? .null : .money(row.int64(8)),
                                                .text(row.string(9))]
            if request.format == .csv { w.row(values) } else { w.object(Array(zip(paymentColumns, values))) }
            try w.flushIfFull()
        }
        return count
    }
}

// MARK: - Writing

/// Buffers output and hands it on in chunks of about 64 KiB.
struct ExportWriter {
    enum Value {
        case text(String), int(Int64), money(Int64), date(Int64), bool(Bool), null
        /// Already-encoded JSON (a nested array).
        case raw([UInt8])
    }
    typealias Field = (key: String, value: Value)

    let format: ExportRequest.Format
    let currency: Currency
    let output: ExportService.Output
    var buffer: [UInt8] = []
    private(set) var written = 0
    static let chunk = 1 << 16

    init(format: ExportRequest.Format, currency: Currency, output: @escaping ExportService.Output) {
        self.format = format; self.currency = currency; self.output = output
        buffer.reserveCapacity(Self.chunk + 4096)
    }

    mutating func flushIfFull() throws { if buffer.count >= Self.chunk { try flush() } }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try output($0) }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: CSV

    mutating func header(_ names: [String]) { row(names.map { .text($0) }) }

    /// One CSV row ending in CRLF.
    mutating func row(_ values: [Value]) {
        for (i, value) in values.enumerated() {
            if i > 0 { buffer.append(0x2C) }
            switch value {
            case .text(let s): CSV.appendField(s, to: &buffer, guardFormula: !Self.looksNumeric(s))
            case .int(let n): buffer.append(contentsOf: String(n).utf8)
            case .money(let n): buffer.append(contentsOf: currency.plain(n).utf8)
            case .date(let t): Self.appendISO(t, to: &buffer)
            case .bool(let b): buffer.append(contentsOf: (b ? "yes" : "no").utf8)
            case .null: break
            case .raw(let bytes): buffer.append(contentsOf: bytes)
            }
        }
        buffer.append(0x0D); buffer.append(0x0A)
    }

    /// `+15551234567`, `-3`: numbers and phone numbers are not formulas worth guarding against.
    static func looksNumeric(_ s: String) -> Bool {
        s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 == 0x20 }
    }

    // MARK: JSON

    /// One JSON object and a line feed.
    mutating func object(_ fields: [Field]) {
        Self.appendObject(fields, currency: currency, to: &buffer)
        buffer.append(0x0A)
    }

    func array(_ objects: [[Field]]) -> [UInt8] {
        var out: [UInt8] = [0x5B]
        for (i, fields) in objects.enumerated() {
            if i > 0 { out.append(0x2C) }
            Self.appendObject(fields, currency: currency, to: &out)
        }
        out.append(0x5D)
        return out
    }

    static func appendObject(_ fields: [Field], currency: Currency, to out: inout [UInt8]) {
        out.append(0x7B)
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(0x2C) }
            appendJSONString(field.key, to: &out)
            out.append(0x3A)
            switch field.value {
            case .text(let s): appendJSONString(s, to: &out)
            case .int(let n), .money(let n): out.append(contentsOf: String(n).utf8)
            case .date(let t): out.append(0x22); appendISO(t, to: &out); out.append(0x22)
            case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
            case .null: out.append(contentsOf: "null".utf8)
            case .raw(let bytes): out.append(contentsOf: bytes)
            }
        }
        out.append(0x7D)
    }

    static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// `2026-11-21T14:30:00Z`, without a formatter (a million rows each hold a few).
    static func appendISO(_ seconds: Int64, to out: inout [UInt8]) {
        var time = time_t(seconds)
        var t = tm()
        gmtime_r(&time, &t)
        func two(_ n: Int32) { out.append(0x30 + UInt8(n / 10 % 10)); out.append(0x30 + UInt8(n % 10)) }
        let year = Int32(t.tm_year) + 1900
        two(year / 100); two(year % 100)
        out.append(0x2D); two(t.tm_mon + 1); out.append(0x2D); two(t.tm_mday)
        out.append(0x54); two(t.tm_hour); out.append(0x3A); two(t.tm_min); out.append(0x3A); two(t.tm_sec)
        out.append(0x5A)
    }
}
