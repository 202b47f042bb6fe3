import Testing
@testable import Engine
@testable import Exact

/// Exact radii as proven brackets (Proofs/robustness.md, "Sound brackets"): the open-set rule on
/// networks built to hit it, dependent neurons, any scale, and proof checkers that reject planted
/// wrong proofs.
@Suite("Sound brackets")
struct SoundBracketTests {
    static func net(_ rows: [[Double]], _ biases: [Double], _ a: [Double]) -> TwoLayerNetwork {
        TwoLayerNetwork(weights: Matrix(rows: rows.count, columns: rows[0].count, storage: rows.flatMap { $0 }), biases: biases,
                        head: .init(outputs: 1, neuronOutput: [Int](repeating: 0, count: a.count), coefficient: a))
    }

    /// f = −ReLU(x₁) + ReLU(x₂ − 11) at x = (−0.05, 0), y = −1 (f = 0): {f > 0} needs x₂ > 11, so
    /// ρ = 11 — not the 0.05 of the face {x₁ = 0} of the region where only neuron 1 is active,
    /// where f ≤ 0 throughout (the rule that counted every region with f_S ≢ 0 returned 0.05).
    @Test func anOpenFoolingSetIgnoresRegionsWithoutAFoolingPoint() throws {
        let n = Self.net([[1, 0], [0, 1]], [0, -11], [-1, 1])
        let r = try ExactRadius(n).radius(of: [-0.05, 0], label: -1)
        #expect(r.closed && r.squaredRadius == Rational(121) && !r.attained)
        // The counterfactual input: with neuron 1's coefficient positive the face is a real boundary.
        let c = try ExactRadius(Self.net([[1, 0], [0, 1]], [0, -11], [1, 1])).radius(of: [-0.05, 0], label: -1)
        let face = try Rational(exactly: 0.05)
        #expect(c.closed && c.squaredRadius == face * face)
    }

    /// A head of one sign: every a_r < 0 makes f ≤ 0 everywhere, so a point labelled −1 can never
    /// be fooled — ρ = ∞, proven (both ends ∞) — in ℓ2 and ℓ∞; an all-zero head likewise.
    @Test func aHeadOfOneSignHasInfiniteRadii() throws {
        var s = PRNGKey(seed: 7).stream
        let rows = (0..<4).map { _ in (0..<3).map { _ in s.gaussian() } }
        for a in [[-1.0, -0.5, -2, -0.1], [0.0, 0, 0, 0]] {
            let n = Self.net(rows, [0.3, -0.2, 0.1, 0], a)
            for _ in 0..<5 {
                let x = (0..<3).map { _ in s.gaussian() }
                for r in [try ExactRadius(n).radius(of: x, label: -1), try ExactLinfRadius(n).radius(of: x, label: -1)] {
                    #expect(r.lower == nil && r.upper == nil && r.closed && r.radius == .infinity)
                }
            }
        }
    }

    /// Neurons whose coefficients cancel (a duplicated row with opposite a_r, an f ≡ 0 face) change
    /// nothing: the radius is that of the net without them, exactly — and duplicates are merged,
    /// not refused.
    @Test func cancellingAndDuplicatedNeuronsChangeNothing() throws {
        var s = PRNGKey(seed: 11).stream
        let rows = (0..<3).map { _ in (0..<5).map { _ in s.gaussian() } }, b = [0.2, -0.1, 0.3], a = [1.0, -0.75, 0.4]
        let plain = try ExactRadius(Self.net(rows, b, a))
        let cancelling = try ExactRadius(Self.net(rows + [rows[0], rows[0]], b + [b[0], b[0]], a + [2.5, -2.5]))
        let split = try ExactRadius(Self.net(rows + [rows[1]], b + [b[1]], [a[0], -0.5, a[2], -0.25]))  // −0.5 − 0.25 = a[1] exactly
        var checked = 0
        for _ in 0..<8 {
            let x = (0..<5).map { _ in s.gaussian() }
            for y in [-1, 1] {
                let reference = try plain.radius(of: x, label: y)
                for other in [try cancelling.radius(of: x, label: y), try split.radius(of: x, label: y)] {
                    #expect(reference.closed && other.closed && other.lower == reference.lower)
                    checked += 1
                }
            }
        }
        #expect(checked == 32)
    }

