// lookup prog array
// EXPECT: cannot pass map_type
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 4);
	__uint(max_entries, 4);
} jumps SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 key = 0;
	void *v = bpf_map_lookup_elem(&jumps, &key);
	return v ? XDP_PASS : XDP_DROP;
}
