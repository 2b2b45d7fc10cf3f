namespace LoadBalancer.Balancer.Maglev;

/// <summary>
/// One slot of a Maglev table whose backend differs between two tables: what the control plane writes
/// into the ring's BPF array map (key <see cref="Slot"/>, value <see cref="NewId"/>) to go from the old
/// table to the new one.
/// </summary>
/// <param name="Slot">The slot index, 0 ≤ slot &lt; table size.</param>
/// <param name="OldId">The backend id the slot held, or <see cref="MaglevTable.NoBackend"/>.</param>
/// <param name="NewId">The backend id the slot holds now, or <see cref="MaglevTable.NoBackend"/>.</param>
public readonly record struct MaglevSlotChange(int Slot, int OldId, int NewId);
