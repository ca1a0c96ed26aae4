import CPosix
import Glibc
import Synchronization

/// Finished work travelling from a worker back to the event loop that owns the connection.
struct Completion: Sendable {
    let connectionID: UInt64
    let fd: Int32
    let bytes: [UInt8]
    let close: Bool
}

/// A connection accepted by one event loop and handed to another (loops take new connections
/// in turn, so they share the work however the kernel woke them).
struct Arrival: Sendable {
    let fd: Int32
    let remoteAddress: String
}

/// One event loop's inbox: what other threads hand it, and the eventfd that wakes it.
final class LoopMailbox: Sendable {
    private struct State {
        var completions: [Completion] = []
        var arrivals: [Arrival] = []
        var wakePending = false
        var wakeFD: Int32 = -1
    }
    private let state = Mutex(State())
    /// Connections this loop took on (tests check that they spread over the loops).
    let adopted = Atomic<Int>(0)

    var wakeFD: Int32 { state.withLock { $0.wakeFD } }

    func setWakeFD(_ fd: Int32) { state.withLock { $0.wakeFD = fd; $0.wakePending = false } }

    /// Closing under the lock means no worker can write to a reused descriptor number. Sockets
    /// handed over after the loop stopped are closed too.
    func closeWakeFD() {
        state.withLock { state in
            if state.wakeFD >= 0 { close(state.wakeFD) }
            state.wakeFD = -1
            state.completions.removeAll()
            for arrival in state.arrivals { close(arrival.fd) }
            state.arrivals.removeAll()
        }
    }

    /// Queues a finished response and wakes the loop (one eventfd write per batch).
    func post(_ completion: Completion) {
        state.withLock { state in
            guard state.wakeFD >= 0 else { return }
            state.completions.append(completion)
            Self.wake(&state)
        }
    }

    /// Hands over an accepted socket; closes it when the loop is gone.
    func hand(_ arrival: Arrival) {
        let taken = state.withLock { state -> Bool in
            guard state.wakeFD >= 0 else { return false }
            state.arrivals.append(arrival)
            Self.wake(&state)
            return true
        }
        if !taken { close(arrival.fd) }
    }

    func wake() { state.withLock { Self.wake(&$0) } }

    private static func wake(_ state: inout State) {
        guard state.wakeFD >= 0, !state.wakePending else { return }
        state.wakePending = true
        _ = eventfd_write(state.wakeFD, 1)
    }

    /// Called by the loop after reading the eventfd.
    func take() -> (completions: [Completion], arrivals: [Arrival]) {
        state.withLock { state in
            state.wakePending = false
            defer {
                state.completions.removeAll(keepingCapacity: true)
                state.arrivals.removeAll(keepingCapacity: true)
            }
            return (state.completions, state.arrivals)
        }
    }
}
