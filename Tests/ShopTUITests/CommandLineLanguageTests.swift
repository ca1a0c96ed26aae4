import Foundation
import Testing
@testable import ShopTUI

/// `shop --help` and its flag errors speak the language the session would (`--lang`, SHOP_LANG,
/// LC_ALL, LC_MESSAGES, LANG), run as the real binary; flags and values stay ASCII.
@Suite("shop's command line in the session's language")
struct CommandLineLanguageTests {
    struct Run { let status: Int32; let out: String; let err: String }

    /// `shop ARGS` with only `environment` (no inherited locale). `terminal`: run by `script`,
    /// on a pseudo-terminal (shop checks some values only once it knows it has one); what it
    /// writes to stdout and stderr then both land in `err`.
    func shop(_ arguments: [String], _ environment: [String: String], terminal: Bool = false) throws -> Run {
        let process = Process()
        if terminal {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            let command = ([TmuxHarness.shopBinary.path] + arguments).map { "'" + $0 + "'" }.joined(separator: " ") // no quote in any of them
            process.arguments = ["-qec", command, "/dev/null"]
        } else {
            process.executableURL = TmuxHarness.shopBinary
            process.arguments = arguments
        }
        process.environment = environment.merging(["PATH": "/usr/bin:/bin", "TERM": "xterm"]) { a, _ in a }
        let out = Pipe(), err = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = terminal ? err : out
        process.standardError = err
        try process.run()
        let outText = terminal ? "" : String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, out: outText, err: errText)
    }

    static let persian: [String: String] = ["LANG": "fa_IR.UTF-8"]
    static let english: [String: String] = ["LANG": "en_US.UTF-8"]

    /// Arabic-script letters: Persian text.
    func isPersian(_ text: String) -> Bool { text.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) } }

    @Test("shop --help is Persian with LANG=fa_IR.UTF-8 (or LC_ALL, LC_MESSAGES, SHOP_LANG, --lang fa) and English otherwise; every flag is listed, in ASCII")
    func help() throws {
        let fa = try shop(["--help"], Self.persian)
        #expect(fa.status == 0)
        #expect(fa.out.contains("کاربرد: shop [--db PATH] [--demo]"), "\(fa.out)")
        #expect(fa.out.contains("فروشگاه نمایشی"), "--demo's help")
        #expect(fa.out.contains("[متغیر محیطی SHOP_DB]"))
        #expect(!fa.out.contains("SQLite database file"), "no English help line")
        for flag in ShopCommand.flags {
            let line = try #require(fa.out.split(separator: "\n").first { $0.hasPrefix("  --\(flag.name) ") || $0 == "  --\(flag.name)" }, "--\(flag.name) is listed")
            #expect(isPersian(String(line)), "--\(flag.name)'s help is Persian: \(line)")
        }

        for environment in [Self.english, [:], ["LANG": "de_DE.UTF-8"], ["LC_ALL": "C"], ["LANG": "fa_IR.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"]] {
            let en = try shop(["--help"], environment)
            #expect(en.status == 0)
            #expect(en.out.contains("usage: shop [--db PATH] [--demo]"), "\(environment)")
            #expect(en.out.contains("SQLite database file") && en.out.contains("[env SHOP_DB]"), "\(environment)")
            #expect(!isPersian(en.out.replacingOccurrences(of: "فارسی", with: "")), "English only with \(environment)")
        }
        for (arguments, environment) in [(["--help"], ["LC_ALL": "fa_IR.UTF-8", "LANG": "en_US.UTF-8"]), (["--help"], ["LC_MESSAGES": "fa_IR.UTF-8"]),
                                         (["--help"], ["SHOP_LANG": "fa"]), (["--help", "--lang", "fa"], Self.english), (["--lang=fa", "-h"], [:])] {
            let run = try shop(arguments, environment)
            #expect(run.status == 0 && run.out.contains("کاربرد:"), "\(arguments) with \(environment)")
        }
        #expect(try shop(["--help", "--lang", "en"], Self.persian).out.contains("usage: shop"), "--lang en wins over LANG")
    }

    @Test("an unknown flag, a flag missing its value and a bad value are usage errors (exit 64) told in Persian with LANG=fa_IR.UTF-8 and in English otherwise, naming the flag as typed",
          arguments: [
            (["--colour"], "گزینهٔ ناشناخته --colour", "unknown option --colour (see --help)"),
            (["-x"], "گزینهٔ ناشناخته -x", "unknown option -x"),
            (["--idle-timeout"], "--idle-timeout مقدار می‌خواهد: --idle-timeout SECONDS", "--idle-timeout needs a value: --idle-timeout SECONDS"),
            (["--demo=yes"], "--demo مقدار نمی‌گیرد", "--demo takes no value"),
            (["--idle-timeout", "soon"], "مقدار --idle-timeout باید تعداد ثانیه باشد، نه «soon»", "--idle-timeout must be a number of seconds, got \"soon\""),
            (["--bidi", "left"], "مقدار --bidi باید auto، app یا terminal باشد، نه «left»", "--bidi must be auto, app or terminal, got \"left\""),
            (["--images", "sixel"], "مقدار --images باید auto، kitty، iterm یا off باشد", "--images must be auto, kitty, iterm or off, got \"sixel\""),
            (["--max-sessions", "-1"], "مقدار --max-sessions باید عددی از 0 تا 1000000 باشد، نه «-1»", "--max-sessions must be a number from 0 to 1000000, got \"-1\""),
            (["extra"], "آرگومان ناشناخته extra", "unexpected argument extra (see --help)"),
          ])
    func flagErrors(_ arguments: [String], _ persian: String, _ english: String) throws {
        let fa = try shop(arguments, Self.persian, terminal: true)
        #expect(fa.status == 64, "\(arguments): \(fa.err)")
        #expect(fa.err.hasPrefix("shop: ") && fa.err.contains(persian), "\(fa.err)")
        let en = try shop(arguments, Self.english, terminal: true)
        #expect(en.status == 64, "\(arguments): \(en.err)")
        #expect(en.err.hasPrefix("shop: ") && en.err.contains(english) && !isPersian(en.err), "\(en.err)")
    }

    @Test("a --lang shop does not speak is a usage error told in the environment's language, naming the choices")
    func badLanguage() throws {
        let fa = try shop(["--lang", "de"], Self.persian)
        #expect(fa.status == 64 && fa.err.contains("مقدار --lang باید یکی از en, fa باشد، نه «de»"), "\(fa.err)")
        let en = try shop(["--lang", "de"], Self.english)
        #expect(en.status == 64 && en.err.contains("--lang must be one of en, fa, got \"de\""), "\(en.err)")
    }
}
