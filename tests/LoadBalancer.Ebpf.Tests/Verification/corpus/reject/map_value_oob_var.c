// index up to 127 into a 64-byte value
// EXPECT: invalid access to map value
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__uint(value_size, 64);
	__uint(max_entries, 4);
} table SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 1 > data_end)
		return XDP_DROP;
	__u32 key = 0;
	__u8 *v = bpf_map_lookup_elem(&table, &key);
	if (!v)
		return XDP_DROP;
	__u32 i = *(__u8 *)data & 0x7f;
	return v[i];
}
