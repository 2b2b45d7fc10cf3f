// cpus: v2 v3
// bpf-to-bpf calls to static noinline functions, forwards and backwards.
static __attribute__((noinline)) int square(int x)
{
    return x * x;
}

static __attribute__((noinline)) int combine(int a, int b)
{
    return square(a) + square(b) + 1;
}

int calls(int *p)
{
    return combine(p[0], p[1]) - square(p[2]);
}
