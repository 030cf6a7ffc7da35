import Foundation

/// `data` as one gzip member, written by the system's `gzip` (a writer other than the zlib calls
/// under test), with no name or time in its header so that the bytes repeat.
public func gzip(_ data: Data, level: Int = 6) throws -> Data {
    let result = try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-c", "-n", "-\(level)"], input: data)
    guard result.status == 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "gzip exited \(result.status): \(result.stderr)"])
    }
    return result.stdout
}
