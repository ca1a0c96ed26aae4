import ShopEngine
import Synchronization

/// Answers to reads (anonymous catalog reads; a signed-in caller's own cart, orders and
/// profile, keyed by account), kept until the database changes. Every use first reads the
/// store's change counter, so a stock change by a checkout in any process, a staff edit, or a
/// logout or role change is visible on the very next request.
/// Only 200s are kept, and their bodies never depend on `Accept-Language` (catalog data is not
/// translated; errors, the only translated answers, are never stored), so the key has no language.
final class ResponseCache: Sendable {
    private struct Entry {
        let response: APIResponse
        /// Seconds since 1970 after which the answer may differ although nothing was written
        /// (an unpaid order falling due); nil: only a database change ends it.
        let validUntil: Int64?
    }
    private struct State {
        var version: Int64 = -1
        var entries: [String: Entry] = [:]
    }
    private let state = Mutex(State())
    private let store: Store
    private let maxEntries: Int

    init(store: Store, maxEntries: Int = 2_000) {
        self.store = store
        self.maxEntries = maxEntries
    }

    /// The key for an anonymous read of `path` with `query` (both as decoded by the HTTP layer:
    /// what the handler sees). Every part is percent-encoded again before it is joined, so a
    /// decoded `&`, `=` or `?` cannot pass for a separator: `q=a%26sort%3Dprice` (one parameter,
    /// `q` = `a&sort=price`) and `q=a&sort=price` (two) get different keys. Parameters are
    /// sorted by name, since their order does not change the answer.
    ///
    /// ```swift
    /// ResponseCache.key(path: "/api/v1/products", query: ["q": "a&sort=price"]) // "/api/v1/products?q=a%26sort%3Dprice"
    /// ```
    static func key(path: String, query: [String: String]) -> String {
        var key = encoded(path, keeping: UInt8(ascii: "/"))
        key += "?"
        for (i, name) in query.keys.sorted().enumerated() {
            if i > 0 { key += "&" }
            key += encoded(name) + "=" + encoded(query[name]!)
        }
        return key
    }

    /// Percent-encodes every byte but unreserved ones (RFC 3986) and `keeping`: one spelling per
    /// text, and none of `%&=?#` left bare.
    private static func encoded(_ text: String, keeping kept: UInt8? = nil) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            case _ where byte == kept:
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The answer kept for `key` at `version` (the store's change counter), if it is still good
    /// at `now`; nil otherwise. Never computes anything.
    func cached(for key: String, version: Int64, now: () -> Int64) -> APIResponse? {
        let hit = state.withLock { s -> Entry? in
            if s.version != version { s.version = version; s.entries.removeAll(keepingCapacity: true) }
            return s.entries[key]
        }
        guard let hit, hit.validUntil.map({ now() < $0 }) ?? true else { return nil }
        return hit.response
    }

    /// The cached answer for `key`, or `make()`'s (stored when it is a 200). `version`: the
    /// store's change counter read for this request (nil: read it now). `validUntil`, asked
    /// only on a miss, bounds how long an answer that depends on the time may be kept; `now` is
    /// the engine's clock.
    func response(for key: String, version: Int64? = nil, now: () -> Int64 = { 0 }, validUntil: () throws -> Int64? = { nil },
                  _ make: () throws -> APIResponse) throws -> APIResponse {
        let version = try version ?? store.changeCounter()
        if let hit = cached(for: key, version: version, now: now) { return hit }
        let until = try validUntil()
        let response = try make()
        guard response.status == 200 else { return response }
        state.withLock { s in
            // Only store what was computed against the version still current.
            guard s.version == version else { return }
            if s.entries.count >= maxEntries { s.entries.removeAll(keepingCapacity: true) }
            s.entries[key] = Entry(response: response, validUntil: until)
        }
        return response
    }
}
