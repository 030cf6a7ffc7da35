import Bytes

/// The interval every generated event falls in: [2022-11-01T00:00Z, 2022-12-01T00:00Z).
public enum GeneratedInterval {
    public static let start = TimeText.millis(year: 2022, month: 11, day: 1)
    public static let end = TimeText.millis(year: 2022, month: 12, day: 1)
    public static let startText = "2022-11-01T00:00:00Z"
    public static let endText = "2022-12-01T00:00:00Z"
}

/// Ready literals for one organization's events (escaping and id case as that org writes them).
final class OrgLiterals {
    let orgID: Lit
    let labels: [Lit]                 // per workflow (only this org's are used)
    let stepNames: [[Lit]]            // [workflow][step]
    let identifiers: [[[Lit]]]        // [workflow][step][alternative]
    let actions: [[Lit]]              // [workflow][step]
    let dim5: [Lit]                   // per step index
    let pages: [Lit]
    let goalLabels: [Lit]
    let goalPage: Lit
    let rooms: [Lit]
    let agents: [Lit]
    let cities: [Lit], countries: [Lit], ipOrgs: [Lit]
    let properties: [Lit]
    let context: Lit
    let eventVersion: Lit
    let offsetMinutes: Int
    let uppercase: Bool
    let goalValued: [Bool]

    init(world: World, org o: Int, store: LiteralStore) {
        let spec = world.orgs[o]
        let ascii = spec.asciiOnly
        func s(_ text: String) -> Lit { store.string(text, asciiOnly: ascii) }
        func id(_ text: String) -> Lit { s(spec.uppercaseIDs ? text.uppercased() : text) }
        orgID = id(world.orgIDs[o])
        labels = world.workflowIDs.map(id)
        stepNames = world.workflows.map { $0.steps.map { s($0.name) } }
        identifiers = world.workflows.map { $0.steps.map { $0.identifiers.map(s) } }
        actions = world.workflows.map { $0.steps.map { s($0.action) } }
        dim5 = (0..<8).map { spec.dim5AsString ? store.raw("\"\($0)\"") : store.raw("\($0)") }
        pages = spec.pages.map { s(spec.site + $0) }
        goalLabels = spec.goals.map { s($0.label) }
        goalPage = s(spec.site + ["/checkout/thank-you", "/kiitos", "/danke"][o])
        rooms = world.roomIDs[o].map(id)
        agents = world.agentIDs[o].map(id)
        cities = geoRows[o].map { s($0.city) }
        countries = geoRows[o].map { s($0.country) }
        ipOrgs = geoRows[o].map { s($0.ipOrganization) }
        properties = propertyRows[o].map { row in
            store.raw("[" + row.map { String(decoding: JSONText.quoted($0, asciiOnly: ascii), as: UTF8.self) }.joined(separator: ",") + "]")
        }
        context = store.raw("{\"locale\":\"\(spec.locale)\",\"tz\":\"\(spec.timeZone)\",\"consent\":{\"analytics\":true,\"marketing\":false},\"sdk\":[2,14,1]}")
        eventVersion = store.raw(spec.dim5AsString ? "2" : "3")
        offsetMinutes = spec.utcOffsetMinutes
        uppercase = spec.uppercaseIDs
        goalValued = spec.goals.map(\.valued)
    }
}

struct DeviceLiterals {
    let browser: Lit, browserVersion: Lit, deviceType: Lit, width: Lit?, height: Lit?, os: Lit, osVersion: Lit, userAgent: Lit
    let isDesktopOrTablet: Bool
}

struct WorkflowInfo {
    let kind: WorkflowKind
    let org: Int32
    let stepCount: Int
    let goal: Int
    let ratingStep: Int
}

extension WorkflowKind {
    var ordinal: Int {
        switch self {
        case .giosgDefault: return 0
        case .interaction: return 1
        case .userGenerated: return 2
        case .chat: return 3
        case .voiceVideo: return 4
        }
    }
}

