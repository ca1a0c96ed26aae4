import Foundation
import ShopServer

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "users" {
    exit(UsersCommand.run(Array(arguments.dropFirst())))
}
print("""
usage: shop-server [--db PATH] [--host ADDR] [--port N]
       shop-server users add --phone PHONE --role admin|staff|customer
       shop-server users list
""")
exit(arguments.contains("--help") || arguments.contains("-h") ? 0 : 64)
