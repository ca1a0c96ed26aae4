import Synchronization

/// How many products a search expression matches (counted up to a limit), kept per process until
/// the database changes.
///
/// `CatalogService.searchPage` counts a search's matches to choose how to find its page (read and
/// sort them all, or walk the search postings in order): an FTS5 query that reads up to 4,000
/// matches, which was 27% of the CPU of varied catalog reads (`SHOP_SQL_PROFILE`). The same
/// words, alone or within a category, come back with every other sort order, price filter and
/// page, so the count is kept, keyed by the FTS5 expression, until the store's change counter
/// (`Store.changeCounter`: any commit in any process) moves. A count is only a choice of plan:
/// every plan's page is exact, so even a count that lagged a write could only cost time.
final class SearchMatchCounts: Sendable {
    /// The cache and the change counter read for one request, before its read transaction.
    struct Snapshot {
        let counts: SearchMatchCounts
        let version: Int64
    }

    private struct State {
        var version: Int64 = -1
        var counts: [String: Int64] = [:]
    }
    private let state = Mutex(State())
    private let maxEntries: Int

    init(maxEntries: Int = 4_096) {
        self.maxEntries = maxEntries
    }

    /// Products matching `expression`, counted up to `limit` (the count is `limit` when there are
    /// more). From `snapshot`'s cache when it holds the count for its version, else counted in `db`.
    static func count(_ db: Connection, _ expression: String, upTo limit: Int64, snapshot: Snapshot?) throws -> Int64 {
        let key = "\(limit) \(expression)"
        if let snapshot, let known = snapshot.counts.known(key, version: snapshot.version) { return known }
        let counted = try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM products_fts WHERE products_fts MATCH ? LIMIT ?)", expression, limit) ?? 0
        snapshot?.counts.remember(counted, for: key, version: snapshot!.version)
        return counted
    }

    /// The count kept for `key` at `version`; nil when there is none (a new version empties the cache).
    private func known(_ key: String, version: Int64) -> Int64? {
        state.withLock { s in
            guard s.version == version else {
                s.version = version
                s.counts.removeAll(keepingCapacity: true)
                return nil
            }
            return s.counts[key]
        }
    }

    /// Keeps a count made at `version` (dropped when the counter has moved on since).
    private func remember(_ count: Int64, for key: String, version: Int64) {
        state.withLock { s in
            guard s.version == version else { return }
            if s.counts.count >= maxEntries { s.counts.removeAll(keepingCapacity: true) }
            s.counts[key] = count
        }
    }
}