    /// m > d: dependent neurons. Every bracket is ordered, its witness passes the exact forward
    /// pass, no attack gets below its lower end, and the brackets close on these nets.
    @Test func dependentNeuronsGiveProvenBrackets() throws {
        var closed = 0, total = 0
        for seed: UInt64 in 1...4 {
            var s = PRNGKey(seed: seed).stream
            let d = 3, m = 7
            let n = TwoLayerNetwork.initialized(inputDimension: d, head: .binary(neuronsPerSign: (m + 1) / 2, scale: 0.5), weightStd: 1,
                                                biasStd: 0.5, activation: .relu, key: PRNGKey(seed: seed).child("net"))
            let x = Matrix(rows: 6, columns: d, storage: (0..<(6 * d)).map { _ in s.gaussian() })
            let data = Dataset(inputs: x, labels: n.predictions(x, .serial))
            for norm in [AttackConfig.Norm.l2, .linf] {
                let points = try ExactRadius.radii(n, data, norm: norm, parallelism: .serial)
                let check = try WitnessCheck(n)
                for (i, r) in points.enumerated() {
                    total += 1
                    if r.closed { closed += 1 }
                    if let l = r.lower, let u = r.upper { #expect(l <= u, "seed \(seed), point \(i): lower above upper") }
                    if r.upper != nil, let w = r.witness {
                        #expect(try check.provenMeasure(data.inputs.row(i), label: data.labels[i], w, power: r.power) == r.upper)
                    }
                }
                let attack = AttackConfig(norm: norm, steps: 40, stepSizeFactor: 0.1, start: .ball, restarts: 4, objective: .margin)
                for (i, r) in points.enumerated() where r.lowerRadius > 0 && r.lowerRadius.isFinite {
                    let one = Dataset(inputs: Matrix(rows: 1, columns: d, storage: data.inputs.row(i)), labels: [data.labels[i]])
                    let robust = RobustAccuracy.robustSamples(n, one, epsilon: r.lowerRadius * (1 - 1e-9), attack: attack, trainingLoss: LogisticLoss(),
                                                              key: PRNGKey(seed: seed).child(UInt64(i)), parallelism: .serial)
                    #expect(robust == [true], "seed \(seed), point \(i), \(norm): an attack got below a proven lower end")
                }
            }
        }
        #expect(closed * 10 >= total * 9, "\(closed) of \(total) brackets closed")
    }

    /// Scales far from 1: W, b and x at 10⁻⁸ … 10¹⁵⁰ and a dot product that cancels catastrophically
    /// in floating point. The brackets close and equal the closed forms exactly.
    @Test func anyFiniteScaleIsExact() throws {
        // One neuron: ρ² = z²/‖w‖² with z computed exactly; x = (−3e8, 1e8, t), w = (1, 3, 1e-8):
        // the Double dot product of ⟨w, x⟩ loses every digit of 1e-8·t.
        for (w, x) in [([1.0, 3, 1e-8], [-3e8, 1e8, 0.7]), ([1e-8, 2e-8, -1e-8], [3e150, -1e150, 2e150]), ([5e7, 1, 1], [1e-8, 2e-8, 0])] {
            let n = Self.net([w], [0], [1])
            let z = try exactDot(w, x)
            let truth = try (z * z) / exactDot(w, w)
            for y in [1, -1] {
                let r = try ExactRadius(n).radius(of: x, label: y)
                let fooledAtX = y > 0 ? z.signum <= 0 : z.signum > 0
                #expect(r.closed && r.squaredRadius == (fooledAtX ? Rational(0) : (y > 0 || z.signum <= 0 ? truth : Rational(0))),
                        "w \(w), x \(x), y \(y): \(String(describing: r.lower)) … \(String(describing: r.upper))")
            }
        }
        // A random net and its points scaled by 2⁻⁹⁰⁰ … 2⁹⁰⁰ (exact in Double): ρ scales with them.
        var s = PRNGKey(seed: 3).stream
        let rows = (0..<4).map { _ in (0..<6).map { _ in s.gaussian() } }, b = (0..<4).map { _ in s.gaussian() }
        let x = (0..<6).map { _ in s.gaussian() }
        let base = try ExactRadius(Self.net(rows, b, [1, -1, 0.5, -0.5])).radius(of: x, label: 1)
        #expect(base.closed)
        for e in [-900, -30, 30, 900] {
            let scale = { (v: Double) in Double(sign: .plus, exponent: e, significand: v) }
            let r = try ExactRadius(Self.net(rows, b.map(scale), [1, -1, 0.5, -0.5])).radius(of: x.map(scale), label: 1)
            let expected = try base.squaredRadius!.timesPowerOfTwo(2 * e)
            #expect(r.closed && r.squaredRadius == expected, "scale 2^\(e)")
        }
    }

