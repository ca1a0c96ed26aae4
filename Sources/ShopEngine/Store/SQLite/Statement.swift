import CSQLite

/// A prepared SQLite statement: prepared in `init`, finalized in `deinit`. Binds are 1-based and copy.
final class Statement {
    private(set) var handle: OpaquePointer?
    let sql: String
    private unowned let driver: SQLiteDriver
    /// Result column index by name (`sqlite3_column_name`: the `AS` alias, else the column's
    /// own name), read once when the statement is prepared; rows share it.
    let columns: ColumnNames
    /// When this use began (thread CPU ns), while `SQLProfile` is on.
    private var started: UInt64 = 0
    /// This use's arguments, while `SQLProfile` traces.
    private var traced: [SQLBindable?] = []

    init(_ driver: SQLiteDriver, _ sql: String) throws {
        self.driver = driver
        self.sql = sql
        let rc = sqlite3_prepare_v2(driver.handle, sql, -1, &handle, nil)
        guard rc == SQLITE_OK else { throw driver.error(rc, sql: sql) }
        let prepared = handle
        let names = (0..<sqlite3_column_count(prepared)).map { i in sqlite3_column_name(prepared, i).map { String(cString: $0) } ?? "" }
        columns = ColumnNames(sql: sql, names: names)
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ arguments: [SQLBindable?]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        if SQLProfile.isOn { started = SQLProfile.threadCPU() }
        if SQLProfile.trace >= 0 { traced = arguments }
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
            guard rc == SQLITE_OK else { throw driver.error(rc, sql: sql) }
        }
    }

    /// Steps once: true when a row is available, false when done. Anything else throws.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = driver.error(rc, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    func reset() {
        if SQLProfile.isOn { SQLProfile.record(handle, sql: sql, arguments: traced, started: started); started = 0 }
        sqlite3_reset(handle)
    }

    var row: Row { Row(source: .sqlite(handle), columns: columns) }
}
