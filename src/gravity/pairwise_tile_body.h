/* The tile loops (force; potential only) shared by the AVX-512 and AVX2 paths: included
 * once by pairwise_avx512.c and once by pairwise_avx2.c, each after defining its vector
 * primitives (no include guard on purpose). One body means the two paths do the same
 * operations in the same order per pair; only the vector width, the masks, the 1/sqrt
 * estimate and the horizontal sum differ, and those are the includer's.
 *
 * The includer defines:
 *   vd, vmask, vkeep           vector of doubles, load/store lane mask, kept-pair mask
 *   VW, TB_TARGETS             lanes per vector; targets per pass on off-diagonal tiles
 *   TB_INLINE, TB_FN           attributes of inlined helpers / the exported function
 *   TB_TILE, TB_POT_TILE       the exported functions' names
 *   TB_ROW, TB_REACT           the one-sided functions' names (one target alone)
 *   vset1 vzero vsub vmul vfmadd vfnmadd vhsum        arithmetic (vfnmadd(a,b,c) = c-a*b)
 *   vmload(ptr, k) vmstore(ptr, k, v) vtail(left)     masked memory, the first lanes
 *   vload(ptr) vstore(ptr, v)                         unmasked memory
 *   vkeep_of(k, r2)            lanes in k with r2 > 0
 *   vrsqrt(r2, keep, &s3, &ri, want_ri)               as rsqrt512 / rsqrt256 */

/* One target's broadcast position and mass, and its sums over the pass. */
typedef struct tgt {
    vd x, y, z, m;
    vd ax, ay, az, phi;
} tgt;

/* VW sources j .. j+VW-1 (lanes beyond k zero) and their sums, loaded once per step. */
typedef struct src {
    vd x, y, z, m;
    vd fx, fy, fz, fp;
} src;

TB_INLINE void tgt_init(tgt *t, const nb_particles *p, size_t i)
{
    t->x = vset1(p->x[i]);
    t->y = vset1(p->y[i]);
    t->z = vset1(p->z[i]);
    t->m = vset1(p->m[i]);
    t->ax = t->ay = t->az = t->phi = vzero();
}

TB_INLINE void tgt_store(const tgt *t, nb_particles *p, size_t i, double *pot, int want_pot)
{
    p->ax[i] += vhsum(t->ax);
    p->ay[i] += vhsum(t->ay);
    p->az[i] += vhsum(t->az);
    if (want_pot)
        pot[i] += vhsum(t->phi);
}

/* Full vectors (masked == 0) take plain loads and stores: masked ones cost several times
 * more on some CPUs (AVX2 on AMD) and give the same values, so the same bits. */
#define TB_LD(ptr) (masked ? vmload((ptr), k) : vload(ptr))
#define TB_ST(ptr, v)                                                                     \
    do {                                                                                  \
        if (masked)                                                                       \
            vmstore((ptr), k, (v));                                                       \
        else                                                                              \
            vstore((ptr), (v));                                                           \
    } while (0)

TB_INLINE void src_load(src *s, const nb_particles *p, size_t j, vmask k, int masked,
                        const double *pot, int want_pot)
{
    s->x = TB_LD(p->x + j);
    s->y = TB_LD(p->y + j);
    s->z = TB_LD(p->z + j);
    s->m = TB_LD(p->m + j);
    s->fx = TB_LD(p->ax + j);
    s->fy = TB_LD(p->ay + j);
    s->fz = TB_LD(p->az + j);
    if (want_pot)
        s->fp = TB_LD(pot + j);
}

TB_INLINE void src_store(const src *s, nb_particles *p, size_t j, vmask k, int masked,
                         double *pot, int want_pot)
{
    TB_ST(p->ax + j, s->fx);
    TB_ST(p->ay + j, s->fy);
    TB_ST(p->az + j, s->fz);
    if (want_pot)
        TB_ST(pot + j, s->fp);
}

/* The VW pairs (target t, sources s): both sides' sums take their share. Lanes outside
 * k, and pairs at zero distance, contribute nothing. */
