#ifndef THEORYCHECK_GMP_REFERENCE_H
#define THEORYCHECK_GMP_REFERENCE_H

// The C reference for the exact-layer benchmark: the exact dot product written directly against
// GMP, as a C programmer would (one mpq_mul and one mpq_add per term into reused temporaries).
#include <stddef.h>
#include <gmp.h>

/// A contiguous array of n initialised rationals.
__mpq_struct *gmp_reference_alloc(size_t n);
void gmp_reference_free(__mpq_struct *v, size_t n);
/// v[i] = x exactly (mpq_set_d is exact for finite doubles).
void gmp_reference_set_d(__mpq_struct *v, size_t i, double x);
/// result = sum_i a[i]*b[i], exactly.
void gmp_reference_dot(__mpq_struct *result, const __mpq_struct *a, const __mpq_struct *b, size_t n);

#endif
