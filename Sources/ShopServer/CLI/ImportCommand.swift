import Foundation
import ShopEngine

/// `shop-server import products FILE.csv [--check]`: reads the file and prints; the engine
/// (`CatalogService.localImportProducts`) validates and writes, all or nothing.
public enum ImportCommand {
    public static let flags: [Options.Flag] = Options.engineFlags + [
        Options.Flag("check", help: "report every bad line and what the import would do; write nothing"),
    ]

    public static let usage = """
    usage: shop-server import products FILE.csv [--check] [--db PATH]

    Creates the products whose SKU is new and updates the others, in one transaction: when any
    line is bad, nothing is written and every bad line is listed with its number. Stock is set
    through the stock ledger (reason "import"). The file is UTF-8 CSV (a byte-order mark is fine)
    with a header row, in any column order:

      sku, name, price        required; price in major units as the shop writes it (12.50 or 125000)
      description, category   optional text
      stock                   optional whole number; empty leaves the stock as it is
      barcode                 optional; an empty cell removes it
      variant                 optional; a product with variants takes one row per variant,
                              sharing the SKU, with the variant's price and stock
      active                  optional yes or no

    Exit status: 0 imported (or checked without problems), 1 bad lines or an unreadable file, 64 usage.

    """ + Options.help(flags)

    public static func run(_ arguments: [String], output: (String) -> Void = { print($0) }, errors: (String) -> Void = UsersCommand.printError) -> Int32 {
        return CommandExit.run("shop-server", errors: errors) {
            let options = try Options.parse(arguments, flags: flags)
            if options.has("help") { output(usage); return 0 }
            guard options.positional.count == 2, options.positional[0] == "products" else {
                errors(options.positional.first.map { $0 == "products" ? "import products needs one FILE.csv" : "unknown import \"\($0)\": only products can be imported" }
                       ?? "import needs: products FILE.csv")
                errors("\n" + usage)
                return 64
            }
            let path = options.positional[1]
            guard let data = FileManager.default.contents(atPath: path) else {
                errors("shop-server: cannot read \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file")")
                return 1
            }
            // Plain reads, not the file mapped in memory: the import reads much of the database
            // once, and every mapped page it touched counted in its RSS (~200 MiB of a 100,000-
            // product catalog). Its transaction sets a larger cache (`CatalogImport.cacheKiB`).
            let shop = try Shop(try options.configuration(cacheKiB: 2_048))
            let check = options.has("check")
            let bar = ProgressBar(label: check ? "checking" : "importing")
            let report = try shop.catalog.localImportProducts(csv: [UInt8](data), check: check, progress: data.count >= ProgressBar.minimumBytes ? bar?.update : nil)
            bar?.finish()
            for problem in report.problems { errors("\(path):\(problem.line): \(problem.message)") }
            let what = "\(report.products) product\(report.products == 1 ? "" : "s") from \(report.rows) row\(report.rows == 1 ? "" : "s")"
            if !report.problems.isEmpty {
                errors("shop-server: \(report.problems.count) bad line\(report.problems.count == 1 ? "" : "s") in \(path); nothing was written")
                return 1
            }
            if check {
                output("checked \(what): \(report.created) new, \(report.updated) to update, \(report.unchanged) unchanged, \(report.stockChanges) stock change\(report.stockChanges == 1 ? "" : "s"); no problems (nothing written)")
            } else {
                output("imported \(what): \(report.created) new, \(report.updated) updated, \(report.unchanged) unchanged, \(report.stockChanges) stock change\(report.stockChanges == 1 ? "" : "s") in the ledger")
            }
            return 0
        }
    }
}

/// A one-line progress bar on stderr, only when stderr is a terminal (logs and pipes get none).
final class ProgressBar {
    /// Smaller files finish before a bar would be seen.
    static let minimumBytes = 256 * 1024
    let label: String
    private var shown = -1

    init?(label: String) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.label = label
    }

    func update(_ done: Int, _ total: Int) {
        let percent = total == 0 ? 100 : done * 100 / total
        guard percent != shown else { return }
        shown = percent
        let width = 30, filled = percent * width / 100
        let line = "\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(percent)% \(done)/\(total)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard shown >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
