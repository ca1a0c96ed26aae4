import Foundation

extension DemoStore {
    /// Puts the demo store in `language` into `shop` once, however many processes start on the
    /// same named database at the same moment (every SSH customer's `shop --demo --db
    /// postgres://…`): the first claims the empty database and fills it, the others wait until
    /// it is filled, then use it. A database holding anything else — another shop, or the demo
    /// in the other language — is refused, and nothing is written to it.
    ///
    /// ```swift
    /// try DemoStore.seedOnce(shop)   // fills an empty database; finds the English demo already there
    /// ```
    public static func seedOnce(_ shop: Shop, language: Language = .en, waitSeconds: Int = 180) throws {
        let place = shop.store.path   // never holds a password (DatabaseLocation refuses those)
        let filling = "filling:" + language.rawValue
        // The claim: one transaction, so two processes never both find the database empty.
        let claimed = try shop.store.write { db -> String? in
            if let found = try demoFound(db, language: language, place: place) { return found }
            try StoreSettings.set(db, .demoStore, filling)
            return nil
        }
        guard var found = claimed else {
            try seed(shop, language: language)
            try shop.store.write { try StoreSettings.set($0, .demoStore, language.rawValue) }
            return
        }
        var waited = 0
        while found == filling, waited < waitSeconds * 10 {   // another process is filling it
            usleep(100_000)
            waited += 1
            found = try shop.store.read { try StoreSettings.string($0, .demoStore) } ?? ""
        }
        guard found == language.rawValue else {
            throw ShopError(.conflict, "not_empty", "the demo store in \(place) is still being filled after \(waitSeconds) s (or its filling stopped halfway); try again, or drop the database and start over")
        }
    }

    /// What `--demo` finds in a Shop database: nil when it is empty (free to fill), else this
    /// demo's mark (`en`, or `filling:en` while another process fills it). Anything else — data
    /// without the mark, the demo in another language — is refused.
    static func demoFound(_ db: Connection, language: Language, place: String) throws -> String? {
        guard let found = try StoreSettings.string(db, .demoStore) else {
            guard try isEmpty(db) else {
                throw ShopError(.conflict, "not_empty", "--demo fills only an empty Shop database (or one holding this demo), and \(place) holds another shop; leave out --db for a temporary demo store, or name an empty database")
            }
            return nil
        }
        let other = found.replacingOccurrences(of: "filling:", with: "")
        guard other == language.rawValue else {
            throw ShopError(.conflict, "not_empty", "\(place) holds the demo store in another language (\(other)); start with --lang \(other), or name an empty database")
        }
        return found
    }
}
