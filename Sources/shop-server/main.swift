import Foundation
import ShopServer

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "users" {
    exit(UsersCommand.run(Array(arguments.dropFirst())))
}
if let command = arguments.first, ["backup", "restore", "check"].contains(command) {
    exit(MaintenanceCommand.run(arguments))
}
if arguments.first == "import" { exit(ImportCommand.run(Array(arguments.dropFirst()))) }
if arguments.first == "export" { exit(ExportCommand.run(Array(arguments.dropFirst()))) }
if arguments.first == "migrate" { exit(MigrateCommand.run(Array(arguments.dropFirst()))) }
exit(ServeCommand.run(arguments))
