import Foundation

/// `shop-server migrate`: moves a shop from its SQLite file to an empty database on another
/// backend (PostgreSQL), in one transaction on the target, checked before it commits.
///
/// ```swift
/// let report = try DatabaseCopy.run(from: "shop.sqlite", to: "postgres://shop@db:5432/shop")
/// report.lines.forEach { print($0) }   // rows per table, what was left behind, the sums compared
/// ```
public enum DatabaseCopy {
    /// Tables whose rows only matter while a session or a code is live: customers sign in again.
    static let leftBehind: Set<String> = ["refresh_tokens", "token_families", "otp_requests", "account_codes", "rate_events", "outbox"]

    /// Derived from the catalog and rebuilt on the target by `CatalogService.index`.
    static let derived: Set<String> = ["search_terms", "product_words", "search_postings"]

    /// Figures that must agree on both sides (beyond row counts): money and stock.
    static let sums: [(name: String, sql: String)] = [
        ("stock ledger sum(delta)", "SELECT coalesce(sum(delta), 0) FROM stock_ledger"),
        ("products sum(stock)", "SELECT coalesce(sum(stock), 0) FROM products"),
        ("variants sum(stock)", "SELECT coalesce(sum(stock), 0) FROM product_variants"),
        ("orders sum(total)", "SELECT coalesce(sum(total), 0) FROM orders"),
        ("payments sum(amount)", "SELECT coalesce(sum(amount), 0) FROM payments"),
    ]

    public struct Report: Sendable {
        public struct Table: Sendable { public let name: String; public let rows: Int64 }
        public struct Figure: Sendable { public let name: String; public let source: Int64; public let target: Int64 }
        public var copied: [Table] = []
        public var skipped: [Table] = []
        public var figures: [Figure] = []

        /// What `shop-server migrate` prints: one line per table, then the checks.
        public var lines: [String] {
            var lines = copied.map { "copied \($0.name): \($0.rows) rows" }
            let behind = skipped.filter { $0.rows > 0 }
            if !behind.isEmpty {
                lines.append("warning: left behind \(behind.map { "\($0.name) (\($0.rows) rows)" }.joined(separator: ", ")): sessions, codes and rate limits start afresh, so customers sign in again")
            }
            lines.append("verified: row counts of \(copied.count) tables equal on both sides")
            lines += figures.map { "verified: \($0.name) \($0.source) = \($0.target)" }
            return lines
        }
    }

    static func failure(_ message: String) -> ShopError { ShopError(.invalid, "migrate_failed", message) }

    /// Copies every table of the SQLite shop at `source` into the empty database `target` (created
    /// and migrated to this release's schema if needed). Refuses a target that already holds rows.
    /// Counts and sums are compared inside the target's transaction: a difference rolls it back.
    public static func run(from source: String, to target: String) throws -> Report {
        guard FileManager.default.fileExists(atPath: source) else { throw failure("There is no database at \(source)") }
        try requireShop(source)
        _ = try Store(path: source)   // an older shop is upgraded first, as any Shop program would
        let from = try Connection(inspecting: source)
        let into = try Store(path: target)

        return try from.readTransaction { from in
            let plan = try CopyPlan(source: from)
            return try into.write { to in
                let targetTables = try tableNames(to)
                for table in plan.tables where !targetTables.contains(table.name) {
                    throw failure("The target has no table \(table.name): is it at this release's schema?")
                }
                try requireEmpty(to, tables: plan.tables.map(\.name), target: target)

                var report = Report()
                for table in plan.tables {
                    let rows = try copy(table, from: from, to: to)
                    report.copied.append(.init(name: table.name, rows: rows))
                }
                report.skipped = try plan.skipped.map { .init(name: $0, rows: try count($0, in: from)) }
                // The search postings of every product in one sorted pass at the end, as an import
                // writes them: a posting a statement would cost a round trip each.
                var postings = SearchPostings.Bulk()
                try SearchPostings.$deferred.withValue(true) {
                    for id in try to.query("SELECT id FROM products ORDER BY id", map: { $0.int64(0) }) {
                        postings.add(productID: id)
                        try CatalogService.index(to, productID: id)
                    }
                }
                try postings.write(to)
                try afterCopy(to, tables: plan.tables)

                for table in report.copied {
                    let copied = try count(table.name, in: to)
                    guard copied == table.rows else { throw failure("\(table.name): \(table.rows) rows in the source but \(copied) in the target; nothing was copied") }
                }
                for (name, sql) in sums {
                    let figure = Report.Figure(name: name, source: try from.scalarInt(sql) ?? 0, target: try to.scalarInt(sql) ?? 0)
                    guard figure.source == figure.target else { throw failure("\(name): \(figure.source) in the source but \(figure.target) in the target; nothing was copied") }
                    report.figures.append(figure)
                }
                return report
            }
        }
    }

