/// Robust accuracy under an attack, its curve over radii, and the critical radius.
public enum RobustAccuracy {
    /// One radius of a curve.
    public struct Point: Codable, Equatable, Sendable {
        public var radius: Double
        /// The fraction of samples classified correctly under every attack run at this radius.
        public var robustAccuracy: Double
        /// The same, made monotone: a sample counts as robust at ε only if it was robust at every
        /// smaller grid radius too (a perturbation valid at a smaller radius is valid at ε, so a
        /// rise with ε only shows that the attack missed; the running minimum reports the stronger
        /// evaluation and says so).
        public var monotoneRobustAccuracy: Double
    }

    /// Which samples stay correctly classified after the attack at radius ε: the worst case over
    /// the restarts and, for the targeted objective, over every target class. With the config's `subspaceBasis`,
    /// PGD moves only within the span of its orthonormal rows in each budget block (NRF-/RF-PGD).
    public static func robustSamples<M: DifferentiableModel>(
        _ model: M, _ data: Dataset, epsilon: Double, attack: AttackConfig, trainingLoss: any Loss,
        key: PRNGKey, parallelism: Parallelism = .machine
    ) -> [Bool] {
        let plan = AttackPlan(model, inputs: data.inputs, config: attack, parallelism: parallelism)
        return robustSamples(plan, labels: data.labels, epsilon: epsilon, clean: plan.cleanPredictions(parallelism),
                             trainingLoss: trainingLoss, key: key, parallelism: parallelism).robust
    }

    /// `robustSamples` with the radius-independent work (`AttackPlan`) and the clean decisions given.
    /// With `confirm`, a floating-point break counts only when it is confirmed exactly
    /// (`BreakConfirmation`): the clean decision at ε = 0, each fooling example (formed for the
    /// fooled samples only, `.fooledExamples`; the decisions are those of `.decisions`, the route
    /// without confirmation) within ε — an unconfirmed one leaves the sample to the next restart
    /// or objective. `provenBroken` marks samples with a confirmed fooling example at a radius ≤ ε already (an
    /// example valid at a smaller radius is valid at ε): a floating-point break of theirs counts
    /// without forming its example; the samples confirmed here are returned.
    static func robustSamples<M: DifferentiableModel>(
        _ plan: AttackPlan<M>, labels: [Int], epsilon: Double, clean: [Int], trainingLoss: any Loss,
        key: PRNGKey, parallelism: Parallelism, confirm: BreakConfirmation? = nil,
        cleanRobust: [Bool]? = nil, provenBroken: [Bool]? = nil
    ) -> (robust: [Bool], confirmed: [Int]) {
        let attack = plan.config
        var robust = cleanRobust ?? Self.cleanRobust(plan, labels: labels, clean: clean, confirm: confirm, parallelism: parallelism)
        var confirmed: [Int] = []
        guard epsilon > 0 else { return (robust, confirmed) }
        // A sample fooled once stays non-robust: later runs attack only the rest (each sample with
        // its own stream, so the result is that of attacking everyone every time).
        for restart in 0..<attack.restarts {
            for (index, objective) in attack.objectives(classes: plan.model.outputs, trainingLoss: trainingLoss).enumerated() {
                let alive = robust.indices.filter { robust[$0] }
                if alive.isEmpty { return (robust, confirmed) }
                let runKey = key.child(UInt64(restart)).child(UInt64(index))
                guard let confirm else {
                    let outcome = plan.attack(labels: labels, epsilon: epsilon, objective: objective, key: runKey, sampleIndices: nil,
                                              rows: alive, keep: .decisions, parallelism: parallelism)
                    for (row, fooled) in outcome.fooled.enumerated() where fooled { robust[alive[row]] = false }
                    continue
                }
                let known = alive.filter { provenBroken?[$0] == true }, open = alive.filter { provenBroken?[$0] != true }
                if !known.isEmpty {
                    let outcome = plan.attack(labels: labels, epsilon: epsilon, objective: objective, key: runKey, sampleIndices: nil,
                                              rows: known, keep: .decisions, parallelism: parallelism)
                    for (row, fooled) in outcome.fooled.enumerated() where fooled { robust[known[row]] = false }
                }
                if !open.isEmpty {
                    // Decisions first (no input formed); then the fooled rows again, now forming
                    // their examples: each sample has its own stream, so its iterates are the same.
                    let decided = plan.attack(labels: labels, epsilon: epsilon, objective: objective, key: runKey, sampleIndices: nil,
                                              rows: open, keep: .decisions, parallelism: parallelism)
                    let fooledRows = decided.fooled.indices.filter { decided.fooled[$0] }.map { open[$0] }
                    if fooledRows.isEmpty { continue }
                    let outcome = plan.attack(labels: labels, epsilon: epsilon, objective: objective, key: runKey, sampleIndices: nil,
                                              rows: fooledRows, keep: .fooledExamples, parallelism: parallelism)
                    let open = fooledRows
                    let fooled = outcome.fooled.indices.filter { outcome.fooled[$0] }
                    var proven = [Bool](repeating: false, count: fooled.count)
                    proven.withUnsafeMutableBufferPointer { out in
                        parallelism.forEachRange(fooled.count) { range in
                            for k in range {
                                let row = fooled[k], i = open[row]
                                out[k] = confirm.confirms(plan.inputs.row(i), label: labels[i], example: outcome.inputs.row(row), epsilon: epsilon)
                            }
                        }
                    }
                    for (k, row) in fooled.enumerated() where proven[k] {
                        robust[open[row]] = false
                        confirmed.append(open[row])
                    }
                }
            }
        }
        return (robust, confirmed)
    }

