import CLibPQ
import Foundation

/// Counts `NOTIFY shop_changes`, which every PostgreSQL write transaction that changed something
/// sends as it commits (`Connection.writeTransaction`). Its connection goes straight to the
/// server (`SHOP_DB_LISTEN`, default the main URL): a pooler in transaction mode would drop
/// the `LISTEN` between transactions.
///
/// `poll()` reads what already arrived (`PQconsumeInput`, no round trip). A notification travels
/// after its commit, so another process's commit reaches this counter a moment later (well under
/// a millisecond on one network): a request that races it may still get one cached answer. This
/// process's own commits bump the store's counter synchronously.
final class ChangeListener {
    private let url: String
    private var handle: OpaquePointer?
    private(set) var count: Int64 = 0

    init(url: String) throws {
        self.url = url
        try connect()
    }

    deinit { if let handle { PQfinish(handle) } }

    private func connect() throws {
        let driver = try PostgresDriver(url: url) // the same connection rules and errors
        try driver.execute("LISTEN shop_changes")
        // Keep libpq's handle beyond the driver: take it over.
        handle = driver.detach()
    }

    /// The number of notifications seen so far. A lost connection counts as a change (any
    /// notification may have been missed) and is made again on the next poll.
    func poll() -> Int64 {
        guard let handle, PQconsumeInput(handle) == 1 else {
            if let handle { PQfinish(handle) }
            handle = nil
            count += 1
            try? connect()
            return count
        }
        while let notification = PQnotifies(handle) {
            PQfreemem(notification)
            count += 1
        }
        return count
    }
}
