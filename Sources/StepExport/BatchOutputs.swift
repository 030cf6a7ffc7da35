import Bytes
import FoundationEssentials
import Threads
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a batch's jobs write, settled before any job runs (SPEC §10): every output resolved —
/// `.`, `..` and symbolic links — and the manifest refused when two jobs share an output, when an
/// output is a file the batch reads, or when an output lies outside the output root.
struct BatchOutputs {
    /// Per job, the file it writes (folders resolved, the name as given), or nil for a job with no
    /// output (it failed its checks and named none).
    let paths: [String?]
    /// Folders already made (or found) for an output, and the errno text of those that could not be.
    private let folders = MadeFolders()

    /// `outputs[i]`: job i's output as the manifest spells it (relative to `base`), or nil.
    /// `readFiles`: the manifest, the catalog, the event files.
    init(_ outputs: [String?], base: String, root: String, readFiles: Set<FileIdentity>) throws {
        let root = BatchOutputs.canonical(root)
        var problems: [String] = []
        var jobsByFile: [String: [Int]] = [:]
        var order: [String] = []
        var paths: [String?] = []
        for (i, output) in outputs.enumerated() {
            guard let output else { paths.append(nil); continue }
            let joined = output.hasPrefix("/") ? output : base + "/" + output
            let file = BatchOutputs.canonical(joined)
            let slash = joined.lastIndex(of: "/").map { joined.index(after: $0) } ?? joined.startIndex
            paths.append(BatchOutputs.canonical(String(joined[..<slash])) + "/" + joined[slash...])
            if root != "/" && file != root && !file.hasPrefix(root + "/") {
                problems.append("job \(i): the output \(output) is outside the output root \(root)")
            } else if let identity = FileIdentity(path: file), readFiles.contains(identity) {
                problems.append("job \(i): the output \(output) is a file the batch reads")
            }
            if jobsByFile[file] == nil { order.append(file) }
            jobsByFile[file, default: []].append(i)
        }
        for file in order {
            guard let jobs = jobsByFile[file], jobs.count > 1 else { continue }
            problems.append("jobs \(jobs.map(String.init).joined(separator: ", ")) share the output \(file)")
        }
        if !problems.isEmpty { throw ManifestError(description: "refused: " + problems.joined(separator: "; ")) }
        self.paths = paths
    }

    /// `path` made absolute and resolved: `.` and `..` taken out and every symbolic link on the
    /// way followed, as far as the path exists (the rest is taken as spelled).
    static func canonical(_ path: String) -> String {
        var pending = (path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path)
            .split(separator: "/").map(String.init).reversed() as [String]
        var resolved: [String] = []
        var links = 0
        while let part = pending.popLast() {
            if part == "." { continue }
            if part == ".." { _ = resolved.popLast(); continue }
            let candidate = "/" + (resolved + [part]).joined(separator: "/")
            var st = stat()
            if links < 40, lstat(candidate, &st) == 0, st.st_mode & S_IFMT == S_IFLNK,
               let link = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate) {
                links += 1
                if link.hasPrefix("/") { resolved = [] }
                pending.append(contentsOf: link.split(separator: "/").map(String.init).reversed())
                continue
            }
            resolved.append(part)
        }
        return "/" + resolved.joined(separator: "/")
    }

    /// `makeFolders(for:)` once per folder, however many jobs write there (10,000 jobs into one
    /// folder made 40,000 mkdir calls).
    func createFolders(for file: String) -> String? {
        folders.make(BatchOutputs.folder(of: file)) { BatchOutputs.makeFolders(for: file) }
    }

    /// Makes the outputs of the jobs that succeeded durable, written without an fsync each: one
    /// `syncFileSystem` per file system they are on. Where that fails, the jobs there fail too and
    /// their outputs are removed (a failed job leaves none).
    func makeDurable(_ outcomes: inout [BatchOutcome]) {
        var jobsByFolder: [String: [Int]] = [:]
        for (i, outcome) in outcomes.enumerated() {
            guard case .success = outcome.result, let path = paths[i] else { continue }
            jobsByFolder[BatchOutputs.folder(of: path), default: []].append(i)
        }
        var syncedDevices: [dev_t: Int32] = [:]
        for (folder, jobs) in jobsByFolder {
            var st = stat()
            let fd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            var failure = fd >= 0 && fstat(fd, &st) == 0 ? 0 : errno
            if failure == 0 {
                if let known = syncedDevices[st.st_dev] {
                    failure = known
                } else {
                    failure = syncFileSystem(of: fd)
                    syncedDevices[st.st_dev] = failure
                }
            }
            if fd >= 0 { close(fd) }
            guard failure != 0 else { continue }
            for i in jobs {
                let path = paths[i]!
                var target = stat()
                if let file = try? AtomicOutput.followLinks(path), stat(file, &target) == 0, target.st_mode & S_IFMT == S_IFREG {
                    unlink(file)
                }
                outcomes[i] = BatchOutcome(job: i, result: .failure(.detail(500, "Cannot write \(path): \(errnoDescription(failure))")),
                                           output: outcomes[i].output, format: outcomes[i].format)
            }
        }
    }

    /// The folder of a resolved output path (`paths` are absolute: "" is the root).
    private static func folder(of file: String) -> String {
        file.lastIndex(of: "/").map { String(file[..<$0]) } ?? ""
    }

    /// Creates the missing folders on the way to `file` (SPEC §10: the manifest declares the
    /// layout); the `errno` text when one cannot be made.
    static func makeFolders(for file: String) -> String? {
        var folder = ""
        for part in file.split(separator: "/").dropLast() {
            folder += "/" + part
            if mkdir(folder, 0o777) != 0 && errno != EEXIST { return errnoDescription() }
        }
        var st = stat()
        if !folder.isEmpty && stat(folder, &st) == 0 && st.st_mode & S_IFMT != S_IFDIR { return errnoDescription(ENOTDIR) }
        return nil
    }
}

/// The folders a batch has made for its outputs: each is made once, whichever job comes first.
private final class MadeFolders: @unchecked Sendable {
    private let lock = Lock()
    private var problems: [String: String?] = [:]

    /// `make`'s answer for `folder`, from the first call.
    func make(_ folder: String, _ make: () -> String?) -> String? {
        lock.lock(); defer { lock.unlock() }
        if let known = problems[folder] { return known }
        let problem = make()
        problems[folder] = problem
        return problem
    }
}
