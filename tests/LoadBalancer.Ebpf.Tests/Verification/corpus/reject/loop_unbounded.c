// a loop bounded only by packet data
// EXPECT: BPF program is too large
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 4 > data_end)
		return XDP_DROP;
	__u32 n = *(__u32 *)data;
	volatile __u32 sum = 0;
	for (__u32 i = 0; i < n; i++)
		sum += i;
	return sum;
}