/// One flow in progress (or a goal waiting to be reported).
struct Flow {
    var workflow: Int32
    var step: Int32
    var last: Int32
    var org: Int32
    var visitor: Int32
    var goal: Int32 = -1          // ≥ 0: this entry is a pending goal event of that org goal
    var dim1Mode: UInt8 = 0       // 0: a UUID; 1: key absent; 2: empty string (flow = session_id)
    var matchedPathStep1 = false
    var flowHi: UInt64, flowLo: UInt64
    var sessionHi: UInt64, sessionLo: UInt64
}

/// What the generator counted while writing: the true answers of its requests.
struct Tally {
    var bulkRows = 0
    var pathRows = 0
    /// Minimum timestamp of a goal-request step event per Acme visitor (the S of SPEC §4).
    var goalStepMin: [Int64] = []
    /// (visitor, timestamp) of every Acme "Purchase" goal.
    var purchases: [(Int32, Int64)] = []
    var eventsPerKind = [Int](repeating: 0, count: WorkflowKind.allCases.count)
    var eventsPerType: [WorkflowKind: Int] {
        Dictionary(uniqueKeysWithValues: WorkflowKind.allCases.map { ($0, eventsPerKind[$0.ordinal]) })
    }
    var longestFlow = 0
}

/// Produces the events one by one, in dump order, as NDJSON lines.
final class EventStream {
    let world: World
    let count: Int
    private let seed: UInt64
    /// Mutable hot state behind a pointer: a class's stored `var`s would cost a dynamic
    /// exclusivity check on every access, which was half the run time.
    private struct State {
        var rng: Xoshiro256StarStar
        var index = 0
        var tally = Tally()
    }
    private let st: UnsafeMutablePointer<State>
    private let infos: [WorkflowInfo]
    private let store = LiteralStore()
    private let orgs: [OrgLiterals]
    private let devices: [DeviceLiterals]
    private let referrerLits: [Lit]
    private let timestamps = TimestampWriter()
    private var pool: [Flow] = []
    private let pathWorkflow: Int, pathOrg: Int32, goalWorkflow: Int, goalStep: Int, bulkWorkflow: Int, bulkStep: Int
    private let visitorsPerOrg: Int
    private var cumulativeWeights: [(Int, Int)] = []  // (cumulative weight, workflow)
    private var totalWeight = 0
    var index: Int { st.pointee.index }
    var tally: Tally { st.pointee.tally }

    @inline(__always) private func rand() -> UInt64 { st.pointee.rng.next() }
    @inline(__always) private func below(_ n: Int) -> Int { st.pointee.rng.below(n) }
    @inline(__always) private func between(_ lo: Int, _ hi: Int) -> Int { st.pointee.rng.between(lo, hi) }
    @inline(__always) private func chance(_ p: Chance) -> Bool { st.pointee.rng.chance(p) }

    deinit {
        st.deinitialize(count: 1)
        st.deallocate()
    }

    // Path-scan request: step 1 identifier alternatives 0 and 1, step 2 alternative 0.
    static let pathStep1Alternatives = 2
    static let goalDeviceTypes: Set<String> = ["desktop", "tablet"]

    // Shares, per event slot.
    static let bulkShare = Chance(0.925)          // the bulk workflow's step-1 events
    static let bulkContinues = Chance(0.015)      // a bulk flow that goes on to step 2…3
    static let lateArrival = Chance(0.01)         // an event delivered up to 2 minutes late

