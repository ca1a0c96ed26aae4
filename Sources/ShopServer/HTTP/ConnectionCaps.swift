import Synchronization

/// `maxConnections` and `maxConnectionsPerAddress`, counted across every event loop: a place is
/// reserved when a connection is taken on and released exactly once when it starts closing.
final class ConnectionCaps: Sendable {
    enum Refusal { case serverBusy, addressBusy }

    private struct Counts {
        var active = 0
        /// Counted connections per client address (IPv4-mapped IPv6 peers under their IPv4
        /// text); an address leaves the table when its last connection is released.
        var perAddress: [String: Int] = [:]
    }
    private let counts = Mutex(Counts())
    private let maxConnections: Int
    private let maxPerAddress: Int
    /// Open sockets on all loops, counted or not (those being answered 503 too).
    let open = Atomic<Int>(0)

    init(maxConnections: Int, maxPerAddress: Int) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
    }

    /// Far past the cap: a new connection is closed without even a 503.
    var isFarPastCap: Bool { open.load(ordering: .relaxed) > maxConnections + 256 }

    /// Takes a place for a connection from `address`, or says which cap is full.
    func reserve(_ address: String) -> Refusal? {
        counts.withLock { counts in
            let fromAddress = counts.perAddress[address, default: 0]
            if counts.active >= maxConnections { return .serverBusy }
            if fromAddress >= maxPerAddress { return .addressBusy }
            counts.active += 1
            counts.perAddress[address] = fromAddress + 1
            return nil
        }
    }

    func release(_ address: String) {
        counts.withLock { counts in
            counts.active -= 1
            let left = counts.perAddress[address, default: 1] - 1
            counts.perAddress[address] = left > 0 ? left : nil
        }
    }
}
