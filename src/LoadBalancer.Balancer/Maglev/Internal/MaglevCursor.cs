namespace LoadBalancer.Balancer.Maglev.Internal;

/// <summary>
/// One backend's walk along its preference list during population: where the list starts
/// (<see cref="Offset"/>), its step, the next slot it tries, the id it writes, and its weight credit
/// (see <see cref="MaglevPopulator"/>).
/// </summary>
internal struct MaglevCursor
{
    public int Offset;
    public int Skip;
    public int Position;
    public int Id;
    public uint Weight;
    public ulong Credit;

    /// <summary>Skip⁻¹ mod size, computed when the tail phase first needs it; 0 until then.</summary>
    public ulong InverseSkip;
}
