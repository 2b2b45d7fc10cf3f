// null ptr arith
// EXPECT: null-check it first
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} counters SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);
	asm volatile("%0 += 8" : "+r"(v));
	if (!v)
		return XDP_DROP;
	return XDP_PASS;
}