    init(world: World, count: Int, seed: UInt64) {
        self.world = world
        self.count = count
        self.seed = seed
        st = .allocate(capacity: 1)
        st.initialize(to: State(rng: Xoshiro256StarStar(seed: seed, stream: 0xE7E7_75)))
        infos = world.workflows.map { spec in
            WorkflowInfo(kind: spec.kind, org: Int32(spec.org), stepCount: spec.steps.count, goal: spec.goal ?? -1,
                         ratingStep: spec.steps.firstIndex { $0.name == "Rating given" } ?? -1)
        }
        let store = self.store
        orgs = world.orgs.indices.map { OrgLiterals(world: world, org: $0, store: store) }
        devices = deviceRows.map { d in
            DeviceLiterals(browser: store.string(d.browser), browserVersion: store.string(d.browserVersion),
                           deviceType: store.string(d.deviceType), width: d.screen.map { store.raw("\($0.0)") },
                           height: d.screen.map { store.raw("\($0.1)") }, os: store.string(d.os),
                           osVersion: store.string(d.osVersion), userAgent: store.string(d.userAgent),
                           isDesktopOrTablet: EventStream.goalDeviceTypes.contains(d.deviceType))
        }
        referrerLits = referrers.map { store.string($0) }
        visitorsPerOrg = max(300, count / 8)
        for (w, spec) in world.workflows.enumerated() where spec.weight > 0 {
            totalWeight += spec.weight
            cumulativeWeights.append((totalWeight, w))
        }
        st.pointee.tally.goalStepMin = [Int64](repeating: .max, count: visitorsPerOrg)
        pathWorkflow = world.pathWorkflow
        pathOrg = Int32(world.workflows[world.pathWorkflow].org)
        goalWorkflow = world.goalWorkflow
        goalStep = world.goalStep
        bulkWorkflow = world.bulkWorkflow
        bulkStep = world.bulkStep
    }

    // MARK: Visitors

    @inline(__always) private func visitorKey(_ org: Int32, _ v: Int32) -> UInt64 {
        SplitMix64.mix(seed ^ (UInt64(org) << 40) ^ UInt64(v) ^ 0x7669_7369_746F_72)
    }
    @inline(__always) private func device(_ org: Int32, _ v: Int32) -> Int {
        Int(SplitMix64.mix(visitorKey(org, v) ^ 1) % UInt64(devices.count))
    }
    @inline(__always) private func geo(_ org: Int32, _ v: Int32) -> Int {
        Int(SplitMix64.mix(visitorKey(org, v) ^ 2) % UInt64(orgs[Int(org)].cities.count))
    }

    // MARK: The slot loop

    /// The slot time of event `i` (events spread evenly over the interval, jittered within a slot).
    @inline(__always) private func slotTime(_ i: Int) -> Int64 {
        let span = GeneratedInterval.end - GeneratedInterval.start
        return GeneratedInterval.start + (Int64(i) * span + Int64(below(Int(span)))) / Int64(count)
    }

    /// The day (days since 1970, UTC) the next event's slot falls on — for splitting files.
    var nextDay: Int64 {
        let span = GeneratedInterval.end - GeneratedInterval.start
        return (GeneratedInterval.start + Int64(index) * span / Int64(count)) / TimeText.msPerDay
    }

    /// Appends the next event and its `\n` to `out`.
    func next(into out: ByteBuffer) {
        // One reservation per event: the writers below move a raw cursor, so the buffer's own
        // bookkeeping (and its exclusivity checks) runs once per event, not once per field.
        let start = out.reserve(Cursor.maxEvent)
        var c = Cursor(start)
        let i = st.pointee.index
        precondition(i < count)
        var ts = slotTime(i)
        if chance(EventStream.lateArrival) {
            ts = max(GeneratedInterval.start, ts - Int64(between(1_000, 120_000)))
        }
        st.pointee.index = i + 1
        if chance(EventStream.bulkShare) {
            bulkEvent(ts, &c)
        } else {
            otherEvent(ts, &c)
        }
        c.byte(0x0A)
        let n = c.p - start
        precondition(n <= Cursor.maxEvent)
        out.commit(n)
    }

    private func newFlow(workflow w: Int, visitor: Int32? = nil) -> Flow {
        let info = infos[w]
        let org = info.org
        let v = visitor ?? Int32(below(visitorsPerOrg))
        let first: Int32 = info.kind.usesStepData && chance(Chance(0.3)) ? 0 : 1
        var last = first == 0 ? Int32(1) : first
        // A flow covers 1–6 steps (the Source step counts as one).
        while Int(last) < info.stepCount - 1 && last - first < 5 && chance(Chance(0.72)) { last += 1 }
        var f = Flow(workflow: Int32(w), step: first, last: last, org: org, visitor: v,
                     flowHi: rand(), flowLo: rand(), sessionHi: rand(), sessionLo: rand())
        let m = below(100)
        f.dim1Mode = m < 4 ? 1 : (m < 6 ? 2 : 0)
        return f
    }

