import ShopEngine
public enum ShopServerVersion { public static let string = ShopEngineVersion.string }
import CPosix
let _epollProbe = shop_epollin
