import Hummingbird
import NIOCore
import NIOPosix

/// A finished export's bytes as a response body, read in 1 MiB chunks on NIO's blocking-I/O
/// thread pool (never on an event loop) and written as the client takes them.
enum FileBody {
    static let chunkSize = 1 << 20

    static func body(for file: FileAnswer, line: RequestLogLine) -> ResponseBody {
        ResponseBody(contentLength: file.size) { writer in
            var sent = 0
            do {
                while sent < file.size {
                    let offset = sent
                    let chunk = try await NIOThreadPool.singleton.runIfActive {
                        try readChunk(file, offset: offset, count: min(chunkSize, file.size - offset))
                    }
                    try await writer.write(chunk)
                    sent += chunk.readableBytes
                }
                try await writer.finish(nil)
            } catch {
                line.log(status: 200, bytes: sent, note: "not all sent: \(error)")
                throw error
            }
            line.log(status: 200, bytes: sent)
        }
    }

    private static func readChunk(_ file: FileAnswer, offset: Int, count: Int) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        while buffer.readableBytes < count {
            let want = count - buffer.readableBytes
            let at = offset + buffer.readableBytes
            var n = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { space in
                n = pread(file.fd, space.baseAddress, want, off_t(at))
                return max(n, 0)
            }
            guard n > 0 else { throw FileReadError(errno: n < 0 ? errno : 0) }
        }
        return buffer
    }
}

/// The finished file could not be read back (it shrank, or a read failed): the answer is cut.
struct FileReadError: Error, CustomStringConvertible {
    let errno: Int32
    var description: String { errno == 0 ? "file shorter than announced" : "read failed, errno \(errno)" }
}
