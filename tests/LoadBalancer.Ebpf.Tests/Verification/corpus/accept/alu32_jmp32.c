// Compiled for cpu v3 (32-bit ALU and JMP32): bounds learned on subregisters.
// CFLAGS: -mcpu=v3
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
	__u8 *data = (void *)(long)ctx->data;
	__u8 *data_end = (void *)(long)ctx->data_end;
	if (data + 4 > data_end)
		return XDP_DROP;
	__u32 key = 0;
	__u8 *v = bpf_map_lookup_elem(&table, &key);
	if (!v)
		return XDP_PASS;
	__u32 i = *(__u32 *)data;
	if (i >= 60)
		return XDP_DROP;
	__u32 j = (i * 3 + 1) % 64;
	return (v[i] + v[j]) & 3;
}
