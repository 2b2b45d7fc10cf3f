// passes a packet pointer to bpf_ringbuf_output, which may not read the packet directly
// EXPECT: helper access to the packet is not allowed
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 14 > data_end)
		return XDP_PASS;
	bpf_ringbuf_output(&events, data, 14, 0);
	return XDP_PASS;
}
