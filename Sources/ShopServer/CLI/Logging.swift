import Glibc
import ShopEngine

/// `--log-format` and `--log-file` for `shop-server`: where access-log lines and server
/// messages go, and in which form.
struct Logging {
    let format: AccessLog.Format
    let file: LogFile?
    /// Server messages (start, stop, errors): always stderr (journald), JSON lines in `json`.
    let messages: @Sendable (String) -> Void

    init(_ options: Options) throws {
        let name = options.value("log-format") ?? "text"
        guard name == "text" || name == "json" else {
            throw Options.UsageError(description: "--log-format must be text or json, got \"\(name)\"")
        }
        let json = name == "json"
        if json {
            messages = { AccessLog.standardError(AccessLog.jsonMessage($0)) }
        } else {
            messages = AccessLog.standardError
        }
        if let path = options.value("log-file"), !path.isEmpty {
            file = try LogFile(path: path)
            // A file has no journald to stamp its lines: text lines start with the time there.
            format = json ? .json : .timestampedText
        } else {
            file = nil
            format = json ? .json : .text
        }
    }

    /// Sets the access log on the server configuration and makes SIGHUP reopen the file.
    /// Without a file SIGHUP is ignored, so `systemctl reload` never stops the server.
    func configure(_ http: inout HTTPServerConfiguration, quiet: Bool) {
        http.errorLog = messages
        http.accessLogFormat = format
        http.accessLog = quiet ? nil : (file?.sink ?? AccessLog.standardError)
        if let file {
            file.reopenOnHangup(errorLog: messages)
        } else {
            signal(SIGHUP, SIG_IGN)
        }
    }
}
