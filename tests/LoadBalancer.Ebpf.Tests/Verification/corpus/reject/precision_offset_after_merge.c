// Two paths meet with different packet offsets in a register; the offset is used only after the
// meeting point. Pruning must treat it as precise (it moves a packet pointer), else the second path
// (offset 20, beyond the 16 checked bytes) would be cut short by the first (offset 4, explored first).
// EXPECT: invalid access to packet
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 16 > data_end)
		return XDP_DROP;
	__u64 off = 20;
	if (bpf_get_prandom_u32() & 1)
		off = 4;
	asm volatile("" : "+r"(off));
	__u8 *p = data + off;
	return *p;
}
