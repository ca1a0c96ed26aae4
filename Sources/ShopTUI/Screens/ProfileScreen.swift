import ShopEngine

/// The customer's profile: view and edit, verify the email and phone by the codes sent to them,
/// password, remembered SSH keys, sign out.
struct ProfileScreen: Screen {
    var title: String { "Profile" }
    private var user: User?
    private var keys: [RememberedKey] = []
    private var keyList = ListState()
    private var editing: FormState?
    private var editKind: EditKind = .profile
    private var busy = false
    /// In the demo, the code sent to the email or phone being verified (see `DemoCodes`).
    private var demoCode: DemoCodes.Found?
    /// The customer's own photo, loaded for a terminal that shows pictures.
    private var photo: TerminalImage?
    private struct PhotoLoaded: Sendable { let photo: TerminalImage? }

    enum EditKind { case profile, verifyEmail, verifyPhone, password, deleteAccount }

    private struct Loaded: Sendable { let user: Outcome<User>; let keys: [RememberedKey] }
    private struct Saved: Sendable { let result: Outcome<User>; let message: String }
    private struct Exported: Sendable { let result: Outcome<String> }
    private struct Deleted: Sendable { let error: (any Error)? }
    /// A finished change; a password change also brings the new session (the old one is ended).
    private struct Done: Sendable { let error: (any Error)?; let message: String; var signIn: SignIn? = nil }

