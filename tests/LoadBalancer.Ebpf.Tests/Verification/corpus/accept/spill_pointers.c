// Many live packet pointers and map values so clang spills pointers to the stack.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} counters SEC(".maps");

static __always_inline __u64 *slot(__u32 i)
{
	return bpf_map_lookup_elem(&counters, &i);
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *data_end = (void *)(long)ctx->data_end;
	if (data + 8 > data_end)
		return XDP_DROP;
	__u64 *a = slot(0), *b = slot(1), *c = slot(2), *d = slot(3), *e = slot(4);
	if (!a || !b || !c || !d || !e)
		return XDP_PASS;
	*a += data[0];
	*b += data[1];
	*c += data[2];
	*d += data[3];
	*e += data[4] + *a + *b;
	return data[7] & 1 ? XDP_DROP : XDP_PASS;
}
