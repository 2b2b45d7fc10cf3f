// Bounds checks written with data_end on the left, all four comparison forms.
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *data_end = (void *)(long)ctx->data_end;
	__u32 sum = 0;
	if (data_end >= data + 2)
		sum += data[1];
	if (data_end > data + 4)
		sum += data[3];
	if (!(data_end < data + 6))
		sum += data[5];
	if (!(data_end <= data + 8))
		sum += data[7];
	return sum & 3;
}
