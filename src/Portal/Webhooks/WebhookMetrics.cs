using System.Diagnostics.Metrics;
using Portal.Data.Entities;

namespace Portal.Webhooks;

/// <summary>
/// The counters reliability.md A8 asks for, on the <c>Portal.Webhooks</c> meter. Deliveries refused before their
/// signature was accepted are counted by SentryPlatform (<c>portal.sentry.requests.refused</c>).
/// </summary>
internal sealed class WebhookMetrics
{
    public const string MeterName = "Portal.Webhooks";

    private readonly Counter<long> received;
    private readonly Counter<long> responses;
    private readonly Counter<long> flagged;
    private readonly Counter<long> processed;
    private readonly Histogram<double> commitLatency;
    private readonly Histogram<double> ackLatency;

    public WebhookMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        received = meter.CreateCounter<long>("portal.webhook.deliveries.received", description: "Correctly signed deliveries handed to the intake, by source.");
        responses = meter.CreateCounter<long>("portal.webhook.responses", description: "Webhook responses by outcome: Stored (202), Duplicate (200), Unavailable (503).");
        flagged = meter.CreateCounter<long>("portal.webhook.flagged", description: "Stored deliveries by flag.");
        processed = meter.CreateCounter<long>("portal.webhook.processing", description: "Processing attempts by result: processed, needs_attention, failed, dead.");
        commitLatency = meter.CreateHistogram<double>("portal.webhook.commit_latency", "ms", "From arrival to the commit of its batch.");
        ackLatency = meter.CreateHistogram<double>("portal.webhook.ack_latency", "ms", "From the first byte of the request read to the answer being decided, by outcome.");
    }

    public void Received(DeliverySource source) =>
        received.Add(1, new KeyValuePair<string, object?>("source", source == DeliverySource.ServiceHook ? "service_hook" : "app_webhook"));

    public void Responded(string outcome) => responses.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Acknowledged(string outcome, TimeSpan latency) =>
        ackLatency.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("outcome", outcome));

    public void Flagged(string flag) => flagged.Add(1, new KeyValuePair<string, object?>("flag", flag));

    public void Processed(string result) => processed.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Committed(TimeSpan latency) => commitLatency.Record(latency.TotalMilliseconds);
}
