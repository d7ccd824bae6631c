using System.Diagnostics.Metrics;

namespace Portal.Realtime;

/// <summary>Hub clients connected now, and those the portal disconnected (reliability.md A8), on the <c>Portal.Realtime</c> meter.</summary>
internal sealed class RealtimeMetrics
{
    public const string MeterName = "Portal.Realtime";

    private readonly UpDownCounter<long> clients;
    private readonly Counter<long> dropped;

    public RealtimeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        clients = meter.CreateUpDownCounter<long>("portal.hub.clients", description: "Clients connected to /hubs/deliveries on this instance.");
        dropped = meter.CreateCounter<long>("portal.hub.clients_dropped", description: "Hub clients the portal disconnected, by reason: too_slow, access_ended.");
    }

    public void Connected() => clients.Add(1);

    public void Disconnected() => clients.Add(-1);

    public void Dropped(string reason) => dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
