import ShopEngine
import Synchronization

/// Answers to anonymous catalog reads (product lists, details, categories), kept until the
/// database changes. Every use first reads the store's change counter, so a stock change by a
/// checkout in any process, or a staff edit, is visible on the very next request.
final class ResponseCache: Sendable {
    private struct State {
        var version: Int64 = -1
        var entries: [String: APIResponse] = [:]
    }
    private let state = Mutex(State())
    private let store: Store
    private let maxEntries: Int

    init(store: Store, maxEntries: Int = 2_000) {
        self.store = store
        self.maxEntries = maxEntries
    }

    /// The cached answer for `key`, or `make()`'s (stored when it is a 200).
    func response(for key: String, _ make: () throws -> APIResponse) throws -> APIResponse {
        let version = try store.changeCounter()
        if let hit = state.withLock({ s -> APIResponse? in
            if s.version != version { s.version = version; s.entries.removeAll(keepingCapacity: true) }
            return s.entries[key]
        }) { return hit }
        let response = try make()
        guard response.status == 200 else { return response }
        state.withLock { s in
            // Only store what was computed against the version still current.
            guard s.version == version else { return }
            if s.entries.count >= maxEntries { s.entries.removeAll(keepingCapacity: true) }
            s.entries[key] = response
        }
        return response
    }
}
