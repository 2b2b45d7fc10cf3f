// ringbuf null deref
// EXPECT: may be NULL
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
	*e = 1;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}
