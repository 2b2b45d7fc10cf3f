namespace LoadBalancer.Dataplane.Pcap;

/// <summary>A pcap file is not in the classic libpcap format or is damaged; the message says where.</summary>
public sealed class PcapFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    public PcapFormatException(string message)
        : base(message)
    {
    }
}
