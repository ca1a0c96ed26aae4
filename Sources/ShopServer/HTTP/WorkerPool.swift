import Foundation
import Synchronization

// MARK: - WorkerPool

/// A fixed set of threads running submitted jobs in FIFO order. Handlers may block (SQLite),
/// so the pool is bounded and separate from the event loop.
final class WorkerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct Queue {
        var jobs: [Job] = []
        var head = 0
        var stopped = false
    }

    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let threadCount: Int

    init(threads: Int, name: String) {
        threadCount = max(1, threads)
        for i in 0..<threadCount {
            let thread = Thread { [self] in self.work() }
            thread.name = "\(name)-\(i)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    func submit(_ job: @escaping Job) {
        queue.withLock { $0.jobs.append(job) }
        available.signal()
    }

    /// Lets queued jobs finish, then ends the threads (does not wait for them).
    func stop() {
        queue.withLock { $0.stopped = true }
        for _ in 0..<threadCount { available.signal() }
    }

    private func work() {
        while true {
            available.wait()
            let next: (job: Job?, stopped: Bool) = queue.withLock { q in
                guard q.head < q.jobs.count else { return (nil, q.stopped) }
                let job = q.jobs[q.head]
                q.head += 1
                if q.head == q.jobs.count {
                    q.jobs.removeAll(keepingCapacity: true)
                    q.head = 0
                }
                return (job, q.stopped)
            }
            if let job = next.job {
                job()
            } else if next.stopped {
                return
            }
        }
    }
}

// MARK: - DateHeaderCache

/// The `Date: …\r\n` header line, formatted at most once per second (no DateFormatter).
final class DateHeaderCache: Sendable {
    private let cached = Mutex<(second: Int, line: [UInt8])>((-1, []))
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    func line() -> [UInt8] {
        let now = time(nil)
        return cached.withLock { c in
            if c.second == now { return c.line }
            c = (now, DateHeaderCache.format(now))
            return c.line
        }
    }

    static func format(_ t: time_t) -> [UInt8] {
        var t = t
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let text = "Date: \(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) \(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT\r\n"
        return Array(text.utf8)
    }
}
