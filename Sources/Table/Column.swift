/// The 31 output columns of SPEC §5, in order.
public enum Column: Int, CaseIterable, Sendable {
    case eventID, timestamp, organizationID, workflowID, stepIndex, stepName, category, label, action
    case pageURL, viewUID, flowID, roomID, visitorID, sessionID, userID, value, properties, vendor
    case source, eventVersion, browserName, browserVersion, deviceType, deviceScreenWidth
    case deviceScreenHeight, geoCity, geoCountry, ipOrganization, osName, osVersion

    public static let count = 31

    public var header: StaticString {
        switch self {
        case .eventID: return "event_id"
        case .timestamp: return "timestamp"
        case .organizationID: return "organization_id"
        case .workflowID: return "workflow_id"
        case .stepIndex: return "step_index"
        case .stepName: return "step_name"
        case .category: return "category"
        case .label: return "label"
        case .action: return "action"
        case .pageURL: return "page_url"
        case .viewUID: return "view_uid"
        case .flowID: return "flow_id"
        case .roomID: return "room_id"
        case .visitorID: return "visitor_id"
        case .sessionID: return "session_id"
        case .userID: return "user_id"
        case .value: return "value"
        case .properties: return "properties"
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

    /// Number columns: their cells are JSON number text, written verbatim (CSV) or as numeric cells (XLSX).
    public var isNumber: Bool {
        switch self {
        case .stepIndex, .value, .eventVersion, .deviceScreenWidth, .deviceScreenHeight: return true
        default: return false
        }
    }
}
