import ShopEngine

/// In `--demo` the shop keeps its messages instead of sending them, and a screen that asks for a
/// code shows that code in a banner (read from the kept messages). Never outside the demo: a code
/// reaches only the owner of the phone or email.
///
///     DemoCodes.look(for: user.email, &context)                    // in handle, demo or not
///     case .result(let found as DemoCodes.Found): demoCode = found  // then render `found.banner`
enum DemoCodes {
    struct Found: Sendable {
        let to: String
        let code: String?
        var banner: String? { code.map { L.t("demo.code_banner", ["to": to, "code": Format.digits($0)]) } }
    }

    /// Asks for the newest code sent to `to`; the answer comes back as `Found` (only in the demo).
    static func look(for to: String?, _ context: inout ScreenContext) {
        guard context.session.settings.isDemo, let to else { return }
        let shop = context.shop
        context.run { Found(to: to, code: code(sentTo: to, in: (try? shop.admin.localOutbox(limit: 20)) ?? [])) }
    }

    /// The 6-digit code in the newest message to `to` (messages come newest first).
    static func code(sentTo to: String, in messages: [AdminService.OutboxMessage]) -> String? {
        messages.first { $0.to == to }?.text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init)
    }
}
