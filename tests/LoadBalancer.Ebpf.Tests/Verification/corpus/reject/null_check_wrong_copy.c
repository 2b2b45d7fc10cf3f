// checks one lookup result, dereferences the other
// EXPECT: may be NULL
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
	__u32 key = 0, key2 = 1;
	__u64 *a = bpf_map_lookup_elem(&counters, &key);
	__u64 *b = bpf_map_lookup_elem(&counters, &key2);
	if (!a)
		return XDP_DROP;
	return *b;
}
