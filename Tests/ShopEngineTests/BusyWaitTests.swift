import Foundation
import Testing
@testable import ShopEngine

/// The counting busy handler waits exactly as long as SQLite's busy timeout did, and counts.
@Suite("Store busy waits")
struct BusyWaitTests {
    @Test("the schedule is SQLite's own: 1, 2, 5 … 100 ms sleeps that add up to exactly the timeout, then give up")
    func schedule() {
        #expect(Self.totalWait() == Connection.busyTimeoutMilliseconds)
        #expect(Array((0..<4).compactMap { BusyWaits.delay(beforeRetry: $0, timeoutMilliseconds: 10_000) }) == [1, 2, 5, 10])
        #expect(BusyWaits.delay(beforeRetry: 0, timeoutMilliseconds: 0) == nil)
        #expect(BusyWaits.delay(beforeRetry: 2, timeoutMilliseconds: 5) == 2) // 1 + 2 + (5 cut to 2)
    }

    /// Milliseconds the handler sleeps in all before giving up with SQLITE_BUSY.
    static func totalWait() -> Int32 {
        var total: Int32 = 0
        var count: Int32 = 0
        while let delay = BusyWaits.delay(beforeRetry: count, timeoutMilliseconds: Connection.busyTimeoutMilliseconds) {
            guard delay > 0 else { return -1 }
            total += delay
            count += 1
        }
        return total
    }

    @Test("a write that waits for another connection's transaction is counted with the time it waited")
    func countsWaits() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-busy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("shop.sqlite").path
        let holder = try Store(path: path)
        let waiter = try Store(path: path)
        let locked = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread {
            try? holder.write { _ in
                locked.signal()
                usleep(200_000) // hold the write lock while the other connection asks for it
            }
            done.signal()
        }.start()
        locked.wait()
        let before = BusyWaits.snapshot()
        try waiter.write { try $0.run("PRAGMA user_version") }
        let after = BusyWaits.snapshot()
        done.wait()
        #expect(after.retries > before.retries)
        #expect(after.nanoseconds - before.nanoseconds >= 100_000_000, "waited \(after.seconds - before.seconds) s")
    }
}
