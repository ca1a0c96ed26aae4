import ShopTUI
print("shop \(ShopTUIVersion.string) — usage: shop [--demo] [--db PATH]")
