import ShopEngine

/// `shop-server migrate --from FILE.sqlite --to postgres://…`: moves a shop to PostgreSQL.
public enum MigrateCommand {
    public static let flags: [Options.Flag] = [
        Options.Flag("from", value: "FILE", help: "the shop's SQLite database"),
        Options.Flag("to", value: "URL", help: "an empty PostgreSQL database, postgres://USER@HOST:PORT/DB (the password from PGPASSFILE or ~/.pgpass)"),
        Options.Flag("help", help: "show this help"),
    ]

    public static let usage = """
    usage: shop-server migrate --from FILE.sqlite --to postgres://USER@HOST:PORT/DB

    Copies a shop from its SQLite file into an empty PostgreSQL database (the schema is created),
    in one transaction, then compares row counts, stock and money sums of both sides and prints
    them; any difference rolls the copy back. Stop the shop first. Sessions, pending codes and
    rate limits are left behind (customers sign in again). A database that already holds a shop
    is refused.

    """ + Options.help(flags)

    /// Runs the subcommand (the words after `migrate`); returns the exit status.
    public static func run(_ arguments: [String], output: (String) -> Void = { print($0) }, errors: (String) -> Void = UsersCommand.printError) -> Int32 {
        CommandExit.run("shop-server migrate", errors: errors) {
            let options = try Options.parse(arguments, flags: flags)
            if options.has("help") { output(usage); return 0 }
            guard options.positional.isEmpty else { throw Options.UsageError(description: "unexpected argument \(options.positional[0]) (see --help)") }
            guard let source = options.value("from"), !source.isEmpty else { throw Options.UsageError(description: "migrate needs --from FILE.sqlite") }
            guard let target = options.value("to"), !target.isEmpty else { throw Options.UsageError(description: "migrate needs --to postgres://USER@HOST:PORT/DB") }
            do {
                guard try DatabaseLocation(target).isPostgres else { throw Options.UsageError(description: "--to must be a postgres:// URL, got \"\(target)\"") }
            } catch let invalid as DatabaseLocation.Invalid {
                throw Options.UsageError(description: "--to: \(invalid.description)")
            }
            let report = try DatabaseCopy.run(from: source, to: target)
            report.lines.forEach(output)
            output("migrated \(source) to \(target)")
            return 0
        }
    }
}
