import Foundation
import ShopEngine

/// `shop-server export products|orders|customers|payments`: streams the engine's export
/// (`ExportService`) to stdout or, atomically, to a file.
public enum ExportCommand {
    public static let flags: [Options.Flag] = Options.engineFlags + [
        Options.Flag("format", value: "csv|json", help: "CSV (RFC 4180, CRLF) or JSON lines (default csv)"),
        Options.Flag("since", value: "DATE", help: "only records from DATE on: 2026-11-21 (local midnight) or 2026-11-21T14:30:00Z"),
        Options.Flag("until", value: "DATE", help: "only records before DATE"),
        Options.Flag("to", value: "FILE", help: "write FILE (mode 0600) whole or not at all, instead of stdout"),
        Options.Flag("excel", help: "CSV for Excel: start with a UTF-8 byte-order mark"),
    ]

    public static let usage = """
    usage: shop-server export products|orders|customers|payments [--format csv|json] [--since DATE] [--until DATE]
                              [--to FILE] [--excel] [--db PATH]

    Streams records as they are read (memory stays flat however many there are). CSV amounts are in
    major units with the currency's digits (12.50, 125000), dates in ISO 8601 UTC; orders take one
    row per order line with the order's columns repeated, and their payments in `paid` and
    `payments`. JSON is one object per line, shaped like the HTTP API's (amounts in minor units).
    A products CSV has the columns `shop-server import products` reads. --since filters orders,
    payments and customers by creation, products by their last change.

    Exit status: 0 written, 1 a failure (nothing half-written with --to), 64 usage.

    """ + Options.help(flags)

    public static func run(_ arguments: [String], errors: (String) -> Void = UsersCommand.printError,
                           standardOutput: Int32 = STDOUT_FILENO) -> Int32 {
        return CommandExit.run("shop-server", errors: errors) {
            let options = try Options.parse(arguments, flags: flags)
            if options.has("help") { FileHandle.standardOutput.write(Data((usage + "\n").utf8)); return 0 }
            guard options.positional.count == 1, let kind = ExportRequest.Kind(rawValue: options.positional[0]) else {
                errors(options.positional.isEmpty ? "export needs what to export: products, orders, customers or payments"
                       : "export takes one of products, orders, customers, payments; got \(options.positional.joined(separator: " "))")
                errors("\n" + usage)
                return 64
            }
            let formatName = options.value("format") ?? "csv"
            guard let format = ExportRequest.Format(rawValue: formatName) else { throw Options.UsageError(description: "--format must be csv or json, got \"\(formatName)\"") }
            if options.has("excel") && format != .csv { throw Options.UsageError(description: "--excel goes with --format csv") }
            func date(_ name: String) throws -> Int64? {
                guard let text = options.value(name) else { return nil }
                do { return try ExportRequest.parseDate(text) } catch let error as ShopError { throw Options.UsageError(description: "--\(name): \(error.message)") }
            }
            let request = ExportRequest(kind: kind, format: format, since: try date("since"), until: try date("until"), excel: options.has("excel"))
            let shop = try Shop(try options.configuration())
            if let path = options.value("to") {
                let summary = try shop.exports.localWriteFile(request, to: path)
                errors("exported \(summary.records) \(kind.rawValue) to \(path) (\(summary.bytes) bytes)")
            } else {
                _ = try shop.exports.localWrite(request) { try writeAll(standardOutput, $0) }
            }
            return 0
        }
    }

    struct WriteFailed: Error, CustomStringConvertible { let description: String }

    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteFailed(description: "writing the export failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}
