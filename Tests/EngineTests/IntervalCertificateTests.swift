import PropertyBased
import Testing
@testable import Engine

/// Interval certificates (Proofs/robustness.md, "Interval certificates") are sound: never above
/// the exact radius of a binary ReLU net, never contradicted by an attack on patch networks in a
/// subspace threat model — and a planted unsound certificate is caught by the same checks.
@Suite("Interval certificates")
struct IntervalCertificateTests {
    /// Binary ReLU nets: a point certified at ε has exact radius > ε (checked against `ExactRadius`).
    @Test func certificatesNeverExceedTheExactRadius() async throws {
        await propertyCheck(count: 12, input: Gen.uint64(), Gen.double(in: 0.05...1.5)) { seed, epsilon throws in
            let (exact, data) = ExactRadiusTests.problem(seed)
            let certified = try #require(IntervalCertificate.certified(exact.network, data, epsilon: epsilon, basis: nil, parallelism: .serial))
            for i in 0..<data.count where certified[i] {
                let r = try exact.radius(of: data.inputs.row(i), label: data.labels[i])
                #expect(r.radius > epsilon, "seed \(seed), point \(i): certified at \(epsilon), exact radius \(r.radius)")
            }
        }
    }

    /// The counterfactual: "certificates" from the clean margins alone (ε = 0 bounds claimed at ε)
    /// are contradicted by the exact radii on some point.
    @Test func aPlantedUnsoundCertificateIsCaught() throws {
        var contradicted = 0
        for seed: UInt64 in 1...6 {
            let (exact, data) = ExactRadiusTests.problem(seed)
            let planted = try #require(IntervalCertificate.certified(exact.network, data, epsilon: 0, basis: nil, parallelism: .serial))
            for i in 0..<data.count where planted[i] {
                if try exact.radius(of: data.inputs.row(i), label: data.labels[i]).radius <= 0.5 { contradicted += 1 }
            }
        }
        #expect(contradicted > 0)
    }

    /// The properties above are not vacuous: at small radii the certificate does certify points, of
    /// the ReLU nets and of the patch networks in their subspace.
    @Test func smallRadiiAreCertified() throws {
        var binary = 0, linf = 0, patch = 0, excluded = 0
        for seed: UInt64 in 1...10 {
            let (exact, data) = ExactRadiusTests.problem(seed)
            binary += try #require(IntervalCertificate.certified(exact.network, data, epsilon: 0.05, basis: nil, parallelism: .serial)).filter { $0 }.count
            linf += try #require(IntervalCertificate.certified(exact.network, data, epsilon: 0.02, basis: nil, norm: .linf, parallelism: .serial)).filter { $0 }.count
            let problem = SmallProblem.make(seed: seed, kind: .patchCNN)
            let d = problem.network.inputDimension
            let basis = HouseholderQR.randomFrame(count: max(1, d / 2), dimension: d, key: PRNGKey(seed: seed).child("basis"))
            let labelled = Dataset(inputs: problem.data.inputs, labels: problem.network.predictions(problem.data.inputs, .serial))
            patch += try #require(IntervalCertificate.certified(problem.network, labelled, epsilon: 0.05, basis: basis, parallelism: .serial)).filter { $0 }.count
            excluded += try #require(IntervalCertificate.excludedClasses(problem.network, labelled, epsilon: 0.5, basis: basis, parallelism: .serial))
                .reduce(0) { $0 + $1.filter { $0 }.count - 1 }
        }
        #expect(binary > 0 && linf > 0 && patch > 0 && excluded > 0, "certified: \(binary) binary, \(linf) ℓ∞, \(patch) patch points; \(excluded) classes excluded")
    }

