import Foundation
import Synchronization

/// Where the engine reads the time. Tests inject a `ManualClock` to check time-based rules.
public protocol ShopClock: Sendable {
    /// Seconds since 1970.
    func now() -> Int64
}

public struct SystemClock: ShopClock {
    public init() {}
    public func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

/// A clock that moves only when told: `clock.advance(61)`.
public final class ManualClock: ShopClock {
    private let current: Mutex<Int64>
    public init(_ start: Int64 = 1_800_000_000) { current = Mutex(start) }
    public func now() -> Int64 { current.withLock { $0 } }
    public func advance(_ seconds: Int64) { current.withLock { $0 += seconds } }
    public func set(_ value: Int64) { current.withLock { $0 = value } }
}
