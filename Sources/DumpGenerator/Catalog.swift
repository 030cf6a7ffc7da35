/// The synthetic world: three organizations, each with workflows of every type (SPEC §1).
///
/// Only the ids come from the seed (a stream of their own, so the event count never changes
/// them); names, steps, URLs and weights are fixed here.

/// A workflow type (SPEC §1) and how its events name the action of a step (SPEC §4).
public enum WorkflowKind: String, CaseIterable, Sendable {
    case giosgDefault = "giosg-default"
    case interaction
    case userGenerated = "user-generated"
    case chat
    case voiceVideo = "voice-video"

    /// The event key that identifies a step's action for this type (SPEC §4).
    public var identifierKey: String {
        switch self {
        case .giosgDefault: return "page_url"
        case .interaction: return "view_uid"
        default: return "action"
        }
    }

    /// Whether `step_data` path constraints apply (SPEC §4).
    public var usesStepData: Bool { self == .giosgDefault || self == .interaction }
}

/// One step of a workflow: its name and the identifiers its events carry (1–3 alternatives, the
/// first the most common); `action` is the `action` text of web / interaction events.
struct StepSpec {
    let name: String
    var identifiers: [String]
    let action: String
}

struct GoalSpec {
    let label: String
    /// Goal events carry a `value` (an order total).
    let valued: Bool
}

/// How an organization's systems write their events: realistic differences the engine must absorb.
struct OrgSpec {
    let key: String
    let name: String
    let site: String
    let pages: [String]
    let goals: [GoalSpec]
    /// Non-ASCII text as `\uXXXX` escapes (Python's `json.dumps` default).
    let asciiOnly: Bool
    /// `organization_id` and `label` written in uppercase (the catalog has them in lowercase).
    let uppercaseIDs: Bool
    /// `dim5` as a string of digits instead of an integer.
    let dim5AsString: Bool
    /// Timestamps in local time with this offset (0: UTC with `Z`).
    let utcOffsetMinutes: Int
    let locale: String
    let timeZone: String
}

struct WorkflowSpec {
    let key: String
    let org: Int
    let kind: WorkflowKind
    let name: String
    /// Index 0 is the Source step.
    var steps: [StepSpec]
    /// Whether the catalog entry lists `steps` (SPEC §1 makes it optional).
    let listsSteps: Bool
    /// Relative share of the ordinary (non-bulk) flows; 0 = none.
    let weight: Int
    /// Index into the org's goals reached by visitors who complete the workflow.
    let goal: Int?
    let published: Bool
    let description: String
}

/// A workflow of the generated catalog, as the benchmarks and tests see it.
public struct GeneratedWorkflow: Sendable {
    public let key: String
    public let id: String
    public let organizationID: String
    public let organizationName: String
    public let kind: WorkflowKind
    public let name: String
    /// Step names, index 0 = Source.
    public let stepNames: [String]
    /// Per step, the identifiers (page_url / view_uid / action) its events use.
    public let stepIdentifiers: [[String]]
}

/// The fixed world and its seeded ids.
final class World {
    let orgs: [OrgSpec]
    var workflows: [WorkflowSpec]
    let orgIDs: [String]
    let workflowIDs: [String]
    /// Giosg room ids (`dim2`) per org, and the operators (`user_id`) per org.
    let roomIDs: [[String]]
    let agentIDs: [[String]]
    /// The high-volume workflow whose step 1 holds ~92.5 % of all events.
    let bulkWorkflow: Int
    let bulkStep = 1
    /// The workflow and steps of the `path-scan` request.
    let pathWorkflow: Int
    let goalWorkflow: Int
    let goalStep = 4

