import EventDump
import Selection
import Timestamps
import XCTest

/// `AnswerOrder`, the answer's one ordering: on rows in memory, its merge of sorted sources
/// gives what a plain sort of all rows by (timestamp, dump position) gives, cut at the limit.
final class AnswerOrderTests: XCTestCase {
    func testAnswerKeyOrdersByTimestampThenDumpPosition() {
        let early = Timestamp(millis: 5, subMillisecondNanos: 10), late = Timestamp(millis: 5, subMillisecondNanos: 11)
        let first = DumpPosition(file: 0, offset: 900), second = DumpPosition(file: 1, offset: 0)
        XCTAssertLessThan(AnswerKey(timestamp: early, position: second), AnswerKey(timestamp: late, position: first))
        XCTAssertLessThan(AnswerKey(timestamp: early, position: first), AnswerKey(timestamp: early, position: second))
        XCTAssertFalse(AnswerKey(timestamp: early, position: first) < AnswerKey(timestamp: early, position: first))
        XCTAssertEqual(AnswerKey(timestamp: early, position: second).position, 1 << 40)
    }

    func testMergingSortedSourcesIsAPlainSortCutAtTheLimit() {
        var g = SeededRandom(seed: 2024)
        for round in 0..<500 {
            // Rows with few distinct timestamps (many ties), each at its own dump position.
            let count = g.int(0...300)
            var keys: [AnswerKey] = []
            for i in 0..<count {
                let t = Timestamp(millis: Int64(g.int(0...20)), subMillisecondNanos: Int32(g.int(0...2)))
                keys.append(AnswerKey(timestamp: t, position: DumpPosition(file: Int32(g.int(0...3)), offset: Int64(i))))
            }
            // Dealt at random into sources, each sorted.
            let sourceCount = g.int(1...12)
            var sources = [[AnswerKey]](repeating: [], count: sourceCount)
            for k in keys { sources[g.int(0...(sourceCount - 1))].append(k) }
            for i in sources.indices { sources[i].sort() }
            let limit: Int? = g.chance(0.3) ? g.int(1...100) : nil

            var order = AnswerOrder(limit: limit)
            var heads = [Int](repeating: 0, count: sourceCount)
            var merged: [AnswerKey] = []
            order.merge(sources: sourceCount, head: { heads[$0] < sources[$0].count ? sources[$0][heads[$0]] : nil },
                        emit: { i in
                            merged.append(sources[i][heads[i]])
                            heads[i] += 1
                            return true
                        })
            let expected = Array(keys.sorted().prefix(limit ?? keys.count))
            XCTAssertEqual(merged.map(\.position), expected.map(\.position), "round \(round)")
            XCTAssertEqual(order.emitted, expected.count, "round \(round)")
            XCTAssertEqual(order.limitMet, limit.map { $0 <= count } ?? false, "round \(round)")
        }
    }

    /// `emit` returning false stops the merge after that row; a later merge goes on where it
    /// stopped and the limit counts both.
    func testAStoppedMergeGoesOnAndCountsTheLimitOnce() {
        let keys = (0..<10).map { AnswerKey(timestamp: Timestamp(millis: Int64($0)), position: DumpPosition(file: 0, offset: Int64($0))) }
        let sources = [keys.enumerated().filter { $0.offset % 2 == 0 }.map(\.element),
                       keys.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)]
        var heads = [0, 0]
        var out: [Int64] = []
        var order = AnswerOrder(limit: 7)
        func run(stopAfter: Int) {
            var n = 0
            order.merge(sources: 2, head: { heads[$0] < sources[$0].count ? sources[$0][heads[$0]] : nil }, emit: { i in
                out.append(sources[i][heads[i]].timestamp.millis)
                heads[i] += 1
                n += 1
                return n < stopAfter
            })
        }
        run(stopAfter: 3)
        XCTAssertEqual(out, [0, 1, 2])
        run(stopAfter: 100)
        XCTAssertEqual(out, [0, 1, 2, 3, 4, 5, 6])
        XCTAssertTrue(order.limitMet)
    }
}
