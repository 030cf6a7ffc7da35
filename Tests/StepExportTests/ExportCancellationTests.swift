import Foundation
import StepExport
import StepExportTestSupport
import XCTest

/// `ExportOptions.cancellation` (what `serve` sets when a client goes away): a cancelled export
/// answers `RequestError.cancelled` and leaves no file, finished or partial.
final class ExportCancellationTests: XCTestCase {
    func testCancelledExportWritesNothing() throws {
        let directory = try TestPaths.temporaryDirectory(self)
        let payload = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("demo/request.json"))
        var options = ExportOptions()
        options.cancellation = ExportCancellation()
        options.cancellation?.cancel()
        let output = directory.appendingPathComponent("out.csv")
        let result = Exporter.run(organizationID: "7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21",
                                  workflowID: "4e9b8c7d-1a2b-4c3d-8e5f-6a7b8c9d0e1f", stepIndex: "2",
                                  payload: Array(payload), dump: Dump(root: TestPaths.fixtures.appendingPathComponent("demo").path),
                                  output: .file(output.path), options: options)
        guard case .failure(let error) = result else { return XCTFail("a cancelled export succeeded") }
        XCTAssertEqual(error, .cancelled)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])

        // Not cancelled: the same export succeeds and names its file as the API does.
        options.cancellation = ExportCancellation()
        let done = Exporter.run(organizationID: "7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21",
                                workflowID: "4e9b8c7d-1a2b-4c3d-8e5f-6a7b8c9d0e1f", stepIndex: "2",
                                payload: Array(payload), dump: Dump(root: TestPaths.fixtures.appendingPathComponent("demo").path),
                                output: .file(output.path), options: options)
        XCTAssertEqual(try done.get().fileName, "workflow_4e9b8c7d-1a2b-4c3d-8e5f-6a7b8c9d0e1f_step_2.csv")
    }
}
