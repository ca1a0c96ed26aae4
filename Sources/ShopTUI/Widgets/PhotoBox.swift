/// A photo in a framed box, for a terminal that shows pictures: the box records an image
/// placement over its inside (the backend draws the picture), or says why it cannot. Where the
/// terminal shows no pictures at all, screens draw `PhotoBox.marker` instead of a box.
///
///     if let box = PhotoBox.column(in: area, images: session.settings.images, hasPhoto: true) {
///         PhotoBox(photo: loadedPhoto, images: session.settings.images).render(into: &buffer, area: box)
///     }
struct PhotoBox {
    /// The loaded picture; nil while it loads.
    var photo: TerminalImage?
    var images: ImageProtocol
    var title = L.t("photo.title")

    /// The text shown instead of a picture.
    static var marker: String { L.t("photo.marker") }
    static let width = 24
    static let height = 10

    /// The box's place at the right of `area` when a picture can be shown there (the terminal
    /// shows pictures, the thing has a photo, and the area leaves room for text beside it).
    static func column(in area: Rect, images: ImageProtocol, hasPhoto: Bool) -> Rect? {
        guard hasPhoto, images != .none, area.width >= width + 40, area.height >= height else { return nil }
        return Rect(x: area.right - width, y: area.y, width: width, height: height)
    }

    func render(into buffer: inout Buffer, area: Rect) {
        let block = Block(title: title)
        block.render(into: &buffer, area: area)
        let inside = block.inner(area)
        guard let photo else {
            buffer.setString(inside.x + 1, inside.y, L.t("list.loading"), style: Theme.muted, maxWidth: inside.width - 1)
            return
        }
        if images.shows(photo.format) {
            buffer.placeImage(photo, in: inside)
        } else {
            buffer.setString(inside.x + 1, inside.y, Self.marker, maxWidth: inside.width - 1)
            Paragraph(photo.format == .jpeg ? L.t("photo.png_only_jpeg") : L.t("photo.png_only"), style: Theme.muted)
                .render(into: &buffer, area: Rect(x: inside.x + 1, y: inside.y + 2, width: inside.width - 1, height: inside.height - 2))
        }
    }
}
