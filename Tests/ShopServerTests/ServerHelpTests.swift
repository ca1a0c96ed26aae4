import Foundation
import Testing

/// `shop-server --help`: an operator's tool, in English whatever the locale.
@Suite("shop-server --help")
struct ServerHelpTests {
    @Test("shop-server --help is English even with LANG=fa_IR.UTF-8, and its --demo line says a named database (--db FILE or a postgres:// URL) is filled once and reused")
    func help() throws {
        let process = Process()
        process.executableURL = APIExecutableTests.executable
        process.arguments = ["--help"]
        process.environment = ["LANG": "fa_IR.UTF-8", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(!text.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) }, "English only")
        let demo = try #require(text.split(separator: "\n").first { $0.hasPrefix("  --demo") }.map(String.init), "--demo is listed")
        #expect(demo.contains("--db names (a file or postgres:// URL)") && demo.contains("filled once and reused"), "\(demo)")
    }
}