TB_INLINE void pair(tgt *t, src *s, vmask k, vd e2, int want_pot)
{
    vd dx = vsub(s->x, t->x);
    vd dy = vsub(s->y, t->y);
    vd dz = vsub(s->z, t->z);
    vd r2 = vfmadd(dx, dx, e2);
    r2 = vfmadd(dy, dy, r2);
    r2 = vfmadd(dz, dz, r2);
    vkeep keep = vkeep_of(k, r2);
    vd s3, ri;
    vrsqrt(r2, keep, &s3, &ri, want_pot);
    vd wi = vmul(s3, s->m), wj = vmul(s3, t->m);
    t->ax = vfmadd(wi, dx, t->ax);
    t->ay = vfmadd(wi, dy, t->ay);
    t->az = vfmadd(wi, dz, t->az);
    s->fx = vfnmadd(wj, dx, s->fx);
    s->fy = vfnmadd(wj, dy, s->fy);
    s->fz = vfnmadd(wj, dz, s->fz);
    if (want_pot) {
        t->phi = vfnmadd(s->m, ri, t->phi);
        s->fp = vfnmadd(t->m, ri, s->fp);
    }
}

/* VW sources at j (the first lanes of k) against target a, and b when two. */
TB_INLINE void step(nb_particles *p, size_t j, vmask k, int masked, tgt *a, tgt *b, int two,
                    vd e2, double *pot, int want_pot)
{
    src s;
    src_load(&s, p, j, k, masked, pot, want_pot);
    pair(a, &s, k, e2, want_pot);
    if (two)
        pair(b, &s, k, e2, want_pot);
    src_store(&s, p, j, k, masked, pot, want_pot);
}

/* One target against sources [js, j1): full vectors, then the tail. */
TB_INLINE void row1(nb_particles *p, size_t i, size_t js, size_t j1, vd e2, double *pot,
                    int want_pot)
{
    tgt a;
    tgt_init(&a, p, i);
    size_t j = js;
    for (; j + VW <= j1; j += VW)
        step(p, j, vtail(VW), 0, &a, &a, 0, e2, pot, want_pot);
    if (j < j1)
        step(p, j, vtail(j1 - j), 1, &a, &a, 0, e2, pot, want_pot);
    tgt_store(&a, p, i, pot, want_pot);
}

/* A source's sums take target i's pair, then target i+1's, whether the two targets share
 * a pass or not: TB_TARGETS changes the speed, never the bits. */
TB_INLINE void tile_impl(nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                         double eps2, double *pot, int want_pot)
{
    vd e2 = vset1(eps2);
    size_t i = i0;
    if (i0 == j0) {
        /* diagonal: one target at a time against the sources after it */
        for (; i < i1; i++)
            row1(p, i, i + 1, j1, e2, pot, want_pot);
        return;
    }
#if TB_TARGETS == 2
    /* two targets per pass: each source vector is loaded and stored once for both */
    for (; i + 2 <= i1; i += 2) {
        tgt a, b;
        tgt_init(&a, p, i);
        tgt_init(&b, p, i + 1);
        size_t j = j0;
        for (; j + VW <= j1; j += VW)
            step(p, j, vtail(VW), 0, &a, &b, 1, e2, pot, want_pot);
        if (j < j1)
            step(p, j, vtail(j1 - j), 1, &a, &b, 1, e2, pot, want_pot);
        tgt_store(&a, p, i, pot, want_pot);
        tgt_store(&b, p, i + 1, pot, want_pot);
    }
#endif
    for (; i < i1; i++)
        row1(p, i, j0, j1, e2, pot, want_pot);
}

TB_FN void TB_TILE(nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1, double eps2,
                   double *pot)
{
    if (pot)
        tile_impl(p, i0, i1, j0, j1, eps2, pot, 1);
    else
        tile_impl(p, i0, i1, j0, j1, eps2, NULL, 0);
}

/* ---- potential only: no accelerations, so fewer loads and stores and no 1/r^3 */

/* One step of a potential pass: VW sources at j against target (x, y, z, m) into *acc,
 * and the target's share into phi[j..]; full vectors unmasked, as in the force's step. */
