import Foundation

/// Command-line flags with environment fallbacks, shared by `shop` and `shop-server`.
/// Flags win over the environment; unknown flags and missing values are clear errors.
///
/// ```swift
/// let options = try Options.parse(["--db", "x.sqlite"], flags: Options.engineFlags)
/// options.value("db")  // "x.sqlite"
/// ```
public struct Options: Sendable {
    public struct Flag: Sendable {
        public let name: String
        public let environment: String?
        public let valueName: String?   // nil: a switch without a value
        /// Empty for a flag its program words itself (`shop`: `cli.flag.*` in its message catalogs).
        public let help: String
        public init(_ name: String, env: String? = nil, value: String? = nil, help: String = "") {
            self.name = name; self.environment = env; self.valueName = value; self.help = help
        }
    }

    public private(set) var values: [String: String] = [:]
    public private(set) var switches: Set<String> = []
    public private(set) var positional: [String] = []

    public func value(_ name: String) -> String? { values[name] }
    public func has(_ name: String) -> Bool { switches.contains(name) }

    public struct UsageError: Error, CustomStringConvertible, Sendable {
        /// What is wrong, for a program that words it in its user's language (`shop`); nil when
        /// only `description` says it.
        public enum Problem: Sendable, Equatable {
            /// As typed: "--dbx" or "-x".
            case unknownOption(String)
            case takesNoValue(flag: String)
            case needsValue(flag: String, valueName: String)
            case notANumber(flag: String, value: String, range: ClosedRange<Int>)
        }
        public let description: String
        public let problem: Problem?
        public init(description: String, problem: Problem? = nil) { self.description = description; self.problem = problem }
    }

    public static func parse(_ arguments: [String], flags: [Flag], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Options {
        var options = Options()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                if argument.hasPrefix("-") && argument != "-" && argument != "-h" { throw UsageError(description: "unknown option \(argument) (see --help)", problem: .unknownOption(argument)) }
                if argument == "-h" { options.switches.insert("help") } else { options.positional.append(argument) }
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let flag = flags.first(where: { $0.name == name }) else { throw UsageError(description: "unknown option --\(name) (see --help)", problem: .unknownOption("--" + name)) }
            if flag.valueName == nil {
                guard inlineValue == nil else { throw UsageError(description: "--\(name) takes no value", problem: .takesNoValue(flag: "--" + name)) }
                options.switches.insert(name)
            } else if let inlineValue {
                options.values[name] = inlineValue
            } else {
                guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                    throw UsageError(description: "--\(name) needs a value: --\(name) \(flag.valueName!)", problem: .needsValue(flag: "--" + name, valueName: flag.valueName!))
                }
                options.values[name] = arguments[index]
                index += 1
            }
        }
        for flag in flags where flag.valueName != nil && options.values[flag.name] == nil {
            if let env = flag.environment, let value = environment[env], !value.isEmpty { options.values[flag.name] = value }
        }
        return options
    }

    /// Help lines for `flags`, aligned; `text` words a flag's help and its environment variable
    /// (`shop` in its session's language).
    public static func help(_ flags: [Flag], text: (Flag) -> String = \.help, environmentNote: (String) -> String = { "[env \($0)]" }) -> String {
        let left = flags.map { "  --\($0.name)" + ($0.valueName.map { " \($0)" } ?? "") }
        let width = (left.map(\.count).max() ?? 0) + 2
        return zip(left, flags).map { l, f in
            l.padding(toLength: width, withPad: " ", startingAt: 0) + text(f) + (f.environment.map { " " + environmentNote($0) } ?? "")
        }.joined(separator: "\n")
    }

    // MARK: - The engine's flags

    public static let engineFlags: [Flag] = [
        Flag("db", env: "SHOP_DB", value: "PATH|URL", help: "SQLite database file (default ./shop.sqlite), or postgres://user@host:port/dbname (password in PGPASSFILE or ~/.pgpass; needs SHOP_SECRET_FILE)"),
        Flag("messages", env: "SHOP_MESSAGES", value: "SINK", help: "where sign-in codes go: file:PATH or webhook:URL (default: nowhere, code sign-in is off)"),
        Flag("default-country", env: "SHOP_DEFAULT_COUNTRY", value: "+CC", help: "country prefix for local phone numbers, e.g. +98"),
        Flag("currency", env: "SHOP_CURRENCY", value: "CODE:DIGITS", help: "store currency, e.g. USD:2 or IRR:0 (kept in the database)"),
        Flag("signin-limit", env: "SHOP_SIGNIN_LIMIT", value: "N", help: "sign-in requests per minute per client address (default 30)"),
        Flag("unpaid-expiry", env: "SHOP_UNPAID_EXPIRY", value: "MINUTES", help: "cancel online orders still unpaid (card, transfer) after this long, 1-10080 (default 30)"),
        Flag("max-unpaid-orders", env: "SHOP_MAX_UNPAID_ORDERS", value: "N", help: "open unpaid orders per customer, 1-1000 (default 5)"),
        Flag("help", help: "show this help"),
    ]

    /// The engine configuration these options describe.
    public func configuration(defaultMessages: MessageSink? = nil, cacheKiB: Int? = nil) throws -> ShopConfiguration {
        var config = ShopConfiguration(databasePath: value("db") ?? "shop.sqlite")
        config.cacheKiB = cacheKiB
        if config.databasePath.isEmpty { throw UsageError(description: "--db needs a file path") }
        do {
            _ = try DatabaseLocation(config.databasePath)
        } catch let invalid as DatabaseLocation.Invalid {
            throw UsageError(description: "--db: \(invalid.description)")
        }
        config.messages = try value("messages").map { try MessageSink.parse($0) } ?? defaultMessages
        config.defaultCountry = value("default-country")
        config.currency = try value("currency").map { try Currency.parse($0) }
        if let limit = value("signin-limit") {
            guard let n = Int(limit), (1...100_000).contains(n) else { throw UsageError(description: "--signin-limit must be a number from 1 to 100000, got \"\(limit)\"", problem: .notANumber(flag: "--signin-limit", value: limit, range: 1...100_000)) }
            config.signinLimitPerMinute = n
        }
        if let minutes = value("unpaid-expiry") {
            guard let n = Int(minutes), ShopConfiguration.unpaidExpiryRange.contains(n) else {
                throw UsageError(description: "--unpaid-expiry must be a number of minutes from 1 to 10080 (a week), got \"\(minutes)\"",
                                 problem: .notANumber(flag: "--unpaid-expiry", value: minutes, range: ShopConfiguration.unpaidExpiryRange))
            }
            config.unpaidExpiryMinutes = n
        }
        if let limit = value("max-unpaid-orders") {
            guard let n = Int(limit), ShopConfiguration.maxUnpaidOrdersRange.contains(n) else {
                throw UsageError(description: "--max-unpaid-orders must be a number from 1 to 1000, got \"\(limit)\"",
                                 problem: .notANumber(flag: "--max-unpaid-orders", value: limit, range: ShopConfiguration.maxUnpaidOrdersRange))
            }
            config.maxUnpaidOrders = n
        }
        return config
    }
}
