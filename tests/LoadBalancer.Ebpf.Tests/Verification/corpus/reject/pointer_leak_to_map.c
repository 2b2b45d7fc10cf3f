// pointer leak to map
// EXPECT: leaks addr into map
// STRICT
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
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);
	if (!v)
		return XDP_DROP;
	*v = (__u64)(long)ctx;
	return XDP_PASS;
}
