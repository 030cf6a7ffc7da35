import Bytes
import FoundationEssentials
import StepExport
import StepRequest
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A finished export, opened for sending: the file was made whole in a temporary file first (the
/// status is known only then, SPEC §11), opened, and unlinked at once, so that it is gone from
/// the disk whatever happens to the connection; the descriptor closes when the answer is dropped.
final class FileAnswer: @unchecked Sendable {
    let fd: Int32
    let size: Int
    let fileName: String
    let result: ExportResult

    private init(fd: Int32, size: Int, fileName: String, result: ExportResult) {
        self.fd = fd
        self.size = size
        self.fileName = fileName
        self.result = result
    }

    deinit { close(fd) }

    var contentType: String {
        fileName.hasSuffix(".xlsx")
            ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            : "text/csv; charset=utf-8"
    }

    /// Runs one export into a temporary file in `directory` (registered with `TemporaryFiles`,
    /// so that an interrupt removes it) and opens the result. Blocking: call it off the event loops.
    static func export(_ route: DownloadRoute, payload: [UInt8], dump: String, directory: String,
                       options: ExportOptions) -> Result<FileAnswer, RequestError> {
        let template = TemporaryFile.template(in: directory, "stepexport-serve-XXXXXX")
        // The reserved name is the export's target: the engine writes beside it and renames over it.
        guard let (reservedFD, path) = TemporaryFiles.shared.create(template: template) else {
            return .failure(.detail(500, "Cannot write \(template): \(errnoDescription())"))
        }
        close(reservedFD)
        defer {
            unlink(path)
            TemporaryFiles.shared.unregister(path)
        }
        let outcome = Exporter.run(organizationID: route.organizationID, workflowID: route.workflowID,
                                   stepIndex: route.stepIndex, payload: payload, dump: Dump(root: dump),
                                   output: .file(path), options: options)
        return outcome.flatMap { result in
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            var status = stat()
            guard fd >= 0, fstat(fd, &status) == 0 else {
                let reason = errnoDescription()
                if fd >= 0 { close(fd) }
                return .failure(.detail(500, "Cannot read \(path): \(reason)"))
            }
            return .success(FileAnswer(fd: fd, size: Int(status.st_size), fileName: result.fileName,
                                       result: result))
        }
    }
}
