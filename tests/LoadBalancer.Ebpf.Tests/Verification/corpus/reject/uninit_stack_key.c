// passes an uninitialised stack key to a helper
// EXPECT: not fully initialised
// STRICT
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u64);
	__uint(max_entries, 64);
} flows SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 key;
	asm volatile("%0 = r10; %0 += -8" : "=r"(key));
	__u64 *v = bpf_map_lookup_elem(&flows, (void *)key);
	return v ? XDP_PASS : XDP_DROP;
}
