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
        /// Workers waiting on the semaphore that no submit has claimed yet.
        var idle = 0

        mutating func pop() -> Job? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            return job
        }
    }

    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)
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

    /// Queues a job and wakes one sleeping worker if any is registered as idle (workers drain
    /// the queue before sleeping, so busy workers take queued jobs without a wake-up).
    func submit(_ job: @escaping Job) {
        let wake = queue.withLock { q -> Bool in
            q.jobs.append(job)
            guard q.idle > 0 else { return false }
            q.idle -= 1
            return true
        }
        if wake { wakeUp.signal() }
    }

    /// Lets queued jobs finish, then ends the threads (does not wait for them).
    func stop() {
        let sleepers = queue.withLock { q -> Int in
            q.stopped = true
            defer { q.idle = 0 }
            return q.idle
        }
        for _ in 0..<sleepers { wakeUp.signal() }
    }

    private func work() {
        while true {
            let next: (job: Job?, exit: Bool) = queue.withLock { q in
                if let job = q.pop() { return (job, false) }
                if q.stopped { return (nil, true) }
                q.idle += 1 // registered under the lock, so a later submit will signal us
                return (nil, false)
            }
            if let job = next.job {
                job()
            } else if next.exit {
                return
            } else {
                wakeUp.wait()
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
