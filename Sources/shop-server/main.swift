import Foundation
import ShopServer

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "users" {
    exit(UsersCommand.run(Array(arguments.dropFirst())))
}
if let command = arguments.first, ["backup", "restore", "check"].contains(command) {
    exit(MaintenanceCommand.run(arguments))
}
exit(ServeCommand.run(arguments))
