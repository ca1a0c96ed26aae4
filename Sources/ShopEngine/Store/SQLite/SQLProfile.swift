import CSQLite
import Foundation
import Synchronization

/// What a workload costs statement by statement, for benchmarks: with `SHOP_SQL_PROFILE=FILE`
/// in the environment, every SQLite statement's uses are counted with the thread CPU time from
/// bind to reset and SQLite's own counters (virtual machine steps, full-scan steps, sorts), and
/// FILE gets a table of them, costliest first, when the process exits. Off unless set: then a
/// statement pays one check of a constant.
///
/// ```sh
/// SHOP_SQL_PROFILE=/tmp/sql.txt shop-server --db shop.sqlite   # … load, then SIGTERM
/// ```
enum SQLProfile {
    static let path: String? = getenv("SHOP_SQL_PROFILE").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    /// With `SHOP_SQL_TRACE=FILE`, every use's SQL and arguments (`write(sql:arguments:)`): run
    /// again by a minimal C loop (Benchmarks/http/replay.c), it shows what SQLite alone costs for
    /// the same work (Benchmarks/http/run.sh, PROFILE=1).
    static let trace: Int32 = getenv("SHOP_SQL_TRACE").map { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600) } ?? -1
    static var isOn: Bool { path != nil || trace >= 0 }

    struct Totals {
        var uses = 0
        var nanoseconds: UInt64 = 0
        var steps: Int64 = 0
        var fullScanSteps: Int64 = 0
        var sorts: Int64 = 0
    }
    private static let totals = Mutex<[String: Totals]>([:])
    private static let registered = Atomic<Bool>(false)

    /// This thread's CPU time so far, in nanoseconds.
    static func threadCPU() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// One use of `statement` ended (it is about to be reset); it began at `started` (`threadCPU`).
    static func record(_ statement: OpaquePointer?, sql: String, arguments: [SQLBindable?], started: UInt64) {
        guard let statement, started > 0 else { return }
        let spent = threadCPU() &- started
        if trace >= 0 { write(sql: sql, arguments: arguments) }
        guard path != nil else { return }
        // The counters are read and zeroed, so each use counts only its own.
        let steps = Int64(sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_VM_STEP, 1))
        let scans = Int64(sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1))
        let sorts = Int64(sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_SORT, 1))
        if !registered.exchange(true, ordering: .relaxed) { atexit { SQLProfile.write() } }
        totals.withLock { all in
            var entry = all[sql, default: Totals()]
            entry.uses += 1
            entry.nanoseconds += spent
            entry.steps += steps
            entry.fullScanSteps += scans
            entry.sorts += sorts
            all[sql] = entry
        }
    }

    /// One use in the trace, length-prefixed so no text needs escaping: `Q <arguments> <bytes>`
    /// and the SQL, then each argument: `I <integer>`, `R <real>`, `N`, or `T <bytes>` / `B <bytes>`
    /// and the text's or blob's bytes; every item ends with a newline.
    private static func write(sql: String, arguments: [SQLBindable?]) {
        var out: [UInt8] = []
        func item(_ head: String, _ bytes: [UInt8]? = nil) {
            out += Array(head.utf8)
            if let bytes { out += Array(" \(bytes.count)\n".utf8) + bytes }
            out.append(0x0A)
        }
        item("Q \(arguments.count)", Array(sql.utf8))
        for argument in arguments {
            switch argument?.sqlValue ?? .null {
            case .null: item("N")
            case .integer(let v): item("I \(v)")
            case .real(let v): item("R \(v)")
            case .text(let v): item("T", Array(v.utf8))
            case .blob(let v): item("B", v)
            }
        }
        _ = out.withUnsafeBytes { Glibc.write(trace, $0.baseAddress, $0.count) } // O_APPEND: uses from many threads stay whole
    }

    /// Writes the table to `path`: one line per statement text, most CPU first.
    static func write() {
        guard let path else { return }
        let rows = totals.withLock { $0 }.sorted { $0.value.nanoseconds > $1.value.nanoseconds }
        let total = rows.reduce(UInt64(0)) { $0 + $1.value.nanoseconds }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let process = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        var out = String(format: "statements: %.2f s CPU of the process's %.2f s (user+system)\n", Double(total) / 1e9, process)
        out += "   share       uses    total ms    avg us   avg steps  scan steps  sorts  sql\n"
        for (sql, t) in rows {
            let text = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            out += String(format: "%7.1f%% %10ld %11.1f %9.1f %11.0f %11.0f %6ld  ", total == 0 ? 0 : Double(t.nanoseconds) * 100 / Double(total), t.uses,
                          Double(t.nanoseconds) / 1e6, Double(t.nanoseconds) / 1e3 / Double(t.uses), Double(t.steps) / Double(t.uses),
                          Double(t.fullScanSteps) / Double(t.uses), t.sorts)
            out += String(text.prefix(220)) + "\n"
        }
        _ = FileManager.default.createFile(atPath: path, contents: Data(out.utf8))
    }
}
