// ringbuf var size
// EXPECT: not a known constant
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 n = bpf_ktime_get_ns() & 15;
	__u64 *e = bpf_ringbuf_reserve(&events, n + 8, 0);
	if (!e)
		return XDP_PASS;
	bpf_ringbuf_discard(e, 0);
	return XDP_PASS;
}