    private func bulkEvent(_ ts: Int64, _ c: inout Cursor) {
        var f = newFlow(workflow: bulkWorkflow)
        f.step = Int32(bulkStep)
        workflowEvent(&f, ts, &c)
        st.pointee.tally.bulkRows += 1
        if chance(EventStream.bulkContinues) {
            f.step = 2
            f.last = Int32(between(2, infos[bulkWorkflow].stepCount - 1))
            pool.append(f)
        }
    }

    private func otherEvent(_ ts: Int64, _ c: inout Cursor) {
        let r = below(1000)
        if r < 60 {
            noiseEvent(ts, &c)
        } else if r < 100 {
            // A goal reached outside any workflow.
            let org = Int32(below(world.orgs.count))
            goalEvent(org: org, goal: Int32(below(orgs[Int(org)].goalLabels.count)),
                      visitor: Int32(below(visitorsPerOrg)), sessionHi: rand(), sessionLo: rand(), ts, &c)
        } else if !pool.isEmpty && (pool.count >= 12 || below(10) < 7) {
            let i = below(pool.count)
            advance(at: i, ts, &c)
        } else {
            let pick = below(totalWeight)
            var w = cumulativeWeights[cumulativeWeights.count - 1].1
            for (c, wf) in cumulativeWeights where pick < c { w = wf; break }
            pool.append(newFlow(workflow: w))
            advance(at: pool.count - 1, ts, &c)
        }
    }

    /// Writes the next event of pool entry `i` and moves it on (or removes it when done).
    private func advance(at i: Int, _ ts: Int64, _ c: inout Cursor) {
        var f = pool[i]
        if f.goal >= 0 {
            goalEvent(org: f.org, goal: f.goal, visitor: f.visitor, sessionHi: f.sessionHi, sessionLo: f.sessionLo, ts, &c)
            pool.swapAt(i, pool.count - 1)
            pool.removeLast()
            return
        }
        workflowEvent(&f, ts, &c)
        st.pointee.tally.longestFlow = max(st.pointee.tally.longestFlow, Int(f.last) + 1)
        if chance(Chance(0.05)) {          // the same step again (a reload)
            pool[i] = f
            return
        }
        if f.step < f.last {
            f.step += 1
            pool[i] = f
            return
        }
        let info = infos[Int(f.workflow)]
        let completed = Int(f.last) == info.stepCount - 1
        if info.goal >= 0, chance(Chance(completed ? 0.6 : 0.05)) {
            f.goal = Int32(info.goal)
            pool[i] = f
        } else {
            pool.swapAt(i, pool.count - 1)
            pool.removeLast()
        }
    }

    // MARK: Event writers

    /// The identifier alternative a flow uses at a step: fixed per flow, first alternative likeliest.
    @inline(__always) private func alternative(_ f: Flow, _ count: Int) -> Int {
        if count == 1 { return 0 }
        let h = SplitMix64.mix(f.flowLo ^ UInt64(f.step) &* 0x9E37_79B9) % 10
        return count == 2 ? (h < 7 ? 0 : 1) : (h < 6 ? 0 : (h < 9 ? 1 : 2))
    }

    /// What every event starts with: `{"id":…,"timestamp":…,"organization_id":…`.
    private func putHead(_ o: OrgLiterals, _ ts: Int64, _ c: inout Cursor) {
        c.put("{\"id\":")
        c.putUUID(rand(), rand(), uppercase: o.uppercase)
        c.put(",\"timestamp\":")
        timestamps.write(ts, offsetMinutes: o.offsetMinutes, into: &c)
        c.put(",\"organization_id\":")
        c.put(o.orgID)
    }

