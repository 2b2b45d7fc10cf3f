// checksum.c as XDP: RFC 1071 over the packet.
#include "xdp_workloads.h"

SEC("xdp") int xdp_checksum(struct xdp_md *ctx)
{
    u8 *data = (u8 *)(long)ctx->data;
    u8 *end = (u8 *)(long)ctx->data_end;
    u64 sum = 0;
    for (u32 i = 0; i < 1500; i += 2) {
        if (data + i + 2 > end)
            break;
        sum += (u32)data[i] << 8 | data[i + 1];
    }
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (u16)~sum;
}
