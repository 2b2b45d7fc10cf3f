// Exercises the XDP helpers on UDP/IPv4 packets, chosen by destination port:
//   1000: bpf_redirect_map to tx_ports[source port % 8], falling back to XDP_PASS
//   2000: bpf_xdp_adjust_meta(-8) and a u64 mark (the ports) in the metadata
//   3000: bpf_xdp_adjust_tail to cut the packet to 64 bytes
//   4000: bpf_xdp_adjust_tail(+16): the kernel zeroes the new bytes
//   5000: bpf_xdp_load_bytes / bpf_xdp_store_bytes to swap the IPv4 addresses
//   6000: bpf_xdp_adjust_head(+4) after moving the MAC addresses (pops 4 bytes after them)
//   7000: bpf_redirect(source port, 0)
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 8);
} tx_ports SEC(".maps");

SEC("xdp")
int xdp_helpers(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	__u16 sport = bpf_ntohs(udp->source);
	__u16 dport = bpf_ntohs(udp->dest);
	int len = data_end - data;

	switch (dport) {
	case 1000:
		return bpf_redirect_map(&tx_ports, sport % 8, XDP_PASS);
	case 2000: {
		if (bpf_xdp_adjust_meta(ctx, -8))
			return XDP_ABORTED;
		__u64 *meta = (void *)(long)ctx->data_meta;
		if ((void *)(meta + 1) > (void *)(long)ctx->data)
			return XDP_ABORTED;
		*meta = ((__u64)sport << 16) | dport;
		return XDP_PASS;
	}
	case 3000:
		if (len <= 64)
			return XDP_PASS;
		return bpf_xdp_adjust_tail(ctx, 64 - len) ? XDP_ABORTED : XDP_TX;
	case 4000:
		return bpf_xdp_adjust_tail(ctx, 16) ? XDP_DROP : XDP_TX;
	case 5000: {
		__u32 addrs[2];
		if (bpf_xdp_load_bytes(ctx, ETH_HLEN + 12, addrs, sizeof(addrs)))
			return XDP_ABORTED;
		__u32 swapped[2] = { addrs[1], addrs[0] };
		if (bpf_xdp_store_bytes(ctx, ETH_HLEN + 12, swapped, sizeof(swapped)))
			return XDP_ABORTED;
		return XDP_TX;
	}
	case 6000: {
		unsigned char macs[12];
		__builtin_memcpy(macs, eth, 12);
		if (bpf_xdp_adjust_head(ctx, 4))
			return XDP_DROP;
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		if (data + 12 > data_end)
			return XDP_DROP;
		__builtin_memcpy(data, macs, 12);
		return XDP_PASS;
	}
	case 7000:
		return bpf_redirect(sport, 0);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
