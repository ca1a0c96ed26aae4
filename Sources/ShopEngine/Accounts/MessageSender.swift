import Foundation

/// A code or notice for a person, by SMS or email.
public struct OutgoingMessage: Codable, Sendable, Equatable {
    public enum Channel: String, Codable, Sendable { case sms, email }
    public let channel: Channel
    public let to: String
    public let text: String
}

/// Where outgoing messages go, chosen by configuration (`--messages` / `SHOP_MESSAGES`):
/// `stdout`, `file:PATH` (JSON lines), `webhook:URL` (JSON POST), or `outbox` (kept in the
/// database, for demo mode). A failed delivery throws: the caller must see it.
public enum MessageSink: Sendable, Equatable {
    case stdout
    case file(String)
    case webhook(URL)
    case outbox

    public static func parse(_ spec: String) throws -> MessageSink {
        if spec == "stdout" { return .stdout }
        if spec == "outbox" { return .outbox }
        if spec.hasPrefix("file:"), spec.count > 5 { return .file(String(spec.dropFirst(5))) }
        if spec.hasPrefix("webhook:"), let url = URL(string: String(spec.dropFirst(8))),
           let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil {
            return .webhook(url)
        }
        throw ShopError.invalid("invalid_messages", "--messages must be stdout, file:PATH, webhook:http(s)://… or outbox (got \"\(spec)\")")
    }
}

struct MessageSender: Sendable {
    let sink: MessageSink
    let store: Store
    let clock: any ShopClock

    func send(_ message: OutgoingMessage) throws {
        switch sink {
        case .stdout:
            let line = "[\(message.channel.rawValue) to \(message.to)] \(message.text)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        case .file(let path):
            try appendLine(message, to: path)
        case .webhook(let url):
            try post(message, to: url)
        case .outbox:
            try store.write { db in
                try db.run("INSERT INTO outbox(channel, recipient, body, created_at) VALUES (?, ?, ?, ?)",
                           message.channel.rawValue, message.to, message.text, clock.now())
            }
        }
    }

    private static let failed = ShopError(.unavailable, "message_not_sent", "We could not send the message right now; please try again")

    /// One JSON object per line; O_APPEND keeps lines from several processes whole.
    private func appendLine(_ message: OutgoingMessage, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(message)
        data.append(0x0A)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failed }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw Self.failed }
    }

    /// POSTs the message as JSON with `curl` (config on stdin: neither the gateway URL, which may
    /// carry a key, nor the code shows in the process list). Not linking an HTTP client keeps every
    /// TUI process — one per SSH customer — several MiB smaller.
    private func post(_ message: OutgoingMessage, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = String(decoding: try encoder.encode(message), as: UTF8.self)
        func quoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r") + "\""
        }
        let config = """
        url = \(quoted(url.absoluteString))
        request = "POST"
        header = "Content-Type: application/json"
        data-binary = \(quoted(body))
        max-time = 10
        fail
        silent
        """
        guard Subprocess.run(["curl", "--config", "-", "--output", "/dev/null"], input: Data(config.utf8)) == 0 else { throw Self.failed }
    }
}

