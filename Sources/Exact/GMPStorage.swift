import CGMP

/// A GMP value type (`mpz_t`'s or `mpq_t`'s struct) with its init, clear and copy functions.
@usableFromInline
protocol GMPValue {
    static func initialize(_ value: UnsafeMutablePointer<Self>)
    static func clear(_ value: UnsafeMutablePointer<Self>)
    static func assign(_ target: UnsafeMutablePointer<Self>, _ source: UnsafePointer<Self>)
}

extension __mpz_struct: GMPValue {
    @usableFromInline static func initialize(_ value: UnsafeMutablePointer<Self>) { __gmpz_init(value) }
    @usableFromInline static func clear(_ value: UnsafeMutablePointer<Self>) { __gmpz_clear(value) }
    @usableFromInline static func assign(_ target: UnsafeMutablePointer<Self>, _ source: UnsafePointer<Self>) { __gmpz_set(target, source) }
}

extension __mpq_struct: GMPValue {
    @usableFromInline static func initialize(_ value: UnsafeMutablePointer<Self>) { __gmpq_init(value) }
    @usableFromInline static func clear(_ value: UnsafeMutablePointer<Self>) { __gmpq_clear(value) }
    @usableFromInline static func assign(_ target: UnsafeMutablePointer<Self>, _ source: UnsafePointer<Self>) { __gmpq_set(target, source) }
}

/// Heap storage for one GMP value, owned by exactly one Swift object.
///
/// `BigInt` and `Rational` hold a reference to one of these and copy it before mutating when the
/// reference is shared (copy-on-write), so GMP values behave like Swift values. The GMP struct lives
/// in the tail of a `ManagedBuffer`, whose address is stable for the object's lifetime; GMP's
/// limbs are released in `deinit`.
@usableFromInline
final class GMPStorage<Value: GMPValue>: ManagedBuffer<Void, Value> {
    @inlinable
    static func make() -> GMPStorage {
        let storage = unsafeDowncast(GMPStorage.create(minimumCapacity: 1) { _ in () }, to: GMPStorage.self)
        storage.withUnsafeMutablePointerToElements { Value.initialize($0) }
        return storage
    }

    @inlinable
    func copy() -> GMPStorage {
        let result = GMPStorage.make()
        result.withUnsafeMutablePointerToElements { r in
            withUnsafeMutablePointerToElements { Value.assign(r, $0) }
        }
        return result
    }

    deinit {
        withUnsafeMutablePointerToElements { Value.clear($0) }
    }
}

@usableFromInline typealias MPZStorage = GMPStorage<__mpz_struct>
@usableFromInline typealias MPQStorage = GMPStorage<__mpq_struct>

/// Runs `body` with `count` initialised scratch integers that are cleared afterwards.
@inlinable
func withTemporaryMPZ<R>(_ count: Int, _ body: (UnsafeMutablePointer<__mpz_struct>) throws -> R) rethrows -> R {
    let z = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: count)
    for i in 0..<count { __gmpz_init(z + i) }
    defer {
        for i in 0..<count { __gmpz_clear(z + i) }
        z.deallocate()
    }
    return try body(z)
}
