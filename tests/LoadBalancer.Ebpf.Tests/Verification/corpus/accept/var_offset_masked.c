// Reads at a data-dependent offset bounded with a mask, then checked against data_end.
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *data_end = (void *)(long)ctx->data_end;
	if (data + 1 > data_end)
		return XDP_DROP;
	__u32 off = data[0] & 0x3f;
	__u8 *p = data + off;
	if (p + 4 > data_end)
		return XDP_DROP;
	return (p[0] ^ p[3]) & 3;
}
