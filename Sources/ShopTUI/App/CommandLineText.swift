import ShopEngine

/// `shop --help` and the flag errors in the session's language (`cli.*` in assets/locales), so
/// a Persian terminal reads them in Persian like every screen after. Flags, values and the
/// program's name stay ASCII: they are what is typed.
///
/// ```swift
/// L.setLanguage(CommandLineText.language(arguments, environment: environment))
/// print(CommandLineText.usage(ShopCommand.flags))
/// ```
enum CommandLineText {
    /// The language to speak before the flags are read (a bad flag must be told in it too): the
    /// `--lang` given, else SHOP_LANG, LC_ALL, LC_MESSAGES, LANG as `Language.choose` reads them;
    /// English when the one named is not a language we speak (that error is told later).
    static func language(_ arguments: [String], environment: [String: String]) -> Language {
        var flag: String?
        for (index, argument) in arguments.enumerated() {
            if argument == "--lang", index + 1 < arguments.count { flag = arguments[index + 1] }
            if argument.hasPrefix("--lang=") { flag = String(argument.dropFirst("--lang=".count)) }
        }
        return (try? Language.choose(flag: flag, environment: environment)) ?? (try? Language.choose(flag: nil, environment: environment)) ?? .en
    }

    /// The whole `--help` text.
    static func usage(_ flags: [Options.Flag]) -> String {
        L.t("cli.usage", ["version": ShopEngineVersion.string]) + "\n\n" + L.t("cli.about") + "\n\n"
            + Options.help(flags, text: help, environmentNote: { L.t("cli.env", ["name": $0]) })
    }

    /// A flag's help line; the flag's own (English) text for a flag the catalogs do not word.
    static func help(_ flag: Options.Flag) -> String {
        switch flag.name {
        case "db": L.t("cli.flag.db")
        case "messages": L.t("cli.flag.messages")
        case "default-country": L.t("cli.flag.default_country")
        case "currency": L.t("cli.flag.currency")
        case "signin-limit": L.t("cli.flag.signin_limit")
        case "unpaid-expiry": L.t("cli.flag.unpaid_expiry")
        case "max-unpaid-orders": L.t("cli.flag.max_unpaid_orders")
        case "help": L.t("cli.flag.help")
        case "demo": L.t("cli.flag.demo")
        case "tour": L.t("cli.flag.tour")
        case "lang": L.t("cli.flag.lang")
        case "bidi": L.t("cli.flag.bidi")
        case "idle-timeout": L.t("cli.flag.idle_timeout")
        case "receipt-dir": L.t("cli.flag.receipt_dir")
        case "images": L.t("cli.flag.images")
        case "receipt-command": L.t("cli.flag.receipt_command")
        case "receipt-format": L.t("cli.flag.receipt_format")
        case "receipt-device": L.t("cli.flag.receipt_device")
        case "drawer-command": L.t("cli.flag.drawer_command")
        case "stats-file": L.t("cli.flag.stats_file")
        case "max-sessions": L.t("cli.flag.max_sessions")
        case "max-sessions-per-address": L.t("cli.flag.max_sessions_per_address")
        case "sessions-dir": L.t("cli.flag.sessions_dir")
        default: flag.help
        }
    }

    /// A flag error as the user reads it; the error's own (English) text when it is not one
    /// these messages word (the engine's deeper checks: a database URL, a currency).
    static func describe(_ error: any Error) -> String {
        switch error {
        case let usage as Options.UsageError:
            switch usage.problem {
            case .unknownOption(let option): L.t("cli.error.unknown_option", ["option": option])
            case .takesNoValue(let flag): L.t("cli.error.takes_no_value", ["flag": flag])
            case .needsValue(let flag, let valueName): L.t("cli.error.needs_value", ["flag": flag, "value": valueName])
            case .notANumber(let flag, let value, let range): notANumber(flag, value, range)
            case nil: usage.description
            }
        case let language as LanguageError:
            L.t("cli.error.lang", ["choices": Language.allCases.map(\.rawValue).joined(separator: ", "), "value": language.value])
        default: "\(error)"
        }
    }

    /// "--FLAG must be a number from MIN to MAX".
    static func notANumber(_ flag: String, _ value: String, _ range: ClosedRange<Int>) -> String {
        L.t("cli.error.not_a_number", ["flag": flag, "min": "\(range.lowerBound)", "max": "\(range.upperBound)", "value": value])
    }
}
