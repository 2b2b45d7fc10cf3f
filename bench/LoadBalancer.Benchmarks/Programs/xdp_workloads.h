// XDP wrappers around the benchmark workloads, so the kernel (BPF_PROG_TEST_RUN) runs the same
// computation on the packet: data/data_end from struct xdp_md, every access bounded against data_end.
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

struct xdp_md {
    u32 data;
    u32 data_end;
    u32 data_meta;
    u32 ingress_ifindex;
    u32 rx_queue_index;
    u32 egress_ifindex;
};

#define SEC(name) __attribute__((section(name), used))
#define rol32(x, k) (((x) << (k)) | ((x) >> (32 - (k))))
