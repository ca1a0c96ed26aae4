import Foundation
import ShopEngine

/// `shop-server users add --phone PHONE --role admin|staff|customer` and `shop-server users list`:
/// administration on the database file, safe while servers and TUIs use it.
public enum UsersCommand {
    public static let flags: [Options.Flag] = Options.engineFlags + [
        Options.Flag("phone", value: "PHONE", help: "the account's phone number (E.164, or local with --default-country)"),
        Options.Flag("role", value: "ROLE", help: "admin, staff or customer"),
    ]

    public static let usage = """
    usage: shop-server users add --phone PHONE --role admin|staff|customer [--db PATH]
           shop-server users list [--db PATH]

    Creates the account for PHONE with ROLE, or changes the role of the existing one
    (this is how the first admin is made). The owner signs in with a code sent to PHONE.

    """ + Options.help(flags)

    /// Runs the subcommand; returns the process exit status.
    public static func run(_ arguments: [String], output: (String) -> Void = { print($0) }, errors: (String) -> Void = printError) -> Int32 {
        return CommandExit.run("shop-server", errors: errors) {
            let options = try Options.parse(arguments, flags: flags)
            if options.has("help") || options.positional.isEmpty { output(usage); return options.has("help") ? 0 : 64 }
            let shop = try Shop(try options.configuration())
            switch options.positional[0] {
            case "add":
                guard let phone = options.value("phone") else { errors("users add needs --phone PHONE"); return 64 }
                guard let roleName = options.value("role"), let role = Role(rawValue: roleName) else {
                    errors("users add needs --role admin, staff or customer"); return 64
                }
                let (user, created) = try shop.admin.localSetRole(phone: phone, role: role)
                output("\(created ? "created" : "updated") user \(user.id) \(user.phone ?? "") role=\(user.role.rawValue)")
            case "list":
                let users = try shop.admin.localListUsers()
                output(pad("ID", 6) + pad("PHONE", 17) + pad("USERNAME", 18) + pad("ROLE", 10) + pad("ACTIVE", 8) + "NAME")
                for user in users {
                    output(pad(String(user.id), 6) + pad(user.phone ?? "-", 17) + pad(user.username ?? "-", 18) + pad(user.role.rawValue, 10)
                           + pad(user.active ? "yes" : "no", 8) + user.displayName)
                }
            default:
                errors("unknown users command \"\(options.positional[0])\"\n\n\(usage)")
                return 64
            }
            return 0
        }
    }

    private static func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count + 1), withPad: " ", startingAt: 0) }

    public static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
