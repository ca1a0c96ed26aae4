import ShopEngine

/// Staff at the counter: a customer's profile photo from a file on this machine. Find the
/// customer by their exact phone (staff cannot browse the customer list), see whether they have
/// a photo (the picture itself where the terminal shows pictures), and set it from a PNG or JPEG
/// path. The engine decides who may: staff set customers' photos, admins anyone's.
struct CustomerPhotoScreen: Screen {
    var title: String { L.t("customer_photo.title") }
    private var form = FormState([
        FormField("phone", label: L.t("customer_photo.phone"), input: TextFieldState(maxLength: 20, filter: .phone)),
        FormField("photo", label: L.t("customer_photo.file"), placeholder: L.t("photo.path_placeholder"), input: TextFieldState(maxLength: 1024)),
    ])
    private var customer: User?
    private var photo: TerminalImage?
    private var busy = false

    private struct Found: Sendable { let result: Outcome<User?> }
    private struct PhotoLoaded: Sendable { let userID: Int64; let photo: TerminalImage? }
    private struct Saved: Sendable { let userID: Int64; let error: (any Error)? }

    var bindings: [KeyBinding] {
        [KeyBinding(keys: [.tab], label: "Tab/↑↓", help: L.t("coupon_form.keys.next")),
         KeyBinding(keys: [.enter], help: form.focusedID == "phone" ? L.t("customer_photo.keys.find") : L.t("customer_photo.keys.set"))]
    }
    var capturesText: Bool { true }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        let shop = context.shop, caller = context.caller
        switch event {
        case .result(let found as Found):
            busy = false
            switch found.result {
            case .success(let user?):
                customer = user
                photo = nil
                form.focus(on: "photo")
                loadPhoto(&context)
            case .success(nil):
                customer = nil
                form.setError(L.t("customer_photo.no_customer"), for: "phone")
            case .failure(let error):
                customer = nil
                if let e = error as? ShopError, e.field == "phone" { form.setError(ScreenContext.describe(e), for: "phone") }
                context.fail(error)
            }
        case .result(let loaded as PhotoLoaded):
            if loaded.userID == customer?.id { photo = loaded.photo }
        case .result(let saved as Saved):
            busy = false
            if let error = saved.error {
                if let e = error as? ShopError, e.field == "photo" { form.setError(ScreenContext.describe(e), for: "photo") }
                context.fail(error)
            } else {
                context.say(customer.map { L.t("users.photo_set", ["name": $0.displayName]) } ?? L.t("customer_photo.set"), .success)
                form["photo"].setText("")
                lookUp(&context)   // their record now says it has a photo; the picture is loaded again
            }
        case .key(.enter):
            guard !busy else { return true }
            if form.focusedID == "phone" {
                lookUp(&context)
            } else if let customer, !form["photo"].text.isEmpty {
                busy = true
                let path = form["photo"].text, id = customer.id
                context.run {
                    // The file is read and checked first: a bad photo sets nothing.
                    Saved(userID: id, error: Result { () throws -> Void in
                        let photo = try PhotoFile.load(path)
                        try shop.admin.setUserPhoto(userID: id, bytes: photo.bytes, contentType: photo.contentType, caller: caller)
                    }.failureValue)
                }
            } else if customer == nil {
                form.setError(L.t("customer_photo.find_first"), for: "phone")
                form.focus(on: "phone")
            }
        case .key(let key):
            if key == .escape { return false }   // back, as everywhere
            let before = form["phone"].text
            _ = form.handle(key)                 // every other key is typing: q is a letter here
            form.clearErrors()
            if form["phone"].text != before { customer = nil; photo = nil }
        default: break
        }
        return true
    }

    private mutating func lookUp(_ context: inout ScreenContext) {
        let phone = form["phone"].text
        guard !phone.isEmpty else { form.setError(L.t("customer_photo.type_phone"), for: "phone"); return }
        busy = true
        let shop = context.shop, caller = context.caller
        context.run { Found(result: Result { try shop.admin.findCustomer(phone: phone, caller: caller).items.first }) }
    }

    private func loadPhoto(_ context: inout ScreenContext) {
        guard context.session.settings.images != .none, let customer, customer.hasPhoto else { return }
        let shop = context.shop, caller = context.caller, id = customer.id
        context.run { PhotoLoaded(userID: id, photo: (try? shop.admin.userPhoto(userID: id, caller: caller)).flatMap { TerminalImage(key: "user/\(id)", bytes: $0.bytes) }) }
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let images = session.settings.images
        let box = PhotoBox.column(in: area.splitTop(1).rest, images: images, hasPhoto: customer?.hasPhoto == true)
        let width = (box.map { $0.x - 2 } ?? area.right - 2) - (area.x + 2)
        buffer.setString(area.x + 2, area.y + 1, L.t("customer_photo.intro"), style: Theme.title, maxWidth: width)
        Form(labelWidth: 18).render(into: &buffer, area: Rect(x: area.x + 2, y: area.y + 3, width: min(72, width), height: 4), state: form)
        var y = area.y + 8
        if let customer {
            buffer.setString(area.x + 2, y, customer.displayName, style: Theme.title, maxWidth: width)
            buffer.setString(area.x + 2, y + 1, "\(customer.phone ?? "")  ·  \(Words.role(customer.role))", style: Theme.muted, maxWidth: width)
            let status = customer.hasPhoto ? (box == nil ? PhotoBox.marker : L.t("customer_photo.has_photo")) : L.t("customer_photo.no_photo")
            buffer.setString(area.x + 2, y + 2, status, maxWidth: width)
            y += 4
        }
        buffer.setString(area.x + 2, y, L.t("customer_photo.note"), style: Theme.muted, maxWidth: width)
        if let box { PhotoBox(photo: photo, images: images).render(into: &buffer, area: box) }
    }
}