    private func workflowEvent(_ f: inout Flow, _ ts: Int64, _ c: inout Cursor) {
        let w = Int(f.workflow), step = Int(f.step)
        let info = infos[w]
        let o = orgs[Int(f.org)]
        let upper = o.uppercase
        let kind = info.kind
        st.pointee.tally.eventsPerKind[kind.ordinal] += 1
        let alts = o.identifiers[w][step]
        let alt = alternative(f, alts.count)

        putHead(o, ts, &c)
        c.put(",\"category\":\"workflowReportingEvent\",\"label\":")
        c.put(o.labels[w])
        c.put(",\"action\":")
        switch kind {
        case .giosgDefault, .interaction: c.put(o.actions[w][step])
        default: c.put(alts[alt])
        }
        switch f.dim1Mode {
        case 0: c.put(",\"dim1\":"); c.putUUID(f.flowHi, f.flowLo, uppercase: upper)
        case 2: c.put(",\"dim1\":\"\"")
        default: break
        }
        // dim2: the giosg room; a chat gets one when it opens (step 2 on).
        if (kind == .chat && step >= 2) || kind == .voiceVideo || kind == .userGenerated {
            c.put(",\"dim2\":")
            c.put(o.rooms[Int(f.flowHi % UInt64(o.rooms.count))])
        }
        if f.flowLo & 0xF00 < 0x300 { c.put(",\"dim3\":\"variant-b\"") }
        let r = below(100)
        if r < 93 { c.put(",\"dim4\":"); c.put(o.stepNames[w][step]) } else if r < 96 { c.put(",\"dim4\":null") }
        c.put(",\"dim5\":")
        c.put(o.dim5[step])
        // value: call length, chat rating, time on view
        if kind == .voiceVideo && step == info.stepCount - 1 && step > 1 {
            c.put(",\"value\":"); c.decimal(between(25, 1_800))
        } else if kind == .chat && step == info.ratingStep {
            c.put(",\"value\":"); c.decimal(between(1, 5))
        } else if kind == .interaction && step > 0 {
            c.put(",\"value\":"); c.decimal(between(0, 60)); c.byte(0x2E); c.decimal(below(10))
        } else if r & 7 == 1 {
            c.put(",\"value\":null")
        }
        properties(o, &c)
        let v = f.visitor
        c.put(",\"visitor_id\":")
        let key = visitorKey(f.org, v)
        c.putHex32(key, SplitMix64.mix(key))
        c.put(",\"session_id\":")
        c.putUUID(f.sessionHi, f.sessionLo, uppercase: upper)
        if (kind == .chat || kind == .voiceVideo) && step >= 2 {
            c.put(",\"user_id\":"); c.put(o.agents[Int(f.sessionLo % UInt64(o.agents.count))])
        } else if r < 30 {
            c.put(",\"user_id\":null")
        }
        switch kind {
        case .giosgDefault:
            c.put(",\"page_url\":"); c.put(alts[alt])
            if step <= 1 && r < 40 { c.put(",\"referrer\":"); c.put(referrerLits[r % referrerLits.count]) }
        case .interaction:
            c.put(",\"page_url\":"); c.put(o.pages[Int((f.flowHi >> 8) % UInt64(o.pages.count))])
            c.put(",\"view_uid\":"); c.put(alts[alt])
        case .voiceVideo where r >= 50:
            break
        default:
            c.put(",\"page_url\":"); c.put(o.pages[below(o.pages.count)])
        }
        trailer(o, f.org, v, api: kind == .userGenerated && r == 99, &c)

        if w == pathWorkflow && f.org == pathOrg {
            if step == 1 && alt < EventStream.pathStep1Alternatives { f.matchedPathStep1 = true }
            if step == 2 && alt == 0 && f.matchedPathStep1 { st.pointee.tally.pathRows += 1 }
        }
        if w == goalWorkflow && step == goalStep && devices[device(f.org, v)].isDesktopOrTablet {
            st.pointee.tally.goalStepMin[Int(v)] = min(st.pointee.tally.goalStepMin[Int(v)], ts)
        }
    }

    @inline(__always) private func properties(_ o: OrgLiterals, _ c: inout Cursor) {
        let p = below(20)
        if p < 9 { return }
        if p < 11 { c.put(",\"properties\":[]"); return }
        c.put(",\"properties\":")
        c.put(o.properties[p % o.properties.count])
    }

