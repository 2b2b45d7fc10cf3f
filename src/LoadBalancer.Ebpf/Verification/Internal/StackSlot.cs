using System.Runtime.CompilerServices;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>The kinds of the 8 bytes of one stack slot.</summary>
[InlineArray(8)]
internal struct SlotBytes
{
    private SlotKind _element;
}

/// <summary>One 8-byte stack slot: the kind of each byte and, when spilled, the register it holds.</summary>
internal struct StackSlot
{
    public SlotBytes Kinds;
    public RegState Spilled;

    public readonly bool IsSpill => Kinds[0] == SlotKind.Spill && Kinds[7] == SlotKind.Spill;

    public readonly bool AllInvalid
    {
        get
        {
            for (var i = 0; i < 8; i++)
            {
                if (Kinds[i] != SlotKind.Invalid)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Single character per byte as the kernel prints it (m misc, 0 zero, r spill, ? invalid).</summary>
    public readonly string Describe()
    {
        Span<char> c = stackalloc char[8];
        for (var i = 0; i < 8; i++)
        {
            c[7 - i] = Kinds[i] switch { SlotKind.Misc => 'm', SlotKind.Zero => '0', SlotKind.Spill => 'r', _ => '?' };
        }

        return new string(c);
    }
}
