import Foundation
import Testing
@testable import ShopEngine

@Suite("Upgrading to proven identities")
struct IdentityMigrationTests {
    @Test("an unverified email and a phone given with a password registration become pending; proven ones stay")
    func upgradesUnprovenIdentities() throws {
        let t = try TestShop()
        let path = t.directory.appendingPathComponent("old.sqlite").path
        // A database as the previous version left it (schema 3), written the way it wrote accounts.
        let old = try Store(path: path, migrations: Array(Schema.migrations.prefix(3)))
        try old.write { db in
            try db.execute("""
                INSERT INTO users(id, phone, auth_status, created_at, updated_at) VALUES (1, '+15550000001', 'VERIFIED', 0, 0);
                INSERT INTO users(id, username, email, phone, password_hash, auth_status, created_at, updated_at)
                    VALUES (2, 'mallory', 'victim@example.com', '+15550000002', 'x', 'NEW', 0, 0);
                INSERT INTO users(id, username, email, password_hash, auth_status, created_at, updated_at)
                    VALUES (3, 'nima', 'nima@example.com', 'x', 'VERIFIED', 0, 0);
                INSERT INTO account_codes(user_id, purpose, code_hash, created_at, expires_at) VALUES (3, 'reset_password', x'00', 0, 1);
                """)
        }
        old.close()
        let store = try Store(path: path)
        defer { store.close() }
        let users = try store.read { db in try db.query("SELECT \(User.columns) FROM users u ORDER BY u.id") { User(row: $0) } }
        #expect(users[0].phone == "+15550000001" && users[0].phoneVerified)
        #expect(users[1].phone == "+15550000002" && !users[1].phoneVerified, "a phone from a password registration was never proven")
        #expect(users[1].email == "victim@example.com" && !users[1].emailVerified && users[1].authStatus == .new)
        #expect(users[2].emailVerified && users[2].authStatus == .verified)
        #expect(try store.read { try $0.scalarInt("SELECT count(*) FROM users WHERE phone = '+15550000002' OR email = 'victim@example.com'") } == 0)
        #expect(try store.read { try $0.scalarInt("SELECT count(*) FROM account_codes") } == 1, "codes survive the table's rebuild")
    }
}
