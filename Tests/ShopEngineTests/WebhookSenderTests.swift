import Foundation
import Testing
@testable import ShopEngine

@Suite("Webhook message sender")
struct WebhookSenderTests {
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

    /// A shop whose codes go to `sink` (closed and removed with the returned `TestShop`).
    func shop(sink: MessageSink) throws -> TestShop { try TestShop { $0.messages = sink } }

    @Test("a code goes to the SMS gateway as a JSON POST")
    func webhookDelivers() throws {
        let gateway = try Gateway(status: 200)
        let t = try shop(sink: .webhook(URL(string: "http://127.0.0.1:\(gateway.port)/send?key=secret")!)), shop = t.shop
        _ = try shop.accounts.requestCode(phone: "+15550001111", caller: .guest())
        let body = try String(contentsOfFile: gateway.received, encoding: .utf8)
        #expect(body.hasPrefix("application/json {"))
        #expect(body.contains(#""channel":"sms""#) && body.contains(#""to":"+15550001111""#) && body.contains("Your Shop code is"))
    }

    @Test("a gateway that refuses makes the request fail visibly, and the customer may retry at once")
    func webhookFailure() throws {
        let gateway = try Gateway(status: 500)
        let t = try shop(sink: .webhook(URL(string: "http://127.0.0.1:\(gateway.port)/send")!)), shop = t.shop
        expectError("message_not_sent") { try shop.accounts.requestCode(phone: "+15550001111", caller: .guest()) }
        expectError("message_not_sent") { try shop.accounts.requestCode(phone: "+15550001111", caller: .guest()) }
    }
}
