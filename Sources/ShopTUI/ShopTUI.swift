import ShopEngine

/// The version shown by the storefront; the same as the engine's.
public enum ShopTUIVersion { public static let string = ShopEngineVersion.string }
