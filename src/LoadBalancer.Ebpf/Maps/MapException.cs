namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// A map could not be created or a control-plane operation on it failed. The message names the map and
/// the reason; <see cref="Errno"/> carries the kernel errno the same failure gives through bpf(2).
/// </summary>
public sealed class MapException : EbpfException
{
    /// <summary>Creates the exception for <paramref name="mapName"/> with the reason and the kernel errno.</summary>
    public MapException(string mapName, string reason, int errno = BpfErrno.EINVAL)
        : base($"map '{mapName}': {reason}")
    {
        MapName = mapName;
        Errno = errno;
    }

    /// <summary>Name of the map the operation was on.</summary>
    public string MapName { get; }

    /// <summary>Positive kernel errno of the failure (<see cref="BpfErrno"/>).</summary>
    public int Errno { get; }
}
