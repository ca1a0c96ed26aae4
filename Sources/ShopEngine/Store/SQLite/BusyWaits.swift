import CSQLite
import Foundation
import Synchronization

// MARK: - BusyWaits

/// How often, and for how long, this process waited for another connection's lock on the
/// database (SQLITE_BUSY). Every connection the store opens reports here; `shop-server` shows
/// it at `GET /metrics`.
///
/// ```swift
/// let before = BusyWaits.snapshot()
/// try store.write { … }            // may wait while another process writes
/// let waited = BusyWaits.snapshot().seconds - before.seconds
/// ```
public enum BusyWaits {
    public struct Snapshot: Sendable, Equatable {
        /// Times a statement found the database locked and slept before retrying.
        public var retries: UInt64
        /// Time spent in those sleeps, in nanoseconds.
        public var nanoseconds: UInt64
        public var seconds: Double { Double(nanoseconds) / 1e9 }

        public init(retries: UInt64, nanoseconds: UInt64) {
            self.retries = retries
            self.nanoseconds = nanoseconds
        }
    }

    private static let retries = Atomic<UInt64>(0)
    private static let nanoseconds = Atomic<UInt64>(0)

    public static func snapshot() -> Snapshot {
        Snapshot(retries: retries.load(ordering: .relaxed), nanoseconds: nanoseconds.load(ordering: .relaxed))
    }

    static func record(nanoseconds waited: UInt64) {
        retries.add(1, ordering: .relaxed)
        nanoseconds.add(waited, ordering: .relaxed)
    }

    // MARK: The busy handler

    /// SQLite's own busy-timeout schedule (sqliteDefaultBusyCallback in main.c): sleep 1, 2, 5,
    /// 10 … ms, then 100 ms at a time, and give up once the total would pass the timeout. Our
    /// handler keeps that schedule exactly, so installing it instead of `sqlite3_busy_timeout`
    /// changes nothing but the counting.
    private static let delays: [Int32] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100]
    private static let totals: [Int32] = [0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228]

    /// Milliseconds to sleep before retry number `count` (0-based), or nil to give up (SQLITE_BUSY).
    static func delay(beforeRetry count: Int32, timeoutMilliseconds timeout: Int32) -> Int32? {
        let n = Int32(delays.count)
        var delay: Int32, prior: Int32
        if count < n {
            delay = delays[Int(count)]
            prior = totals[Int(count)]
        } else {
            delay = delays[Int(n - 1)]
            prior = totals[Int(n - 1)] + delay * (count - (n - 1))
        }
        if prior + delay > timeout {
            delay = timeout - prior
            if delay <= 0 { return nil }
        }
        return delay
    }

    /// Installs the counting handler with `Connection.busyTimeoutMilliseconds` on `db`
    /// (instead of `sqlite3_busy_timeout`, which would hide the waits inside SQLite).
    static func install(on db: OpaquePointer) {
        sqlite3_busy_handler(db, countingBusyHandler, nil)
    }

    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// SQLite calls this with the number of times it already called it for the same lock: sleep
/// and retry (1), or give up with SQLITE_BUSY (0).
private func countingBusyHandler(_ context: UnsafeMutableRawPointer?, _ count: Int32) -> Int32 {
    guard let delay = BusyWaits.delay(beforeRetry: count, timeoutMilliseconds: Connection.busyTimeoutMilliseconds) else { return 0 }
    let start = BusyWaits.monotonicNanoseconds()
    sqlite3_sleep(delay)
    BusyWaits.record(nanoseconds: BusyWaits.monotonicNanoseconds() &- start)
    return 1
}
