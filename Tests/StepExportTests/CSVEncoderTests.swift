import Bytes
@testable import CSVWriter
import Table
import XCTest

/// The CSV encoder's quoting (SPEC §6) against a plain reading of the rule, on seeded random
/// fields: bytes drawn mostly from the ones that matter (delimiters, quotes, CR, LF, spaces, the
/// guard's characters) at every position, so the word-at-a-time test sees them in every lane.
final class CSVEncoderTests: XCTestCase {
    private static let interesting: [UInt8] = Array(",;\t\"\r\n =+-@'a".utf8) + [0x00, 0x22, 0x7F, 0xC3, 0xA9]

    /// What SPEC §6 says a field becomes, written the obvious way.
    private func reference(_ field: [UInt8], kind: RowCells.Kind, delimiter: UInt8, formulaGuard: Bool) -> [UInt8] {
        guard !field.isEmpty else { return [] }
        var text = field
        if formulaGuard && kind == .text, let f = field.first, Array("=+-@\t\r".utf8).contains(f) {
            text = [UInt8(ascii: "'")] + text
        }
        let needsQuotes = text.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
            || text.first == 0x20 || text.last == 0x20
        guard needsQuotes else { return text }
        return [0x22] + text.flatMap { $0 == 0x22 ? [0x22, 0x22] : [$0] } + [0x22]
    }