    /// Patch CNNs (smoothed ReLU, per-class head) in a random k-dimensional subspace per patch: no
    /// certified point is fooled by 30-step targeted PGD confined to that subspace.
    @Test func certifiedPatchNetworksSurviveSubspaceAttacks() async throws {
        await propertyCheck(count: 10, input: Gen.uint64(), Gen.double(in: 0.05...1.0)) { seed, epsilon throws in
            let problem = SmallProblem.make(seed: seed, kind: .patchCNN)
            let d = problem.network.inputDimension, k = max(1, d / 2)
            let basis = HouseholderQR.randomFrame(count: k, dimension: d, key: PRNGKey(seed: seed).child("basis"))
            let data = Dataset(inputs: problem.data.inputs, labels: problem.network.predictions(problem.data.inputs, .serial))
            let certified = try #require(IntervalCertificate.certified(problem.network, data, epsilon: epsilon, basis: basis, parallelism: .serial))
            var attack = AttackConfig(norm: .l2, steps: 30, stepSizeFactor: 0.1, start: .ball, restarts: 3, objective: .targetedMargin,
                                      patchDimension: d, subspace: .nonRobust)
            attack.subspaceBasis = basis
            let robust = RobustAccuracy.robustSamples(problem.network, data, epsilon: epsilon, attack: attack, trainingLoss: CrossEntropyLoss(),
                                                      key: PRNGKey(seed: seed), parallelism: .serial)
            for i in 0..<data.count where certified[i] { #expect(robust[i], "seed \(seed), point \(i): certified at \(epsilon) but fooled") }
        }
    }

    /// Per-point certified radii (doubling and bisection) never exceed the exact radius, and reach
    /// the clean-margin scale: a certified radius is a lower bound, not merely zero.
    @Test func certifiedRadiiBracketTheExactRadiusFromBelow() async throws {
        await propertyCheck(count: 8, input: Gen.uint64()) { seed throws in
            let (exact, data) = ExactRadiusTests.problem(seed)
            let radii = try #require(IntervalCertificate.certifiedRadii(exact.network, data, basis: nil, parallelism: .serial))
            for i in 0..<data.count {
                let r = try exact.radius(of: data.inputs.row(i), label: data.labels[i])
                #expect(radii[i] <= r.radius, "seed \(seed), point \(i): certified radius \(radii[i]) above the exact \(r.radius)")
                let certifiedThere = try #require(IntervalCertificate.certified(exact.network, data.subset([i]), epsilon: radii[i], basis: nil, parallelism: .serial))
                #expect(radii[i] == 0 || certifiedThere[0])
            }
        }
    }

    /// ℓ∞ (Hölder, ‖w_r‖₁): no point certified at ε is fooled by ℓ∞ PGD with restarts at ε.
    @Test func linfCertificatesSurviveLinfAttacks() async throws {
        await propertyCheck(count: 8, input: Gen.uint64(), Gen.double(in: 0.005...0.2)) { seed, epsilon throws in
            let (exact, data) = ExactRadiusTests.problem(seed)
            let certified = try #require(IntervalCertificate.certified(exact.network, data, epsilon: epsilon, basis: nil, norm: .linf, parallelism: .serial))
            let attack = AttackConfig(norm: .linf, steps: 30, stepSizeFactor: 0.1, start: .ball, restarts: 3, objective: .margin)
            let robust = RobustAccuracy.robustSamples(exact.network, data, epsilon: epsilon, attack: attack, trainingLoss: LogisticLoss(),
                                                      key: PRNGKey(seed: seed), parallelism: .serial)
            for i in 0..<data.count where certified[i] { #expect(robust[i], "seed \(seed), point \(i): ℓ∞-certified at \(epsilon) but fooled") }
        }
    }

    /// A class excluded at a point is never the target a targeted subspace attack reaches.
    @Test func excludedClassesAreNeverReached() async throws {
        await propertyCheck(count: 8, input: Gen.uint64(), Gen.double(in: 0.05...1.5)) { seed, epsilon throws in
            let problem = SmallProblem.make(seed: seed, kind: .patchCNN)
            let d = problem.network.inputDimension
            let basis = HouseholderQR.randomFrame(count: max(1, d / 2), dimension: d, key: PRNGKey(seed: seed).child("basis"))
            let data = Dataset(inputs: problem.data.inputs, labels: problem.network.predictions(problem.data.inputs, .serial))
            let excluded = try #require(IntervalCertificate.excludedClasses(problem.network, data, epsilon: epsilon, basis: basis, parallelism: .serial))
            var attack = AttackConfig(norm: .l2, steps: 30, stepSizeFactor: 0.1, start: .ball, objective: .margin, patchDimension: d, subspace: .nonRobust)
            attack.subspaceBasis = basis
            let k = problem.network.outputs
            for shift in 1..<k {
                let x = Attacks.pgd(problem.network, inputs: data.inputs, labels: data.labels, epsilon: epsilon, config: attack,
                                    objective: MarginLoss(targetShift: shift), key: PRNGKey(seed: seed).child(UInt64(shift)), keep: .last, parallelism: .serial)
                let reached = problem.network.predictions(x, .serial)
                for i in 0..<data.count {
                    let target = (data.labels[i] + shift) % k
                    #expect(!(excluded[i][target] && reached[i] == target), "seed \(seed), point \(i): class \(target) excluded but reached")
                }
            }
        }
    }
}
