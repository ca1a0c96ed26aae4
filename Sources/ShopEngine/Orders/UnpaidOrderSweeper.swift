import Foundation

/// Expires unpaid orders on a timer (shop-server runs one), so stock comes back even when nobody
/// checks out or reads orders. Checkout and order reads sweep as well; this only bounds the wait.
///
/// ```swift
/// let sweeper = UnpaidOrderSweeper.start(shop, every: 60) { print($0) }
/// defer { sweeper.stop() }
/// ```
public final class UnpaidOrderSweeper: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    private init() {}

    /// Starts sweeping every `interval` seconds on a background thread; `log` hears failures
    /// (a busy database, say) and how many orders expired.
    public static func start(_ shop: Shop, every interval: TimeInterval = 60, log: @escaping @Sendable (String) -> Void) -> UnpaidOrderSweeper {
        let sweeper = UnpaidOrderSweeper()
        let thread = Thread { [sweeper] in
            // `wait` returns .success only when `stop` signals: then the loop ends.
            while sweeper.wake.wait(timeout: .now() + interval) == .timedOut {
                do {
                    let expired = try shop.orders.expireUnpaid()
                    if expired > 0 { log("shop: cancelled \(expired) unpaid order\(expired == 1 ? "" : "s") past --unpaid-expiry") }
                } catch {
                    log("shop: expiring unpaid orders failed (will retry): \(error)")
                }
            }
            sweeper.done.signal()
        }
        thread.name = "unpaid-order-sweeper"
        thread.start()
        return sweeper
    }

    /// Stops the timer and waits for a sweep in progress to finish.
    public func stop() {
        wake.signal()
        done.wait()
    }
}
