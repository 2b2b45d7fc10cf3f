// tail call wrong map
// EXPECT: cannot pass map_type
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} counters SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &counters, 0);
	return XDP_PASS;
}
