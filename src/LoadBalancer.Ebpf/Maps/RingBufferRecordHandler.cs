namespace LoadBalancer.Ebpf.Maps;

/// <summary>Receives one submitted ring-buffer record (valid only during the call).</summary>
public delegate void RingBufferRecordHandler(ReadOnlySpan<byte> record);
