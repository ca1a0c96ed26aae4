import Foundation

/// The database behind `--demo`: a fresh temporary file (removed on exit), or the file `--db`
/// names when it is empty. A demo never writes into a database that holds data. `language`
/// picks the demo store (`DemoStore.seed(_:language:)`), its currency and, unless
/// `--default-country` says otherwise, its country code.
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
        } else if let header = FileManager.default.contents(atPath: config.databasePath)?.prefix(100), !header.isEmpty {
            // Read the header before opening: opening migrates, which would write into someone's file.
            let bytes = [UInt8](header)
            let userVersion = bytes.count >= 64 ? bytes[60..<64].reduce(0) { $0 << 8 | Int($1) } : 0
            guard bytes.starts(with: Array("SQLite format 3".utf8)), userVersion > 0, try DemoStore.isEmpty(try Shop(config)) else {
                throw ShopError(.conflict, "not_empty", "--demo fills only an empty Shop database, and \(config.databasePath) has data; leave out --db for a temporary demo store")
            }
        }
        let shop = try Shop(config)
        try DemoStore.seed(shop, language: language)
        return DemoDatabase(shop: shop, path: config.databasePath, isTemporary: temporary)
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
