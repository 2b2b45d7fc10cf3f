// bpf_xdp_load_bytes into a stack buffer and bpf_xdp_store_bytes back.
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u8 mac[6];
	if (bpf_xdp_load_bytes(ctx, 0, mac, sizeof(mac)))
		return XDP_DROP;
	mac[0] ^= 2;
	bpf_xdp_store_bytes(ctx, 6, mac, sizeof(mac));
	return XDP_TX;
}
