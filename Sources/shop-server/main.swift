import ShopServer
print("shop-server \(ShopServerVersion.string) — usage: shop-server [--db PATH] [--port N]")
