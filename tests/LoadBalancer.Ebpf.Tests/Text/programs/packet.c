// cpus: v2 v3
// Packet parsing with bounds checks against data_end, in an XDP section (self-contained headers).
struct xdp_md { unsigned int data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex; };
struct ethhdr { unsigned char h_dest[6], h_source[6]; unsigned short h_proto; };
struct iphdr { unsigned char ihl_version, tos; unsigned short tot_len, id, frag_off; unsigned char ttl, protocol; unsigned short check; unsigned int saddr, daddr; };
struct udphdr { unsigned short source, dest, len, check; };

__attribute__((section("xdp"), used))
int parse(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return 1;
    if (eth->h_proto != __builtin_bswap16(0x0800))
        return 2;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end)
        return 1;
    if (ip->protocol != 17)
        return 2;
    struct udphdr *udp = (void *)ip + (ip->ihl_version & 0xf) * 4;
    if ((void *)(udp + 1) > data_end)
        return 1;
    return __builtin_bswap16(udp->dest) == 53 ? 3 : 2;
}
