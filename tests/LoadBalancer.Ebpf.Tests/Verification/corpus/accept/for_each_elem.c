// bpf_for_each_map_elem over an array, counting non-zero values up to 5. The cap matters to the
// kernel: it verifies the callback once per possible count (no widening), and an uncapped count never
// converges ("The sequence of 8193 jumps is too complex").
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} values SEC(".maps");

static long visit(void *map, __u32 *key, __u64 *value, __u64 *count)
{
	if (*value && *count < 5)
		*count += 1;
	return 0;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 count = 0;
	bpf_for_each_map_elem(&values, visit, &count, 0);
	return count > 4 ? XDP_DROP : XDP_PASS;
}
