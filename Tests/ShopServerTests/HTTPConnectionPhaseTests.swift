import Testing
@testable import ShopServer

/// The event loop's per-connection state machine (`Connection.Phase`), as a table.
@Suite("HTTP connection phases")
struct HTTPConnectionPhaseTests {
    typealias Phase = Connection.Phase
    let all: [Phase] = [.readingHead, .readingBody, .handling, .writing, .closing, .lingering, .closed]

    @Test("keep-alive goes round: head, body, handling, writing, head again")
    func keepAlive() {
        let round: [Phase] = [.readingHead, .readingBody, .handling, .writing, .readingHead]
        for (from, to) in zip(round, round.dropFirst()) { #expect(from.canBecome(to), "\(from) → \(to)") }
        #expect(Phase.writing.canBecome(.handling), "a pipelined request already buffered goes straight to a worker")
    }

    @Test("a request with a worker only comes back with its response; nothing else starts meanwhile")
    func handling() {
        #expect(all.filter { Phase.handling.canBecome($0) } == [.writing, .closing, .closed])
    }

    @Test("closing ends in lingering then closed; a closed connection never comes back")
    func endings() {
        #expect(all.filter { Phase.closing.canBecome($0) } == [.closing, .lingering, .closed])
        #expect(all.filter { Phase.lingering.canBecome($0) } == [.closed])
        #expect(all.filter { Phase.closed.canBecome($0) }.isEmpty)
        #expect(all.filter { $0.canBecome(.lingering) } == [.closing], "the write side is shut only after the last response")
        #expect(all.filter { $0.canBecome(.closed) } == all.filter { $0 != .closed }, "a reset or timeout closes from anywhere")
    }
}
