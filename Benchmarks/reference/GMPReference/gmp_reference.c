#include "gmp_reference.h"
#include <stdlib.h>

__mpq_struct *gmp_reference_alloc(size_t n) {
    __mpq_struct *v = malloc(n * sizeof(__mpq_struct));
    for (size_t i = 0; i < n; i++) mpq_init(&v[i]);
    return v;
}

void gmp_reference_free(__mpq_struct *v, size_t n) {
    for (size_t i = 0; i < n; i++) mpq_clear(&v[i]);
    free(v);
}

void gmp_reference_set_d(__mpq_struct *v, size_t i, double x) { mpq_set_d(&v[i], x); }

void gmp_reference_dot(__mpq_struct *result, const __mpq_struct *a, const __mpq_struct *b, size_t n) {
    mpq_t t;
    mpq_init(t);
    mpq_set_ui(result, 0, 1);
    for (size_t i = 0; i < n; i++) {
        mpq_mul(t, &a[i], &b[i]);
        mpq_add(result, result, t);
    }
    mpq_clear(t);
}
