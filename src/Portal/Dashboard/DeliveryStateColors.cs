using MudBlazor;
using Portal.Data.Entities;
using Portal.Realtime;

namespace Portal.Dashboard;

/// <summary>The colour a state's chip has, the same on every page.</summary>
internal static class DeliveryStateColors
{
    public static Color Of(DeliveryState state) => state switch
    {
        DeliveryState.Processed => Color.Success,
        DeliveryState.Retrying or DeliveryState.NeedsAttention => Color.Warning,
        DeliveryState.Dead => Color.Error,
        _ => Color.Default,
    };

    public static Color Of(string state) => DeliveryStateNames.Parse(state) is { } parsed ? Of(parsed) : Color.Default;
}
