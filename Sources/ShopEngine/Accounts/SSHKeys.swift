import Foundation

/// An SSH public key offered by a customer's client, as sshd reports it in the file named by
/// `SSH_USER_AUTH` (`ExposeAuthInfo yes`): lines like `publickey ssh-ed25519 AAAA…`.
public struct SSHPublicKey: Sendable, Equatable {
    public let type: String
    /// `SHA256:…` as `ssh-keygen -l` prints it.
    public let fingerprint: String

    /// The first public key in an auth-info file's text, or nil.
    public static func fromAuthInfo(_ text: String) -> SSHPublicKey? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, fields[0] == "publickey" else { continue }
            var base64 = String(fields[2])
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
            guard let blob = Data(base64Encoded: String(fields[2])) ?? Data(base64Encoded: base64), blob.count >= 16, blob.count <= 16_384 else { continue }
            let digest = Data(Crypto.sha256([UInt8](blob))).base64EncodedString().replacingOccurrences(of: "=", with: "")
            return SSHPublicKey(type: String(fields[1].prefix(64)), fingerprint: "SHA256:" + digest)
        }
        return nil
    }

    /// The key of the current SSH session, if sshd exposed one.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> SSHPublicKey? {
        guard let path = environment["SSH_USER_AUTH"], !path.isEmpty,
              let data = FileManager.default.contents(atPath: path), data.count < 65_536 else { return nil }
        return fromAuthInfo(String(decoding: data, as: UTF8.self))
    }
}

public struct RememberedKey: Codable, Sendable, Equatable {
    public let fingerprint: String
    public let keyType: String
    public let createdAt: Int64
    public let lastUsedAt: Int64?
}

extension AccountService {
    /// Signs in the account that remembered this key, or nil when no account has.
    public func signIn(sshKey: SSHPublicKey, clientAddress: String) throws -> SignIn? {
        try context.store.write { db in
            guard let userID = try db.scalarInt("SELECT k.user_id FROM ssh_keys k JOIN users u ON u.id = k.user_id WHERE k.fingerprint = ? AND u.active = 1", sshKey.fingerprint),
                  let user = try User.load(db, id: userID) else { return nil }
            try db.run("UPDATE ssh_keys SET last_used_at = ? WHERE fingerprint = ?", context.now, sshKey.fingerprint)
            return try tokens.startSession(db, user: user, clientAddress: clientAddress)
        }
    }

    /// Remembers `key` for the signed-in account. A key already remembered by another account is refused.
    public func rememberKey(_ key: SSHPublicKey, caller: Caller) throws {
        try context.store.write { db in
            let me = try context.requireUser(caller, db)
            if let owner = try db.scalarInt("SELECT user_id FROM ssh_keys WHERE fingerprint = ?", key.fingerprint) {
                guard owner == me.id else { throw ShopError(.conflict, "key_taken", "This SSH key already signs in another account") }
                return
            }
            guard try db.scalarInt("SELECT count(*) FROM ssh_keys WHERE user_id = ?", me.id) ?? 0 < 20 else {
                throw ShopError(.conflict, "too_many_keys", "At most 20 remembered keys; remove one first")
            }
            try db.run("INSERT INTO ssh_keys(fingerprint, user_id, key_type, created_at) VALUES (?, ?, ?, ?)", key.fingerprint, me.id, key.type, context.now)
        }
    }

    public func rememberedKeys(caller: Caller) throws -> [RememberedKey] {
        try context.store.read { db in
            let me = try context.requireUser(caller, db)
            return try db.query("SELECT fingerprint, key_type, created_at, last_used_at FROM ssh_keys WHERE user_id = ? ORDER BY created_at", me.id) {
                RememberedKey(fingerprint: $0.string("fingerprint"), keyType: $0.string("key_type"), createdAt: $0.int64("created_at"), lastUsedAt: $0.optionalInt64("last_used_at"))
            }
        }
    }

    public func forgetKey(fingerprint: String, caller: Caller) throws {
        try context.store.write { db in
            let me = try context.requireUser(caller, db)
            guard try db.run("DELETE FROM ssh_keys WHERE fingerprint = ? AND user_id = ?", fingerprint, me.id) == 1 else { throw ShopError.notFound("Key") }
        }
    }
}