    // MARK: - Checks

    /// A file that is not a shop (or not SQLite) gets a clear message, not an SQL error.
    static func requireShop(_ path: String) throws {
        let db: Connection
        do { db = try Connection(inspecting: path) } catch { throw failure("\(path) is not an SQLite database") }
        let tables = (try? tableNames(db)) ?? []
        guard tables.contains("users"), tables.contains("products") else { throw failure("\(path) is not a Shop database") }
    }

    static func requireEmpty(_ db: Connection, tables: [String], target: String) throws {
        var held: [String] = []
        for table in tables {
            let rows = try count(table, in: db)
            if rows > 0 { held.append("\(table) \(rows)") }
        }
        guard held.isEmpty else {
            throw failure("\(DatabaseLocation.redacted(target)) already holds a shop (\(held.prefix(4).joined(separator: ", "))): migrate copies only into an empty database")
        }
    }

    // MARK: - Copying

    /// The source's tables in an order that satisfies foreign keys (parents first).
    struct CopyPlan {
        struct Table { let name: String; let columns: [String] }
        var tables: [Table] = []
        var skipped: [String] = []

        init(source db: Connection) throws {
            let virtual = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'") { $0.string(0) }
            var names: [String] = []
            for name in try tableNames(db) {
                if virtual.contains(where: { name == $0 || name.hasPrefix($0 + "_") }) || DatabaseCopy.derived.contains(name) { continue }
                if DatabaseCopy.leftBehind.contains(name) { skipped.append(name); continue }
                names.append(name)
            }
            var parents: [String: Set<String>] = [:]
            for name in names {
                parents[name] = Set(try db.query("SELECT \"table\" FROM pragma_foreign_key_list(?)", name) { $0.string(0) }).subtracting([name])
            }
            var done: Set<String> = []
            while done.count < names.count {
                guard let next = names.first(where: { !done.contains($0) && parents[$0, default: []].subtracting(done).intersection(names).isEmpty }) else {
                    throw failure("The tables' foreign keys form a cycle; cannot order the copy")
                }
                done.insert(next)
                tables.append(Table(name: next, columns: try db.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", next) { $0.string(0) }))
            }
        }
    }

    /// Copies one table in batches of multi-row INSERTs; returns the rows copied.
    static func copy(_ table: CopyPlan.Table, from: Connection, to: Connection) throws -> Int64 {
        let columns = table.columns.map(quoted).joined(separator: ", ")
        // typeof() beside each value: the row is copied with the type SQLite stored it as.
        let select = "SELECT " + table.columns.map { "typeof(\(quoted($0))), \(quoted($0))" }.joined(separator: ", ") + " FROM \(quoted(table.name)) ORDER BY rowid"
        let perRow = "(" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
        let batchRows = max(1, min(200, 30_000 / max(table.columns.count, 1)))
        var batch: [SQLBindable?] = []
        var rows: Int64 = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            let n = batch.count / table.columns.count
            try to.run("INSERT INTO \(quoted(table.name)) (\(columns)) VALUES " + Array(repeating: perRow, count: n).joined(separator: ", "), arguments: batch)
            batch.removeAll(keepingCapacity: true)
        }
        try from.forEach(select) { row in
            for i in 0..<table.columns.count { batch.append(value(row, typeAt: 2 * i)) }
            rows += 1
            if batch.count >= batchRows * table.columns.count { try flush() }
        }
        try flush()
        return rows
    }

    static func value(_ row: Row, typeAt i: Int) -> SQLValue {
        switch row.string(i) {
        case "integer": .integer(row.int64(i + 1))
        case "real": .real(row.double(i + 1))
        case "text": .text(row.string(i + 1))
        case "blob": .blob(row.blob(i + 1))
        default: .null
        }
    }

    /// Work the target needs once the rows are in. PostgreSQL: the rows came with their ids, so
    /// each identity column's sequence moves past the largest (else the next insert collides).
    static func afterCopy(_ db: Connection, tables: [CopyPlan.Table]) throws {
        guard db.dialect == .postgres else { return }
        let copied = Set(tables.map(\.name))
        let identities = try db.query("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'") {
            ($0.string(0), $0.string(1))
        }
        for (table, column) in identities where copied.contains(table) {
            try db.run("SELECT setval(pg_get_serial_sequence(?, ?), (SELECT coalesce(max(\(quoted(column))), 0) + 1 FROM \(quoted(table))), false)", quoted(table), column)
        }
    }

    static func tableNames(_ db: Connection) throws -> [String] {
        switch db.dialect {
        case .sqlite:
            try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name") { $0.string(0) }
        case .postgres:
            try db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name") { $0.string(0) }
        }
    }

    static func count(_ table: String, in db: Connection) throws -> Int64 {
        try db.scalarInt("SELECT count(*) FROM \(quoted(table))") ?? 0
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
