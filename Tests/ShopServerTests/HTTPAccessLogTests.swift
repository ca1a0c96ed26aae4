import Foundation
import Glibc
import Testing
@testable import ShopServer

/// The access log for collectors: one JSON object per line with the documented fields, and a
/// log file that SIGHUP (here: `reopen()`) moves to a new file after a rename.
@Suite("HTTP access log formats", .serialized)
struct HTTPAccessLogTests {
    private func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { if condition() { return true }; usleep(10_000) }
        return condition()
    }

    private var router: Router {
        var router = Router(errorLog: { _ in })
        router.add("GET", "/items/{id}") { _ in .json(data: Array(#"{"ok":true}"#.utf8)) }
        router.add("POST", "/items") { _ in HTTPResponse(status: 201) }
        return router
    }

    @Test("JSON lines parse and carry time, client, method, route pattern, path, status, bytes and ms; never the query or secrets")
    func jsonLines() throws {
        let log = LineCollector()
        let live = try LiveServer({ $0.accessLog = log.sink; $0.accessLogFormat = .json }, handler: router.handler)
        defer { live.stop() }
        let client = try TestClient(port: live.port)
        let got = try #require(client.get("/items/42?token=s3cret-query", headers: "Authorization: Bearer s3cret-auth\r\n"))
        client.send("POST /items HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n\"s3cret-body\"")
        _ = client.readResponse()
        _ = client.get("/nowhere")
        client.send("BREW \"/pot HTTP/1.1\r\nHost: t\r\n\r\n") // malformed: answered by the server itself
        _ = client.readResponse()
        #expect(eventually { log.lines.count == 4 }, "\(log.lines)")

        let objects = try log.lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
        for object in objects {
            #expect(Set(object.keys) == ["time", "client", "method", "route", "path", "status", "bytes", "ms"], "\(object)")
            let time = try #require(object["time"] as? String)
            #expect(time.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil, "\(time)")
            #expect(object["client"] as? String == "127.0.0.1")
            #expect(object["status"] is Int && object["bytes"] is Int && object["ms"] is NSNumber)
        }
        #expect(objects[0]["method"] as? String == "GET")
        #expect(objects[0]["route"] as? String == "/items/{id}")
        #expect(objects[0]["path"] as? String == "/items/42")
        #expect(objects[0]["status"] as? Int == 200)
        #expect((objects[0]["bytes"] as? Int ?? 0) > got.body.count, "the bytes on the wire: head and body")
        #expect(objects[1]["route"] as? String == "/items" && objects[1]["status"] as? Int == 201)
        #expect(objects[2]["route"] is NSNull && objects[2]["status"] as? Int == 404)
        #expect(objects[3]["status"] as? Int == 400)
        #expect(!log.lines.contains { $0.contains("s3cret") || $0.contains("?") })
    }

    @Test("a renamed log file keeps its lines; after reopen new lines go to a new file created 0640")
    func reopenAfterRename() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("access.log").path
        let old = umask(0o077) // the file is 0640 whatever the umask
        let file = try LogFile(path: path)
        umask(old)
        file.write("first")
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        file.write("second") // still the renamed file, as with any open descriptor
        try file.reopen()
        file.write("third")
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8) == "first\nsecond\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "third\n")
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o640)
    }

    @Test("text lines keep their shape; the timestamped form puts the UTC time first")
    func textLines() {
        let entry = AccessLog.Entry(remote: "::1", method: "GET", route: "/items/{id}", path: "/items/7", status: 200, bytes: 512, durationNanos: 840_000)
        #expect(AccessLog.line(entry, format: .text) == "::1 GET /items/7 200 512B 0.84ms")
        let stamped = AccessLog.line(entry, format: .timestampedText)
        #expect(stamped.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z ::1 GET /items/7 200 512B 0\.84ms$"#, options: .regularExpression) != nil, "\(stamped)")
    }
}