    init(seed: UInt64) {
        var rng = Xoshiro256StarStar(seed: seed, stream: 0xCA7A_106)
        func uuid() -> String { uuidString(rng.next(), rng.next()) }

        let acme = OrgSpec(
            key: "acme", name: "Acme Outdoor Ltd", site: "https://www.acme-outdoor.example",
            pages: ["/", "/en/", "/products/trail-jacket-gore-tex", "/products/down-parka-women",
                    "/products/merino-base-layer", "/stores/helsinki", "/help/returns", "/blog/layering-101",
                    "/search?q=sleeping+bag&sort=price", "/brands/fjällräven"],
            goals: [GoalSpec(label: "Purchase", valued: true), GoalSpec(label: "Newsletter signup", valued: false),
                    GoalSpec(label: "Contact request", valued: false)],
            asciiOnly: false, uppercaseIDs: false, dim5AsString: false, utcOffsetMinutes: 0,
            locale: "en-GB", timeZone: "Europe/London")
        let kauppa = OrgSpec(
            key: "kauppa", name: "Kauppa Oy", site: "https://kauppa.example.fi",
            pages: ["/", "/tuotteet/kengät", "/tuotteet/kengät/talvikengät-42", "/asiakaspalvelu",
                    "/myymälät/jyväskylä", "/kampanjat/joulu-🎄", "/haku?q=sukat"],
            goals: [GoalSpec(label: "Ostos", valued: true), GoalSpec(label: "Uutiskirjeen tilaus", valued: false)],
            asciiOnly: true, uppercaseIDs: false, dim5AsString: false, utcOffsetMinutes: 120,
            locale: "fi-FI", timeZone: "Europe/Helsinki")
        let legacy = OrgSpec(
            key: "legacy", name: "Legacy Maschinenbau GmbH", site: "https://www.legacy-gmbh.example.de",
            pages: ["/", "/produkte", "/produkte/fräsmaschine-x200", "/kontakt", "/über-uns"],
            goals: [GoalSpec(label: "Anfrage", valued: false), GoalSpec(label: "Kauf", valued: true)],
            asciiOnly: false, uppercaseIDs: true, dim5AsString: true, utcOffsetMinutes: 0,
            locale: "de-DE", timeZone: "Europe/Berlin")
        orgs = [acme, kauppa, legacy]

        func web(_ org: OrgSpec, _ steps: [(String, [String])]) -> [StepSpec] {
            steps.map { StepSpec(name: $0.0, identifiers: $0.1.map { org.site + $0 }, action: "Page view") }
        }
        func named(_ steps: [(String, [String])]) -> [StepSpec] {
            steps.map { StepSpec(name: $0.0, identifiers: $0.1, action: $0.1[0]) }
        }
        func interaction(_ steps: [(String, String, Int)]) -> [StepSpec] {
            // (step name, action text, number of view alternatives); view_uids are filled in below.
            steps.map { StepSpec(name: $0.0, identifiers: Array(repeating: "", count: $0.2), action: $0.1) }
        }

        workflows = [
            // Acme Outdoor (index 0…8)
            WorkflowSpec(key: "acme-checkout", org: 0, kind: .giosgDefault, name: "Web shop \"Winter sale\" checkout funnel",
                         steps: web(acme, [
                            ("Source", ["/", "/en/"]),
                            ("Landing page", ["/winter-sale", "/winter-sale?utm_source=newsletter&utm_medium=email", "/talvi-ale"]),
                            ("Product page", ["/products/trail-jacket-gore-tex", "/products/down-parka-women", "/products/merino-base-layer"]),
                            ("Cart, review", ["/cart"]),
                            ("Checkout", ["/checkout", "/checkout?express=1"]),
                            ("Payment", ["/checkout/payment"]),
                            ("Order confirmed", ["/checkout/thank-you"]),
                         ]), listsSteps: true, weight: 30, goal: 0, published: true,
                         description: "Landing → product → cart → checkout, winter campaign 2022"),
            WorkflowSpec(key: "acme-blog", org: 0, kind: .giosgDefault, name: "Blog to newsletter",
                         steps: web(acme, [
                            ("Source", ["/blog"]),
                            ("Blog article", ["/blog/layering-101", "/blog/winter-camping-checklist"]),
                            ("Newsletter form", ["/newsletter"]),
                            ("Signup confirmed", ["/newsletter/thanks"]),
                         ]), listsSteps: true, weight: 8, goal: 1, published: true, description: "Content marketing path"),
            WorkflowSpec(key: "acme-popup", org: 0, kind: .interaction, name: "Winter campaign popup",
                         steps: interaction([("Source", "Page loaded", 1), ("Popup shown", "Interaction shown", 2),
                                             ("Offer viewed", "Button clicked", 1), ("Coupon copied", "Coupon copied", 1),
                                             ("Coupon used", "Coupon redeemed", 1)]),
                         listsSteps: true, weight: 10, goal: 0, published: true, description: "-15 % coupon popup"),
            WorkflowSpec(key: "acme-finder", org: 0, kind: .interaction, name: "Product finder",
                         steps: interaction([("Source", "Page loaded", 1), ("Start", "Interaction shown", 1),
                                             ("Activity chosen", "Option selected", 3), ("Size chosen", "Option selected", 2),
                                             ("Results shown", "Results shown", 1), ("Product opened", "Link clicked", 2)]),
                         listsSteps: true, weight: 6, goal: 0, published: true, description: "Guided selling"),
            WorkflowSpec(key: "acme-lead", org: 0, kind: .userGenerated, name: "B2B lead form",
                         steps: named([("Source", ["Visitor arrived"]), ("Form opened", ["Form opened"]),
                                       ("Form filled", ["Form filled", "Form autofilled"]), ("Form submitted", ["Form submitted"])]),
                         listsSteps: true, weight: 5, goal: 2, published: true, description: "Corporate sales leads"),
            WorkflowSpec(key: "acme-chat-button", org: 0, kind: .chat, name: "Chat button impressions",
                         steps: named([("Source", ["Visitor on page"]), ("Chat button shown", ["Chat button shown"]),
                                       ("Chat opened", ["Chat opened"]), ("First message sent", ["Message sent"])]),
                         listsSteps: true, weight: 0, goal: nil, published: true,
                         description: "Every page view that shows the chat button (high volume)"),
            WorkflowSpec(key: "acme-support", org: 0, kind: .chat, name: "Support chat",
                         steps: named([("Source", ["Visitor on page"]), ("Chat started", ["Chat started"]),
                                       ("Agent joined", ["Agent joined"]), ("Issue resolved", ["Issue resolved", "Ticket created"]),
                                       ("Rating given", ["Rating given"])]),
                         listsSteps: true, weight: 8, goal: nil, published: true, description: "Customer service chat"),
            WorkflowSpec(key: "acme-video", org: 0, kind: .voiceVideo, name: "Video shopping",
                         steps: named([("Source", ["Call button shown"]), ("Dial", ["Visitor dialed", "User dialed"]),
                                       ("Call connected", ["Call connected"]), ("Call ended", ["Call ended"])]),
                         listsSteps: true, weight: 5, goal: 0, published: true, description: "Video calls with store staff"),
            WorkflowSpec(key: "acme-draft", org: 0, kind: .giosgDefault, name: "Draft: spring sale",
                         steps: web(acme, [("Source", ["/"]), ("Spring sale", ["/spring-sale"])]),
                         listsSteps: true, weight: 0, goal: nil, published: false, description: "Not published yet: no events"),
            // Kauppa Oy (index 9…13): ASCII-escaped JSON, local timestamps with +02:00
            WorkflowSpec(key: "kauppa-checkout", org: 1, kind: .giosgDefault, name: "Verkkokauppa – kassapolku",
                         steps: web(kauppa, [
                            ("Lähde", ["/"]),
                            ("Etusivu", ["/", "/?kampanja=joulu"]),
                            ("Tuotesivu: kengät", ["/tuotteet/kengät", "/tuotteet/kengät/talvikengät-42"]),
                            ("Ostoskori", ["/ostoskori"]),
                            ("Kassa", ["/kassa"]),
                         ]), listsSteps: true, weight: 10, goal: 0, published: true, description: "Jouluostokset 🎄"),
            WorkflowSpec(key: "kauppa-popup", org: 1, kind: .interaction, name: "Tarjous-ponnahdusikkuna",
                         steps: interaction([("Lähde", "Sivu ladattu", 1), ("Näytetty", "Vuorovaikutus näytetty", 1),
                                             ("Klikattu", "Painiketta klikattu", 2)]),
                         listsSteps: true, weight: 4, goal: 1, published: true, description: "Uutiskirjetarjous"),
            WorkflowSpec(key: "kauppa-chat", org: 1, kind: .chat, name: "Asiakaspalvelu 💬",
                         steps: named([("Lähde", ["Kävijä sivulla"]), ("Chat aloitettu", ["Chat aloitettu"]),
                                       ("Asiantuntija liittyi", ["Asiantuntija liittyi"]), ("Ratkaistu", ["Ratkaistu"])]),
                         listsSteps: true, weight: 5, goal: nil, published: true, description: "Asiakaspalvelu-chat"),
            WorkflowSpec(key: "kauppa-video", org: 1, kind: .voiceVideo, name: "Videoneuvonta",
                         steps: named([("Lähde", ["Soittopainike näytetty"]), ("Soitto", ["Visitor dialed", "User dialed"]),
                                       ("Yhdistetty", ["Call connected"]), ("Päättynyt", ["Call ended"])]),
                         listsSteps: true, weight: 3, goal: 0, published: true, description: "Videoneuvonta myymälästä"),
            WorkflowSpec(key: "kauppa-form", org: 1, kind: .userGenerated, name: "Yhteydenottolomake",
                         steps: named([("Lähde", ["Kävijä saapui"]), ("Lomake avattu", ["Lomake avattu"]),
                                       ("Lomake lähetetty", ["Lomake lähetetty"])]),
                         listsSteps: true, weight: 3, goal: 1, published: true, description: "Yhteydenotot"),
            // Legacy GmbH (index 14…18): uppercase ids in events, dim5 as strings
            WorkflowSpec(key: "legacy-products", org: 2, kind: .giosgDefault, name: "Produktseiten",
                         steps: web(legacy, [("Quelle", ["/"]), ("Startseite", ["/", "/?lang=de"]),
                                             ("Produktübersicht", ["/produkte", "/produkte/fräsmaschine-x200"]),
                                             ("Anfrage", ["/kontakt"])]),
                         listsSteps: true, weight: 4, goal: 0, published: true, description: "Produktinteresse"),
            WorkflowSpec(key: "legacy-callback", org: 2, kind: .userGenerated, name: "Rückruf-Service",
                         steps: named([("Quelle", ["Besucher"]), ("Rückruf angefordert", ["Rückruf angefordert"]),
                                       ("Rückruf erledigt", ["Rückruf erledigt"])]),
                         listsSteps: false, weight: 2, goal: 0, published: true,
                         description: "Catalog entry without steps (SPEC §1: every index accepted)"),
            WorkflowSpec(key: "legacy-chat", org: 2, kind: .chat, name: "Live-Chat",
                         steps: named([("Quelle", ["Besucher auf Seite"]), ("Chat gestartet", ["Chat gestartet"]),
                                       ("Chat beendet", ["Chat beendet"])]),
                         listsSteps: true, weight: 2, goal: nil, published: true, description: "Vertrieb"),
            WorkflowSpec(key: "legacy-video", org: 2, kind: .voiceVideo, name: "Kundenberatung per Video",
                         steps: named([("Quelle", ["Besucher auf Seite"]), ("Anruf", ["Visitor dialed", "User dialed"]),
                                       ("Verbunden", ["Call connected"])]),
                         listsSteps: true, weight: 1, goal: 1, published: true, description: "Beratung"),
            WorkflowSpec(key: "legacy-layer", org: 2, kind: .interaction, name: "Newsletter-Layer",
                         steps: interaction([("Quelle", "Seite geladen", 1), ("Layer gezeigt", "Interaktion gezeigt", 1),
                                             ("Angemeldet", "Formular gesendet", 1)]),
                         listsSteps: true, weight: 2, goal: nil, published: true, description: "Anmeldung"),
        ]
        bulkWorkflow = 5
        pathWorkflow = 0
        goalWorkflow = 0

        orgIDs = orgs.map { _ in uuid() }
        workflowIDs = workflows.map { _ in uuid() }
        roomIDs = orgs.map { _ in (0..<3).map { _ in uuid() } }
        agentIDs = orgs.map { _ in (0..<6).map { _ in uuid() } }
        for w in workflows.indices where workflows[w].kind == .interaction {
            for s in workflows[w].steps.indices {
                workflows[w].steps[s].identifiers = workflows[w].steps[s].identifiers.map { _ in uuid() }
            }
        }
    }

