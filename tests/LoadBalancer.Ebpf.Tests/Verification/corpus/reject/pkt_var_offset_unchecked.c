// adds a variable offset and reads without a new check
// EXPECT: invalid access to packet
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 1 > data_end)
		return XDP_DROP;
	__u8 skip = *(__u8 *)data;
	__u8 *p = data + skip;
	return *p;
}
