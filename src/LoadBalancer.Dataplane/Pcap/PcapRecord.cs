namespace LoadBalancer.Dataplane.Pcap;

/// <summary>One captured packet of a pcap file.</summary>
/// <param name="Timestamp">Capture time (UTC).</param>
/// <param name="OriginalLength">Length of the packet on the wire; larger than <see cref="Data"/> when the capture was cut at the snap length.</param>
/// <param name="Data">The captured bytes, from the link-layer header on.</param>
public readonly record struct PcapRecord(DateTime Timestamp, int OriginalLength, ReadOnlyMemory<byte> Data)
{
    /// <summary>True when the capture holds fewer bytes than the packet had on the wire.</summary>
    public bool IsTruncated => OriginalLength > Data.Length;
}