TB_INLINE void pot_step(const nb_particles *p, double *phi, size_t j, vmask k, int masked,
                        vd e2, vd xi, vd yi, vd zi, vd mi, vd *acc)
{
    vd xj = TB_LD(p->x + j), yj = TB_LD(p->y + j), zj = TB_LD(p->z + j);
    vd mj = TB_LD(p->m + j), fp = TB_LD(phi + j);
    vd dx = vsub(xj, xi), dy = vsub(yj, yi), dz = vsub(zj, zi);
    vd r2 = vfmadd(dz, dz, vfmadd(dy, dy, vfmadd(dx, dx, e2)));
    vd s3, ri; /* s3 is never read: the compiler drops the 1/r^3 series */
    vrsqrt(r2, vkeep_of(k, r2), &s3, &ri, 1);
    *acc = vfnmadd(mj, ri, *acc);
    fp = vfnmadd(mi, ri, fp);
    TB_ST(phi + j, fp);
}

/* As pot_step for targets a then b: phi[j..] takes a's share, then b's. */
TB_INLINE void pot_step2(const nb_particles *p, double *phi, size_t j, vmask k, int masked,
                         vd e2, vd xa, vd ya, vd za, vd ma, vd *acca, vd xb, vd yb, vd zb,
                         vd mb, vd *accb)
{
    vd xj = TB_LD(p->x + j), yj = TB_LD(p->y + j), zj = TB_LD(p->z + j);
    vd mj = TB_LD(p->m + j), fp = TB_LD(phi + j);
    vd s3, ri;
    vd dx = vsub(xj, xa), dy = vsub(yj, ya), dz = vsub(zj, za);
    vd r2 = vfmadd(dz, dz, vfmadd(dy, dy, vfmadd(dx, dx, e2)));
    vrsqrt(r2, vkeep_of(k, r2), &s3, &ri, 1);
    *acca = vfnmadd(mj, ri, *acca);
    fp = vfnmadd(ma, ri, fp);
    dx = vsub(xj, xb);
    dy = vsub(yj, yb);
    dz = vsub(zj, zb);
    r2 = vfmadd(dz, dz, vfmadd(dy, dy, vfmadd(dx, dx, e2)));
    vrsqrt(r2, vkeep_of(k, r2), &s3, &ri, 1);
    *accb = vfnmadd(mj, ri, *accb);
    fp = vfnmadd(mb, ri, fp);
    TB_ST(phi + j, fp);
}

/* One target's potential sum against sources [js, j1): both sides take -m/r. */
TB_INLINE void pot_row1(const nb_particles *p, size_t i, size_t js, size_t j1, vd e2,
                        double *phi)
{
    vd xi = vset1(p->x[i]), yi = vset1(p->y[i]), zi = vset1(p->z[i]), mi = vset1(p->m[i]);
    vd acc = vzero();
    size_t j = js;
    for (; j + VW <= j1; j += VW)
        pot_step(p, phi, j, vtail(VW), 0, e2, xi, yi, zi, mi, &acc);
    if (j < j1)
        pot_step(p, phi, j, vtail(j1 - j), 1, e2, xi, yi, zi, mi, &acc);
    phi[i] += vhsum(acc);
}

/* As tile_impl with the potential alone, into phi (no G): the same pair order per
 * particle, so again TB_TARGETS changes the speed, never the bits. */
TB_INLINE void pot_tile_impl(const nb_particles *p, size_t i0, size_t i1, size_t j0,
                             size_t j1, double eps2, double *phi)
{
    vd e2 = vset1(eps2);
    size_t i = i0;
    if (i0 == j0) {
        for (; i < i1; i++)
            pot_row1(p, i, i + 1, j1, e2, phi);
        return;
    }
#if TB_TARGETS == 2
    /* two targets per pass: each source vector is loaded and stored once for both */
    for (; i + 2 <= i1; i += 2) {
        vd xa = vset1(p->x[i]), ya = vset1(p->y[i]), za = vset1(p->z[i]);
        vd ma = vset1(p->m[i]);
        vd xb = vset1(p->x[i + 1]), yb = vset1(p->y[i + 1]), zb = vset1(p->z[i + 1]);
        vd mb = vset1(p->m[i + 1]);
        vd acca = vzero(), accb = vzero();
        size_t j = j0;
        for (; j + VW <= j1; j += VW)
            pot_step2(p, phi, j, vtail(VW), 0, e2, xa, ya, za, ma, &acca, xb, yb, zb, mb,
                      &accb);
        if (j < j1)
            pot_step2(p, phi, j, vtail(j1 - j), 1, e2, xa, ya, za, ma, &acca, xb, yb, zb, mb,
                      &accb);
        phi[i] += vhsum(acca);
        phi[i + 1] += vhsum(accb);
    }
#endif
    for (; i < i1; i++)
        pot_row1(p, i, j0, j1, e2, phi);
}

