import ShopEngine

/// The store's settings a session shows (its name in the header and on receipts). Read once when
/// the session starts and again by an effect now and then, so a rename reaches open sessions
/// without a query on every frame.
///
///     let settings = StoreSettings.load(from: shop)   // in an effect, never in render or handle
public struct StoreSettings: Sendable, Equatable {
    public var name: String

    public init(name: String) { self.name = name }

    /// Reads the settings from the store (a query: effects and session start only).
    public static func load(from shop: Shop) -> StoreSettings { StoreSettings(name: shop.storeName()) }
}
