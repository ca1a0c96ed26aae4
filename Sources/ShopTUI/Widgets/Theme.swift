/// Default styles shared by the widgets, so screens look alike. Every widget also takes its own.
public enum Theme {
    public static let selection = Style(fg: .black, bg: .cyan)
    public static let border = Style(fg: .indexed(244))
    public static let title = Style().bold()
    public static let header = Style().bold().underline()
    public static let muted = Style(fg: .indexed(245))
    public static let error = Style(fg: .red).bold()
    public static let info = Style(fg: .black, bg: .cyan)
    public static let success = Style(fg: .black, bg: .green)
    public static let errorBanner = Style(fg: .white, bg: .red).bold()
    public static let key = Style().reversed()
    public static let input = Style().underline()
}
