// an array lookup whose key is not a known constant (or is past max_entries) may return NULL
// EXPECT: may be NULL
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
	__u32 key = 4;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);
	return *v & 3;
}
