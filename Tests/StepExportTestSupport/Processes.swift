import Foundation

/// What a finished process did.
public struct ProcessResult {
    public let status: Int32
    public let stdout: Data
    public let stderr: String
}

/// Runs a program to completion, feeding `input` to its standard input.
@discardableResult
public func runProcess(_ executable: URL, _ arguments: [String], input: Data? = nil,
                currentDirectory: URL? = nil, environment: [String: String]? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe(), inp = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inp
    try process.run()
    // Feed the input and read both pipes concurrently, so that no pipe fills up and blocks the
    // child (or this process: a child may write more than a pipe holds before it reads all).
    final class Box: @unchecked Sendable { var data = Data() }
    let stderrBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        if let input { inp.fileHandleForWriting.write(input) }
        try? inp.fileHandleForWriting.close()
        group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
        stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: stdoutData,
                         stderr: String(decoding: stderrBox.data, as: UTF8.self))
}

/// Runs a program to completion with no input, its output kept in files, and returns what it did
/// and its own peak RSS in MB: the largest `VmHWM` of `/proc/PID/status` seen while it runs (read
/// every 2 ms, so growth in its very last moments can be missed). Not `getrusage`: a child's
/// `ru_maxrss` starts from the test process's own size (the child shares its memory until `exec`),
/// and `RUSAGE_CHILDREN` is the largest of every child ever waited for, a browser started by
/// another test, say.
public func runProcessMeasuringPeak(_ executable: URL, _ arguments: [String]) throws -> (result: ProcessResult, peakMB: Int) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stepexport-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outPath = folder.appendingPathComponent("stdout").path, errPath = folder.appendingPathComponent("stderr").path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
    guard rc == 0 else { throw NSError(domain: "posix_spawn \(executable.path)", code: Int(rc)) }
    var status: Int32 = 0
    var peakKB = 0
    while true {
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid || (r < 0 && errno != EINTR) { break }
        peakKB = max(peakKB, peakResidentKB(pid))
        usleep(2_000)
    }
    // Exited: the exit code; killed by a signal: 128 + the signal, as a shell reports it.
    let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let result = ProcessResult(status: code, stdout: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(),
                               stderr: String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), as: UTF8.self))
    return (result, peakKB / 1024)
}

/// `VmHWM` of a running process — its peak resident memory so far — in kB (0 once it has
/// exited, or where there is no `/proc`).
public func peakResidentKB(_ pid: pid_t) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}
