import Foundation

/// How to open a shop. Front ends fill it from flags and environment.
public struct ShopConfiguration: Sendable {
    /// A SQLite file, or a `postgres://user@host:port/dbname` URL (`DatabaseLocation`).
    public var databasePath: String
    /// The key file; nil means `SHOP_SECRET_FILE` or `<database>.key` (SQLite only: a
    /// PostgreSQL shop has no file to put it beside and requires `SHOP_SECRET_FILE`).
    public var secretFile: String?
    /// Prefix for local phone forms (`0914…`), e.g. `+98`.
    public var defaultCountry: String?
    /// When set, becomes the store's currency (kept in the database for every process).
    public var currency: Currency?
    /// Where codes go; nil (the default) means nowhere, and code flows refuse.
    public var messages: MessageSink?
    /// Sign-in requests per minute per client address.
    public var signinLimitPerMinute: Int
    public var clock: any ShopClock
    /// PBKDF2 rounds for new password hashes. Production keeps OWASP's minimum.
    public var passwordIterations: Int
    /// SQLite page cache per connection in KiB (nil: SQLite's 2 MiB default). The terminal app
    /// runs one process per customer and keeps it small: the kernel's cache of the file is shared.
    public var cacheKiB: Int?
    /// Minutes an online order waiting for a card or transfer payment may stay unpaid before it
    /// is cancelled and its stock goes back (`--unpaid-expiry`, 1…10080).
    public var unpaidExpiryMinutes: Int = ShopConfiguration.defaultUnpaidExpiryMinutes
    /// Open unpaid orders one customer may have at once (`--max-unpaid-orders`, 1…1000; load
    /// generators set more).
    public var maxUnpaidOrders: Int = ShopConfiguration.defaultMaxUnpaidOrders

    public static let defaultUnpaidExpiryMinutes = 30
    public static let unpaidExpiryRange = 1...10_080
    public static let defaultMaxUnpaidOrders = 5
    public static let maxUnpaidOrdersRange = 1...1_000

    public init(databasePath: String, secretFile: String? = nil, defaultCountry: String? = nil,
                currency: Currency? = nil, messages: MessageSink? = nil, signinLimitPerMinute: Int = 30,
                clock: any ShopClock = SystemClock(), passwordIterations: Int = PasswordHasher.owaspIterations) {
        self.databasePath = databasePath
        self.secretFile = secretFile
        self.defaultCountry = defaultCountry
        self.currency = currency
        self.messages = messages
        self.signinLimitPerMinute = signinLimitPerMinute
        self.clock = clock
        self.passwordIterations = passwordIterations
    }
}

/// The engine: one façade with an area per concern. Every call takes the acting `Caller` and
/// returns domain values or throws `ShopError`.
///
/// ```swift
/// let shop = try Shop(ShopConfiguration(databasePath: "shop.sqlite"))
/// let request = try shop.accounts.requestCode(phone: "+15551234567", caller: .guest())
/// ```
public final class Shop: Sendable {
    public let store: Store
    let context: EngineContext

    public var accounts: AccountService { AccountService(context) }
    public var catalog: CatalogService { CatalogService(context) }
    public var carts: CartService { CartService(context) }
    public var orders: OrderService { OrderService(context) }
    public var payments: PaymentService { PaymentService(context) }
    public var admin: AdminService { AdminService(context) }
    public var configuration: ShopConfiguration { context.configuration }
    public var currency: Currency { context.currency }
    /// Whether codes (sign-in, verification, reset) can be sent: a message sink is configured.
    public var sendsCodes: Bool { context.sender.isConfigured }

    /// The name on receipts and the title bar (setting `store_name`).
    /// The store's settings (name, low-stock line): public facts any front end may show.
    public func settings() -> StoreSettings {
        (try? store.read { try StoreSettings.load($0) }) ?? StoreSettings(storeName: StoreSettings.defaultStoreName, lowStockThreshold: StoreSettings.defaultLowStockThreshold)
    }

    public func storeName() -> String {
        (try? store.read { try StoreSettings.string($0, .storeName) }) ?? nil ?? StoreSettings.defaultStoreName
    }

