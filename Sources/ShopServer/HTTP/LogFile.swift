import Dispatch
import Glibc
import Synchronization

// MARK: - LogFile

/// An append-only log file that can be reopened: logrotate renames the file and sends SIGHUP,
/// `reopen()` opens a new file at the same path, and later lines land there.
///
/// ```swift
/// let file = try LogFile(path: "/var/log/shop/access.log")
/// file.reopenOnHangup()                 // SIGHUP → reopen
/// configuration.accessLog = file.sink   // one line per write(2)
/// ```
///
/// A new file is created with mode 0640 (owner writes, group reads: the `adm` group of a log
/// collector), whatever the umask; an existing file keeps its mode.
public final class LogFile: Sendable {
    public let path: String
    private let descriptor: Mutex<Int32>
    private let hangup = Mutex<(any DispatchSourceSignal)?>(nil)

    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(path: String) throws {
        self.path = path
        descriptor = Mutex(try Self.open(path))
    }

    deinit { descriptor.withLock { if $0 >= 0 { close($0) } } }

    private static func open(_ path: String) throws -> Int32 {
        for _ in 0..<3 {
            // O_EXCL: only a file this call creates gets its mode set; O_NOFOLLOW: never through a link.
            let created = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o640)
            if created >= 0 {
                _ = fchmod(created, 0o640) // the umask may have taken group read
                return created
            }
            guard errno == EEXIST else { break }
            let existing = Glibc.open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
            if existing >= 0 { return existing }
            guard errno == ENOENT else { break } // renamed away between the two calls: create it
        }
        throw OpenError(description: "cannot open log file \(path): \(String(cString: strerror(errno)))")
    }

    /// Appends `line` and a newline with one `write(2)` (O_APPEND: lines never interleave).
    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        descriptor.withLock { fd in
            bytes.withUnsafeBytes { _ = Glibc.write(fd, $0.baseAddress, $0.count) }
        }
    }

    public var sink: @Sendable (String) -> Void { { [self] in self.write($0) } }

    /// Opens the path again (a new file if the old one was renamed) and closes the old one.
    /// On failure the old file stays in use and the error is thrown.
    public func reopen() throws {
        let fresh = try Self.open(path)
        descriptor.withLock { fd in
            let old = fd
            fd = fresh
            close(old)
        }
    }

    /// SIGHUP calls `reopen()`; a failure goes to `errorLog`. The signal is ignored first so
    /// its default action (terminate) does not run; DispatchSource still observes it.
    public func reopenOnHangup(errorLog: @escaping @Sendable (String) -> Void = AccessLog.standardError) {
        signal(SIGHUP, SIG_IGN)
        hangup.withLock { installed in
            let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
            source.setEventHandler { [self] in
                do { try self.reopen() } catch { errorLog("shop-server: \(error)") }
            }
            source.resume()
            installed?.cancel()
            installed = source
        }
    }
}
