// atomic on packet
// EXPECT: BPF_ATOMIC stores into
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 8 > data_end)
		return XDP_DROP;
	__sync_fetch_and_add((__u64 *)data, 1);
	return XDP_PASS;
}
