// a bounded loop, rejected only for unprivileged loaders
// EXPECT: back-edge
// STRICT
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 sum = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 4; i++) {
		if (data + i + 1 > data_end)
			break;
		sum += *(__u8 *)(data + i);
	}
	return sum & 3;
}
