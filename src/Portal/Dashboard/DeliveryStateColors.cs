using MudBlazor;
using Portal.Data.Entities;

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
}
