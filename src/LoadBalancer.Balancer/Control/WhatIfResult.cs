namespace LoadBalancer.Balancer.Control;

/// <summary>What a proposed change of a VIP's reals would move.</summary>
/// <param name="Vip">The VIP.</param>
/// <param name="RingSlots">Slots of its ring.</param>
/// <param name="SlotsMoved">Slots whose real would change (new flows hashing there go elsewhere).</param>
/// <param name="TrackedFlows">Flows of the VIP in the flow table now.</param>
/// <param name="FlowsMoved">Tracked flows pinned to a real the change removes: they would move.</param>
/// <param name="FlowsRepicked">Tracked flows whose ring pick changes (what would move if the flow table were lost, or on another instance).</param>
public sealed record WhatIfResult(VipId Vip, int RingSlots, int SlotsMoved, int TrackedFlows, int FlowsMoved, int FlowsRepicked)
{
    /// <summary>Share of ring slots that move (0..1).</summary>
    public double ShareOfSlotsMoved => RingSlots == 0 ? 0 : (double)SlotsMoved / RingSlots;

    /// <summary>Share of tracked flows that move (0..1; 0 without tracked flows).</summary>
    public double ShareOfFlowsMoved => TrackedFlows == 0 ? 0 : (double)FlowsMoved / TrackedFlows;

    /// <summary>Share of tracked flows whose ring pick changes (0..1).</summary>
    public double ShareOfFlowsRepicked => TrackedFlows == 0 ? 0 : (double)FlowsRepicked / TrackedFlows;
}
