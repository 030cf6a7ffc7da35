import Foundation
import StepExportTestSupport
import XCTest

/// What a person sees during a long export, in a real terminal: `Tests/tmux_progress.sh` drives
/// tmux (progress line moving, Ctrl-C, `stepexport: interrupted: nothing written`, exit 130, no
/// file left). Skips without tmux (fails with CI set).
final class TmuxProgressTests: XCTestCase {
    func testAPersonSeesProgressThenTheInterruptMessage() throws {
        try ReaderTestSupport.require(.tmux)
        let script = TestPaths.repoRoot.appendingPathComponent("Tests/tmux_progress.sh").path
        let r = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["bash", script, TestPaths.executable.path])
        XCTAssertEqual(r.status, 0, r.stdoutText + r.stderr)
        XCTAssertTrue(r.stdoutText.contains("tmux_progress: PASS"), r.stdoutText + r.stderr)
    }
}