    /// Programs the floating-point search cannot resolve, closed by the careful pass in rationals
    /// (`PatternSearch`, "careful"). (1) A point 2⁻⁵² from the decision boundary of f = ReLU(x₁) −
    /// ReLU(x₂): the float program takes δ = 0 as feasible, its empty active set fails the exact
    /// check; the careful pass finds the active decision row, ρ² = f(x)²/‖w₁ − w₂‖² = 2⁻¹⁰⁵. (2)
    /// Inputs 2²⁶ times larger than the biases put the hyperplanes through nearly one point: the
    /// float multipliers reach 10¹⁵ and their dual bounds say nothing. Every bracket closes, and
    /// equals the least region optimum over all 2^m regions, found without the branch and bound.
    /// Each case is first shown open without the careful pass — what the test could catch.
    @Test func illConditionedProgramsCloseInTheCarefulPass() throws {
        func firstPass(_ e: ExactRadius, _ x: [Double]) throws -> ExactRadius.PointRadius {
            try PatternSearch(geometry: e.geometry).radius(of: x, label: 1, upperBound: .infinity, pruning: .relaxation,
                                                             networkPreactivations: nil, careful: false)
        }
        let boundary = try ExactRadius(Self.net([[1, 0], [0, 1]], [0, 0], [1, -1]))
        let x = [1, 1 - 0x1p-52]
        #expect(try !firstPass(boundary, x).closed)
        let r = try boundary.radius(of: x, label: 1)
        let expected = try Rational(1).timesPowerOfTwo(-105)
        #expect(r.closed && r.squaredRadius == expected, "\(String(describing: r.lower)) … \(String(describing: r.upper))")

        var s = PRNGKey(seed: 11).stream
        let rows = (0..<8).map { _ in (0..<3).map { _ in s.gaussian() } }, b = (0..<8).map { _ in s.gaussian() }
        let a = (0..<8).map { _ in s.gaussian() }
        let large = try ExactRadius(Self.net(rows, b, a))
        var openBefore = 0, closedAfter = 0, points = 0
        for _ in 0..<6 {
            let point = (0..<3).map { _ in 0x1p26 * s.gaussian() }
            guard try !large.margin.at(point, label: 1).fooled else { continue }
            points += 1
            if try !firstPass(large, point).closed { openBefore += 1 }
            let r = try large.radius(of: point, label: 1)
            guard r.closed else { continue }
            closedAfter += 1
            // Every region's optimum by its exact active sets alone; the least is the radius.
            let p = try large.margin.at(point, label: 1), m = large.margin.neurons
            let least = try (0..<(1 << m)).compactMap { bits in
                var budget = Int.max
                return try large.geometry.exhaustiveOptimum((0..<m).map { bits >> $0 & 1 == 1 }, p, budget: &budget)?.measure
            }.min()
            #expect(least == r.squaredRadius)
        }
        #expect(points >= 3 && openBefore >= 1 && closedAfter == points, "\(points) points, \(openBefore) open without the careful pass, \(closedAfter) closed")
    }

