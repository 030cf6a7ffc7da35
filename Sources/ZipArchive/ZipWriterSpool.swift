import Bytes
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An anonymous temporary file holding one entry's compressed bytes until they are copied into
/// the archive. It is unlinked as soon as it is created, so it disappears when closed — after the
/// copy, on an error, or if the process dies — and never shows in the directory listing for long.
final class ZipSpoolFile {
    private var fd: Int32
    let directory: String
    private(set) var size: Int64 = 0

    init(directory: String) throws {
        self.directory = directory
        guard let fd = TemporaryFile.anonymous(template: TemporaryFile.template(in: directory, ".stepexport-zip-XXXXXX")) else {
            throw ZipWriterError.spool("cannot create a file in \(directory)", errnoDescription())
        }
        self.fd = fd
    }

    deinit { close() }

    func close() {
        if fd >= 0 { _ = closeFD(fd); fd = -1 }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard let p = bytes.baseAddress, fd >= 0 else {
            if fd < 0 { throw ZipWriterError.usage("spool file used after close") }
            return
        }
        if let code = WholeWrite.write(fd, p, bytes.count) { throw ZipWriterError.spool("write", errnoDescription(code)) }
        size += Int64(bytes.count)
    }

    /// Reads `count` bytes at `offset` into `buffer` (appending).
    func read(at offset: Int64, count: Int, into buffer: ByteBuffer) throws {
        var got = 0
        let dst = buffer.reserve(count)
        while got < count {
            let n = pread(fd, dst + got, count - got, off_t(offset) + off_t(got))
            if n < 0 {
                if errno == EINTR { continue }
                throw ZipWriterError.spool("read", errnoDescription())
            }
            if n == 0 { throw ZipWriterError.spool("read", "unexpected end of file") }
            got += n
        }
        buffer.commit(count)
    }
}

@inline(__always) private func closeFD(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.close(fd)
    #elseif canImport(Musl)
    return Musl.close(fd)
    #else
    return Darwin.close(fd)
    #endif
}
