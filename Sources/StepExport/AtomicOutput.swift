import Bytes
#if canImport(Glibc)
import Glibc
#endif

/// An output file that appears only when complete (SPEC §8): bytes go to a hidden temporary
/// file beside the target, which is renamed over the target on `commit()`. Until then the
/// target — and any previous good file there — is untouched; `discard()` removes the temporary.
///
/// What is already at the path decides how (SPEC §8), judged by the file itself, never by its
/// spelling:
/// - a symbolic link: the file it points to is the target (replaced; the link stays);
/// - a regular file: replaced, keeping its permission bits (and its owner, where allowed);
/// - a character device or a FIFO (`/dev/null`, a pipe): written in place, no temporary file;
/// - a directory, a socket, a block device, or any file the request reads (`protecting`):
///   refused with `OutputError`, nothing touched.
///
/// `syncs`: the bytes are on disk before the rename (fsync). Without it the rename still shows
/// readers only a complete file, but a power cut soon after may leave it short; the caller then
/// makes it durable later (a batch: one `syncfs` per file system at its end).
public final class AtomicOutput {
    public let path: String
    /// The file renamed over the target by `commit()`; nil when writing in place.
    public let temporaryPath: String?
    /// Where the bytes end up: `path` with the symbolic links at its end followed.
    private let target: String
    /// Where the writers put the bytes: a new file is written past the page cache (`direct`),
    /// a device or FIFO as the bytes come.
    public let sink: OutputSink
    private let direct: DirectFileSink?
    private let fd: Int32
    private let syncs: Bool
    private var open = true

    public init(path: String, protecting inputs: Set<FileIdentity> = [], syncs: Bool = true) throws {
        self.path = path
        self.syncs = syncs
        switch try AtomicOutput.destination(of: path, protecting: inputs) {
        case .inPlace(let resolved):
            // A FIFO blocks here until a reader opens it, as any writer to it would.
            let fd = Glibc.open(resolved, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard fd >= 0 else { throw OutputError(path: path, reason: errnoDescription()) }
            target = resolved
            temporaryPath = nil
            self.fd = fd
            sink = FileDescriptorSink(fd: fd, path: path)
            direct = nil
        case .replace(let resolved, let existing):
            let slash = resolved.lastIndex(of: "/")
            let directory = slash.map { String(resolved[..<$0]) } ?? "."
            let name = slash.map { String(resolved[resolved.index(after: $0)...]) } ?? resolved
            let template = TemporaryFile.template(in: directory.isEmpty ? "/" : directory, ".\(name).partial-XXXXXX")
            guard let (fd, temporary) = TemporaryFiles.shared.create(template: template) else {
                throw OutputError(path: path, reason: errnoDescription())
            }
            if let existing {
                _ = fchown(fd, existing.st_uid, existing.st_gid) // only root or the owner may; else ours
                fchmod(fd, existing.st_mode & 0o7777)
            } else {
                fchmod(fd, 0o644)
            }
            target = resolved
            temporaryPath = temporary
            self.fd = fd
            let direct = DirectFileSink(fd: fd, path: path)
            self.direct = direct
            sink = direct
        }
    }

    deinit { if open { discard() } }

    /// The directory the temporary file is in (for a writer's own spool files); nil in place.
    public var directory: String? {
        temporaryPath.map { t in t.lastIndex(of: "/").map { String(t[..<$0]) } ?? "." }
    }

    /// Whether an output at `path` would be written in place (a character device or a FIFO, or
    /// a link to one): its bytes then reach the reader as they are written.
    public static func writesInPlace(_ path: String) -> Bool {
        guard let resolved = try? followLinks(path) else { return false }
        var st = stat()
        guard stat(resolved, &st) == 0 else { return false }
        return st.st_mode & S_IFMT == S_IFCHR || st.st_mode & S_IFMT == S_IFIFO
    }

    /// Makes the finished file visible under its name.
    public func commit() throws {
        do {
            try direct?.finish()
        } catch {
            discard()
            throw error
        }
        // Devices and pipes cannot be synced (EINVAL): their bytes are already handed over.
        guard !syncs || fsync(fd) == 0 || errno == EINVAL else {
            let reason = errnoDescription()
            discard()
            throw OutputError(path: path, reason: reason)
        }
        close(fd)
        open = false
        guard let temporaryPath else { return }
        if rename(temporaryPath, target) != 0 {
            let reason = errnoDescription()
            unlink(temporaryPath)
            TemporaryFiles.shared.unregister(temporaryPath)
            throw OutputError(path: path, reason: reason)
        }
        TemporaryFiles.shared.unregister(temporaryPath)
    }

    /// Abandons the output: the temporary file is removed, the target untouched (in place, what
    /// was written stays written).
    public func discard() {
        guard open else { return }
        open = false
        direct?.stop()
        close(fd)
        guard let temporaryPath else { return }
        unlink(temporaryPath)
        TemporaryFiles.shared.unregister(temporaryPath)
    }

    private enum Destination {
        case inPlace(String)
        /// The file to replace (it may not exist yet), and its status when it does.
        case replace(String, existing: stat?)
    }

    private static func destination(of path: String, protecting inputs: Set<FileIdentity>) throws -> Destination {
        let resolved: String
        do { resolved = try followLinks(path) } catch {
            throw OutputError(path: path, reason: errnoDescription(error.code))
        }
        var st = stat()
        guard stat(resolved, &st) == 0 else {
            // Nothing there yet: the temporary file's creation reports a missing folder.
            if errno == ENOENT { return .replace(resolved, existing: nil) }
            throw OutputError(path: path, reason: errnoDescription())
        }
        if inputs.contains(FileIdentity(st)) {
            throw OutputError(path: path, reason: "it is a file this request reads")
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .replace(resolved, existing: st)
        case S_IFCHR, S_IFIFO: return .inPlace(resolved)
        case S_IFDIR: throw OutputError(path: path, reason: errnoDescription(EISDIR))
        case S_IFSOCK: throw OutputError(path: path, reason: "it is a socket")
        case S_IFBLK: throw OutputError(path: path, reason: "it is a block device")
        default: throw OutputError(path: path, reason: "it is not a regular file")
        }
    }

    /// `path` with the symbolic links at its end followed (each relative to its link's folder),
    /// as far as they lead; a dangling link gives the path it points to. Folders on the way are
    /// left as spelled: the file is replaced by a rename within its own folder.
    static func followLinks(_ path: String) throws(LinkError) -> String {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { throw LinkError(code: errno) }
            let link = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasPrefix("/") {
                current = link
            } else {
                let folder = current.lastIndex(of: "/").map { String(current[...$0]) } ?? ""
                current = folder + link
            }
        }
        throw LinkError(code: ELOOP)
    }

    /// Why a link could not be followed: an `errno` value.
    struct LinkError: Error { let code: Int32 }
}
