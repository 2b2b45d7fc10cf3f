namespace LoadBalancer.Ebpf.Kernel.Internal;

/// <summary>The bpf() commands this wrapper uses (<c>enum bpf_cmd</c> in uapi/linux/bpf.h).</summary>
internal enum BpfCommand
{
    MapCreate = 0,
    MapLookupElem = 1,
    MapUpdateElem = 2,
    MapDeleteElem = 3,
    MapGetNextKey = 4,
    ProgLoad = 5,
    ProgTestRun = 10,
    BtfLoad = 18,
    MapFreeze = 22,
}
