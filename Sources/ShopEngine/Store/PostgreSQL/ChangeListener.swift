import CLibPQ
import Foundation

/// Counts `NOTIFY shop_changes`, which every PostgreSQL write transaction that changed something
/// sends as it commits (`Connection.writeTransaction`). Its connection goes straight to the
/// server (`SHOP_DB_LISTEN`, default the main URL): a pooler in transaction mode would drop
/// the `LISTEN` between transactions.
///
/// A notification travels after its commit, asynchronously: read as it happens to arrive, a
/// request right after another process's commit (a session revoked elsewhere) could still get
/// one cached answer. So `poll()` makes one round trip (`SELECT 1`): a commit that finished
/// before the poll began has already signalled the listener's server process, and the server
/// delivers pending notifications before it reports the query done (PostgreSQL 14+), so the
/// very next request sees the change. About one local round trip per poll. This process's own
/// commits also bump the store's counter synchronously, without the round trip.
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
        guard let handle, Self.roundTrip(handle) else {
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

    private static func roundTrip(_ handle: OpaquePointer) -> Bool {
        guard let result = PQexec(handle, "SELECT 1") else { return false }
        defer { PQclear(result) }
        return PQresultStatus(result) == PGRES_TUPLES_OK
    }
}