    var bindings: [KeyBinding] {
        if editing != nil { return [KeyBinding(keys: [.tab], label: "Tab/↑↓", help: "next field"), KeyBinding(keys: [.enter], help: "save"), KeyBinding(keys: [.escape], help: "cancel")] }
        var keys = [KeyBinding(keys: [.char("e")], help: "edit"), KeyBinding(keys: [.char("w")], help: "password")]
        if let user, user.email != nil, !user.emailVerified { keys.append(KeyBinding(keys: [.char("v")], help: "verify email")) }
        if let user, user.phone != nil, !user.phoneVerified { keys.append(KeyBinding(keys: [.char("t")], help: "verify phone")) }
        if let user, (user.email != nil && !user.emailVerified) || (user.phone != nil && !user.phoneVerified) {
            keys.append(KeyBinding(keys: [.char("R")], help: "new codes"))
        }
        if !self.keys.isEmpty { keys.append(KeyBinding(keys: [.delete, .char("x")], label: "Del", help: "forget key")) }
        keys.append(KeyBinding(keys: [.char("l")], help: "sign out"))
        keys.append(KeyBinding(keys: [.char("E")], help: "my data"))
        keys.append(KeyBinding(keys: [.char("D")], help: "delete account"))
        return keys
    }
    var capturesText: Bool { editing != nil }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Loaded(user: Result { try shop.accounts.profile(caller: caller) }, keys: (try? shop.accounts.rememberedKeys(caller: caller)) ?? []) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        let shop = context.shop, caller = context.caller
        switch event {
        case .result(let loaded as Loaded):
            switch loaded.user {
            case .success(let u): user = u; context.session.updateUser(u)
            case .failure(let error): context.fail(error)
            }
            keys = loaded.keys
            if keyList.selected == nil || keyList.selected! >= keys.count { keyList = ListState(selected: keys.isEmpty ? nil : 0) }
            loadPhoto(&context)
        case .result(let found as DemoCodes.Found):
            demoCode = found
        case .result(let loaded as PhotoLoaded):
            photo = loaded.photo
        case .result(let saved as Saved):
            busy = false
            switch saved.result {
            case .success(let u):
                user = u
                context.session.updateUser(u)
                editing = nil
                context.say(saved.message, .success)
            case .failure(let error):
                if let e = error as? ShopError, let field = e.field, editing?.fields.contains(where: { $0.id == field }) == true { editing?.setError(e.message, for: field) }
                context.fail(error)
            }
        case .result(let exported as Exported):
            switch exported.result {
            case .success(let text): context.go(.push(TextViewScreen(title: "Your data (JSON)", text: text)))
            case .failure(let error): context.fail(error)
            }
        case .result(let deleted as Deleted):
            busy = false
            if let error = deleted.error {
                if let e = error as? ShopError, let field = e.field, editing?.fields.contains(where: { $0.id == field }) == true { editing?.setError(e.message, for: field) }
                context.fail(error)
            } else {
                editing = nil
                context.say("Your account was deleted. Thank you for shopping with us.", .success)
                context.go(.sessionEnded)
            }
        case .result(let done as Done):
            busy = false
            if let error = done.error { context.fail(error) } else { editing = nil; context.say(done.message, .success) }
            if let signIn = done.signIn { context.session.signedIn(signIn) }
            load(&context)
        case .key(let key):
            if editing != nil { return edit(key, &context) }
            switch key {
            case .char("e"):
                guard let user else { return true }
                var form = FormState([
                    FormField("first_name", label: "First name", input: TextFieldState(maxLength: 100)),
                    FormField("last_name", label: "Last name", input: TextFieldState(maxLength: 100)),
                    FormField("email", label: "Email", input: TextFieldState(maxLength: 254)),
                    FormField("phone", label: "Phone", input: TextFieldState(maxLength: 20, filter: .phone)),
                    FormField("address", label: "Address", input: TextFieldState(maxLength: 500)),
                    FormField("postal_code", label: "Postal code", input: TextFieldState(maxLength: 16)),
                ])
                form["first_name"].setText(user.firstName); form["last_name"].setText(user.lastName)
                form["email"].setText(user.email ?? ""); form["phone"].setText(user.phone ?? ""); form["address"].setText(user.address); form["postal_code"].setText(user.postalCode)
                editing = form; editKind = .profile
            case .char("v") where user?.email != nil && user?.emailVerified == false:
                editing = FormState([FormField("code", label: "Email code", input: TextFieldState(maxLength: 6, filter: .digits))]); editKind = .verifyEmail
                DemoCodes.look(for: user?.email, &context)
            case .char("t") where user?.phone != nil && user?.phoneVerified == false:
                editing = FormState([FormField("code", label: "Phone code", input: TextFieldState(maxLength: 6, filter: .digits))]); editKind = .verifyPhone
                DemoCodes.look(for: user?.phone, &context)
            case .char("R"):
                guard let user else { return true }
                let email = user.email != nil && !user.emailVerified, phone = user.phone != nil && !user.phoneVerified
                guard email || phone else { return false }
                context.run {
                    var error: (any Error)?
                    if email { error = Result { try shop.accounts.resendEmailCode(caller: caller) }.failureValue }
                    if phone, error == nil { error = Result { try shop.accounts.resendPhoneCode(caller: caller) }.failureValue }
                    return Done(error: error, message: "New codes sent")
                }
            case .char("w"):
                var fields = [FormField("password", label: "New password", input: TextFieldState(maxLength: 128, isMasked: true)),
                              FormField("password_confirm", label: "New password again", input: TextFieldState(maxLength: 128, isMasked: true))]
                if user?.hasPassword == true { fields.insert(FormField("old_password", label: "Current password", input: TextFieldState(maxLength: 128, isMasked: true)), at: 0) }
                editing = FormState(fields); editKind = .password
            case .up: keyList.moveSelection(by: -1, count: keys.count)
            case .down: keyList.moveSelection(by: 1, count: keys.count)
            case .delete, .char("x"):
                guard let i = keyList.selected, keys.indices.contains(i) else { return true }
                let fingerprint = keys[i].fingerprint
                context.run { Done(error: Result { try shop.accounts.forgetKey(fingerprint: fingerprint, caller: caller) }.failureValue, message: "Key forgotten") }
            case .char("l"):
                context.go(.signOut)
            case .char("E"):
                context.run { Exported(result: Result { String(decoding: try AccountService.json(try shop.accounts.exportData(caller: caller)), as: UTF8.self) }) }
            case .char("D"):
                var fields = [FormField("confirm", label: "Type \(AccountService.deletionConfirmation)", input: TextFieldState(maxLength: 10))]
                if user?.hasPassword == true { fields.append(FormField("password", label: "Password", input: TextFieldState(maxLength: 128, isMasked: true))) }
                editing = FormState(fields); editKind = .deleteAccount
            default: return false
            }
        default: break
        }
        return true
    }

    /// Fetched once, only where the terminal shows pictures (elsewhere `hasPhoto` gives the marker).
    private func loadPhoto(_ context: inout ScreenContext) {
        guard context.session.settings.images != .none, user?.hasPhoto == true, photo == nil else { return }
        let shop = context.shop, caller = context.caller, key = "user/\(user?.id ?? 0)"
        context.run { PhotoLoaded(photo: (try? shop.accounts.photo(caller: caller)).flatMap { TerminalImage(key: key, bytes: $0.bytes) }) }
    }

    private mutating func edit(_ key: Key, _ context: inout ScreenContext) -> Bool {
        guard var form = editing else { return false }
        let shop = context.shop, caller = context.caller
        switch key {
        case .escape: editing = nil; demoCode = nil
        case .enter:
            guard !busy else { return true }
            busy = true
            switch editKind {
            case .profile:
                let changes = AccountService.ProfileChanges(firstName: form["first_name"].text, lastName: form["last_name"].text, email: form["email"].text,
                                                            phone: form["phone"].text, address: form["address"].text, postalCode: form["postal_code"].text)
                context.run {
                    let result = Result { try shop.accounts.updateProfile(changes, caller: caller) }
                    let waiting = (try? result.get()).map { u in [u.emailVerified || u.email == nil ? nil : "email", u.phoneVerified || u.phone == nil ? nil : "phone"].compactMap { $0 } } ?? []
                    return Saved(result: result, message: waiting.isEmpty ? "Profile saved" : "Profile saved — enter the code sent to your new \(waiting.joined(separator: " and ")) to verify it")
                }
            case .verifyEmail:
                let code = form["code"].text
                context.run { Saved(result: Result { try shop.accounts.verifyEmail(code: code, caller: caller) }, message: "Email verified") }
            case .verifyPhone:
                let code = form["code"].text
                context.run { Saved(result: Result { try shop.accounts.verifyPhone(code: code, caller: caller) }, message: "Phone verified: you can sign in with it") }
            case .deleteAccount:
                let confirm = form["confirm"].text, password = form.fields.contains { $0.id == "password" } ? form["password"].text : nil
                context.run { Deleted(error: Result { try shop.accounts.deleteAccount(confirmation: confirm, password: password, caller: caller) }.failureValue) }
            case .password:
                let old = form.fields.contains { $0.id == "old_password" } ? form["old_password"].text : ""
                let new = form["password"].text, confirm = form["password_confirm"].text
                context.run {
                    let result = Result { try shop.accounts.changePassword(old: old, new: new, confirmation: confirm, caller: caller) }
                    return Done(error: result.failureValue, message: "Password changed; other sessions were signed out", signIn: try? result.get())
                }
            }
        default:
            _ = form.handle(key)
            form.clearErrors()
            editing = form
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        guard let user else { buffer.setString(area.x, area.y, "Loading…", style: Theme.muted); return }
        if let form = editing {
            let heading = switch editKind {
            case .profile: "Edit your profile"
            case .verifyEmail: "Enter the code we emailed to \(user.email ?? "")"
            case .verifyPhone: "Enter the code we texted to \(user.phone ?? "")"
            case .password: "Change your password"
            case .deleteAccount: "Delete your account: your details, sessions, keys and photo are erased for good (orders stay, without your contact)"
            }
            buffer.setString(area.x + 2, area.y + 1, heading, style: Theme.title)
            Form(labelWidth: 20).render(into: &buffer, area: Rect(x: area.x + 2, y: area.y + 3, width: min(72, area.width - 4), height: form.fields.count * 2), state: form)
            if editKind == .verifyEmail || editKind == .verifyPhone, let banner = demoCode?.banner {
                Banner(banner, kind: .info).render(into: &buffer, area: Rect(x: area.x + 2, y: area.y + 4 + form.fields.count * 2, width: min(72, area.width - 4), height: 1))
            }
            return
        }
        let rows: [(String, String)] = [
            ("Name", user.displayName),
            ("Phone", (user.phone ?? "—") + (user.phone != nil ? (user.phoneVerified ? "  (verified)" : "  (not verified: press t)") : "")),
            ("Username", user.username ?? "—"),
            ("Email", (user.email ?? "—") + (user.email != nil ? (user.emailVerified ? "  (verified)" : "  (not verified: press v)") : "")),
            ("Address", user.address.isEmpty ? "—" : user.address), ("Postal code", user.postalCode.isEmpty ? "—" : user.postalCode),
            ("Role", user.role.rawValue), ("Password", user.hasPassword ? "set" : "none (you sign in with phone codes)"),
            ("Photo", user.hasPhoto ? PhotoBox.marker : "none (the shop's staff can add one at the counter)"),
        ]
        // Your photo as a picture at the right, where the terminal shows pictures.
        let photoBox = PhotoBox.column(in: area.splitTop(1).rest, images: session.settings.images, hasPhoto: user.hasPhoto)
        if let photoBox { PhotoBox(photo: photo, images: session.settings.images, title: "Your photo").render(into: &buffer, area: photoBox) }
        let valueWidth = (photoBox.map { $0.x - 1 } ?? area.right - 2) - (area.x + 16)
        for (i, row) in rows.enumerated() {
            buffer.setString(area.x + 2, area.y + 1 + i, row.0, style: Theme.muted)
            buffer.setString(area.x + 16, area.y + 1 + i, row.1, maxWidth: valueWidth)
        }
        let y = area.y + rows.count + 2
        buffer.setString(area.x + 2, y, "Remembered SSH keys", style: Theme.header)
        if keys.isEmpty {
            buffer.setString(area.x + 2, y + 1, "none — when you connect over SSH with a key and sign in, you can remember it", style: Theme.muted, maxWidth: area.width - 4)
        } else {
            ListView(items: keys.map { ListItem("\($0.keyType)  \($0.fingerprint)") }).render(into: &buffer, area: Rect(x: area.x + 2, y: y + 1, width: area.width - 4, height: min(keys.count, 5)), state: keyList)
        }
    }
}
