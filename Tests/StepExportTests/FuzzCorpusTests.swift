import Foundation
import FuzzTargets
import StepExportTestSupport
import XCTest

/// Replays every seed and past finding of the fuzzers (`Fuzz/Corpus/<target>/`) through the same
/// entry points the fuzz executables call (`FuzzTargets`), so that `swift test` keeps checking
/// them without libFuzzer. A broken invariant traps, failing the run.
final class FuzzCorpusTests: XCTestCase {
    func testEveryCorpusFilePassesItsTarget() throws {
        let corpus = TestPaths.repoRoot.appendingPathComponent("Fuzz/Corpus")
        let folders = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        XCTAssertEqual(Set(folders), Set(FuzzTargets.all.map(\.name)), "one corpus folder per fuzz target")
        for (name, run) in FuzzTargets.all {
            let folder = corpus.appendingPathComponent(name)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            XCTAssertFalse(files.isEmpty, "no seeds for \(name)")
            for file in files {
                let data = try Data(contentsOf: folder.appendingPathComponent(file))
                data.withUnsafeBytes { run($0) }
            }
        }
    }

    /// The empty input and a few edge shapes, which corpora do not hold.
    func testEdgeInputs() {
        let inputs: [[UInt8]] = [[], [0x1F, 0x8B], [0xEF, 0xBB, 0xBF], Array("[".utf8), Array("\n\r\n ".utf8), [0]]
        for (_, run) in FuzzTargets.all {
            for input in inputs { input.withUnsafeBytes { run($0) } }
        }
    }
}
