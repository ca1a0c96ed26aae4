import Foundation
import ShopServer

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "users" {
    exit(UsersCommand.run(Array(arguments.dropFirst())))
}
exit(ServeCommand.run(arguments))
