import Foundation
import Glibc
import Testing
import ShopEngine
@testable import ShopServer

/// The built `shop-server` executable: health, document, a sign-in, and a clean SIGTERM.
@Suite("shop-server executable")
struct APIExecutableTests {
    final class Marker {}

    /// Beside the test bundle; on Linux the bundle URL can be the build root, so fall back to the
    /// test runner's directory.
    static var executable: URL {
        var directory = Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("shop-server").path) {
            directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        }
        return directory.appendingPathComponent("shop-server")
    }

    @Test("serves /healthz, /openapi.json and a code sign-in; SIGTERM stops it with exit status 0")
    func executable() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-exe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("shop.sqlite").path
        let messages = directory.appendingPathComponent("messages.jsonl").path
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable.path), "\(Self.executable.path)")

        let port = try freeTCPPort()
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["--db", database, "--port", String(port), "--messages", "file:\(messages)", "--quiet"]
        var environment = ProcessInfo.processInfo.environment
        environment["SHOP_ASSETS"] = APIServer.packageRoot.appendingPathComponent("assets").path
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // Wait (generously) until it answers.
        var health: TestResponse?
        let deadline = Date().addingTimeInterval(30)
        while health == nil && Date() < deadline && process.isRunning {
            if let client = try? TestClient(port: port, receiveTimeout: 5) { health = client.get("/healthz") }
            if health == nil { usleep(100_000) }
        }
        let answered = try #require(health, "shop-server did not answer on port \(port)")
        #expect(answered.status == 200)
        #expect(answered.bodyText.contains("ok"))

        let document = try #require(try TestClient(port: port, receiveTimeout: 10).get("/openapi.json"))
        #expect(document.status == 200)
        let onDisk = try Data(contentsOf: APIServer.openAPIURL)
        #expect(Data(document.body) == onDisk)

        // Sign in by code, reading it from the messages file.
        let phone = "+15550009900"
        let client = try TestClient(port: port, receiveTimeout: 10)
        let body = #"{"phone":"\#(phone)"}"#
        client.send("POST /api/v1/auth/otp/request HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let requested = try #require(client.readResponse())
        #expect(requested.status == 202)
        let requestID = try #require((try JSONSerialization.jsonObject(with: Data(requested.body)) as? [String: Any])?["request_id"] as? String)
        let lines = String(decoding: FileManager.default.contents(atPath: messages) ?? Data(), as: UTF8.self)
        let code = try #require(lines.range(of: #"\d{6}"#, options: .regularExpression).map { String(lines[$0]) })
        let verify = #"{"request_id":"\#(requestID)","code":"\#(code)"}"#
        client.send("POST /api/v1/auth/otp/verify HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(verify.utf8.count)\r\n\r\n\(verify)")
        let verified = try #require(client.readResponse())
        #expect(verified.status == 200)
        let access = try #require((try JSONSerialization.jsonObject(with: Data(verified.body)) as? [String: Any])?["access"] as? String)
        #expect(client.get("/api/v1/me", headers: "Authorization: Bearer \(access)\r\n")?.status == 200)

        // SIGTERM: graceful stop, exit status 0.
        kill(process.processIdentifier, SIGTERM)
        let stopDeadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < stopDeadline { usleep(50_000) }
        #expect(!process.isRunning, "shop-server still running 30 s after SIGTERM")
        if !process.isRunning {
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
        }
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("stopped"), "\(log)")
        #expect(!log.contains(code), "a sign-in code reached the log")
    }
}
