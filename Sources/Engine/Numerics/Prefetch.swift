/// A read-prefetch hint: asks the memory system to start loading the cache line holding `address`
/// into L2 (LLVM's `llvm.prefetch` intrinsic: read, locality 2, data cache), and returns at once.
///
/// It has no effect on any value computed — only on when a later load finds its line in cache —
/// so the kernels that issue it produce the same bits with or without it. Prefetching a line that
/// is never read, or an address outside any allocation, is harmless (the hint never faults).
///
/// Why the kernels need it: a streaming kernel whose loop body is mostly fused multiply-adds keeps
/// few cache misses in flight (each loop iteration occupies many reorder-buffer entries), so it
/// reads memory at about half the rate of a plain summation loop — `Kernels.productTransposed`
/// on fa-paper's Xᵀ (24.6 MB, Gᵀ·X) measured 1.5–1.8 ms with two threads without it and 0.89–1.14 ms
/// with the next row group prefetched while the current one is computed (Benchmarks/BENCHMARKS.md).
@_silgen_name("llvm.prefetch.p0")
@usableFromInline
func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32)

/// Prefetches the line holding `address` for reading, into L2 (see `llvmPrefetch`).
@inline(__always) @usableFromInline
func prefetchForReading(_ address: UnsafeRawPointer) { llvmPrefetch(address, 0, 2, 1) }

/// Spreads the prefetch of a block of rows (the next row group of a tiled product) over the tiles
/// that run on the current group: tile t hints the t-th of `tiles` equal segments, one line per
/// loop step (at most 64 bytes apart, so a segment longer than the tile's steps is hinted in part).
@usableFromInline
struct PrefetchSchedule {
    @usableFromInline
    struct Segment {
        @usableFromInline let start: UnsafeRawPointer
        @usableFromInline let stride: Int
    }
    let next: UnsafeRawPointer
    let segmentBytes: Int
    let stride: Int

    /// `rows` contiguous rows of `d` Doubles starting at `next`, hinted over `tiles` tiles of ⌊d/4⌋ steps.
    init(next: UnsafePointer<Double>, rows: Int, d: Int, tiles: Int) {
        self.next = UnsafeRawPointer(next)
        segmentBytes = (rows * d * MemoryLayout<Double>.stride + tiles - 1) / max(tiles, 1)
        let steps = max(1, d / 4)
        stride = min(64, (segmentBytes + steps - 1) / steps)
    }

    @inline(__always)
    func segment(_ tile: Int) -> Segment { Segment(start: next + tile * segmentBytes, stride: stride) }
}
