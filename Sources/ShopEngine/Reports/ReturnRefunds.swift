extension ReportService {
    /// Takings per method less the refunds for returns handed back between `from` and `until` by
    /// the same method (a method with only refunds that day shows a negative amount), and those
    /// refunds' sum. The original payment stays completed on its own day; the refund counts on
    /// the day the money went back.
    static func netOfReturns(_ db: Connection, _ taken: [MethodTotal], from: Int64, until: Int64) throws -> ([MethodTotal], Int64) {
        let back = try db.query("""
            SELECT refund_method, sum(refund_amount) FROM returns
            WHERE refund_amount > 0 AND created_at >= ? AND created_at < ? GROUP BY refund_method
            """, from, until) { (PaymentMethod(rawValue: $0.string(0)) ?? .cash, $0.int64(1)) }
        guard !back.isEmpty else { return (taken, 0) }
        var net = taken
        for (method, amount) in back {
            if let i = net.firstIndex(where: { $0.method == method }) {
                net[i] = MethodTotal(method: method, count: net[i].count, amount: try Money.difference(net[i].amount, amount, field: nil))
            } else {
                net.append(MethodTotal(method: method, count: 0, amount: try Money.difference(0, amount, field: nil)))
            }
        }
        net.sort { $0.method.rawValue < $1.method.rawValue }
        return (net, try Money.sum(back.map(\.1), field: nil))
    }
}
