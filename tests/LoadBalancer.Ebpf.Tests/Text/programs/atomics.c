// cpus: v3
// 64-bit atomics with and without fetch, exchange and compare-exchange; a 32-bit add.
long atomics(long *p, int *q, long v)
{
    __sync_fetch_and_add(p, v);
    long a = __sync_fetch_and_add(p, 3);
    long b = __sync_fetch_and_or(p, v);
    long c = __sync_fetch_and_and(p, 12);
    long d = __sync_fetch_and_xor(p, v);
    __sync_fetch_and_xor(p, 9);
    long e = __sync_lock_test_and_set(p, v);
    long f = __sync_val_compare_and_swap(p, a, b);
    __sync_fetch_and_add(q, 1);
    return a + b + c + d + e + f;
}
