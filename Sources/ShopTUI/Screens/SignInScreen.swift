import Foundation
import ShopEngine

/// Sign in by phone and one-time code (new customers get an account on the way), or by
/// username/email/phone and password. Shows the code's countdown and when a new one may be
/// asked for, from the session's clock (`context.now`, `session.now`): tests move time with a
/// `ManualClock`. In demo mode the code is shown on screen; over SSH with a key, offers to remember it.
/// Where the shop sends no codes (no message sink configured) it opens on the password form and
/// says so, instead of offering a code that would never arrive.
struct SignInScreen: Screen {
    var title: String { mode == .password ? L.t("sign_in.title.password") : L.t("sign_in.title") }
    /// The code's countdown and the wait before a new one are drawn from the clock.
    var showsTime: Bool { true }

    enum Mode { case phone, code, password, rememberKey }
    private var mode: Mode = .phone
    private var phone = TextFieldState(maxLength: 20, filter: .phone)
    private var code = TextFieldState(maxLength: 6, filter: .digits)
    private var passwordForm = FormState([
        FormField("login", label: L.t("sign_in.field.login"), input: TextFieldState(maxLength: 254)),
        FormField("password", label: L.t("field.password"), input: TextFieldState(maxLength: 128, isMasked: true)),
    ])
    private var request: AccountService.CodeRequest?
    /// The phone as typed when `request`'s code was sent: back on the phone step (Esc), Enter
    /// with the same phone returns to that code while it is valid instead of asking for a new one.
    private var requestedAs: String?
    /// When the code expires and when a new one may be asked for (seconds since 1970).
    private var expiresAt: Int64?
    private var resendAt: Int64?
    /// When a new code may be asked for this phone, after the engine said "wait" on the phone step.
    private var phoneWaitUntil: Int64?
    /// The clock at the last event (ticks come about once a second): the footer offers `r` only
    /// once a new code may be asked for.
    private var now: Int64 = 0
    private var demoCode: DemoCodes.Found?
    private var busy = false
    private var pending: SignIn?
    /// Whether this shop can send codes at all.
    private let codesWork: Bool

    /// A code sent from an earlier sign-in screen of this terminal: the app keeps it when the
    /// screen is left, so coming back finds the phone filled in and Enter returns to the code.
    struct SentCode: Sendable {
        let request: AccountService.CodeRequest
        let requestedAs: String
        let expiresAt: Int64
        let resendAt: Int64?
    }

    var sentCode: SentCode? {
        guard let request, let requestedAs, let expiresAt else { return nil }
        return SentCode(request: request, requestedAs: requestedAs, expiresAt: expiresAt, resendAt: resendAt)
    }

    init(codesWork: Bool = true, sentCode: SentCode? = nil) {
        self.codesWork = codesWork
        if !codesWork { mode = .password }
        if let sentCode, codesWork {
            request = sentCode.request
            requestedAs = sentCode.requestedAs
            expiresAt = sentCode.expiresAt
            resendAt = sentCode.resendAt
            phone.setText(sentCode.requestedAs)
        }
    }

    private struct CodeSent: Sendable { let result: Outcome<AccountService.CodeRequest> }
    private struct SignedIn: Sendable { let result: Outcome<SignIn> }
    private struct Remembered: Sendable { let signIn: SignIn; let error: (any Error)? }

