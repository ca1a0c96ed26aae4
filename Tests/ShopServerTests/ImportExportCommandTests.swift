import Foundation
import Testing
import ShopEngine
@testable import ShopServer

/// `shop-server import products` and `shop-server export` through the built executable, on files.
@Suite("shop-server import and export")
struct ImportExportCommandTests {
    struct Run { let status: Int32; let stdout: String; let stderr: String }

    static func shopServer(_ arguments: [String], in directory: URL) throws -> Run {
        let process = Process()
        process.executableURL = APIExecutableTests.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func folder() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-ie-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("every subcommand: a usage mistake exits 64 and a failure exits 1, each with one line saying why")
    func exitStatuses() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        for arguments in [["users", "--bogus"], ["backup", "--keep", "x", "--to", "b"], ["import", "products", "--bogus"],
                          ["export", "orders", "--since", "yesterday"], ["--port", "not-a-port"]] {
            let run = try Self.shopServer(arguments, in: directory)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
            #expect(run.stderr.hasPrefix("shop-server"), "\(arguments): \(run.stderr)")
        }
        let missing = try Self.shopServer(["restore", "--from", "no-such-backup.sqlite"], in: directory)
        #expect(missing.status == 1, "\(missing.stderr)")
        #expect(missing.stderr.contains("no-such-backup.sqlite"), "\(missing.stderr)")
    }

    @Test("import checks, refuses bad files with exit 1 naming the lines, imports, and exports read back by Python's csv module")
    func importThenExport() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = ["--db", directory.appendingPathComponent("shop.sqlite").path]
        let good = "\u{FEFF}sku,name,price,stock,category,variant\r\nCAKE-1,\"کیک شکلاتی, ویژه\",12.50,4,نانوایی,\r\nTEA,Tea,3.00,2,Drinks,100 g\r\nTEA,Tea,5.50,1,Drinks,250 g\r\n"
        try Data(good.utf8).write(to: directory.appendingPathComponent("good.csv"))
        try Data("sku,name,price\nA,B,x\nA,C,1\n".utf8).write(to: directory.appendingPathComponent("bad.csv"))
        try Data([0x73, 0x6B, 0x75, 0x0A, 0xE9, 0x0A]).write(to: directory.appendingPathComponent("latin1.csv"))

        let check = try Self.shopServer(["import", "products", "good.csv", "--check"] + db, in: directory)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("checked 2 products from 3 rows: 2 new") && check.stdout.contains("nothing written"))
        #expect(check.stderr.isEmpty, "no progress bar when stderr is not a terminal: \(check.stderr)")

        let bad = try Self.shopServer(["import", "products", "bad.csv"] + db, in: directory)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.csv:2: price \"x\" is not an amount in USD") && bad.stderr.contains("bad.csv:3: duplicate SKU A (also on line 2)"), "\(bad.stderr)")
        #expect(bad.stderr.contains("nothing was written"))
        let latin1 = try Self.shopServer(["import", "products", "latin1.csv"] + db, in: directory)
        #expect(latin1.status == 1 && latin1.stderr.contains("not UTF-8: line 2, byte 1 (0xE9)"), "\(latin1.stderr)")
        #expect(try Self.shopServer(["import", "products"] + db, in: directory).status == 64)
        #expect(try Self.shopServer(["import", "orders", "good.csv"] + db, in: directory).status == 64)
        let help = try Self.shopServer(["import", "--help"], in: directory)
        #expect(help.status == 0 && help.stdout.contains("usage: shop-server import products FILE.csv"))

        let imported = try Self.shopServer(["import", "products", "good.csv"] + db, in: directory)
        #expect(imported.status == 0 && imported.stdout.contains("imported 2 products from 3 rows: 2 new, 0 updated, 0 unchanged, 3 stock changes"), "\(imported.stdout)\(imported.stderr)")

        let exported = try Self.shopServer(["export", "products", "--to", "out.csv", "--excel"] + db, in: directory)
        #expect(exported.status == 0 && exported.stderr.contains("exported 2 products to out.csv"), "\(exported.stderr)")
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
                rows = list(csv.DictReader(f))
            print(json.dumps(rows, ensure_ascii=False))
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = ["-c", script, directory.appendingPathComponent("out.csv").path]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let parsed = pipe.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        let rows = try #require(try JSONSerialization.jsonObject(with: parsed) as? [[String: String]])
        #expect(rows.count == 3)
        #expect(rows.first?["name"] == "کیک شکلاتی, ویژه" && rows.first?["price"] == "12.50" && rows.first?["category"] == "نانوایی")
        #expect(rows.map { $0["variant"] ?? "?" } == ["", "100 g", "250 g"])

        // The exported file imports back unchanged: every SKU matched, nothing written.
        let again = try Self.shopServer(["import", "products", "out.csv"] + db, in: directory)
        #expect(again.status == 0 && again.stdout.contains("0 new, 0 updated, 2 unchanged, 0 stock changes"), "\(again.stdout)\(again.stderr)")

        let json = try Self.shopServer(["export", "orders", "--format", "json", "--since", "2020-01-01"] + db, in: directory)
        #expect(json.status == 0 && json.stdout.isEmpty, "no orders yet: \(json.stderr)")
        let csv = try Self.shopServer(["export", "orders"] + db, in: directory)
        #expect(csv.stdout.hasPrefix("order_id,number,created_at,"))
        #expect(try Self.shopServer(["export", "orders", "--format", "xml"] + db, in: directory).status == 64)
        #expect(try Self.shopServer(["export", "orders", "--since", "yesterday"] + db, in: directory).status == 64)
        #expect(try Self.shopServer(["export", "orders", "--format", "json", "--excel"] + db, in: directory).status == 64)
        let unwritable = try Self.shopServer(["export", "orders", "--to", "missing/orders.csv"] + db, in: directory)
        #expect(unwritable.status == 1 && unwritable.stderr.contains("Cannot write missing/orders.csv: the folder does not exist"), "\(unwritable.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("missing").path))
    }
}
