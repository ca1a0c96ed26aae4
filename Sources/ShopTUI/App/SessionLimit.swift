import Foundation
import ShopEngine

/// Caps the number of storefront sessions open at once on one database, in total and per SSH
/// client address, across every `shop` process (one process per customer).
///
/// The live sessions are files in a folder beside the database (`<db>.sessions/`, mode 0700), or
/// in `--sessions-dir` (required with a PostgreSQL database: the caps are per host).
/// Each process creates one file and holds an `flock` on it for its whole life; the kernel drops
/// that lock when the process ends, however it ends (exit, signal, crash, SIGKILL). Counting takes
/// the folder's `lock` file first (so two newcomers cannot both take the last place), removes the
/// files whose lock can be taken (their owner is gone), counts the rest, and adds its own file
/// only when there is room. Nothing is stored in the database and nothing needs cleaning up.
///
/// ```swift
/// let limits = SessionLimit.Limits(total: 1000, perAddress: 10)
/// let slot = try SessionLimit.acquire(in: "/var/lib/shop/shop.sqlite.sessions",
///                                     address: "203.0.113.7", limits: limits)
/// defer { slot.release() }   // or just exit: the kernel releases it
/// ```
public enum SessionLimit {
    /// Open sessions allowed at once; 0 means no cap.
    public struct Limits: Sendable, Equatable {
        public var total: Int
        /// Sessions from one SSH client address (`SSH_CLIENT`); local sessions count toward the
        /// total only.
        public var perAddress: Int
        public init(total: Int = 1000, perAddress: Int = 10) {
            self.total = total
            self.perAddress = perAddress
        }
    }

    /// Why a session was not let in (or why the sessions could not be counted).
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case storeFull
        case addressFull(open: Int)
        case unavailable(String)

