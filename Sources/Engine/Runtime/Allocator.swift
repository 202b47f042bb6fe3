#if canImport(Glibc)
import Glibc
#endif

/// The process's allocator, set up for the engine's working set.
///
/// Training and attacks allocate matrices of a few megabytes at every step (pre-activations,
/// gradients, perturbed inputs: at-phase's patch rows are 6400 × 64 Doubles, 3.3 MB). glibc's
/// malloc serves blocks above its mmap threshold (128 KiB at first, adjusted as blocks are freed)
/// with fresh mappings, so such a step can pay for mapping, zero-filling and unmapping its pages:
/// at-phase adversarial training inside `engine-benchmarks` spent a quarter of its time in page
/// faults and took 2.2 s for 200 steps; with the blocks kept in malloc's heap, 1.07–1.25 s.
///
/// Nothing computed depends on it (it moves no value; only where blocks live). The command-line
/// tool and the benchmarks call it once at start; a library user may, too.
public enum Allocator {
    /// Serve blocks below `mmapThreshold` bytes from the heap and keep up to `trimThreshold` bytes
    /// of freed memory for reuse instead of returning it to the system (glibc's `mallopt`
    /// M_MMAP_THRESHOLD and M_TRIM_THRESHOLD; a no-op where malloc is not glibc's).
    public static func keepLargeBlocks(mmapThreshold: Int32 = 256 << 20, trimThreshold: Int32 = 512 << 20) {
        #if canImport(Glibc)
        // Glibc's module map leaves out <malloc.h>: look `mallopt` up by name, with its C type.
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        // <malloc.h>'s M_TRIM_THRESHOLD (−1) and M_MMAP_THRESHOLD (−3).
        _ = mallopt(-3, mmapThreshold)
        _ = mallopt(-1, trimThreshold)
        #endif
    }
}
