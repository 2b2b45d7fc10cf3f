using System.Net;

namespace LoadBalancer.Balancer.Control;

/// <summary>A real of a VIP as configured.</summary>
/// <param name="Address">The real's address.</param>
/// <param name="Weight">Maglev weight (0 = drained).</param>
/// <param name="RealIndex">Its index in the <c>reals</c> map.</param>
/// <param name="RingSlots">Slots of the VIP's ring that name it.</param>
public sealed record VipRealSnapshot(IPAddress Address, uint Weight, int RealIndex, int RingSlots);
