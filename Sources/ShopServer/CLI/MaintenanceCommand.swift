import Foundation
import ShopEngine

/// `shop-server backup|restore|check`: looking after the database file, safe while `shop` and
/// `shop-server` processes use it (restore excepted: it waits for them to stop).
public enum MaintenanceCommand {
    public static let flags: [Options.Flag] = [
        Options.Flag("db", env: "SHOP_DB", value: "PATH", help: "the SQLite database file (default ./shop.sqlite)"),
        Options.Flag("to", value: "FILE|DIR", help: "backup: a new file, or a folder that gets shop-YYYYMMDD-HHMMSS.sqlite"),
        Options.Flag("keep", value: "N", help: "backup: keep only the newest N copies in the folder"),
        Options.Flag("with-key", help: "backup: copy the key file beside the copy (FILE.key, 0600)"),
        Options.Flag("from", value: "FILE", help: "restore: the backup to put in place"),
        Options.Flag("help", help: "show this help"),
    ]

    public static let usage = """
    usage: shop-server backup --to FILE|DIR [--keep N] [--with-key] [--db PATH]
           shop-server restore --from FILE [--db PATH]
           shop-server check [--db PATH]

    backup   copies the database while the shop keeps running (one consistent snapshot), checks
             the copy with integrity_check, and only then gives it its name (mode 0600). The key
             file (<db>.key) signs sessions and sign-in codes: without it a restored shop keeps
             every order, product and account, but everyone signs in again. Keep it apart from
             the copies, or pass --with-key.
    restore  puts a backup in place. Refused while any process has the database open (every
             SQLite connection holds a lock on the -shm file, which names its process); the
             replaced file is kept as <db>.replaced-YYYYMMDD-HHMMSS.
    check    integrity_check, foreign_key_check and the shop's own rules (stock equals its
             ledger, order totals equal their lines, paid orders are covered by payments).
             Prints what is wrong and exits 1, or prints "ok".

    """ + Options.help(flags)

    /// Runs `backup`, `restore` or `check` (the first word of `arguments`); returns the exit status.
    public static func run(_ arguments: [String], output: (String) -> Void = { print($0) }, errors: (String) -> Void = UsersCommand.printError) -> Int32 {
        guard let command = arguments.first else { errors(usage); return 64 }
        return CommandExit.run("shop-server \(command)", errors: errors) {
            let options = try Options.parse(Array(arguments.dropFirst()), flags: flags)
            if options.has("help") { output(usage); return 0 }
            guard options.positional.isEmpty else { throw Options.UsageError(description: "unexpected argument \(options.positional[0]) (see --help)") }
            let database = options.value("db") ?? "shop.sqlite"
            switch command {
            case "backup":
                guard let target = options.value("to") else { throw Options.UsageError(description: "backup needs --to FILE or --to DIR") }
                var keep: Int?
                if let text = options.value("keep") {
                    guard let n = Int(text), (1...10_000).contains(n) else { throw Options.UsageError(description: "--keep must be a number from 1 to 10000, got \"\(text)\"") }
                    keep = n
                }
                let key = options.has("with-key") ? SecretKey.defaultPath(forDatabase: database) : nil
                if let key, !FileManager.default.fileExists(atPath: key) { throw Options.UsageError(description: "--with-key: there is no key file at \(key)") }
                let copy = try Backup.take(database: database, to: target, keep: keep, withKey: key)
                output("backup \(copy.path) (\(copy.bytes) bytes, integrity ok)\(copy.keyPath.map { ", key \($0)" } ?? "")")
                for old in copy.removed { output("removed \(old)") }
            case "restore":
                guard let source = options.value("from") else { throw Options.UsageError(description: "restore needs --from FILE") }
                let restored = try Backup.restore(database: database, from: source)
                output("restored \(database) from \(source) (integrity ok)\(restored.replacedPath.map { "; the replaced database is kept as \($0)" } ?? "")")
            case "check":
                let problems = try HealthCheck.run(database: database)
                if problems.isEmpty { output("ok"); return 0 }
                for problem in problems { output(problem.description) }
                return 1
            default:
                throw Options.UsageError(description: "unknown command \(command) (backup, restore or check)")
            }
            return 0
        }
    }
}
