// Queue map: push a value, pop it back into a stack buffer.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(key_size, 0);
	__type(value, __u64);
	__uint(max_entries, 16);
} q SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 v = ctx->rx_queue_index;
	bpf_map_push_elem(&q, &v, BPF_ANY);
	__u64 out;
	if (bpf_map_pop_elem(&q, &out))
		return XDP_PASS;
	__u64 peek;
	bpf_map_peek_elem(&q, &peek);
	return out & 1 ? XDP_DROP : XDP_PASS;
}
