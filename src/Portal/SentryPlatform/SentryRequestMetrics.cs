using System.Diagnostics.Metrics;

namespace Portal.SentryPlatform;

/// <summary>
/// Requests to Sentry's routes that were refused before their handler ran (reliability.md A8), on the
/// <c>Portal.SentryPlatform</c> meter: by route (<c>/sentry/webhook</c>) and reason.
/// </summary>
internal sealed class SentryRequestMetrics
{
    private readonly Counter<long> refused;

    public SentryRequestMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(UnverifiedBodyBudget.MeterName);
        refused = meter.CreateCounter<long>(
            "portal.sentry.requests.refused",
            description: "Requests to Sentry's routes refused before their handler ran: bad_signature, too_large, bad_type, too_slow, overloaded, incomplete.");
    }

    public void Refused(string route, string reason) =>
        refused.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("reason", reason));
}