    /// vendor … os_version, the keys every event carries, then the unknown keys.
    @inline(__always) private func trailer(_ o: OrgLiterals, _ org: Int32, _ v: Int32, api: Bool, _ c: inout Cursor) {
        let d = devices[device(org, v)]
        let g = geo(org, v)
        c.put(",\"vendor\":\"giosg\",\"source\":")
        c.put(api ? "\"api\"" : "\"web\"")
        c.put(",\"event_version\":")
        c.put(o.eventVersion)
        c.put(",\"browser_name\":"); c.put(d.browser)
        c.put(",\"browser_version\":"); c.put(d.browserVersion)
        c.put(",\"device_type\":"); c.put(d.deviceType)
        if let width = d.width, let height = d.height {
            c.put(",\"device_screen_width\":"); c.put(width)
            c.put(",\"device_screen_height\":"); c.put(height)
        } else {
            c.put(",\"device_screen_width\":null,\"device_screen_height\":null")
        }
        c.put(",\"geo_city\":"); c.put(o.cities[g])
        c.put(",\"geo_country\":"); c.put(o.countries[g])
        c.put(",\"ip_organization\":"); c.put(o.ipOrgs[g])
        c.put(",\"os_name\":"); c.put(d.os)
        c.put(",\"os_version\":"); c.put(d.osVersion)
        let u = below(20)
        if u < 3 { c.put(",\"user_agent\":"); c.put(d.userAgent) }
        if u == 19 { c.put(",\"context\":"); c.put(o.context) }
        c.byte(0x7D)
    }

    private func goalEvent(org: Int32, goal: Int32, visitor v: Int32, sessionHi: UInt64, sessionLo: UInt64,
                           _ ts: Int64, _ c: inout Cursor) {
        let o = orgs[Int(org)]
        let upper = o.uppercase
        putHead(o, ts, &c)
        c.put(",\"category\":\"goal\",\"label\":")
        c.put(o.goalLabels[Int(goal)])
        c.put(",\"action\":\"Goal reached\"")
        if o.goalValued[Int(goal)] {
            let cents = between(1_990, 59_990)
            c.put(",\"value\":")
            c.decimal(cents / 100)
            c.byte(0x2E)
            c.byte(UInt8(truncatingIfNeeded: cents / 10 % 10) &+ 48)
            c.byte(UInt8(truncatingIfNeeded: cents % 10) &+ 48)
        }
        properties(o, &c)
        c.put(",\"visitor_id\":")
        let key = visitorKey(org, v)
        c.putHex32(key, SplitMix64.mix(key))
        c.put(",\"session_id\":")
        c.putUUID(sessionHi, sessionLo, uppercase: upper)
        c.put(",\"page_url\":")
        c.put(o.goalPage)
        trailer(o, org, v, api: false, &c)
        if org == 0 && goal == 0 { st.pointee.tally.purchases.append((v, ts)) }
    }

    /// Events the workflow requests must not select: other categories, and workflow events of
    /// a deleted workflow (its id is in no catalog entry).
    private func noiseEvent(_ ts: Int64, _ c: inout Cursor) {
        let org = Int32(below(world.orgs.count))
        let o = orgs[Int(org)]
        let upper = o.uppercase
        let v = Int32(below(visitorsPerOrg))
        let deleted = chance(Chance(0.3))
        putHead(o, ts, &c)
        if deleted {
            c.put(",\"category\":\"workflowReportingEvent\",\"label\":")
            c.putUUID(0x0DE1_E7ED_0000_0000 | UInt64(org), SplitMix64.mix(seed), uppercase: upper)
            c.put(",\"action\":\"Page view\",\"dim1\":")
            c.putUUID(rand(), rand(), uppercase: upper)
            c.put(",\"dim5\":")
            c.put(o.dim5[1])
        } else {
            c.put(",\"category\":\"pageView\",\"label\":\"page\",\"action\":\"Page view\"")
        }
        c.put(",\"visitor_id\":")
        let key = visitorKey(org, v)
        c.putHex32(key, SplitMix64.mix(key))
        c.put(",\"session_id\":")
        c.putUUID(rand(), rand(), uppercase: upper)
        c.put(",\"page_url\":")
        c.put(o.pages[below(o.pages.count)])
        trailer(o, org, v, api: false, &c)
    }
}