    public init(_ configuration: ShopConfiguration) throws {
        if let country = configuration.defaultCountry, !Phone.validateCountryPrefix(country) {
            throw ShopError.invalid("invalid_default_country", "--default-country must look like +98 (a plus and 1–3 digits), got \"\(country)\"")
        }
        guard ShopConfiguration.unpaidExpiryRange.contains(configuration.unpaidExpiryMinutes) else {
            throw ShopError.invalid("invalid_unpaid_expiry", "--unpaid-expiry must be 1 to 10080 minutes, got \(configuration.unpaidExpiryMinutes)")
        }
        guard configuration.maxUnpaidOrders >= 1 else {
            throw ShopError.invalid("invalid_max_unpaid_orders", "--max-unpaid-orders must be at least 1, got \(configuration.maxUnpaidOrders)")
        }
        let location = try DatabaseLocation(configuration.databasePath)
        let keyPath = try configuration.secretFile ?? SecretKey.path(for: location)
        let store = try Store(path: configuration.databasePath, cacheKiB: configuration.cacheKiB)
        let key = try SecretKey.loadOrCreate(at: keyPath)
        let currency: Currency = try store.write { db in
            if let wanted = configuration.currency {
                try StoreSettings.set(db, .currency, wanted.spec)
                return wanted
            }
            if let stored = try StoreSettings.string(db, .currency),
               let parsed = try? Currency.parse(stored) { return parsed }
            return .usd
        }
        self.store = store
        self.context = EngineContext(configuration: configuration, store: store, key: key, currency: currency)
    }
}

/// What every service shares: the store, the clock, keys and settings.
final class EngineContext: Sendable {
    let configuration: ShopConfiguration
    let store: Store
    let clock: any ShopClock
    let jwt: JWT
    let codeKey: [UInt8]
    let currency: Currency
    let sender: MessageSender
    let limiter: RateLimiter
    let hasher: PasswordHasher
    /// Access tokens checked since the file last changed.
    let sessions = SessionCache()
    /// Search match counts (a choice of plan) kept since the file last changed.
    let matchCounts = SearchMatchCounts()

    init(configuration: ShopConfiguration, store: Store, key: SecretKey, currency: Currency) {
        self.configuration = configuration
        self.store = store
        self.clock = configuration.clock
        self.jwt = JWT(key: key.derive("jwt-hs256"))
        self.codeKey = key.derive("one-time-codes")
        self.currency = currency
        self.sender = MessageSender(sink: configuration.messages, store: store, clock: configuration.clock)
        self.limiter = RateLimiter(store: store, clock: configuration.clock)
        self.hasher = PasswordHasher(iterations: configuration.passwordIterations)
    }

    var now: Int64 { clock.now() }
    /// Seconds an order may wait for an online payment.
    var unpaidExpiry: Int64 { Int64(configuration.unpaidExpiryMinutes) * 60 }

    /// A keyed hash of a one-time code, bound to what it unlocks.
    func codeHash(_ code: String, for subject: String) -> [UInt8] {
        Crypto.hmacSHA256(key: codeKey, "\(subject)|\(code)")
    }

    // MARK: - Authorization

    /// The signed-in user's id and current role; re-read on every call so a demotion or a
    /// deactivation takes effect at once, in every process.
    func requireUser(_ caller: Caller, _ db: Connection) throws -> (id: Int64, role: Role) {
        guard let id = caller.userID else { throw ShopError.signInRequired }
        // The caller's session must still be open: signing out or a password change elsewhere
        // ends it at once, in every process (terminal sessions included, not only HTTP tokens).
        guard let row = try db.first("""
            SELECT role, active, EXISTS(SELECT 1 FROM token_families f WHERE f.id = ? AND f.user_id = users.id AND f.revoked_at IS NULL) AS session_open
            FROM users WHERE id = ?
            """, caller.tokenFamily, id, map: { (Role(rawValue: $0.string("role")), $0.bool("active"), $0.bool("session_open")) }),
              let role = row.0, row.1 else {
            throw ShopError(.unauthorized, "account_disabled", "This account is not active")
        }
        guard row.2 else { throw ShopError.sessionEnded }
        return (id, role)
    }

    func requireStaff(_ caller: Caller, _ db: Connection) throws -> Int64 {
        let user = try requireUser(caller, db)
        guard user.role.isStaff else { throw ShopError.forbidden }
        return user.id
    }

    func requireAdmin(_ caller: Caller, _ db: Connection) throws -> Int64 {
        let user = try requireUser(caller, db)
        guard user.role == .admin else { throw ShopError.forbidden }
        return user.id
    }

    /// Sign-in routes are limited per client address, in every process at once.
    func limitSignIn(_ caller: Caller) throws {
        try limiter.hit("signin:\(caller.clientAddress)", limit: configuration.signinLimitPerMinute, window: 60,
                        message: "Too many sign-in attempts from your address; wait a minute")
    }
}