    /// Which samples are classified correctly at their clean inputs — with `confirm`, a wrong
    /// floating-point decision counts only when the exact decision is wrong too.
    static func cleanRobust<M: DifferentiableModel>(_ plan: AttackPlan<M>, labels: [Int], clean: [Int], confirm: BreakConfirmation?,
                                                   parallelism: Parallelism) -> [Bool] {
        var robust = zip(clean, labels).map { $0 == $1 }
        if let confirm {
            for i in robust.indices where !robust[i] {
                let x = plan.inputs.row(i)
                robust[i] = !confirm.confirms(x, label: labels[i], example: x, epsilon: 0)
            }
        }
        return robust
    }

    /// Which samples are classified correctly both at their clean inputs and at `perturbed` (a
    /// model-independent attack's output, row for row).
    public static func robustSamples<M: DifferentiableModel>(_ model: M, _ data: Dataset, perturbed: Matrix,
                                                            parallelism: Parallelism = .machine) -> [Bool] {
        let clean = model.predictions(data.inputs, parallelism), attacked = model.predictions(perturbed, parallelism)
        return data.labels.indices.map { clean[$0] == data.labels[$0] && attacked[$0] == data.labels[$0] }
    }

    /// The robust-accuracy curve of a gradient attack over increasing radii (each radius with its
    /// own child key; the same as `robustSamples` at each radius, with the radius-independent work
    /// and the clean decisions formed once).
    public static func curve<M: DifferentiableModel>(
        _ model: M, _ data: Dataset, radii: [Double], attack: AttackConfig, trainingLoss: any Loss,
        key: PRNGKey, parallelism: Parallelism = .machine
    ) -> [Point] {
        curveAndBreaks(model, data, radii: radii, attack: attack, trainingLoss: trainingLoss, key: key, parallelism: parallelism).points
    }

    /// `curve` with each sample's break radius (`curveAndBreaks(radii:robustAt:)`).
    /// With `confirm`, every break is confirmed exactly (`robustSamples(_:labels:…:confirm:)`):
    /// each break radius is then proven an upper bound on the sample's radius. A sample confirmed
    /// broken at a radius is proven broken at every larger one: there, a floating-point break of the
    /// attack counts without its example being formed and confirmed again (the clean decisions are
    /// confirmed once for all radii).
    public static func curveAndBreaks<M: DifferentiableModel>(
        _ model: M, _ data: Dataset, radii: [Double], attack: AttackConfig, trainingLoss: any Loss,
        key: PRNGKey, parallelism: Parallelism = .machine, confirm: BreakConfirmation? = nil
    ) -> (points: [Point], breaks: [Double?]) {
        let plan = AttackPlan(model, inputs: data.inputs, config: attack, parallelism: parallelism)
        let clean = plan.cleanPredictions(parallelism)
        let cleanRobust = confirm.map { Self.cleanRobust(plan, labels: data.labels, clean: clean, confirm: $0, parallelism: parallelism) }
        // The smallest radius at which each sample has a confirmed fooling example.
        var confirmedAt = [Double](repeating: .infinity, count: data.count)
        return curveAndBreaks(radii: radii) { index, radius in
            let (robust, confirmed) = robustSamples(plan, labels: data.labels, epsilon: radius, clean: clean, trainingLoss: trainingLoss,
                                                    key: key.child(UInt64(index)), parallelism: parallelism, confirm: confirm,
                                                    cleanRobust: cleanRobust, provenBroken: confirmedAt.map { $0 <= radius })
            for i in confirmed { confirmedAt[i] = min(confirmedAt[i], radius) }
            return robust
        }
    }

    /// The curve of any attack: `robustAt(i, radii[i])` says which samples survive at that radius.
    public static func curve(radii: [Double], robustAt: (Int, Double) -> [Bool]) -> [Point] {
        curveAndBreaks(radii: radii, robustAt: robustAt).points
    }

    /// The curve and each sample's *break radius*: the first grid radius at which it is not robust
    /// (nil if robust at every radius of the grid). An attack's break radius is an upper bound on
    /// the sample's exact radius — a valid perturbation of norm ≤ ε was found — to the grid's
    /// resolution: the exact radius lies in (previous grid radius, break radius].
    public static func curveAndBreaks(radii: [Double], robustAt: (Int, Double) -> [Bool]) -> (points: [Point], breaks: [Double?]) {
        var stillRobust: [Bool]? = nil
        var breaks: [Double?] = []
        let points = radii.enumerated().map { index, radius in
            let robust = robustAt(index, radius)
            if breaks.isEmpty { breaks = [Double?](repeating: nil, count: robust.count) }
            for (i, r) in robust.enumerated() where !r && breaks[i] == nil { breaks[i] = radius }
            stillRobust = zip(stillRobust ?? robust, robust).map { $0 && $1 }
            let n = Double(max(robust.count, 1))
            return Point(radius: radius, robustAccuracy: Double(robust.filter { $0 }.count) / n,
                         monotoneRobustAccuracy: Double(stillRobust!.filter { $0 }.count) / n)
        }
        return (points, breaks)
    }

    /// The smallest radius at which the (monotone) robust accuracy is ≤ `level`, linearly
    /// interpolated between the last grid radius above the level and the first at or below it;
    /// the first grid radius if the curve starts at or below the level; nil if it never gets there.
    public static func criticalRadius(_ curve: [Point], level: Double) -> Double? {
        guard let first = curve.firstIndex(where: { $0.monotoneRobustAccuracy <= level }) else { return nil }
        guard first > 0 else { return curve[0].radius }
        let a = curve[first - 1], b = curve[first]
        let fraction = (a.monotoneRobustAccuracy - level) / (a.monotoneRobustAccuracy - b.monotoneRobustAccuracy)
        return a.radius + fraction * (b.radius - a.radius)
    }
}
