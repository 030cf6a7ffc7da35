/// The event keys StepExport reads (SPEC §2), with the JSON type each must have. Every other key
/// is skipped, though its value must still be valid JSON.
public enum EventKey: Int, CaseIterable, Sendable {
    case id, timestamp, organizationID, category, label, action, dim1, dim2, dim4, dim5, value
    case properties, visitorID, sessionID, userID, pageURL, viewUID, vendor, source, eventVersion
    case browserName, browserVersion, deviceType, deviceScreenWidth, deviceScreenHeight
    case geoCity, geoCountry, ipOrganization, osName, osVersion

    public static let count = 30

    /// The key as it appears in event JSON.
    public var jsonName: String {
        switch self {
        case .id: return "id"
        case .timestamp: return "timestamp"
        case .organizationID: return "organization_id"
        case .category: return "category"
        case .label: return "label"
        case .action: return "action"
        case .dim1: return "dim1"
        case .dim2: return "dim2"
        case .dim4: return "dim4"
        case .dim5: return "dim5"
        case .value: return "value"
        case .properties: return "properties"
        case .visitorID: return "visitor_id"
        case .sessionID: return "session_id"
        case .userID: return "user_id"
        case .pageURL: return "page_url"
        case .viewUID: return "view_uid"
        case .vendor: return "vendor"
        case .source: return "source"
        case .eventVersion: return "event_version"
        case .browserName: return "browser_name"
        case .browserVersion: return "browser_version"
        case .deviceType: return "device_type"
        case .deviceScreenWidth: return "device_screen_width"
        case .deviceScreenHeight: return "device_screen_height"
        case .geoCity: return "geo_city"
        case .geoCountry: return "geo_country"
        case .ipOrganization: return "ip_organization"
        case .osName: return "os_name"
        case .osVersion: return "os_version"
        }
    }

    /// What JSON the key accepts (besides `null`, which means absent).
    public enum Kind: Sendable {
        case string
        /// `timestamp`: a date-time string or an integer of epoch milliseconds.
        case timestamp
        /// `dim5`: an integer, or a string of decimal digits.
        case stepIndex
        /// A signed 64-bit integer.
        case integer
        /// A finite double.
        case number
        /// An array of strings.
        case stringArray
    }

    public var kind: Kind {
        switch self {
        case .timestamp: return .timestamp
        case .dim5: return .stepIndex
        case .value: return .number
        case .properties: return .stringArray
        case .eventVersion, .deviceScreenWidth, .deviceScreenHeight: return .integer
        default: return .string
        }
    }
}