    var bindings: [KeyBinding] {
        switch mode {
        case .phone: [KeyBinding(keys: [.enter], help: L.t("sign_in.keys.send_code")), KeyBinding(keys: [.function(2), .ctrl("p")], label: "F2", help: L.t("sign_in.keys.use_password")),
                      KeyBinding(keys: [.function(3), .ctrl("r")], label: "F3", help: L.t("sign_in.keys.create_account"))]
        case .code: [KeyBinding(keys: [.enter], help: L.t("sign_in.keys.sign_in"))] + ((resendAt ?? 0) <= now ? [KeyBinding(keys: [.char("r")], help: L.t("sign_in.keys.new_code"))] : [])
                    + [KeyBinding(keys: [.escape], help: L.t("sign_in.keys.other_phone"))]
        case .password: [KeyBinding(keys: [.tab], help: L.t("list.next_field")), KeyBinding(keys: [.enter], help: L.t("sign_in.keys.sign_in")),
                         KeyBinding(keys: [.function(2), .ctrl("p")], label: "F2", help: L.t("sign_in.keys.use_code")), KeyBinding(keys: [.function(3), .ctrl("r")], label: "F3", help: L.t("sign_in.keys.create_account"))]
                        + (codesWork ? [KeyBinding(keys: [.function(4), .ctrl("f")], label: "F4", help: L.t("sign_in.keys.forgot"))] : [])
        case .rememberKey: [KeyBinding(keys: [.char("y")], help: L.t("sign_in.keys.remember")), KeyBinding(keys: [.char("n")], help: L.t("sign_in.keys.not_now"))]
        }
    }
    var capturesText: Bool { mode != .rememberKey }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        now = context.now
        switch event {
        case .result(let sent as CodeSent):
            busy = false
            switch sent.result {
            case .success(let r):
                request = r
                requestedAs = phone.text
                phoneWaitUntil = nil
                expiresAt = context.now + Int64(r.expiresIn)
                resendAt = context.now + Int64(r.retryAfter)
                mode = .code
                code.setText("")
                demoCode = nil
                context.say(L.t("sign_in.code_sent", ["phone": r.phone]), .success)
                DemoCodes.look(for: r.phone, &context)
            case .failure(let error):
                if let e = error as? ShopError, let wait = e.retryAfter {
                    if request != nil { resendAt = context.now + Int64(wait) } else { phoneWaitUntil = context.now + Int64(wait) }
                }
                phone.error = (error as? ShopError)?.field == "phone" ? ScreenContext.describe(error) : nil
                context.fail(error)
            }
        case .result(let found as DemoCodes.Found):
            demoCode = found
        case .result(let result as SignedIn):
            busy = false
            switch result.result {
            case .success(let signIn): finish(signIn, &context)
            case .failure(let error):
                if mode == .code { code.error = ScreenContext.describe(error); code.setText("") } else { passwordForm.setError(ScreenContext.describe(error), for: "password") }
                context.fail(error)
            }
        case .result(let remembered as Remembered):
            if let error = remembered.error { context.fail(error) } else { context.say(L.t("sign_in.key_remembered"), .success) }
            context.go(.signedIn(remembered.signIn))
        case .key(let key):
            return typed(key, &context)
        default: break
        }
        return true
    }

    /// Whether the phone field holds the phone `request`'s code went to (as typed, or the same number written fully).
    private func isRequestedPhone(_ request: AccountService.CodeRequest) -> Bool {
        phone.text == requestedAs || (try? Phone.normalize(phone.text, defaultCountry: nil)) == request.phone
    }

    private mutating func finish(_ signIn: SignIn, _ context: inout ScreenContext) {
        if context.session.settings.sshKey != nil {
            pending = signIn
            mode = .rememberKey
        } else {
            context.go(.signedIn(signIn))
        }
    }

    private mutating func typed(_ key: Key, _ context: inout ScreenContext) -> Bool {
        let shop = context.shop, caller = context.caller
        if key == .function(2) || key == .ctrl("p"), mode != .rememberKey {
            mode = mode == .password ? .phone : .password
            return true
        }
        if key == .function(3) || key == .ctrl("r"), mode == .phone || mode == .password {
            context.go(.replace(RegisterScreen()))
            return true
        }
        switch mode {
        case .phone:
            if key == .escape { return false }
            if key == .enter {
                guard codesWork else { phone.error = L.t("sign_in.no_codes_here"); context.say(Self.noCodes); return true }
                guard !busy, !phone.isEmpty else { phone.error = phone.isEmpty ? L.t("sign_in.enter_phone") : nil; return true }
                if let request, let expiresAt, expiresAt > context.now, isRequestedPhone(request) {
                    mode = .code
                    let left = expiresAt - context.now
                    context.say(L.t("sign_in.code_still_valid", ["phone": request.phone, "time": Format.digits(String(format: "%d:%02d", left / 60, left % 60))]))
                    return true
                }
                busy = true
                let number = phone.text, language = L.language
                context.run { CodeSent(result: Result { try shop.accounts.requestCode(phone: number, language: language, caller: caller) }) }
                return true
            }
            if phone.handle(key) { phone.error = nil; phoneWaitUntil = nil }
        case .code:
            switch key {
            case .escape: mode = .phone
            case .char("r"):
                if let resendAt, resendAt > context.now { context.say(L.t("sign_in.new_code_in", ["seconds": Format.number(resendAt - context.now)])); return true }
                busy = true
                let number = request?.phone ?? phone.text, language = L.language
                context.run { CodeSent(result: Result { try shop.accounts.requestCode(phone: number, language: language, caller: caller) }) }
            case .enter:
                guard !busy, let request else { return true }
                guard code.text.count == 6 else { code.error = L.t("sign_in.code_six_digits"); return true }
                busy = true
                let digits = code.text
                context.run { SignedIn(result: Result { try shop.accounts.verifyCode(requestID: request.requestId, code: digits, caller: caller) }) }
            default:
                // No auto-submit at the sixth digit: the footer says Enter signs in, and an Enter
                // typed after the sixth digit must sign in, not land on the screen underneath
                // (a guest adding to the cart got the item twice).
                if code.handle(key) { code.error = nil }
            }
        case .password:
            if key == .escape { return false }
            if key == .function(4) || key == .ctrl("f") {
                guard codesWork else { context.say(Self.noCodes); return true }
                context.go(.push(PasswordResetScreen(login: passwordForm["login"].text)))
                return true
            }
            if key == .enter {
                if passwordForm.focusedID == "login" { passwordForm.focusNext(); return true }
                guard !busy else { return true }
                busy = true
                let login = passwordForm["login"].text, password = passwordForm["password"].text
                context.run { SignedIn(result: Result { try shop.accounts.login(login, password: password, caller: caller) }) }
                return true
            }
            _ = passwordForm.handle(key)
            passwordForm.clearErrors()
        case .rememberKey:
            guard let signIn = pending else { return true }
            if key == .char("y"), let sshKey = context.session.settings.sshKey {
                context.run { Remembered(signIn: signIn, error: Result { try shop.accounts.rememberKey(sshKey, caller: signIn.caller) }.failureValue) }
            } else if key == .char("n") || key == .escape {
                context.go(.signedIn(signIn))
            }
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let box = Rect(x: area.x + 2, y: area.y + 1, width: min(70, area.width - 4), height: area.height - 1)
        let now = session.now
        var y = box.y
        /// A label and its input on one row (the input's error on the row under it).
        func labelled(_ label: String, focused: Bool, width: Int) -> Rect {
            let cols = Layout.horizontal([.length(8), .length(width)]).split(Rect(x: box.x, y: y, width: box.width, height: 2))
            buffer.setString(cols[0].x, cols[0].y, label, style: focused ? Theme.title : .plain)
            return cols[1]
        }
        switch mode {
        case .phone, .code:
            buffer.setString(box.x, y, L.t("sign_in.with_phone"), style: Theme.title)
            y += 1
            if codesWork {
                buffer.setString(box.x, y, L.t("sign_in.we_text"), style: Theme.muted, maxWidth: box.width, truncation: .ellipsis)
            } else {
                Banner(Self.noCodes, kind: .error).render(into: &buffer, area: Rect(x: box.x, y: y, width: box.width, height: 1))
            }
            y += 2
            TextField(placeholder: L.t("field.phone_example"), isFocused: mode == .phone)
                .render(into: &buffer, area: labelled(L.t("sign_in.phone"), focused: mode == .phone, width: 24), state: phone)
            y += 3
            if mode == .phone, let phoneWaitUntil {
                let wait = phoneWaitUntil - now
                buffer.setString(box.x, y, wait > 0 ? L.t("sign_in.phone_wait", ["seconds": Format.number(wait)]) : L.t("sign_in.press_enter_new"),
                                 style: wait > 0 ? Theme.muted : Theme.title, maxWidth: box.width)
                y += 2
            }
            if mode == .code, let expiresAt {
                let field = labelled(L.t("sign_in.code"), focused: true, width: 10)
                TextField(placeholder: L.t("sign_in.six_digits"), isFocused: true).render(into: &buffer, area: field, state: code)
                if code.text.count == 6, code.error == nil, !busy {
                    buffer.setString(box.x, y + 1, L.t("sign_in.press_enter"), style: Theme.title)
                }
                let left = expiresAt - now
                let expiry = left > 0 ? L.t("sign_in.expires_in", ["time": Format.digits(String(format: "%d:%02d", Int(left / 60), Int(left % 60)))]) : L.t("sign_in.expired")
                buffer.setString(field.right + 2, y, expiry, style: left > 30 ? Theme.muted : Theme.error)
                y += 2
                let wait = (resendAt ?? now) - now
                buffer.setString(box.x, y, wait > 0 ? L.t("sign_in.resend_in", ["seconds": Format.number(wait)]) : L.t("sign_in.did_not_get"), style: Theme.muted)
                y += 2
                if let banner = demoCode?.banner {
                    Banner(banner, kind: .info).render(into: &buffer, area: Rect(x: box.x, y: y, width: box.width, height: 1))
                    y += 2
                }
            }
        case .password:
            buffer.setString(box.x, y, L.t("sign_in.with_password"), style: Theme.title)
            y += 2
            Form(labelWidth: 26).render(into: &buffer, area: Rect(x: box.x, y: y, width: box.width, height: 4), state: passwordForm)
            y += 5
            buffer.setString(box.x, y, codesWork ? L.t("sign_in.forgot_f4") : L.t("sign_in.forgot_ask"),
                             style: Theme.muted, maxWidth: box.width)
            y += 2
        case .rememberKey:
            buffer.setString(box.x, y, L.t("sign_in.remember_key"), style: Theme.title)
            y += 2
            let fingerprint = session.settings.sshKey?.fingerprint ?? ""
            Paragraph(L.t("sign_in.remember_key_why", ["fingerprint": fingerprint]))
                .render(into: &buffer, area: Rect(x: box.x, y: y, width: box.width, height: 4))
            y += 5
            buffer.setString(box.x, y, L.t("sign_in.remember_key_hint"), style: Theme.title)
        }
        if let people = session.settings.demoPeople, mode != .rememberKey {
            let top = max(y + 1, area.bottom - people.count - 2)
            buffer.setString(box.x, top, L.t("sign_in.demo_accounts"), style: Theme.muted, maxWidth: box.width, truncation: .ellipsis)
            // Phone, role and name in columns of their own: one write per cell, so a Persian name
            // never shifts its row (the phone stays left to right).
            let phoneWidth = people.map { TextWidth.of($0.phone) }.max() ?? 0
            let roleWidth = people.map { TextWidth.of(Words.role($0.role)) }.max() ?? 0
            for (i, p) in people.enumerated() where top + 1 + i < area.bottom {
                let row = top + 1 + i, x = box.x + 2
                buffer.setString(x, row, p.phone, style: Theme.muted, leftToRight: true)
                buffer.setString(x + phoneWidth + 2, row, Words.role(p.role), style: Theme.muted)
                buffer.setString(x + phoneWidth + roleWidth + 3, row, p.name, style: Theme.muted, maxWidth: box.right - (x + phoneWidth + roleWidth + 3), truncation: .ellipsis)
            }
        }
    }
}

extension SignInScreen {
    static var noCodes: String { L.t("sign_in.no_codes") }
}
