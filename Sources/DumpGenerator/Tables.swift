/// Fixed attribute tables: devices, places, properties. Visitors pick an entry by a hash of their
/// id, so one visitor keeps one device and one place across all their events.

struct DeviceRow {
    let browser: String
    let browserVersion: String
    let deviceType: String
    let screen: (Int, Int)?
    let os: String
    let osVersion: String
    let userAgent: String
}

/// Repeated rows weight the common devices.
let deviceRows: [DeviceRow] = [
    DeviceRow(browser: "Chrome", browserVersion: "107.0.5304.107", deviceType: "desktop", screen: (1920, 1080), os: "Windows", osVersion: "10",
              userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/107.0.0.0 Safari/537.36"),
    DeviceRow(browser: "Chrome", browserVersion: "107.0.5304.87", deviceType: "desktop", screen: (2560, 1440), os: "Windows", osVersion: "10",
              userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/107.0.0.0 Safari/537.36"),
    DeviceRow(browser: "Chrome Mobile", browserVersion: "107.0.5304.105", deviceType: "mobile", screen: (412, 915), os: "Android", osVersion: "13",
              userAgent: "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/107.0.0.0 Mobile Safari/537.36"),
    DeviceRow(browser: "Mobile Safari", browserVersion: "16.1", deviceType: "mobile", screen: (390, 844), os: "iOS", osVersion: "16.1.1",
              userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 16_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.1 Mobile/15E148 Safari/604.1"),
    DeviceRow(browser: "Mobile Safari", browserVersion: "15.6.1", deviceType: "mobile", screen: (375, 667), os: "iOS", osVersion: "15.7",
              userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6.1 Mobile/15E148 Safari/604.1"),
    DeviceRow(browser: "Safari", browserVersion: "16.1", deviceType: "desktop", screen: (1440, 900), os: "Mac OS X", osVersion: "10.15.7",
              userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.1 Safari/605.1.15"),
    DeviceRow(browser: "Firefox", browserVersion: "106.0", deviceType: "desktop", screen: (1366, 768), os: "Ubuntu", osVersion: "22.04",
              userAgent: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:106.0) Gecko/20100101 Firefox/106.0"),
    DeviceRow(browser: "Edge", browserVersion: "107.0.1418.42", deviceType: "desktop", screen: (1920, 1200), os: "Windows", osVersion: "11",
              userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/107.0.0.0 Safari/537.36 Edg/107.0.1418.42"),
    DeviceRow(browser: "Samsung Internet", browserVersion: "19.0", deviceType: "tablet", screen: (800, 1280), os: "Android", osVersion: "12",
              userAgent: "Mozilla/5.0 (Linux; Android 12; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/19.0 Chrome/102.0.5005.125 Safari/537.36"),
    DeviceRow(browser: "Mobile Safari", browserVersion: "16.1", deviceType: "tablet", screen: (820, 1180), os: "iOS", osVersion: "16.1",
              userAgent: "Mozilla/5.0 (iPad; CPU OS 16_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.1 Mobile/15E148 Safari/604.1"),
    DeviceRow(browser: "Chrome", browserVersion: "107.0.5304.110", deviceType: "desktop", screen: nil, os: "Linux", osVersion: "",
              userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/107.0.5304.110 Safari/537.36"),
    DeviceRow(browser: "Chrome", browserVersion: "106.0.5249.119", deviceType: "desktop", screen: (1536, 864), os: "Windows", osVersion: "10",
              userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/106.0.0.0 Safari/537.36"),
]

struct GeoRow {
    let city: String
    let country: String
    let ipOrganization: String
}

/// Per org, the places its visitors come from (repeats weight them). `ip_organization` "-" is
/// how GeoIP databases say "unknown"; it starts with `-`, so the CSV formula guard must act.
let geoRows: [[GeoRow]] = [
    [GeoRow(city: "London", country: "GB", ipOrganization: "British Telecommunications PLC"),
     GeoRow(city: "Manchester", country: "GB", ipOrganization: "Virgin Media Limited"),
     GeoRow(city: "Helsinki", country: "FI", ipOrganization: "Elisa Oyj"),
     GeoRow(city: "München", country: "DE", ipOrganization: "Deutsche Telekom AG"),
     GeoRow(city: "Washington, D.C.", country: "US", ipOrganization: "Amazon.com, Inc."),
     GeoRow(city: "São Paulo", country: "BR", ipOrganization: "Telefônica Brasil S.A"),
     GeoRow(city: "Zürich", country: "CH", ipOrganization: "Swisscom (Schweiz) AG"),
     GeoRow(city: "Kraków", country: "PL", ipOrganization: "Orange Polska Spolka Akcyjna"),
     GeoRow(city: "東京", country: "JP", ipOrganization: "NTT Communications Corporation"),
     GeoRow(city: "Dublin", country: "IE", ipOrganization: "-"),
     GeoRow(city: "London", country: "GB", ipOrganization: "Sky UK Limited")],
    [GeoRow(city: "Helsinki", country: "FI", ipOrganization: "Elisa Oyj"),
     GeoRow(city: "Espoo", country: "FI", ipOrganization: "Telia Finland Oyj"),
     GeoRow(city: "Jyväskylä", country: "FI", ipOrganization: "DNA Oyj"),
     GeoRow(city: "Hämeenlinna", country: "FI", ipOrganization: "Elisa Oyj"),
     GeoRow(city: "Tampere", country: "FI", ipOrganization: "Telia Finland Oyj"),
     GeoRow(city: "Oulu", country: "FI", ipOrganization: "DNA Oyj"),
     GeoRow(city: "Stockholm", country: "SE", ipOrganization: "Telia Company AB"),
     GeoRow(city: "Tallinn", country: "EE", ipOrganization: "-")],
    [GeoRow(city: "Stuttgart", country: "DE", ipOrganization: "Deutsche Telekom AG"),
     GeoRow(city: "Köln", country: "DE", ipOrganization: "Vodafone GmbH"),
     GeoRow(city: "Düsseldorf", country: "DE", ipOrganization: "Telefonica Germany GmbH & Co.OHG"),
     GeoRow(city: "Wien", country: "AT", ipOrganization: "A1 Telekom Austria AG"),
     GeoRow(city: "Zürich", country: "CH", ipOrganization: "Sunrise GmbH"),
     GeoRow(city: "Berlin", country: "DE", ipOrganization: "1&1 Versatel Deutschland GmbH")],
]

/// Ready `properties` arrays per org (an event has none, `[]`, or one of these).
let propertyRows: [[[String]]] = [
    [["returning_visitor"], ["returning_visitor", "campaign:winter-2022"], ["campaign:winter-2022", "ab:variant-b"],
     ["logged_in", "loyalty:gold"], ["first_visit", "utm_source=google", "utm_medium=cpc"], ["+1 upsell shown"],
     ["cart_value:129.90 EUR", "items:3"]],
    [["palaava_kävijä"], ["kampanja:joulu-2022 🎄"], ["kirjautunut", "kanta-asiakas"], ["ensimmäinen käynti"]],
    [["Stammkunde"], ["Kampagne: Herbst, 2022"], ["Händler", "Region Süd"], ["newsletter=\"ja\""]],
]

let referrers = ["https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/",
                 "https://www.facebook.com/", "https://l.instagram.com/", "android-app://com.google.android.gm/"]
