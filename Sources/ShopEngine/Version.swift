public enum ShopEngineVersion { public static let string = "0.1.0" }