    var publicWorkflows: [GeneratedWorkflow] {
        workflows.indices.map { w in
            let spec = workflows[w]
            return GeneratedWorkflow(key: spec.key, id: workflowIDs[w], organizationID: orgIDs[spec.org],
                                     organizationName: orgs[spec.org].name, kind: spec.kind, name: spec.name,
                                     stepNames: spec.steps.map(\.name), stepIdentifiers: spec.steps.map(\.identifiers))
        }
    }

    /// `workflows.json`: the `/info/` endpoint's shape, with the keys StepExport ignores too.
    func catalogJSON() -> String {
        var lines: [String] = []
        for (w, spec) in workflows.enumerated() {
            var fields = [
                "\"id\": \"\(workflowIDs[w])\"",
                "\"org_id\": \"\(orgIDs[spec.org])\"",
                "\"type\": \"\(spec.kind.rawValue)\"",
                "\"name\": \(JSONText.quotedString(spec.name))",
                "\"description\": \(JSONText.quotedString(spec.description))",
                "\"is_published\": \(spec.published)",
                "\"modified_at\": \"2022-10-2\(w % 10)T09:\(10 + w):00.000000Z\"",
                "\"start_date\": \"2022-10-01\"",
                "\"end_date\": null",
            ]
            if spec.listsSteps {
                let steps = spec.steps.enumerated().map { "{\"index\": \($0.offset), \"name\": \(JSONText.quotedString($0.element.name))}" }
                fields.insert("\"steps\": [\(steps.joined(separator: ", "))]", at: 4)
            }
            lines.append("  {" + fields.joined(separator: ", ") + "}")
        }
        return "[\n" + lines.joined(separator: ",\n") + "\n]\n"
    }
}