        /// What the customer reads on their terminal (before the TUI starts).
        public var description: String {
            switch self {
            case .storeFull: return L.t("app.limit.store_full")
            case .addressFull(let open): return L.t("app.limit.address_full", ["count": Format.number(open)])
            case .unavailable(let reason): return "shop: cannot count open sessions: \(reason)"
            }
        }
    }

    /// One admitted session: its file stays locked until `release()` or the end of the process.
    public final class Slot: @unchecked Sendable {   // released once, by the thread that owns it
        public let path: String
        private var fd: Int32

        init(path: String, fd: Int32) {
            self.path = path
            self.fd = fd
        }

        /// Gives the place back at once (exit would too, a moment later).
        public func release() {
            guard fd >= 0 else { return }
            unlink(path)
            close(fd)
            fd = -1
        }

        deinit { release() }
    }

    /// The folder that holds the session files of the database at `databasePath`.
    public static func directory(forDatabase databasePath: String) -> String { databasePath + ".sessions" }

    // MARK: - Command line

    /// Flags of `shop` for the caps (help: `cli.flag.*`; no environment fallback: only whoever starts the program,
    /// e.g. the operator's `--shop-args`, sets them).
    public static let flags: [Options.Flag] = [
        Options.Flag("max-sessions", value: "N"),
        Options.Flag("max-sessions-per-address", value: "N"),
        Options.Flag("sessions-dir", value: "DIR"),
    ]

    /// What `ShopCommand` does with a new session.
    public enum Admission {
        /// Go on; keep the slot (nil: no cap applies) alive for the whole session.
        case admitted(Slot?)
        /// Print `message` and end with `status`, before touching the terminal.
        case refused(message: String, status: Int32)
    }

    /// Reads the cap flags and takes a place for this session. A temporary `--demo` store is its
    /// own database and is not counted.
    public static func admit(_ options: Options, clientAddress: String?) -> Admission {
        var limits = Limits()
        for (flag, keyPath) in [("max-sessions", \Limits.total), ("max-sessions-per-address", \Limits.perAddress)] {
            guard let text = options.value(flag) else { continue }
            guard let n = Int(text), (0...1_000_000).contains(n) else {
                return .refused(message: "shop: " + CommandLineText.notANumber("--" + flag, text, 0...1_000_000), status: 64)
            }
            limits[keyPath: keyPath] = n
        }
        if options.has("demo") && options.value("db") == nil { return .admitted(nil) }
        if limits.total == 0 && limits.perAddress == 0 { return .admitted(nil) }
        let database = options.value("db") ?? "shop.sqlite"
        // The caps guard this host's memory and CPU: a database other hosts share has no folder
        // of this host's beside it, so the operator names one (fail closed, saying what to set).
        guard let folder = options.value("sessions-dir") ?? (DatabaseLocation.isPostgres(database) ? nil : directory(forDatabase: database)) else {
            return .refused(message: "shop: with a PostgreSQL database, name the folder where this host counts its open sessions: --sessions-dir DIR (writable by the shop account only), or turn the caps off with --max-sessions 0 --max-sessions-per-address 0", status: 64)
        }
        guard !folder.isEmpty else { return .refused(message: "shop: --sessions-dir needs a folder", status: 64) }
        do {
            return .admitted(try acquire(in: folder, address: clientAddress, limits: limits))
        } catch let refusal as Refusal {
            if case .unavailable = refusal { return .refused(message: refusal.description, status: 1) }
            return .refused(message: refusal.description, status: 75)   // EX_TEMPFAIL: try again later
        } catch {
            return .refused(message: "shop: cannot count open sessions: \(error)", status: 1)
        }
    }

    // MARK: - Counting

    /// Takes a place for a session from `address` (nil: a local session, counted in the total
    /// only), or throws `Refusal` when a cap is reached.
    public static func acquire(in directory: String, address: String?, limits: Limits) throws -> Slot {
        try makeDirectory(directory)
        let lock = try openFile(directory + "/lock", flags: O_RDWR | O_CREAT)
        defer { close(lock) }   // closing drops the folder lock
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Refusal.unavailable("cannot lock \(directory)/lock: \(lastError())") }
        }

        let tag = address.map(fileTag) ?? "local"
        var total = 0, fromAddress = 0
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name != "lock" {
            let path = directory + "/" + name
            guard isLive(path) else { continue }
            total += 1
            if name.hasPrefix(tag + "@") { fromAddress += 1 }
        }
        if limits.total > 0 && total >= limits.total { throw Refusal.storeFull }
        if address != nil && limits.perAddress > 0 && fromAddress >= limits.perAddress {
            throw Refusal.addressFull(open: fromAddress)
        }

        let path = "\(directory)/\(tag)@\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = try openFile(path, flags: O_RDWR | O_CREAT | O_EXCL)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = lastError()
            unlink(path)
            close(fd)
            throw Refusal.unavailable("cannot lock \(path): \(reason)")
        }
        return Slot(path: path, fd: fd)
    }

    /// True while the session file's owner holds its lock; a file nobody holds (the owner died)
    /// or that is not a plain file is removed.
    private static func isLive(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ELOOP { unlink(path) }   // a symlink someone put there: not a session
            return false
        }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            unlink(path)    // its owner is gone (the folder lock keeps newcomers out meanwhile)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// An address as a file-name part: IPv4/IPv6 characters only (the address comes from the
    /// environment; it must never name a path).
    static func fileTag(_ address: String) -> String {
        let allowed = Set("0123456789abcdefABCDEF.:")
        let cleaned = String(address.prefix(64).filter { allowed.contains($0) })
        return cleaned.isEmpty ? "other" : cleaned
    }

    private static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw Refusal.unavailable("cannot create \(path): \(lastError())")
        }
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw Refusal.unavailable("\(path) is not a folder")
        }
        guard info.st_uid == geteuid() else {
            throw Refusal.unavailable("\(path) belongs to another user (uid \(info.st_uid))")
        }
    }

    private static func openFile(_ path: String, flags: Int32) throws -> Int32 {
        let fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Refusal.unavailable("cannot open \(path): \(lastError())") }
        return fd
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
