/* heap_tmpl.h: the two heaps of an exact quantile over the last N runs (sketch.c),
 * instantiated for one entry type: sketch.c defines HT (uint8_t, uint16_t or uint32_t)
 * and HS (a suffix) and includes this file once per width. Heap d (0: L, a max-heap at
 * h[0..nl); 1: U, a min-heap at h[N-1-i]); pos[slot] is the slot's place i with the heap
 * d in its top bit. No include guard: included three times on purpose. */
#define HCAT_(a, b) a##b
#define HCAT(a, b) HCAT_(a, b)
#define HF(name) HCAT(name, HS)
#define HTOP ((uint32_t)1 << (sizeof(HT) * 8 - 1))
#define HH(q) ((HT *)(q)->h)
#define HP(q) ((HT *)(q)->pos)
#define AT(q, d, i) ((d) ? HH(q)[(q)->N - 1 - (i)] : HH(q)[i])

/* Every step below is inlined into heap_put's two copies, one per value class (fc), with
 * the heap d a constant wherever the caller knows it: a comparison is then one compare,
 * not two tests of the class and the heap and a call (the p95 over 100 runs:
 * about a third of its instructions). The same steps, so the same heaps. */
#define HI static inline __attribute__((always_inline))

/* a above b in heap d: for L larger, for U smaller (class-exact comparisons). */
HI int HF(above)(const govQ_heaps *q, int fc, int d, uint32_t a, uint32_t b) {
    const union govV_cell *r = q->ring;
    if (fc) return d ? r[a].f < r[b].f : r[a].f > r[b].f;
    return d ? r[a].i < r[b].i : r[a].i > r[b].i;
}
HI void HF(put)(govQ_heaps *q, int d, uint32_t i, uint32_t slot) {
    if (d) HH(q)[q->N - 1 - i] = (HT)slot;
    else HH(q)[i] = (HT)slot;
    HP(q)[slot] = (HT)(i | (d ? HTOP : 0));
}
HI uint32_t HF(sift_up)(govQ_heaps *q, int fc, int d, uint32_t i) {
    uint32_t s = AT(q, d, i);
    while (i > 0) {
        uint32_t p = (i - 1) / 2, ps = AT(q, d, p);
        if (!HF(above)(q, fc, d, s, ps)) break;
        HF(put)(q, d, i, ps);
        i = p;
    }
    HF(put)(q, d, i, s);
    return i;
}
HI void HF(sift_down)(govQ_heaps *q, int fc, int d, uint32_t i) {
    uint32_t n = d ? q->nu : q->nl, s = AT(q, d, i);
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && HF(above)(q, fc, d, AT(q, d, c + 1), AT(q, d, c))) c++;
        uint32_t cs = AT(q, d, c);
        if (!HF(above)(q, fc, d, cs, s)) break;
        HF(put)(q, d, i, cs);
        i = c;
    }
    HF(put)(q, d, i, s);
}
HI void HF(push)(govQ_heaps *q, int fc, int d, uint32_t slot) {
    uint32_t i = d ? q->nu++ : q->nl++;
    HF(put)(q, d, i, slot);
    HF(sift_up)(q, fc, d, i);
}
HI uint32_t HF(pop)(govQ_heaps *q, int fc, int d) {
    uint32_t top = AT(q, d, 0), n = d ? --q->nu : --q->nl;
    if (n) {
        HF(put)(q, d, 0, AT(q, d, n));
        HF(sift_down)(q, fc, d, 0);
    }
    return top;
}

/* Slot s of the ring holds a new value: a new slot (the window grew to n) or one whose
 * value was replaced (s already in a heap). The rank is ceil(q n) for q = num / den, at
 * least 1. */
HI void HF(heap_put_c)(govQ_heaps *q, int fc, uint32_t slot, int fresh, uint32_t num, uint32_t den, uint64_t n) {
    if (fresh) {
        if (q->nl && HF(above)(q, fc, 0, slot, HH(q)[0])) HF(push)(q, fc, 1, slot);
        else HF(push)(q, fc, 0, slot);
        uint64_t k64 = (num * n + den - 1) / den;
        uint32_t k = k64 ? (uint32_t)k64 : 1;
        while (q->nl > k) HF(push)(q, fc, 1, HF(pop)(q, fc, 0));
        while (q->nl < k && q->nu) HF(push)(q, fc, 0, HF(pop)(q, fc, 1));
        return;
    }
    uint32_t at = HP(q)[slot];
    if (at & HTOP) {
        uint32_t i = HF(sift_up)(q, fc, 1, at & (HTOP - 1));
        HF(sift_down)(q, fc, 1, i);
    } else {
        uint32_t i = HF(sift_up)(q, fc, 0, at);
        HF(sift_down)(q, fc, 0, i);
    }
    if (q->nl && q->nu && HF(above)(q, fc, 0, HH(q)[0], HH(q)[q->N - 1])) { /* max L > min U: swap the tops */
        uint32_t tl = HH(q)[0], tu = HH(q)[q->N - 1];
        HF(put)(q, 0, 0, tu);
        HF(put)(q, 1, 0, tl);
        HF(sift_down)(q, fc, 0, 0);
        HF(sift_down)(q, fc, 1, 0);
    }
}
static void HF(heap_put)(govQ_heaps *q, uint32_t slot, int fresh, uint32_t num, uint32_t den, uint64_t n) {
    if (q->fcls) HF(heap_put_c)(q, 1, slot, fresh, num, den, n);
    else HF(heap_put_c)(q, 0, slot, fresh, num, den, n);
}

#undef HI
#undef AT
#undef HP
#undef HH
#undef HTOP
#undef HF
#undef HCAT
#undef HCAT_
#undef HT
#undef HS
