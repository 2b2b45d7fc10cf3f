// A loop with a constant bound (not unrolled) that reads the packet with a check per iteration.
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *data_end = (void *)(long)ctx->data_end;
	__u32 sum = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 64; i++) {
		if (data + i + 1 > data_end)
			break;
		sum += data[i];
	}
	return sum % 4;
}
