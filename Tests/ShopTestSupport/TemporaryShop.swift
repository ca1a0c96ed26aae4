import Foundation
import Synchronization
import ShopEngine

/// A shop on a fresh SQLite file (not `:memory:`, so WAL and several processes are real) in its
/// own temporary folder — or on a fresh PostgreSQL database when `SHOP_TEST_POSTGRES` is set
/// (`TestDatabase`) — for the engine, server and terminal tests alike. Codes go to a
/// `file:` sink the test reads (or to the demo outbox); the folder goes when the shop does.
///
/// ```swift
/// let t = try TemporaryShop(clock: ManualClock())
/// let customer = try t.customer("+15550001111")     // phone sign-in through the engine
/// t.clock.advance(61)                                 // past the resend cooldown
/// ```
///
/// `Clock` is the clock the shop reads: a `ManualClock` for time-based rules, `SystemClock`
/// when the code under test reads the wall clock itself (the terminal's forms and dates).
public final class TemporaryShop<Clock: ShopClock>: @unchecked Sendable {
    public let directory: URL
    public let clock: Clock
    public let configuration: ShopConfiguration
    public let shop: Shop
    /// The `file:` sink's JSON lines (absent when the shop keeps codes in the outbox).
    public let messagesPath: String
    /// The SQLite file, or the PostgreSQL URL.
    public var databasePath: String { configuration.databasePath }
    /// The PostgreSQL database, when tests run on PostgreSQL.
    public let postgres: PostgresTestDatabase?
    public let guest = Caller.guest(address: "127.0.0.1")
    private let closed = Mutex(false)

    /// - Parameters:
    ///   - prefix: the temporary folder's name starts with it (find leftovers by test target).
    ///   - outbox: keep codes in the demo outbox instead of the `file:` sink.
    ///   - configure: last changes to the configuration before the shop opens.
    public init(clock: Clock, prefix: String = "shop-test", defaultCountry: String? = nil, currency: Currency? = nil,
                outbox: Bool = false, signinLimit: Int = 1000, configure: (inout ShopConfiguration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.clock = clock
        messagesPath = directory.appendingPathComponent("messages.jsonl").path
        // Few PBKDF2 rounds: password tests stay fast; production keeps OWASP's minimum.
        let postgres = TestDatabase.isPostgres ? try TestDatabase.createPostgres() : nil
        self.postgres = postgres
        var configuration = ShopConfiguration(databasePath: postgres?.url ?? directory.appendingPathComponent("shop.sqlite").path,
                                              defaultCountry: defaultCountry, currency: currency,
                                              messages: outbox ? .outbox : .file(messagesPath),
                                              signinLimitPerMinute: signinLimit, clock: clock, passwordIterations: 1_000)
        if let postgres {
            configuration.secretFile = TestDatabase.sharedSecretFile
        }
        configure(&configuration)
        self.configuration = configuration
        do {
            shop = try Shop(configuration)
        } catch {
            postgres?.drop()
            throw error
        }
    }

    deinit { close() }

    /// Closes the store and removes the folder; safe to call more than once.
    public func close() {
        let first = closed.withLock { done -> Bool in defer { done = true }; return !done }
        guard first else { return }
        shop.store.close()
        postgres?.drop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Another `Shop` on the same database and clock, as a second process would open it
    /// (`configure`: how that process's configuration differs, e.g. no message sink).
    public func openAgain(configure: (inout ShopConfiguration) -> Void = { _ in }) throws -> Shop {
        var configuration = configuration
        configure(&configuration)
        return try Shop(configuration)
    }

    // MARK: - Another program

    /// Runs `sql` from another program entirely (not this engine): the `sqlite3` shell on the
    /// file, or `psql` on the PostgreSQL database — which also bumps the change counter
    /// (`StoreChanges.bump`), as any program writing to a PostgreSQL shop's tables behind the
    /// engine's back must for running shops' caches to notice. Returns the exit status.
    public func runSQLInAnotherProcess(_ sql: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        if let postgres {
            process.arguments = ["psql", "-q", "-v", "ON_ERROR_STOP=1", postgres.url, "-c", "BEGIN; \(sql) \(StoreChanges.bump); COMMIT;"]
        } else {
            process.arguments = ["sqlite3", databasePath, sql]
        }
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    // MARK: - Messages

    /// Every message sent to the `file:` sink so far, oldest first.
    public func messages() -> [OutgoingMessage] {
        guard let text = try? String(contentsOfFile: messagesPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(OutgoingMessage.self, from: Data($0.utf8)) }
    }

    public var messageCount: Int { messages().count }

    /// The 6-digit code in the last message to `recipient` (a phone in E.164 or an email).
    public func lastCode(to recipient: String) -> String? {
        guard let text = messages().last(where: { $0.to == recipient })?.text else { return nil }
        return text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init)
    }

    // MARK: - People

    /// Signs in a customer by phone code, as a person would (creating the account).
    public func customer(_ phone: String = "+15550001111") throws -> SignIn {
        let request = try shop.accounts.requestCode(phone: phone, caller: guest)
        guard let code = lastCode(to: request.phone) else { throw TestSupportError("no code sent to \(request.phone)") }
        return try shop.accounts.verifyCode(requestID: request.requestId, code: code, caller: guest)
    }

    /// Someone with `role`, set and signed in from the command line (no code needed).
    public func person(_ phone: String, role: Role) throws -> SignIn {
        _ = try shop.admin.localSetRole(phone: phone, role: role)
        return try shop.admin.localSignIn(phone: phone)
    }
}

extension TemporaryShop where Clock == ManualClock {
    /// Staff (or an admin) who signed in by phone code, past the cooldown of any earlier code.
    public func staff(_ phone: String = "+15550009999", role: Role = .staff) throws -> SignIn {
        _ = try shop.admin.localSetRole(phone: phone, role: role)
        clock.advance(61)
        return try customer(phone)
    }
}

/// A fixture step that could not be done (the test, not the code under test, went wrong).
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