    /// The subsets the careful pass enumerates: every one of sizes 0…k in order of size, and none
    /// past the budget.
    @Test func exhaustiveSubsetsAreEnumeratedInOrderOfSize() {
        let expected: [[Int]] = [[], [0], [1], [2], [3], [0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
        let subsets = Exhaustive.subsets(of: 4, upTo: 2)
        #expect(subsets == expected)
        let upToThree: Int? = Exhaustive.subsets(of: 9, upTo: 3)?.count, all: Int? = Exhaustive.subsets(of: 3, upTo: 7)?.count
        #expect(upToThree == 130)  // 1 + 9 + 36 + 84
        #expect(all == 8)
        let tooMany: [[Int]]? = Exhaustive.subsets(of: 30, upTo: 10)
        #expect(tooMany == nil)
    }

    /// The checkers reject planted wrong proofs: a witness just inside the radius (outside the
    /// fooling set), KKT multipliers with a negative entry or a wrong active set, a dual bound
    /// from a negative multiplier, a hyperplane bound claimed above its value. And the sound
    /// bounds never exceed the exact optimum they bound.
    @Test func plantedWrongProofsAreRejected() throws {
        var kktPlanted = 0, activeSetPlanted = 0, witnesses = 0
        for seed: UInt64 in 1...6 {
            let (exact, data) = ExactRadiusTests.problem(seed)
            let check = try WitnessCheck(exact.network)
            for i in 0..<data.count {
                let x = data.inputs.row(i), y = data.labels[i]
                let r = try exact.radius(of: x, label: y)
                guard r.closed, let upper = r.upper, upper.signum > 0, let w = r.witness, let beta = w.coefficients else { continue }
                // The witness is proven; shrunk by 2⁻³⁰ it is refused (its point is not fooled, or
                // for y = −1 not in the closure of the fooling set's region).
                #expect(try check.provenMeasure(x, label: y, w, power: 2) == upper)
                var short = w
                short.coefficients = try beta.map { try $0 * (Rational(1) - Rational(1, 1 << 30)) }
                short.delta = try w.delta.map { try $0.map { try $0 * (Rational(1) - Rational(1, 1 << 30)) } }
                #expect(try check.provenMeasure(x, label: y, short, power: 2) == nil, "seed \(seed), point \(i): a short witness passed")
                witnesses += 1
                // The winning region's KKT proof, then planted wrong ones.
                let p = try exact.margin.at(x, label: y)
                guard case let .solved(solution) = exact.geometry.solve(r.pattern, p) else { continue }
                let (active, lambda) = try exact.geometry.kktMultipliers(r.pattern, solution, p)
                guard let optimum = try exact.geometry.checkKKT(r.pattern, active: active, multipliers: lambda, p) else { continue }
                #expect(optimum.measure == upper)
                if let j = lambda.firstIndex(where: { $0.signum > 0 }) {
                    var negative = lambda
                    negative[j] = -negative[j]
                    #expect(try exact.geometry.checkKKT(r.pattern, active: active, multipliers: negative, p) == nil)
                    kktPlanted += 1
                }
                if active.count >= 2 {
                    #expect(try exact.geometry.checkKKT(r.pattern, active: Array(active.dropLast()), multipliers: Array(lambda.dropLast()), p) == nil)
                    activeSetPlanted += 1
                }
                // The dual bound of the float multipliers: ≤ the exact optimum; a negative multiplier proves nothing.
                let units = try optimum.measure.timesPowerOfTwo(-2 * p.unitExponent)
                let dual = exact.geometry.dualMeasure(SoundRows.region(r.pattern, p), solution.multipliers)
                #expect(try Rational(exactly: dual) <= units && dual > 0)
                var wrong = solution.multipliers
                if let j = wrong.firstIndex(where: { $0 > 0 }) { wrong[j] = -wrong[j] }
                #expect(try exact.geometry.check(.dual(pattern: r.pattern, multipliers: wrong, claimed: dual * 1e-3), p) == nil)
                // Hyperplane bounds: never above z²/‖w‖² exactly; a claim just above it is refused.
                for n in 0..<exact.margin.neurons {
                    let value = try (p.z[n] * p.z[n]).timesPowerOfTwo(-2 * p.unitExponent) / exact.margin.gram[n][n]
                    #expect(try Rational(exactly: exact.geometry.hyperplaneMeasure(n, p)) <= value)
                    let claimed = Double(value).nextUp.nextUp
                    #expect(try exact.geometry.check(.hyperplane(neuron: n, claimed: claimed), p) == nil)
                }
            }
        }
        #expect(witnesses >= 20 && kktPlanted >= 20 && activeSetPlanted >= 1, "\(witnesses) witnesses, \(kktPlanted) KKT and \(activeSetPlanted) active-set plants")
    }

    /// Outward-rounded intervals enclose the exact result of +, −, ×, ÷ and squaring on Doubles of
    /// every size (subnormal to 10³⁰⁰); the unwidened floating-point result misses it in most of
    /// these cases — the enclosure has power.
    @Test func intervalsEncloseTheExactResult() throws {
        var s = PRNGKey(seed: 5).stream
        var missedWithoutWidening = 0, checked = 0
        for _ in 0..<2000 {
            let e1 = Int(s.next() % 2000) - 1000, e2 = Int(s.next() % 2000) - 1000
            let a = Double(sign: s.next() % 2 == 0 ? .plus : .minus, exponent: e1, significand: 1 + s.uniform())
            let b = Double(sign: s.next() % 2 == 0 ? .plus : .minus, exponent: e2, significand: 1 + s.uniform())
            guard a.isFinite, b.isFinite, a != 0, b != 0 else { continue }
            let (x, y) = (Interval(exactly: a), Interval(exactly: b))
            let (ra, rb) = (try Rational(exactly: a), try Rational(exactly: b))
            let cases: [(Interval, Rational, Double)] = [(x + y, ra + rb, a + b), (x - y, ra - rb, a - b), (x * y, ra * rb, a * b),
                                                         (x / y, try ra / rb, a / b), (x.squared, ra * ra, a * a)]
            for (interval, exact, plain) in cases {
                checked += 1
                if interval.lo.isFinite { #expect(try Rational(exactly: interval.lo) <= exact, "\(a), \(b): lo \(interval.lo)") }
                if interval.hi.isFinite { #expect(try Rational(exactly: interval.hi) >= exact, "\(a), \(b): hi \(interval.hi)") }
                if plain.isFinite, (try Rational(exactly: plain)) != exact { missedWithoutWidening += 1 }
            }
        }
        #expect(checked > 9000 && missedWithoutWidening > checked / 3)
    }

    /// Certificates on rounding traps (Proofs/robustness.md, "Rounding of the certificates"): one
    /// neuron whose pre-activation cancels in floating point, x = (−3e8·s, 1e8·s, t), w = (1, 3, 1e-8).
    /// Every certified radius (interval and linear bounds, ℓ2 and ℓ∞) stays ≤ the exact radius; and
    /// the trap is real — the radius read off the float pre-activation, |fl(z)|/‖w‖, exceeds the
    /// exact one on some of these points.
    @Test func certificatesBoundTheirRounding() throws {
        var trapped = 0, certified = 0
        for (i, t) in [0.7, -0.3, 2.5, 1e-3, -40].enumerated() {
            let s = Double(1 + i)
            let w = [1.0, 3, 1e-8], x = [-3e8 * s, 1e8 * s, t]
            let net = Self.net([w], [0.1], [1])
            let z = try exactDot(w, x) + Rational(exactly: 0.1)
            let y = z.signum > 0 ? 1 : -1
            let data = Dataset(inputs: Matrix(rows: 1, columns: 3, storage: x), labels: [y])
            let exact = try ExactRadius(net).radius(of: x, label: y)
            let exactLinf = try ExactLinfRadius(net).radius(of: x, label: y)
            #expect(exact.closed && exactLinf.closed)
            let fz = zip(w, x).reduce(0.1) { $0 + $1.0 * $1.1 }
            if (try Rational(exactly: abs(fz))) * (try Rational(exactly: abs(fz))) > exact.squaredRadius! * (try exactDot(w, w)) { trapped += 1 }
            for (c, reference) in [(IntervalCertificate.certifiedRadii(net, data, basis: nil)![0], exact),
                                   (LinearBoundCertificate.certifiedRadii(net, data, basis: nil)[0], exact),
                                   (IntervalCertificate.certifiedRadii(net, data, basis: nil, norm: .linf)![0], exactLinf),
                                   (LinearBoundCertificate.certifiedRadii(net, data, basis: nil, norm: .linf)[0], exactLinf)] {
                let cr = try Rational(exactly: c)
                #expect(reference.power == 2 ? cr * cr <= reference.upper! : cr <= reference.upper!, "point \(i): certified \(c) above the exact radius \(reference.radius)")
                if c > 0 { certified += 1 }
            }
        }
        #expect(trapped > 0 && certified > 0, "\(trapped) trapped, \(certified) certified")
    }

    /// A rounding trap for attacks: z = 1 + 2⁻⁵³ − 1 is 2⁻⁵³ > 0 exactly (class +1, ρ = 2⁻⁵³/√3)
    /// but 0 in floating point, so the float decision is already wrong at ε = 0 and an unconfirmed
    /// attack "breaks" the point below its exact radius. With `BreakConfirmation` the clean break
    /// is refused and the break found (a real example within ε) lies above ρ; an example one step
    /// outside the ball, or one the network still classifies as y, is refused.
    @Test func attackBreaksAreConfirmedExactly() throws {
        let net = TwoLayerNetwork(weights: Matrix(rows: 1, columns: 3, storage: [1, 1, 1]), biases: [0],
                                  head: .init(outputs: 1, neuronOutput: [0], coefficient: [1]))
        let x = [1, 0x1p-53, -1.0]
        let data = Dataset(inputs: Matrix(rows: 1, columns: 3, storage: x), labels: [1])
        #expect(net.predictions(data.inputs, .serial)[0] != 1, "the trap is set: the float decision is wrong")
        let attack = AttackConfig(norm: .l2, steps: 20, stepSizeFactor: 0.25, start: .ball, restarts: 1, objective: .margin)
        let radii = [0, 0.25, 0.5, 1]
        let float = RobustAccuracy.curveAndBreaks(net, data, radii: radii, attack: attack, trainingLoss: LogisticLoss(),
                                                  key: PRNGKey(seed: 1), parallelism: .serial)
        let confirm = try #require(BreakConfirmation(net, attack: attack))
        let confirmed = RobustAccuracy.curveAndBreaks(net, data, radii: radii, attack: attack, trainingLoss: LogisticLoss(),
                                                      key: PRNGKey(seed: 1), parallelism: .serial, confirm: confirm)
        let rho = try ExactRadius(net).radius(of: x, label: 1)
        #expect(rho.closed && rho.lowerRadius > 0)
        #expect(float.breaks[0] == 0, "unconfirmed: broken at ε = 0, below ρ = \(rho.lowerRadius)")
        #expect(confirmed.breaks[0] == 0.25 && confirmed.breaks[0]! >= rho.upperRadius, "\(String(describing: confirmed.breaks[0]))")
        // The checks themselves: inside the ball and misclassified exactly, or refused.
        let fooling = [1, 0x1p-53 - 0.125, -1.0]  // δ = −0.125·e₂ exactly
        #expect(confirm.confirms(x, label: 1, example: fooling, epsilon: 0.125))
        #expect(!confirm.confirms(x, label: 1, example: fooling, epsilon: 0.125.nextDown))
        #expect(!confirm.confirms(x, label: 1, example: [1, 0x1p-53 + 0.125, -1], epsilon: 0.125))
        #expect(!confirm.confirms(x, label: 1, example: x, epsilon: 0))
        let linf = try #require(BreakConfirmation(net, attack: AttackConfig(norm: .linf, steps: 1, stepSizeFactor: 1, start: .none, restarts: 1, objective: .margin)))
        #expect(linf.confirms(x, label: 1, example: [0.875, 0x1p-53 - 0.125, -1.125], epsilon: 0.125))
        #expect(!linf.confirms(x, label: 1, example: [0.875, 0x1p-53 - 0.125, -1.25], epsilon: 0.125))
    }
}
