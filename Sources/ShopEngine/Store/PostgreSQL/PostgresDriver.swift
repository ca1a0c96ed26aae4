import CLibPQ
import Foundation

/// One PostgreSQL connection through libpq, driven by `Connection`. Not thread-safe: the
/// `Store` hands it to one thread at a time.
///
/// Nothing lives in the session, so the connection may go through PgBouncer in transaction
/// pooling: statements are unnamed (`PQexecParams`), no temp tables, no `SET` outside a
/// transaction, no `LISTEN`.
final class PostgresDriver {
    private(set) var handle: OpaquePointer?
    /// The SQL as PostgreSQL takes it (`$n` placeholders) and its result columns, by the
    /// engine's SQL text: rewritten once per text.
    private var texts: [String: String] = [:]
    private var columnNames: [String: ColumnNames] = [:]
    /// Rows changed in the open transaction: a write transaction that changed nothing does not
    /// bump the change counter (`StoreChanges`).
    private(set) var changesInTransaction = 0
    /// A COMMIT was sent and its answer never came back (the connection broke meanwhile): the
    /// transaction may have committed, so it must not run again. Cleared by the next BEGIN.
    private(set) var commitOutcomeUnknown = false

    init(url: String) throws {
        guard let handle = PQconnectdb(url) else { throw DatabaseError(sqlState: nil, message: "out of memory connecting to PostgreSQL", sql: nil) }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(handle)
            throw DatabaseError(sqlState: "08001", message: "cannot connect to \(DatabaseLocation.redacted(url)): \(message)", sql: nil)
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil) // "relation already exists, skipping" and the like
        self.handle = handle
    }

    deinit { if let handle { PQfinish(handle) } }

    var isInTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }
    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    // MARK: - Running SQL

    /// One or more statements without parameters (the simple query protocol).
    func execute(_ sql: String) throws {
        if sql.hasPrefix("BEGIN") { commitOutcomeUnknown = false }
        if sql == "COMMIT" { commitOutcomeUnknown = true }
        let result = try check(PQexec(handle, sql), sql: sql)
        if sql == "COMMIT" { commitOutcomeUnknown = false }
        if sql.hasPrefix("BEGIN") { changesInTransaction = 0 } else { changesInTransaction += Self.changes(result) }
        PQclear(result)
    }

    func run(_ sql: String, arguments: [SQLBindable?]) throws -> Int {
        let result = try exec(sql, arguments)
        defer { PQclear(result) }
        let changes = Self.changes(result)
        changesInTransaction += changes
        return changes
    }

    func forEach(_ sql: String, arguments: [SQLBindable?], body: (Row) throws -> Void) throws {
        let result = try exec(sql, arguments)
        defer { PQclear(result) }
        changesInTransaction += Self.changes(result) // INSERT … RETURNING
        let columns = self.columns(of: result, sql: sql)
        for row in 0..<PQntuples(result) { try body(Row(source: .postgres(result, row: row), columns: columns)) }
    }

    func first<T>(_ sql: String, arguments: [SQLBindable?], map: (Row) throws -> T) throws -> T? {
        var value: T?
        try forEach(sql, arguments: arguments) { row in if value == nil { value = try map(row) } }
        return value
    }

    private static func changes(_ result: OpaquePointer) -> Int {
        guard let text = PQcmdTuples(result), text.pointee != 0 else { return 0 }
        return Int(strtol(text, nil, 10))
    }

    private func columns(of result: OpaquePointer, sql: String) -> ColumnNames {
        if let cached = columnNames[sql] { return cached }
        let names = (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
        let columns = ColumnNames(sql: sql, names: names)
        columnNames[sql] = columns
        return columns
    }

    /// Parameters go as text, except blobs (binary bytea). Integers and reals say their type;
    /// text and NULL leave it to the context (`$1` compared with a CITEXT column is CITEXT), so
    /// a bare `? IS NULL` needs a cast in the SQL (`CAST(? AS TEXT) IS NULL`).
    private func exec(_ sql: String, _ arguments: [SQLBindable?]) throws -> OpaquePointer {
        let text = numbered(sql)
        let count = arguments.count
        var types = [Oid](repeating: 0, count: count)
        var formats = [Int32](repeating: 0, count: count)
        var lengths = [Int32](repeating: 0, count: count)
        var values: [UnsafeMutablePointer<CChar>?] = []
        values.reserveCapacity(count)
        defer { values.forEach { free($0) } }
        for (i, argument) in arguments.enumerated() {
            switch argument?.sqlValue ?? .null {
            case .null: values.append(nil)
            case .integer(let v): types[i] = 20; values.append(strdup(String(v)))   // int8
            case .real(let v): types[i] = 701; values.append(strdup("\(v)"))        // float8
            case .text(let v):
                // PostgreSQL text cannot hold NUL; cutting the string there would lose data silently.
                guard !v.utf8.contains(0) else { throw DatabaseError(sqlState: "22021", message: "text with a NUL character", sql: sql) }
                values.append(strdup(v))
            case .blob(let v):
                types[i] = 17; formats[i] = 1; lengths[i] = Int32(v.count)       // bytea, binary
                let copy = malloc(max(1, v.count))!.assumingMemoryBound(to: CChar.self)
                v.withUnsafeBytes { if let base = $0.baseAddress { memcpy(copy, base, v.count) } }
                values.append(copy)
            }
        }
        let pointers = values.map { UnsafePointer($0) }
        return try check(PQexecParams(handle, text, Int32(count), types, pointers, lengths, formats, 0), sql: sql)
    }

    private func numbered(_ sql: String) -> String {
        if let cached = texts[sql] { return cached }
        let text = Placeholders.numbered(sql)
        texts[sql] = text
        return text
    }

    /// The result, or the error it carries (freed).
    private func check(_ result: OpaquePointer?, sql: String) throws -> OpaquePointer {
        guard let result else {
            throw DatabaseError(sqlState: "08006", message: String(cString: PQerrorMessage(handle)), sql: sql)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return result
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } // PG_DIAG_SQLSTATE
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQclear(result)
            throw DatabaseError(sqlState: state ?? "08006", message: message, sql: sql)
        }
    }
}
