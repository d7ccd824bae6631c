using Portal.Data.Entities;

namespace Portal.Realtime;

/// <summary>
/// One word per processing state, the same on every page, card, chip, filter and address: the state's own name,
/// spaced for reading where it is shown.
/// </summary>
public static class DeliveryStateNames
{
    /// <summary>Every state, in the order a person thinks of them.</summary>
    public static IReadOnlyList<DeliveryState> All { get; } =
        [DeliveryState.Pending, DeliveryState.Processed, DeliveryState.Retrying, DeliveryState.NeedsAttention, DeliveryState.Dead];

    /// <summary>How a state reads: "Retrying", "Needs attention".</summary>
    public static string Label(DeliveryState state) => state switch
    {
        DeliveryState.NeedsAttention => "Needs attention",
        _ => state.ToString(),
    };

    /// <summary>How a state named in a summary or an address reads.</summary>
    public static string Label(string state) => Parse(state) is { } parsed ? Label(parsed) : state;

    /// <summary>The state a name stands for (any case), taking the older word "Failed" for Retrying; null when none.</summary>
    public static DeliveryState? Parse(string? name) =>
        string.Equals(name, "Failed", StringComparison.OrdinalIgnoreCase) ? DeliveryState.Retrying
        : Enum.TryParse<DeliveryState>(name, ignoreCase: true, out var state) && Enum.IsDefined(state) && !int.TryParse(name, out _) ? state
        : null;
}
