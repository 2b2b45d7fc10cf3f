// Sums a 16-entry array in a map value with a counted loop.
#include "common.h"

struct stats {
	__u64 slots[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct stats);
	__uint(max_entries, 1);
} table SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct stats *s = bpf_map_lookup_elem(&table, &key);
	if (!s)
		return XDP_PASS;
	__u64 total = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 16; i++)
		total += s->slots[i];
	__u32 idx = ctx->rx_queue_index & 15;
	s->slots[idx] += 1;
	return total > 100 ? XDP_DROP : XDP_PASS;
}
