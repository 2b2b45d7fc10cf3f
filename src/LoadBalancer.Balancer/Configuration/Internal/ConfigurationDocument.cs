namespace LoadBalancer.Balancer.Configuration.Internal;

/// <summary>The file's shape as the YAML/JSON deserializer fills it (mutable, nullable); mapped to the records.</summary>
internal sealed class ConfigurationDocument
{
    public SettingsDocument? Settings { get; set; }

    public List<VipDocument?>? Vips { get; set; }

    public List<QuicDocument?>? QuicServerIds { get; set; }
}

internal sealed class SettingsDocument
{
    public string? GatewayMac { get; set; }

    public int GuePort { get; set; }

    public string? SourceV4 { get; set; }

    public int SourceV4HashBits { get; set; }

    public string? SourceV6 { get; set; }

    public int SourceV6HashBits { get; set; }
}

internal sealed class VipDocument
{
    public string? Address { get; set; }

    public int Port { get; set; }

    public string? Protocol { get; set; }

    public List<string>? Flags { get; set; }

    public List<RealDocument?>? Reals { get; set; }
}

internal sealed class RealDocument
{
    public string? Address { get; set; }

    public long Weight { get; set; } = 1;
}

internal sealed class QuicDocument
{
    public int Id { get; set; }

    public string? Real { get; set; }
}
