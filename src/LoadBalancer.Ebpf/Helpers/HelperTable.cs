namespace LoadBalancer.Ebpf.Helpers;

/// <summary>
/// The helpers a program may call, indexed by the kernel's helper id (<see cref="HelperIds"/>). The
/// validator rejects calls to ids that are not registered; the interpreter and the JIT call through
/// the same table.
/// </summary>
public sealed class HelperTable
{
    private HelperFunction?[] _functions = new HelperFunction?[HelperIds.Count];
    private string?[] _names = new string?[HelperIds.Count];

    /// <summary>Registers (or replaces) the helper with kernel id <paramref name="id"/>.</summary>
    /// <param name="id">The kernel's helper id (1 and up).</param>
    /// <param name="name">The name shown in messages, normally the kernel's (<c>bpf_ktime_get_ns</c>).</param>
    /// <param name="function">The implementation.</param>
    public HelperTable Register(int id, string name, HelperFunction function)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(id, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, 65535);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        if (id >= _functions.Length)
        {
            Array.Resize(ref _functions, id + 1);
            Array.Resize(ref _names, id + 1);
        }

        _functions[id] = function;
        _names[id] = name;
        return this;
    }

    /// <summary>The helper registered under <paramref name="id"/>, if any.</summary>
    public bool TryGet(long id, out HelperFunction function)
    {
        if ((ulong)id < (ulong)_functions.Length && _functions[id] is { } f)
        {
            function = f;
            return true;
        }

        function = null!;
        return false;
    }

    /// <summary>True when a helper is registered under <paramref name="id"/>.</summary>
    public bool Contains(long id) => (ulong)id < (ulong)_functions.Length && _functions[id] is not null;

    /// <summary>The registered name of a helper, else the kernel's name for the id, else null.</summary>
    public string? NameOf(long id) =>
        (ulong)id < (ulong)_names.Length && _names[id] is { } n ? n : id is > 0 and < int.MaxValue ? HelperIds.NameOf((int)id) : null;

    /// <summary>Registers every helper of <paramref name="source"/> here, replacing helpers with the same ids.</summary>
    public HelperTable RegisterAll(HelperTable source)
    {
        ArgumentNullException.ThrowIfNull(source);
        for (var id = 1; id < source._functions.Length; id++)
        {
            if (source._functions[id] is { } function)
            {
                Register(id, source._names[id]!, function);
            }
        }

        return this;
    }

    /// <summary>The function slots by id (null where nothing is registered), for the execution engines.</summary>
    internal HelperFunction?[] Functions => _functions;

    /// <summary>A table with the helpers that need nothing but the run context (time: <c>bpf_ktime_get_ns</c>).</summary>
    public static HelperTable CreateDefault() =>
        new HelperTable().Register(HelperIds.KtimeGetNs, "bpf_ktime_get_ns", TimeHelpers.KtimeGetNs);
}
