import Foundation
import ShopEngine

/// Sign in by phone and one-time code (new customers get an account on the way), or by
/// username/email/phone and password. Shows the code's countdown and when a new one may be
/// asked for, from the session's clock (`context.now`, `session.now`): tests move time with a
/// `ManualClock`. In demo mode the code is shown on screen; over SSH with a key, offers to remember it.
/// Where the shop sends no codes (no message sink configured) it opens on the password form and
/// says so, instead of offering a code that would never arrive.
struct SignInScreen: Screen {
    var title: String { mode == .password ? "Sign in with password" : "Sign in" }

    enum Mode { case phone, code, password, rememberKey }
    private var mode: Mode = .phone
    private var phone = TextFieldState(maxLength: 20, filter: .phone)
    private var code = TextFieldState(maxLength: 6, filter: .digits)
    private var passwordForm = FormState([
        FormField("login", label: "Username, email or phone", input: TextFieldState(maxLength: 254)),
        FormField("password", label: "Password", input: TextFieldState(maxLength: 128, isMasked: true)),
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
        case .phone: [KeyBinding(keys: [.enter], help: "send code"), KeyBinding(keys: [.function(2), .ctrl("p")], label: "F2", help: "use a password"),
                      KeyBinding(keys: [.function(3), .ctrl("r")], label: "F3", help: "create an account")]
        case .code: [KeyBinding(keys: [.enter], help: "sign in")] + ((resendAt ?? 0) <= now ? [KeyBinding(keys: [.char("r")], help: "new code")] : [])
                    + [KeyBinding(keys: [.escape], help: "other phone")]
        case .password: [KeyBinding(keys: [.tab], help: "next field"), KeyBinding(keys: [.enter], help: "sign in"),
                         KeyBinding(keys: [.function(2), .ctrl("p")], label: "F2", help: "use a phone code"), KeyBinding(keys: [.function(3), .ctrl("r")], label: "F3", help: "create an account")]
                        + (codesWork ? [KeyBinding(keys: [.function(4), .ctrl("f")], label: "F4", help: "forgot password")] : [])
        case .rememberKey: [KeyBinding(keys: [.char("y")], help: "remember this key"), KeyBinding(keys: [.char("n")], help: "not now")]
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
                context.say("We sent a 6-digit code to \(r.phone)", .success)
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
            if let error = remembered.error { context.fail(error) } else { context.say("Key remembered: next time you are signed in at once", .success) }
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
                guard codesWork else { phone.error = "No codes here: F2"; context.say(Self.noCodes); return true }
                guard !busy, !phone.isEmpty else { phone.error = phone.isEmpty ? "Enter your phone number" : nil; return true }
                if let request, let expiresAt, expiresAt > context.now, isRequestedPhone(request) {
                    mode = .code
                    let left = expiresAt - context.now
                    context.say("A code was already sent to \(request.phone): it is valid for \(left / 60):\(String(format: "%02d", left % 60)) more")
                    return true
                }
                busy = true
                let number = phone.text
                context.run { CodeSent(result: Result { try shop.accounts.requestCode(phone: number, caller: caller) }) }
                return true
            }
            if phone.handle(key) { phone.error = nil; phoneWaitUntil = nil }
        case .code:
            switch key {
            case .escape: mode = .phone
            case .char("r"):
                if let resendAt, resendAt > context.now { context.say("You can ask for a new code in \(resendAt - context.now) s"); return true }
                busy = true
                let number = request?.phone ?? phone.text
                context.run { CodeSent(result: Result { try shop.accounts.requestCode(phone: number, caller: caller) }) }
            case .enter:
                guard !busy, let request else { return true }
                guard code.text.count == 6 else { code.error = "The code has 6 digits"; return true }
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
            buffer.setString(box.x, y, "Sign in or create an account with your phone", style: Theme.title)
            y += 1
            if codesWork {
                buffer.setString(box.x, y, "We text you a 6-digit code. New phone numbers get a new account.", style: Theme.muted, maxWidth: box.width)
            } else {
                Banner(Self.noCodes, kind: .error).render(into: &buffer, area: Rect(x: box.x, y: y, width: box.width, height: 1))
            }
            y += 2
            TextField(placeholder: "+15551234567", isFocused: mode == .phone)
                .render(into: &buffer, area: labelled("Phone", focused: mode == .phone, width: 24), state: phone)
            y += 3
            if mode == .phone, let phoneWaitUntil {
                let wait = phoneWaitUntil - now
                buffer.setString(box.x, y, wait > 0 ? "A code went to this number moments ago. A new one in \(wait) s." : "Press Enter for a new code.",
                                 style: wait > 0 ? Theme.muted : Theme.title, maxWidth: box.width)
                y += 2
            }
            if mode == .code, let expiresAt {
                let field = labelled("Code", focused: true, width: 10)
                TextField(placeholder: "6 digits", isFocused: true).render(into: &buffer, area: field, state: code)
                if code.text.count == 6, code.error == nil, !busy {
                    buffer.setString(box.x, y + 1, "Press Enter to sign in", style: Theme.title)
                }
                let left = expiresAt - now
                let expiry = left > 0 ? String(format: "expires in %d:%02d", Int(left / 60), Int(left % 60)) : "expired — press r for a new code"
                buffer.setString(field.right + 2, y, expiry, style: left > 30 ? Theme.muted : Theme.error)
                y += 2
                let wait = (resendAt ?? now) - now
                buffer.setString(box.x, y, wait > 0 ? "New code possible in \(wait) s" : "Did not get it? Press r for a new code", style: Theme.muted)
                y += 2
                if let banner = demoCode?.banner {
                    Banner(banner, kind: .info).render(into: &buffer, area: Rect(x: box.x, y: y, width: box.width, height: 1))
                    y += 2
                }
            }
        case .password:
            buffer.setString(box.x, y, "Sign in with your password", style: Theme.title)
            y += 2
            Form(labelWidth: 26).render(into: &buffer, area: Rect(x: box.x, y: y, width: box.width, height: 4), state: passwordForm)
            y += 5
            buffer.setString(box.x, y, codesWork ? "Forgot it? F4 sends a code to your verified email or phone."
                                                 : "Codes are not set up on this terminal; forgot it? Ask the shop.",
                             style: Theme.muted, maxWidth: box.width)
            y += 2
        case .rememberKey:
            buffer.setString(box.x, y, "Remember this SSH key?", style: Theme.title)
            y += 2
            let fingerprint = session.settings.sshKey?.fingerprint ?? ""
            Paragraph("Your SSH client signed in with the key \(fingerprint). If you remember it, connecting with this key signs you in at once next time. You can remove remembered keys in your profile.")
                .render(into: &buffer, area: Rect(x: box.x, y: y, width: box.width, height: 4))
            y += 5
            buffer.setString(box.x, y, "y = remember   n = not now", style: Theme.title)
        }
        if let people = session.settings.demoPeople, mode != .rememberKey {
            let top = max(y + 1, area.bottom - people.count - 2)
            buffer.setString(box.x, top, "Demo accounts (the code appears on screen):", style: Theme.muted)
            for (i, p) in people.enumerated() where top + 1 + i < area.bottom {
                buffer.setString(box.x + 2, top + 1 + i, "\(p.phone)  \(p.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(p.name)", style: Theme.muted, maxWidth: box.width)
            }
        }
    }
}

extension SignInScreen {
    static let noCodes = "Codes are not set up on this terminal: use your password (F2)"
}
