import Foundation

/// The database behind `--demo`: a fresh temporary file (removed on exit), or the database
/// `--db` names — a SQLite file or a `postgres://` URL — when it is empty (filled once, however
/// many processes start on it together) or already holds this demo. A demo never writes into a
/// database that holds anything else. `language` picks the demo store
/// (`DemoStore.seed(_:language:)`), its currency and, unless `--default-country` says otherwise,
/// its country code.
public final class DemoDatabase: Sendable {
    public let shop: Shop
    public let path: String
    /// True when the file was made for this demo and is deleted by `remove()`.
    public let isTemporary: Bool

    public static func open(_ options: Options, cacheKiB: Int? = nil, language: Language = .en) throws -> DemoDatabase {
        var config = try options.configuration(defaultMessages: .outbox, cacheKiB: cacheKiB)
        config.messages = .outbox   // codes are shown on screen, never sent
        config.currency = try DemoStore.currency(language: language)
        if config.defaultCountry == nil { config.defaultCountry = try DemoStore.defaultCountry(language: language) }
        let temporary = options.value("db") == nil
        if temporary {
            var template = Array((FileManager.default.temporaryDirectory.path + "/shop-demo-XXXXXX").utf8CString)
            guard let dir = mkdtemp(&template) else { throw ShopError(.internal, "demo", "cannot create a temporary folder") }
            config.databasePath = String(cString: dir) + "/demo.sqlite"
        } else {
            // Before opening: opening migrates, which would write into someone else's database.
            try requireEmptyOrDemo(config.databasePath, language: language)
        }
        let shop = try Shop(config)
        do {
            try DemoStore.seedOnce(shop, language: language)
        } catch {
            shop.store.close()
            throw error
        }
        return DemoDatabase(shop: shop, path: config.databasePath, isTemporary: temporary)
    }

    /// A named database must be new (no file; an empty PostgreSQL database), an empty Shop
    /// database, or one holding this demo: checked without writing (opening would migrate it and
    /// set the demo's currency).
    static func requireEmptyOrDemo(_ path: String, language: Language) throws {
        let notShop = ShopError(.conflict, "not_empty", "--demo fills only an empty Shop database, and \(path) has data; leave out --db for a temporary demo store")
        let db: Connection
        switch try DatabaseLocation(path) {
        case .sqlite(let file):
            guard let header = FileManager.default.contents(atPath: file)?.prefix(16), !header.isEmpty else { return }
            guard header.starts(with: Array("SQLite format 3".utf8)) else { throw notShop }
            // Asked through SQLite, not read from the file's header: in WAL mode the header can
            // lag behind (another `shop --demo` migrating it right now), and that is no other shop.
            db = try Connection(inspecting: file)
            if try db.scalarInt("PRAGMA user_version") ?? 0 == 0 {
                guard try db.scalarInt("SELECT count(*) FROM sqlite_master") ?? 0 == 0 else { throw notShop }
                return
            }
        case .postgres(let url):
            db = try Connection(postgres: url)
            let tables = try db.scalarInt("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") ?? 0
            if tables == 0 { return }
            guard try db.scalarString("SELECT to_regclass('schema_migrations')::text") != nil else { throw notShop }
        }
        _ = try DemoStore.demoFound(db, language: language, place: path)
    }

    private init(shop: Shop, path: String, isTemporary: Bool) {
        self.shop = shop
        self.path = path
        self.isTemporary = isTemporary
    }

    /// Deletes a temporary demo database (and its folder); leaves a named one alone.
    public func remove() {
        guard isTemporary else { return }
        shop.store.close()
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
}
