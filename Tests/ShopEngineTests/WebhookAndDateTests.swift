import Foundation
import Testing
@testable import ShopEngine

@Suite("Webhook sender and civil dates")
struct WebhookAndDateTests {
    /// A gateway on a loopback port (python's http.server) that records each POST body; answers
    /// `status` to every request.
    final class Gateway {
        let process = Process()
        let port: Int
        let received: String
        init(status: Int) throws {
            received = FileManager.default.temporaryDirectory.appendingPathComponent("gw-\(UUID().uuidString)").path
            let script = """
            import http.server, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers['Content-Length']))
                    open(sys.argv[1], 'ab').write(self.headers['Content-Type'].encode() + b' ' + body + b'\\n')
                    self.send_response(\(status)); self.end_headers()
                def log_message(self, *a): pass
            s = http.server.HTTPServer(('127.0.0.1', 0), H)
            with open(sys.argv[2], 'w') as f: f.write(str(s.server_port))
            s.serve_forever()
            """
            let portFile = received + ".port"
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script, received, portFile]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            var found = 0
            for _ in 0..<200 where found == 0 {   // up to 10 s for python to start
                usleep(50_000)
                found = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) } ?? 0
            }
            port = found
        }
        deinit {
            kill(process.processIdentifier, SIGKILL) // SIGTERM may be inherited as ignored
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: received)
            try? FileManager.default.removeItem(atPath: received + ".port")
        }
    }

    func shop(sink: MessageSink) throws -> Shop {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try Shop(ShopConfiguration(databasePath: dir.appendingPathComponent("s.sqlite").path, messages: sink, passwordIterations: 1000))
    }

    @Test("a code goes to the SMS gateway as a JSON POST")
    func webhookDelivers() throws {
        let gateway = try Gateway(status: 200)
        let shop = try shop(sink: .webhook(URL(string: "http://127.0.0.1:\(gateway.port)/send?key=secret")!))
        _ = try shop.accounts.requestCode(phone: "+15550001111", caller: .guest())
        let body = try String(contentsOfFile: gateway.received, encoding: .utf8)
        #expect(body.hasPrefix("application/json {"))
        #expect(body.contains(#""channel":"sms""#) && body.contains(#""to":"+15550001111""#) && body.contains("Your Shop code is"))
    }

    @Test("a gateway that refuses makes the request fail visibly, and the customer may retry at once")
    func webhookFailure() throws {
        let gateway = try Gateway(status: 500)
        let shop = try shop(sink: .webhook(URL(string: "http://127.0.0.1:\(gateway.port)/send")!))
        expectError("message_not_sent") { try shop.accounts.requestCode(phone: "+15550001111", caller: .guest()) }
        expectError("message_not_sent") { try shop.accounts.requestCode(phone: "+15550001111", caller: .guest()) }
    }

    @Test("civil dates parse strictly and convert without a calendar library")
    func civilDates() {
        #expect(CivilDate("2027-02-28")?.description == "2027-02-28")
        #expect(CivilDate("2027-02-30") == nil)
        #expect(CivilDate("2027-2-3") == nil)
        #expect(CivilDate("tomorrow") == nil)
        #expect(CivilDate("2024-02-29") != nil && CivilDate("2023-02-29") == nil)
        #expect(CivilDate(utc: 1_800_000_000).description == "2027-01-15")
        #expect(CivilDate(year: 2027, month: 1, day: 15).startUTC == 1_799_971_200)
    }
}
