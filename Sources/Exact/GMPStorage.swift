import CGMP

/// Heap storage for one GMP integer (`mpz_t`), owned by exactly one Swift object.
///
/// `BigInt` holds a reference to one of these and copies it before mutating when the reference is
/// shared (copy-on-write), so GMP values behave like Swift values. The `mpz_t` lives in the tail of a
/// `ManagedBuffer`, whose address is stable for the object's lifetime; it is cleared in `deinit`.
@usableFromInline
final class MPZStorage: ManagedBuffer<Void, __mpz_struct> {
    @inlinable
    static func make() -> MPZStorage {
        let buffer = MPZStorage.create(minimumCapacity: 1) { _ in () }
        let storage = unsafeDowncast(buffer, to: MPZStorage.self)
        storage.withUnsafeMutablePointerToElements { __gmpz_init($0) }
        return storage
    }

    @inlinable
    func copy() -> MPZStorage {
        let result = MPZStorage.make()
        result.withUnsafeMutablePointerToElements { r in
            withUnsafeMutablePointerToElements { s in __gmpz_set(r, s) }
        }
        return result
    }

    deinit {
        withUnsafeMutablePointerToElements { __gmpz_clear($0) }
    }
}

/// Heap storage for one GMP rational (`mpq_t`); see `MPZStorage`.
@usableFromInline
final class MPQStorage: ManagedBuffer<Void, __mpq_struct> {
    @inlinable
    static func make() -> MPQStorage {
        let buffer = MPQStorage.create(minimumCapacity: 1) { _ in () }
        let storage = unsafeDowncast(buffer, to: MPQStorage.self)
        storage.withUnsafeMutablePointerToElements { __gmpq_init($0) }
        return storage
    }

    @inlinable
    func copy() -> MPQStorage {
        let result = MPQStorage.make()
        result.withUnsafeMutablePointerToElements { r in
            withUnsafeMutablePointerToElements { s in __gmpq_set(r, s) }
        }
        return result
    }

    deinit {
        withUnsafeMutablePointerToElements { __gmpq_clear($0) }
    }
}

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
