import Bytes

/// A UUID as its 128-bit value: every spelling of one UUID, in any case, is one value.
struct UUIDValue: Hashable {
    let high: UInt64
    let low: UInt64

    init(_ words: (UInt64, UInt64)) {
        high = words.0
        low = words.1
    }
}

/// A workflow's identity: its two UUIDs' values, so that case does not matter and nothing is
/// allocated per entry (a catalog may hold a million).
struct WorkflowKey: Hashable {
    let id: UUIDValue
    let organizationID: UUIDValue

    /// Two words fed to the hasher rather than four (a million-entry catalog hashes a million
    /// keys as it loads): each UUID's halves folded into one, the high half first multiplied by
    /// an odd constant so that swapped halves do not fold alike.
    func hash(into hasher: inout Hasher) {
        hasher.combine(id.high &* 0x9E37_79B9_7F4A_7C15 ^ id.low)
        hasher.combine(organizationID.high &* 0x9E37_79B9_7F4A_7C15 ^ organizationID.low)
    }
}

extension WorkflowKey {
    /// Nil unless both are UUIDs.
    init?(id: String, organizationID: String) {
        guard let i = uuidValue(id), let o = uuidValue(organizationID) else { return nil }
        self.init(id: UUIDValue(i), organizationID: UUIDValue(o))
    }
}
