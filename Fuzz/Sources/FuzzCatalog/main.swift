import FuzzTargets

/// libFuzzer's entry: one input, handed to `FuzzTargets.catalogParser`.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.catalogParser(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
