// cpus: v2 v3
// Helper calls by id, a stack buffer, a 64-bit constant and a map-like pointer argument.
static long (*bpf_ktime_get_ns)(void) = (void *)5;
static long (*bpf_get_prandom_u32)(void) = (void *)7;
static long (*bpf_trace_printk)(const char *fmt, unsigned int size, ...) = (void *)6;

__attribute__((section("tc"), used))
long helpers(void *ctx)
{
    char fmt[] = "t=%llu\n";
    long t = bpf_ktime_get_ns();
    long r = bpf_get_prandom_u32();
    bpf_trace_printk(fmt, sizeof(fmt), t);
    return (t ^ 0x1122334455667788LL) + r + 0x7fffffffffffLL;
}
