import ShopEngine
public enum ShopTUIVersion { public static let string = ShopEngineVersion.string }
import CNCurses
func _cursesProbe() -> Int32 { shop_lines() }
