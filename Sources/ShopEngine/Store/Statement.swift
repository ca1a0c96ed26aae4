import CSQLite

/// A value that can be bound to a statement parameter or read from a column.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

public protocol SQLBindable { var sqlValue: SQLValue { get } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Int32: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Array: SQLBindable where Element == UInt8 { public var sqlValue: SQLValue { .blob(self) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// A prepared statement: prepared in `init`, finalized in `deinit`. Binds are 1-based and copy.
final class Statement {
    private(set) var handle: OpaquePointer?
    let sql: String
    private unowned let connection: Connection
    /// Result column index by name (`sqlite3_column_name`: the `AS` alias, else the column's
    /// own name), read once when the statement is prepared; rows share it.
    let columns: ColumnNames

    init(_ connection: Connection, _ sql: String) throws {
        self.connection = connection
        self.sql = sql
        let rc = sqlite3_prepare_v2(connection.handle, sql, -1, &handle, nil)
        guard rc == SQLITE_OK else { throw connection.error(rc, sql: sql) }
        columns = ColumnNames(handle, sql: sql)
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ arguments: [SQLBindable?]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch argument?.sqlValue ?? .null {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .text(let v): rc = sqlite3_bind_text(handle, index, v, -1, shop_sqlite_transient())
            case .blob(let v):
                rc = v.withUnsafeBytes { raw in
                    sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(v.count), shop_sqlite_transient())
                }
            }
            guard rc == SQLITE_OK else { throw connection.error(rc, sql: sql) }
        }
    }

    /// Steps once: true when a row is available, false when done. Anything else throws.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.error(rc, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    func reset() { sqlite3_reset(handle) }
}

/// The result columns of one statement by name. A name that appears twice (`a.id`, `b.id`)
/// keeps its first position: alias one of them to read both by name.
final class ColumnNames: Sendable {
    let sql: String
    let indices: [String: Int32]

    init(_ handle: OpaquePointer?, sql: String) {
        self.sql = sql
        var indices: [String: Int32] = [:]
        for i in 0..<sqlite3_column_count(handle) {
            guard let name = sqlite3_column_name(handle, i) else { continue }
            let key = String(cString: name)
            if indices[key] == nil { indices[key] = i }
        }
        self.indices = indices
    }

    func index(_ name: String) -> Int32 {
        // A name the SELECT does not produce is a typo in the engine's own SQL, never input.
        guard let index = indices[name] else { preconditionFailure("no column \"\(name)\" in: \(sql)") }
        return index
    }
}

/// A read-only view of the current result row. Read columns by name (`row.string("phone")`,
/// `row.optionalInt64("user_id")`); the positional readers remain for one-column queries.
///
/// ```swift
/// let phones = try db.query("SELECT id, phone FROM users") { ($0.int64("id"), $0.optionalString("phone")) }
/// ```
public struct Row {
    fileprivate let handle: OpaquePointer?
    fileprivate let columns: ColumnNames

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func isNull(_ i: Int) -> Bool { sqlite3_column_type(handle, Int32(i)) == SQLITE_NULL }
    public func int64(_ i: Int) -> Int64 { sqlite3_column_int64(handle, Int32(i)) }
    public func int(_ i: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(i))) }
    public func bool(_ i: Int) -> Bool { sqlite3_column_int64(handle, Int32(i)) != 0 }
    public func double(_ i: Int) -> Double { sqlite3_column_double(handle, Int32(i)) }
    public func string(_ i: Int) -> String {
        guard let text = sqlite3_column_text(handle, Int32(i)) else { return "" }
        return String(cString: text)
    }
    public func optionalString(_ i: Int) -> String? { isNull(i) ? nil : string(i) }
    public func optionalInt64(_ i: Int) -> Int64? { isNull(i) ? nil : int64(i) }
    public func blob(_ i: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, Int32(i)))
        guard count > 0, let base = sqlite3_column_blob(handle, Int32(i)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }
}

extension Row {
    // MARK: - By name

    public func isNull(_ name: String) -> Bool { isNull(Int(columns.index(name))) }
    public func int64(_ name: String) -> Int64 { int64(Int(columns.index(name))) }
    public func int(_ name: String) -> Int { int(Int(columns.index(name))) }
    public func bool(_ name: String) -> Bool { bool(Int(columns.index(name))) }
    public func double(_ name: String) -> Double { double(Int(columns.index(name))) }
    public func string(_ name: String) -> String { string(Int(columns.index(name))) }
    public func optionalString(_ name: String) -> String? { optionalString(Int(columns.index(name))) }
    public func optionalInt64(_ name: String) -> Int64? { optionalInt64(Int(columns.index(name))) }
    public func blob(_ name: String) -> [UInt8] { blob(Int(columns.index(name))) }

    /// A text column read as a raw-value enum; a value the schema does not allow reads as `fallback`.
    func value<T: RawRepresentable>(_ name: String, or fallback: T) -> T where T.RawValue == String {
        T(rawValue: string(name)) ?? fallback
    }
}

extension Statement {
    var row: Row { Row(handle: handle, columns: columns) }
}
