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

    /// <summary>
    /// The state an address names (any case), taking the older word "Failed" for Retrying; null when none. A number
    /// is not a name: <c>state=2</c> is ignored like any unknown word.
    /// </summary>
    public static DeliveryState? Parse(string? name) =>
        string.Equals(name, "Failed", StringComparison.OrdinalIgnoreCase) ? DeliveryState.Retrying
        : Enum.TryParse<DeliveryState>(name, ignoreCase: true, out var state) && Enum.IsDefined(state) && !int.TryParse(name, out _) ? state
        : null;
}