    func testRandomRowsEncodeAsTheRuleSays() {
        var g = SeededRandom(seed: 2026)
        for round in 0..<3_000 {
            var options = CSVOptions()
            options.delimiter = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: " "), UInt8(ascii: "a")][round % 5]
            options.formulaGuard = round % 5 != 0
            let encoder = CSVEncoder(options: options)
            let row = RowCells()
            row.reset()
            var expected: [UInt8] = []
            for column in Column.allCases {
                if column.rawValue > 0 { expected.append(options.delimiter) }
                guard g.int(0...3) != 0 else { continue }
                let length = g.int(0...3) == 0 ? g.int(0...39) : g.int(0...11)
                let field: [UInt8] = (0..<length).map { _ in
                    g.int(0...2) == 0 ? g.pick(Self.interesting) : UInt8(0x61 + g.int(0...25))
                }
                let kind: RowCells.Kind = column == .value ? .number : .text
                let start = row.text.count
                row.text.append(field)
                row.set(column, kind: kind, from: start)
                expected += reference(field, kind: kind, delimiter: options.delimiter, formulaGuard: options.formulaGuard)
            }
            expected += [0x0D, 0x0A]
            let out = ByteBuffer()
            encoder.encode(row, into: out)
            XCTAssertEqual(out.bytes, expected, "round \(round)")
            if out.bytes != expected { return }
        }
    }

    /// `copyUnlessSpecial`'s copy of `field`, or nil when it finds a byte that needs quoting. The
    /// copy goes between guard bytes, which must stay untouched.
    private func copied(_ field: [UInt8], _ table: QuotingTable) -> [UInt8]? {
        let n = field.count
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: n + 16)
        defer { out.deallocate() }
        out.initialize(repeating: 0xA5, count: n + 16)
        let clean: Bool = field.withUnsafeBufferPointer { src in
            table.copyUnlessSpecial(src.baseAddress!, n, to: out + 8)
        }
        let guards = Array(UnsafeBufferPointer(start: out, count: 8)) + Array(UnsafeBufferPointer(start: out + 8 + n, count: 8))
        XCTAssertEqual(guards, [UInt8](repeating: 0xA5, count: 16), "wrote outside the field")
        return clean ? Array(UnsafeBufferPointer(start: out + 8, count: n)) : nil
    }

    func testSpecialBytesAreFoundInEveryPositionOfLongFields() {
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: "|")] {
            let table = QuotingTable(delimiter: delimiter)
            for special in [delimiter, 0x22, 0x0D, 0x0A] {
                for length in 1...40 {
                    for at in 0..<length {
                        var field = [UInt8](repeating: UInt8(ascii: "x"), count: length)
                        field[at] = special
                        XCTAssertNil(copied(field, table), "\(special) at \(at) of \(length)")
                    }
                }
            }
            // Bytes one away from the special ones (carries in the word test) are not special.
            let near: [UInt8] = [0x21, 0x23, 0x0C, 0x0E, 0x09, 0x0B, delimiter &+ 1, delimiter &- 1, 0x80, 0xFF, 0x00]
                .filter { ![delimiter, 0x22, 0x0D, 0x0A].contains($0) }
            for length in 1...40 {
                let field = (0..<length).map { near[$0 % near.count] }
                XCTAssertEqual(copied(field, table), field)
            }
        }
    }

    /// Records every write the writer makes; `gathers`: as a sink that makes its own chunks.
    private final class WriteRecorder: OutputSink {
        var writes: [[UInt8]] = []
        let gathersPieces: Bool
        init(gathers: Bool = false) { gathersPieces = gathers }
        func write(_ bytes: UnsafeRawBufferPointer) throws { writes.append(Array(bytes)) }
    }

    /// Encoded rows, given in pieces of any size or encoded by the writer itself, reach the sink
    /// whole and in order, in whole 1 MiB chunks at 1 MiB offsets, only the last one short.
    func testRowsGoOutInWholeChunksAtChunkOffsets() throws {
        var g = SeededRandom(seed: 9)
        let sink = WriteRecorder()
        let writer = CSVWriter(sink: sink, options: CSVOptions())
        try writer.writeHeader()
        XCTAssertTrue(sink.writes.isEmpty, "nothing written before a whole chunk")
        var expected: [UInt8] = []
        var rows = 0
        for _ in 0..<20_000 {
            let length = g.chance(0.01) ? g.int(64 << 10...3 << 20) : g.int(1...600)
            let piece = (0..<length).map { _ in UInt8(g.int(0x20...0x7E)) }
            let n = g.int(1...3)
            try piece.withUnsafeBytes { try writer.write(encoded: $0, rows: n) }
            expected += piece
            rows += n
        }
        let total = try writer.finish()
        XCTAssertEqual(writer.rows, rows)
        let written = Array(sink.writes.joined())
        XCTAssertEqual(total, written.count)
        // The header first, then the pieces.
        XCTAssertEqual(Array(written.suffix(expected.count)), expected)
        XCTAssertTrue(written.starts(with: Array("event_id,".utf8)))
        XCTAssertGreaterThan(sink.writes.count, 20)
        for (i, w) in sink.writes.enumerated().dropLast() {
            XCTAssertEqual(w.count % ChunkedWriter.chunkBytes, 0, "write \(i): \(w.count) bytes")
        }
    }

    /// A sink that makes its own chunks (`DirectFileSink`) is handed the pieces as they come,
    /// not copied into whole chunks first: the header, then every piece, in order.
    func testASinkThatGathersPiecesGetsThemAsGiven() throws {
        var g = SeededRandom(seed: 10)
        let sink = WriteRecorder(gathers: true)
        let writer = CSVWriter(sink: sink, options: CSVOptions())
        try writer.writeHeader()
        var pieces: [[UInt8]] = []
        for _ in 0..<2_000 {
            let length = g.chance(0.01) ? g.int(64 << 10...3 << 20) : g.int(1...600)
            pieces.append((0..<length).map { _ in UInt8(g.int(0x20...0x7E)) })
            try pieces.last!.withUnsafeBytes { try writer.write(encoded: $0, rows: 1) }
        }
        let total = try writer.finish()
        XCTAssertEqual(sink.writes.count, 1 + pieces.count)
        XCTAssertTrue(sink.writes[0].starts(with: Array("event_id,".utf8)))
        XCTAssertTrue(Array(sink.writes.dropFirst()) == pieces, "the pieces differ")
        XCTAssertEqual(total, sink.writes.reduce(0) { $0 + $1.count })
    }
}
