// helper size unbounded
// EXPECT: unbounded memory access
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 4 > data_end)
		return XDP_DROP;
	__u32 n = *(__u32 *)data;
	__u64 buf[4] = {};
	return bpf_csum_diff(0, 0, (void *)buf, n, 0);
}
