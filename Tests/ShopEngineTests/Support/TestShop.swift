import Foundation
import Testing
@testable import ShopEngine

/// A shop on a fresh database file in its own temporary folder, with a manual clock and
/// messages written to a `file:` sink the test can read codes from.
final class TestShop: @unchecked Sendable {
    let directory: URL
    let clock: ManualClock
    let shop: Shop
    let messagesPath: String
    var databasePath: String { directory.appendingPathComponent("shop.sqlite").path }

    let configuration: ShopConfiguration

    init(defaultCountry: String? = "+98", signinLimit: Int = 1000, currency: Currency? = nil,
         configure: (inout ShopConfiguration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        clock = ManualClock()
        messagesPath = directory.appendingPathComponent("messages.jsonl").path
        var configuration = ShopConfiguration(databasePath: directory.appendingPathComponent("shop.sqlite").path,
                                              defaultCountry: defaultCountry, currency: currency, messages: .file(messagesPath),
                                              signinLimitPerMinute: signinLimit, clock: clock, passwordIterations: 1_000)
        configure(&configuration)
        self.configuration = configuration
        shop = try Shop(configuration)
    }

    /// Another `Shop` on the same database file and clock, as a second process would open it.
    func openAgain() throws -> Shop { try Shop(configuration) }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Every message sent so far.
    func messages() -> [OutgoingMessage] {
        guard let text = try? String(contentsOfFile: messagesPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(OutgoingMessage.self, from: Data($0.utf8)) }
    }

    /// The 6-digit code in the last message to `recipient`.
    func lastCode(to recipient: String) -> String? {
        guard let text = messages().last(where: { $0.to == recipient })?.text else { return nil }
        return text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init)
    }

    let guest = Caller.guest(address: "127.0.0.1")

    /// Signs in a customer by phone code (creating the account).
    func customer(_ phone: String = "+15550001111") throws -> SignIn {
        let request = try shop.accounts.requestCode(phone: phone, caller: guest)
        return try shop.accounts.verifyCode(requestID: request.requestId, code: lastCode(to: request.phone)!, caller: guest)
    }

    func staff(_ phone: String = "+15550009999", role: Role = .staff) throws -> SignIn {
        _ = try shop.admin.localSetRole(phone: phone, role: role)
        clock.advance(61)
        return try customer(phone)
    }
}

/// Expects `body` to throw a `ShopError` with this stable code.
func expectError<R>(_ code: String, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> R) {
    do {
        _ = try body()
        Issue.record("expected error \(code), but it succeeded \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as ShopError {
        #expect(error.code == code, "\(error.message) \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected error \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
