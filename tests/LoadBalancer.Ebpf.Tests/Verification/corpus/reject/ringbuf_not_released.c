// ringbuf not released
// EXPECT: Unreleased reference
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
	if (!e)
		return XDP_PASS;
	*e = 1;
	return XDP_PASS;
}
