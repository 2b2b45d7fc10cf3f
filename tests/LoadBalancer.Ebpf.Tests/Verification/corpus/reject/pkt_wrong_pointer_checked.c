// bounds a different packet pointer than the one read
// EXPECT: invalid access to packet
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 len = (__u8)(data_end - data);
	void *p = data + len;
	if (data + 4 > data_end)
		return XDP_DROP;
	return *(__u8 *)p;
}
