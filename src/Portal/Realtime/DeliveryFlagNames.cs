using Portal.Data.Entities;

namespace Portal.Realtime;

/// <summary>The flags' names as design.md spells them, for the stream, the UI and filters.</summary>
public static class DeliveryFlagNames
{
    private static readonly (DeliveryFlags Flag, string Name)[] Names =
    [
        (DeliveryFlags.StaleTimestamp, "stale_timestamp"),
        (DeliveryFlags.Orphan, "orphan"),
        (DeliveryFlags.Unparsed, "unparsed"),
        (DeliveryFlags.Replay, "replay"),
        (DeliveryFlags.Simulated, "simulated"),
        (DeliveryFlags.Uninstalled, "uninstalled"),
    ];

    /// <summary>Every flag's name, in the order they are listed.</summary>
    public static IEnumerable<string> All => Names.Select(n => n.Name);

    /// <summary>The flag a name stands for (any case), or <see cref="DeliveryFlags.None"/>.</summary>
    public static DeliveryFlags Parse(string? name) =>
        Names.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase)).Flag;

    public static IReadOnlyList<string> Of(DeliveryFlags flags)
    {
        if (flags == DeliveryFlags.None)
        {
            return [];
        }

        var names = new List<string>(2);
        foreach (var (flag, name) in Names)
        {
            if (flags.HasFlag(flag))
            {
                names.Add(name);
            }
        }

        return names;
    }
}
