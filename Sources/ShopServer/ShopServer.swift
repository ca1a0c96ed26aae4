import ShopEngine
public enum ShopServerVersion { public static let string = ShopEngineVersion.string }
