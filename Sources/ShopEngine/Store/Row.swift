import CLibPQ
import CSQLite
import Foundation

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

/// The result columns of one statement by name. A name that appears twice (`a.id`, `b.id`)
/// keeps its first position: alias one of them to read both by name.
final class ColumnNames: Sendable {
    let sql: String
    let indices: [String: Int32]

    init(sql: String, names: [String]) {
        self.sql = sql
        var indices: [String: Int32] = [:]
        for (i, name) in names.enumerated() where indices[name] == nil { indices[name] = Int32(i) }
        self.indices = indices
    }

    func index(_ name: String) -> Int32 {
        if let index = indices[name] { return index }
        // PostgreSQL folds unquoted aliases to lower case (`AS paidTotal` is `paidtotal`).
        if let index = indices[name.lowercased()] { return index }
        // A name the SELECT does not produce is a typo in the engine's own SQL, never input.
        preconditionFailure("no column \"\(name)\" in: \(sql)")
    }
}

/// A read-only view of the current result row, from either backend. Read columns by name
/// (`row.string("phone")`, `row.optionalInt64("user_id")`); the positional readers remain for
/// one-column queries.
///
/// ```swift
/// let phones = try db.query("SELECT id, phone FROM users") { ($0.int64("id"), $0.optionalString("phone")) }
/// ```
public struct Row {
    enum Source {
        /// A stepped SQLite statement.
        case sqlite(OpaquePointer?)
        /// Row `row` of a PostgreSQL result in text format.
        case postgres(OpaquePointer?, row: Int32)
    }
    let source: Source
    let columns: ColumnNames

    public var columnCount: Int {
        switch source {
        case .sqlite(let statement): Int(sqlite3_column_count(statement))
        case .postgres(let result, _): Int(PQnfields(result))
        }
    }

    public func isNull(_ i: Int) -> Bool {
        switch source {
        case .sqlite(let statement): sqlite3_column_type(statement, Int32(i)) == SQLITE_NULL
        case .postgres(let result, let row): PQgetisnull(result, row, Int32(i)) == 1
        }
    }

    public func int64(_ i: Int) -> Int64 {
        switch source {
        case .sqlite(let statement): return sqlite3_column_int64(statement, Int32(i))
        case .postgres(let result, let row):
            guard let text = PQgetvalue(result, row, Int32(i)) else { return 0 }
            switch UInt8(bitPattern: text.pointee) {
            case UInt8(ascii: "t"): return 1 // a boolean expression (`a = b`, EXISTS)
            case UInt8(ascii: "f"): return 0
            default: return strtoll(text, nil, 10) // sum() is numeric: "12" (never fractional here)
            }
        }
    }

    public func int(_ i: Int) -> Int { Int(int64(i)) }
    public func bool(_ i: Int) -> Bool { int64(i) != 0 }

    public func double(_ i: Int) -> Double {
        switch source {
        case .sqlite(let statement): return sqlite3_column_double(statement, Int32(i))
        case .postgres(let result, let row):
            guard let text = PQgetvalue(result, row, Int32(i)) else { return 0 }
            return strtod(text, nil)
        }
    }

    public func string(_ i: Int) -> String {
        switch source {
        case .sqlite(let statement):
            guard let text = sqlite3_column_text(statement, Int32(i)) else { return "" }
            return String(cString: text)
        case .postgres(let result, let row):
            guard let text = PQgetvalue(result, row, Int32(i)) else { return "" }
            return String(cString: text)
        }
    }

    public func optionalString(_ i: Int) -> String? { isNull(i) ? nil : string(i) }
    public func optionalInt64(_ i: Int) -> Int64? { isNull(i) ? nil : int64(i) }

    public func blob(_ i: Int) -> [UInt8] {
        switch source {
        case .sqlite(let statement):
            let count = Int(sqlite3_column_bytes(statement, Int32(i)))
            guard count > 0, let base = sqlite3_column_blob(statement, Int32(i)) else { return [] }
            return Array(UnsafeRawBufferPointer(start: base, count: count))
        case .postgres(let result, let row):
            // bytea in text format is "\x" and two hex digits a byte.
            let count = Int(PQgetlength(result, row, Int32(i)))
            guard count > 2, let text = PQgetvalue(result, row, Int32(i)) else { return [] }
            return UnsafeRawBufferPointer(start: text, count: count).withMemoryRebound(to: UInt8.self) { Self.hexBytes($0.dropFirst(2)) }
        }
    }

    private static func hexBytes(_ hex: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8] {
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c &- 48 : (c | 0x20) &- 87 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var i = hex.startIndex
        while i + 1 < hex.endIndex {
            bytes.append(nibble(hex[i]) << 4 | nibble(hex[i + 1]))
            i += 2
        }
        return bytes
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