TB_FN void TB_POT_TILE(const nb_particles *p, size_t i0, size_t i1, size_t j0, size_t j1,
                       double eps2, double *phi)
{
    pot_tile_impl(p, i0, i1, j0, j1, eps2, phi);
}

/* ---- one target alone (one-sided): what the tiles add into one particle's sums, with the
 * same operations in the same order, so a target's sums come out as the tiles' bits
 * without the tiles' other rows (nb_pair_target). */

/* The sums target q's own pass over sources [js, j1) adds (row1 without the sources'
 * side): the same lanes, the same horizontal sums. */
TB_FN void TB_ROW(const nb_particles *p, size_t q, size_t js, size_t j1, double eps2,
                  double out[4], int want_pot)
{
    vd e2 = vset1(eps2);
    tgt t;
    tgt_init(&t, p, q);
    for (size_t j = js; j < j1; j += VW) {
        int masked = j + VW > j1;
        vmask k = vtail(j1 - j);
        vd x = TB_LD(p->x + j), y = TB_LD(p->y + j), z = TB_LD(p->z + j);
        vd m = TB_LD(p->m + j);
        vd dx = vsub(x, t.x), dy = vsub(y, t.y), dz = vsub(z, t.z);
        vd r2 = vfmadd(dx, dx, e2);
        r2 = vfmadd(dy, dy, r2);
        r2 = vfmadd(dz, dz, r2);
        vd s3, ri;
        vrsqrt(r2, vkeep_of(k, r2), &s3, &ri, want_pot);
        vd wi = vmul(s3, m);
        t.ax = vfmadd(wi, dx, t.ax);
        t.ay = vfmadd(wi, dy, t.ay);
        t.az = vfmadd(wi, dz, t.az);
        if (want_pot)
            t.phi = vfnmadd(m, ri, t.phi);
    }
    out[0] = vhsum(t.ax);
    out[1] = vhsum(t.ay);
    out[2] = vhsum(t.az);
    out[3] = want_pot ? vhsum(t.phi) : 0.0;
}

/* What the passes of targets [r0, r1), in that order, add into source q's sums acc[0..3]:
 * the pair terms are computed VW targets at a time with pair()'s operations (lane by
 * lane the same values), then taken one by one with the fused multiply-subtract the
 * source's vector takes them with. */
TB_FN void TB_REACT(const nb_particles *p, size_t q, size_t r0, size_t r1, double eps2,
                    double acc[4], int want_pot)
{
    vd e2 = vset1(eps2);
    vd xq = vset1(p->x[q]), yq = vset1(p->y[q]), zq = vset1(p->z[q]);
    double W[VW], DX[VW], DY[VW], DZ[VW], M[VW], RI[VW];
    for (size_t r = r0; r < r1; r += VW) {
        int masked = r + VW > r1;
        vmask k = vtail(r1 - r);
        vd x = TB_LD(p->x + r), y = TB_LD(p->y + r), z = TB_LD(p->z + r);
        vd m = TB_LD(p->m + r);
        vd dx = vsub(xq, x), dy = vsub(yq, y), dz = vsub(zq, z);
        vd r2 = vfmadd(dx, dx, e2);
        r2 = vfmadd(dy, dy, r2);
        r2 = vfmadd(dz, dz, r2);
        vd s3, ri;
        vrsqrt(r2, vkeep_of(k, r2), &s3, &ri, want_pot);
        vstore(W, vmul(s3, m));
        vstore(DX, dx);
        vstore(DY, dy);
        vstore(DZ, dz);
        if (want_pot) {
            vstore(M, m);
            vstore(RI, ri);
        }
        size_t c = r1 - r < VW ? r1 - r : VW;
        for (size_t l = 0; l < c; l++) {
            acc[0] = __builtin_fma(-W[l], DX[l], acc[0]);
            acc[1] = __builtin_fma(-W[l], DY[l], acc[1]);
            acc[2] = __builtin_fma(-W[l], DZ[l], acc[2]);
            if (want_pot)
                acc[3] = __builtin_fma(-M[l], RI[l], acc[3]);
        }
    }
}

#undef TB_LD
#undef TB_ST
