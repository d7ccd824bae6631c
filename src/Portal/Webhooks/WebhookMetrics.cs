using System.Diagnostics.Metrics;

namespace Portal.Webhooks;

/// <summary>The counters reliability.md A8 asks for, on the <c>Portal.Webhooks</c> meter.</summary>
internal sealed class WebhookMetrics
{
    public const string MeterName = "Portal.Webhooks";

    private readonly Counter<long> responses;
    private readonly Counter<long> flagged;
    private readonly Counter<long> processed;
    private readonly Histogram<double> commitLatency;

    public WebhookMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        responses = meter.CreateCounter<long>("portal.webhook.responses", description: "Webhook responses by outcome.");
        flagged = meter.CreateCounter<long>("portal.webhook.flagged", description: "Stored deliveries by flag.");
        processed = meter.CreateCounter<long>("portal.webhook.processing", description: "Processing attempts by result.");
        commitLatency = meter.CreateHistogram<double>("portal.webhook.commit_latency", "ms", "From arrival to the commit of its batch.");
    }

    public void Responded(string outcome) => responses.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Flagged(string flag) => flagged.Add(1, new KeyValuePair<string, object?>("flag", flag));

    public void Processed(string result) => processed.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Committed(TimeSpan latency) => commitLatency.Record(latency.TotalMilliseconds);
}
