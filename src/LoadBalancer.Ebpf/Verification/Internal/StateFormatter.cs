using System.Globalization;
using System.Text;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>Prints register and stack states the way the kernel's verifier log does (<c>R1=ctx() R2=pkt(r=14) R10=fp0</c>).</summary>
internal static class StateFormatter
{
    public static string Format(VerifierState state, IReadOnlyList<MapDefinition> maps)
    {
        var sb = new StringBuilder();
        for (var f = 0; f <= state.CurFrame; f++)
        {
            var frame = state.Frames[f];
            if (state.CurFrame > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"frame{f}: ");
            }

            for (var i = 0; i < FuncState.Registers; i++)
            {
                if (frame.Regs[i].Type == RegType.NotInit)
                {
                    continue;
                }

                sb.Append(CultureInfo.InvariantCulture, $"R{i}=");
                Append(sb, frame.Regs[i], maps);
                sb.Append(' ');
            }

            for (var s = 0; s < frame.Stack.Length; s++)
            {
                var slot = frame.Stack[s];
                if (slot.AllInvalid)
                {
                    continue;
                }

                sb.Append(CultureInfo.InvariantCulture, $"fp{-8 * (s + 1)}=");
                if (slot.IsSpill)
                {
                    Append(sb, slot.Spilled, maps);
                }
                else
                {
                    sb.Append(slot.Describe());
                }

                sb.Append(' ');
            }
        }

        return sb.ToString().TrimEnd();
    }

    public static string Format(in RegState r, IReadOnlyList<MapDefinition> maps)
    {
        var sb = new StringBuilder();
        Append(sb, r, maps);
        return sb.ToString();
    }

    public static string TypeName(RegType type) => type switch
    {
        RegType.NotInit => "?",
        RegType.Scalar => "scalar",
        RegType.Ctx => "ctx",
        RegType.ConstPtrToMap => "map_ptr",
        RegType.MapValue => "map_value",
        RegType.MapValueOrNull => "map_value_or_null",
        RegType.Stack => "fp",
        RegType.Packet => "pkt",
        RegType.PacketMeta => "pkt_meta",
        RegType.PacketEnd => "pkt_end",
        RegType.Mem => "mem",
        RegType.MemOrNull => "mem_or_null",
        RegType.Func => "func",
        _ => type.ToString(),
    };

    private static void Append(StringBuilder sb, in RegState r, IReadOnlyList<MapDefinition> maps)
    {
        switch (r.Type)
        {
            case RegType.Scalar:
                if (r.IsConst)
                {
                    sb.Append((long)r.Var.Value);
                    return;
                }

                sb.Append("scalar(");
                AppendBounds(sb, r, first: true);
                sb.Append(')');
                return;
            case RegType.Stack:
                if (r.Var.IsConst && r.Var.Value == 0)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"fp{r.Off}");
                    if (r.Aux != 0)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"(frame{r.Aux})");
                    }

                    return;
                }

                break;
        }

        sb.Append(TypeName(r.Type)).Append('(');
        var parts = new List<string>();
        if (r.Id != 0)
        {
            parts.Add($"id={r.Id}");
        }

        if (r.RefObjId != 0)
        {
            parts.Add($"ref_obj_id={r.RefObjId}");
        }

        if (r.Type is RegType.MapValue or RegType.MapValueOrNull or RegType.ConstPtrToMap && (uint)r.Aux < (uint)maps.Count)
        {
            var m = maps[r.Aux];
            parts.Add($"map={m.Name},ks={m.KeySize},vs={m.ValueSize}");
        }

        if (r.Type is RegType.Mem or RegType.MemOrNull)
        {
            parts.Add($"sz={r.Aux}");
        }

        if (r.Off != 0)
        {
            parts.Add($"off={r.Off}");
        }

        if (r.Type is RegType.Packet or RegType.PacketMeta)
        {
            parts.Add($"r={r.Range}");
        }

        sb.Append(string.Join(',', parts));
        if (!(r.Var.IsConst && r.Var.Value == 0))
        {
            AppendBounds(sb, r, parts.Count == 0);
        }

        sb.Append(')');
    }

    private static void AppendBounds(StringBuilder sb, in RegState r, bool first)
    {
        void Part(string text)
        {
            if (!first)
            {
                sb.Append(',');
            }

            sb.Append(text);
            first = false;
        }

        if (r.SMin != long.MinValue && r.SMin != (long)r.UMin)
        {
            Part($"smin={r.SMin}");
        }

        if (r.SMax != long.MaxValue && r.SMax != (long)r.UMax)
        {
            Part($"smax={r.SMax}");
        }

        if (r.UMin != 0)
        {
            Part($"umin={r.UMin}");
        }

        if (r.UMax != ulong.MaxValue)
        {
            Part($"umax={r.UMax}");
        }

        if (r.S32Min != int.MinValue && r.S32Min != (int)r.U32Min && r.S32Min != r.SMin)
        {
            Part($"smin32={r.S32Min}");
        }

        if (r.S32Max != int.MaxValue && r.S32Max != (int)r.U32Max && r.S32Max != r.SMax)
        {
            Part($"smax32={r.S32Max}");
        }

        if (r.U32Max != uint.MaxValue && r.U32Max != r.UMax)
        {
            Part($"umax32={r.U32Max}");
        }

        if (!r.Var.IsUnknown && !(r.Var.Mask == (r.UMax | (r.UMax >> 1)) && r.Var.Value == 0))
        {
            Part($"var_off={r.Var}");
        }
    }
}
