import Foundation

/// The 256-bit master key kept in a file beside the database (mode 0600), created on first start.
/// Sub-keys for tokens and codes are derived from it, so one leak does not serve both purposes.
public struct SecretKey: Sendable {
    let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    func derive(_ purpose: String) -> [UInt8] { Crypto.hmacSHA256(key: bytes, purpose) }

    /// The key file for a database: `SHOP_SECRET_FILE`, or `<database>.key` beside it.
    public static func defaultPath(forDatabase path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let override = environment["SHOP_SECRET_FILE"], !override.isEmpty { return override }
        return path + ".key"
    }

    /// The key file for a database: `SHOP_SECRET_FILE`, or `<database>.key` beside a SQLite file.
    /// A PostgreSQL shop has no file to put it beside, and every host must share one key (a
    /// token from one host must verify on the others): it requires `SHOP_SECRET_FILE`.
    public static func path(for location: DatabaseLocation, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let override = environment["SHOP_SECRET_FILE"], !override.isEmpty { return override }
        switch location {
        case .sqlite(let path): return path + ".key"
        case .postgres:
            throw keyError("a PostgreSQL shop needs SHOP_SECRET_FILE: the path of its key file (32 random bytes, mode 0600, created there if missing), the same file on every host — copy it to each, e.g. head -c 32 /dev/urandom > /etc/shop/secret.key")
        }
    }

    /// Reads the key file, creating it atomically if missing (several processes may race here:
    /// each writes a temporary file and links it into place; link fails for all but the first).
    public static func loadOrCreate(at path: String) throws -> SecretKey {
        if let existing = try read(path) { return existing }
        let temporary = path + ".tmp-\(getpid())-\(Crypto.randomID().prefix(8))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw keyError("cannot create key file \(temporary): \(String(cString: strerror(errno)))") }
        let key = Crypto.randomBytes(32)
        let written = key.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        defer { unlink(temporary) }
        guard written == 32 else { throw keyError("cannot write key file \(temporary)") }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw keyError("cannot create key file \(path): \(String(cString: strerror(errno)))")
        }
        guard let stored = try read(path) else { throw keyError("key file \(path) vanished") }
        return stored
    }

    private static func read(_ path: String) throws -> SecretKey? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw keyError("cannot read key file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw keyError("key file \(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); run: chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
            throw keyError("key file \(path) must hold exactly 32 bytes")
        }
        return SecretKey(bytes: [UInt8](data))
    }

    private static func keyError(_ message: String) -> ShopError {
        ShopError(.internal, "secret_key", message)
    }
}
