using Microsoft.AspNetCore.SignalR;
using Portal.Tenancy;

namespace Portal.Realtime;

/// <summary>
/// The live stream for clients outside the Blazor circuit (other dashboards, a CLI tail, integrations). A client
/// calls <see cref="Subscribe"/> after every (re)connect with the last id it saw and then receives
/// <see cref="DeliveryMethod"/> messages; the Blazor pages read <see cref="DeliveryPublisher"/> in process instead.
/// </summary>
internal sealed class DeliveriesHub(HubFeeds feeds, PortalAccess access, RealtimeMetrics metrics) : Hub
{
    /// <summary>The client method each <see cref="DeliverySummary"/> is sent to.</summary>
    public const string DeliveryMethod = "delivery";

    /// <summary>Sent when a client is too far behind to be caught up (more than <see cref="DeliveryHistory.MaxBackfill"/>): reload.</summary>
    public const string ReloadMethod = "reload";

    /// <summary>
    /// Starts (or restarts) this connection's feed of the deliveries its person may see; with
    /// <paramref name="afterId"/>, first sends what came after it.
    /// </summary>
    public async Task Subscribe(long? afterId)
    {
        var scope = await access.ScopeOfAsync(Context.User ?? new System.Security.Claims.ClaimsPrincipal(), Context.ConnectionAborted);
        if (scope.IsEmpty)
        {
            Context.Abort();
            return;
        }

        feeds.Start(Context, afterId, scope);
    }

    public override Task OnConnectedAsync()
    {
        metrics.Connected();
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        metrics.Disconnected();
        feeds.Stop(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
