// A signed index checked on both sides before indexing a map value.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__uint(value_size, 64);
	__uint(max_entries, 1);
} table SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 4 > data_end)
		return XDP_DROP;
	__u32 key = 0;
	__u8 *v = bpf_map_lookup_elem(&table, &key);
	if (!v)
		return XDP_PASS;
	int i = *(int *)data;
	if (i < 0 || i >= 64)
		return XDP_DROP;
	return v[i] & 3;
}
