#ifndef THEORYCHECK_CGMP_SHIM_H
#define THEORYCHECK_CGMP_SHIM_H

// GMP for Swift. Swift imports GMP's functions under their real names (`__gmpz_add` for `mpz_add`);
// the function-like macros below are not imported at all, so they are re-exposed as inline functions.
#include <gmp.h>

static inline int tc_mpz_sgn(mpz_srcptr z) { return mpz_sgn(z); }
static inline int tc_mpq_sgn(mpq_srcptr q) { return mpq_sgn(q); }
static inline int tc_mpz_odd_p(mpz_srcptr z) { return mpz_odd_p(z); }
static inline int tc_mpz_cmp_si(mpz_srcptr z, long v) { return mpz_cmp_si(z, v); }
static inline int tc_mpz_cmp_ui(mpz_srcptr z, unsigned long v) { return mpz_cmp_ui(z, v); }
static inline mpz_ptr tc_mpq_numref(mpq_ptr q) { return mpq_numref(q); }
static inline mpz_ptr tc_mpq_denref(mpq_ptr q) { return mpq_denref(q); }
static inline mpz_srcptr tc_mpq_numref_const(mpq_srcptr q) { return mpq_numref(q); }
static inline mpz_srcptr tc_mpq_denref_const(mpq_srcptr q) { return mpq_denref(q); }

#endif
