import Foundation
import Glibc
import Testing
@testable import ShopServer

/// The real `shop-server` with `--log-file` and `--log-format json`: logrotate's dance (rename
/// the file, send SIGHUP) gives a new file with the new lines, and the server keeps serving.
@Suite("API log file with the shop-server executable")
struct APILogFileTests {
    private func poll(_ seconds: Double = 30, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { if condition() { return true }; usleep(20_000) }
        return condition()
    }

    private func lines(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test("SIGHUP after a rename reopens the log: the old file keeps its lines, a new 0640 file gets the next ones")
    func hangupReopens() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-logfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logPath = directory.appendingPathComponent("access.log").path
        let port = try freeTCPPort()
        let process = Process()
        process.executableURL = APIExecutableTests.executable
        process.arguments = ["--db", directory.appendingPathComponent("shop.sqlite").path, "--port", String(port),
                             "--messages", "file:\(directory.appendingPathComponent("messages.jsonl").path)"]
        var environment = ProcessInfo.processInfo.environment
        environment["SHOP_ASSETS"] = APIServer.packageRoot.appendingPathComponent("assets").path
        environment["SHOP_LOG_FILE"] = logPath
        environment["SHOP_LOG_FORMAT"] = "json"
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        func get(_ path: String) -> Int? { (try? TestClient(port: port, receiveTimeout: 5))?.get(path)?.status }
        #expect(poll { get("/healthz") == 200 }, "shop-server did not answer on port \(port)")
        #expect(poll { lines(logPath).contains { $0.contains(#""route":"/healthz""#) } })
        var info = stat()
        #expect(stat(logPath, &info) == 0 && info.st_mode & 0o777 == 0o640)

        // logrotate: rename, then HUP. Until the server has reopened, lines still go to the old file.
        let rotated = logPath + ".1"
        try FileManager.default.moveItem(atPath: logPath, toPath: rotated)
        kill(process.processIdentifier, SIGHUP)
        #expect(poll { get("/metrics") == 200 && lines(logPath).contains { $0.contains(#""route":"/metrics""#) } },
                "no new log file with the request after SIGHUP")
        #expect(process.isRunning, "SIGHUP stopped the server")
        #expect(stat(logPath, &info) == 0 && info.st_mode & 0o777 == 0o640)
        #expect(lines(rotated).first?.contains(#""route":"/healthz""#) == true)
        for line in lines(logPath) + lines(rotated) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["time"] is String && object["status"] is Int && object["client"] as? String == "127.0.0.1")
        }

        kill(process.processIdentifier, SIGTERM)
        #expect(poll { !process.isRunning })
        #expect(process.terminationStatus == 0)
        // Server messages stay on stderr, as JSON lines too.
        let messages = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        #expect(!messages.isEmpty)
        for message in messages {
            #expect((try? JSONSerialization.jsonObject(with: Data(message.utf8))) is [String: Any], "\(message)")
        }
        #expect(messages.contains { $0.contains("stopped") })
    }

    @Test("without --log-file SIGHUP is ignored: `systemctl reload` never stops the server")
    func hangupWithoutFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-hup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try freeTCPPort()
        let process = Process()
        process.executableURL = APIExecutableTests.executable
        process.arguments = ["--db", directory.appendingPathComponent("shop.sqlite").path, "--port", String(port), "--quiet"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        func get(_ path: String) -> Int? { (try? TestClient(port: port, receiveTimeout: 5))?.get(path)?.status }
        #expect(poll { get("/healthz") == 200 }, "shop-server did not answer on port \(port)")
        kill(process.processIdentifier, SIGHUP)
        kill(process.processIdentifier, SIGHUP)
        // Both signals are delivered before the next request is answered or the process is gone.
        #expect(get("/healthz") == 200)
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGTERM)
        #expect(poll { !process.isRunning })
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }
}
