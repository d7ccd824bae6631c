using System.Globalization;
using System.Security.Cryptography;
using Portal.Data.Converters;
using Portal.Data.Entities;
using Portal.SentryPlatform;

namespace Portal.Webhooks;

/// <summary>
/// Turns a verified request into a stored delivery: hashes it, reads the envelope, sets the flags that need no
/// lookup, and hands it to the writer. Nothing here can refuse a correctly signed delivery (reliability.md W3).
/// </summary>
internal sealed partial class DeliveryIntake(
    DeliveryWriter writer, Portal.Installations.InstallationOrganizations organizations, WebhookMetrics metrics, WarningThrottle throttle, TimeProvider time, ILogger<DeliveryIntake> logger)
{
    /// <summary>Skew allowed for <c>Sentry-Hook-Timestamp</c> (reliability.md W6).</summary>
    public static readonly TimeSpan TimestampTolerance = TimeSpan.FromSeconds(300);

    public Task<StoreOutcome> AcceptAsync(SentryRequest request, DeliverySource source)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resource = NormalizeResource(request.Resource);
        var parsed = WebhookEnvelope.TryRead(request.Body, out var envelope);
        var flags = !parsed || resource is null || !WebhookCatalog.IsKnown(resource, envelope.Action) ? DeliveryFlags.Unparsed : DeliveryFlags.None;
        return StoreAsync(
            request.Body, request.RequestId, resource ?? "unknown", envelope.Action is { } action ? Truncate(action, 64) : null,
            envelope.InstallationUuid, organizations.Find(envelope.InstallationUuid), request.Timestamp, flags, source, request.ArrivedAt);
    }

    /// <summary>
    /// A project service hook's event (sentry-contract.md §4), already verified with that hook's secret: stored and
    /// streamed like any delivery, in the hook's organization. It names no installation and no action; the hook's
    /// GUID stands in for a Request-ID.
    /// </summary>
    public Task<StoreOutcome> AcceptServiceHookAsync(SentryRequest request, long organizationId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var flags = WebhookEnvelope.TryRead(request.Body, out _) ? DeliveryFlags.None : DeliveryFlags.Unparsed;
        return StoreAsync(
            request.Body, request.ServiceHookGuid, WebhookCatalog.ServiceHook, "event", installation: null, organizationId,
            request.ServiceHookTimestamp, flags, DeliverySource.ServiceHook, request.ArrivedAt);
    }

    // The steps every source shares: the timestamp check, the stored form of the body, the writer, the metrics.
    private async Task<StoreOutcome> StoreAsync(
        byte[] body, string requestId, string resource, string? action, Guid? installation, long? organization,
        string timestampHeader, DeliveryFlags flags, DeliverySource source, long arrivedAt)
    {
        metrics.Received(source);
        var now = time.GetUtcNow();
        var hookTimestamp = ParseTimestamp(timestampHeader);
        if (hookTimestamp is not { } seconds || Math.Abs(now.ToUnixTimeSeconds() - seconds) > TimestampTolerance.TotalSeconds)
        {
            flags |= DeliveryFlags.StaleTimestamp;
        }

        var delivery = new PendingDelivery
        {
            Body = body,
            StoredBody = BodyCompression.Compress(body),
            BodySha256 = SHA256.HashData(body),
            RequestId = string.IsNullOrEmpty(requestId) ? null : Truncate(requestId, 64),
            Resource = resource,
            Action = action,
            InstallationUuid = installation,
            OrganizationId = organization,
            ReceivedAt = now,
            HookTimestamp = hookTimestamp,
            Flags = flags,
            Source = source,
        };

        var outcome = await writer.StoreAsync(delivery);
        Record(outcome, delivery, time.GetElapsedTime(arrivedAt));
        return outcome;
    }

    private void Record(StoreOutcome outcome, PendingDelivery delivery, TimeSpan latency)
    {
        metrics.Responded(outcome.Result.ToString());
        metrics.Acknowledged(outcome.Result.ToString(), latency);
        if (outcome.Result != StoreResult.Stored)
        {
            return;
        }

        if (delivery.Flags.HasFlag(DeliveryFlags.StaleTimestamp))
        {
            metrics.Flagged("stale_timestamp");
            if (throttle.ShouldLog("stale_timestamp", out var more))
            {
                LogStaleTimestamp(outcome.Id ?? 0, UntrustedText.ForLog(delivery.RequestId), more);
            }
        }

        if (delivery.Flags.HasFlag(DeliveryFlags.Unparsed))
        {
            metrics.Flagged("unparsed");
            if (throttle.ShouldLog($"unparsed:{delivery.Resource}", out var more))
            {
                LogUnparsed(outcome.Id ?? 0, UntrustedText.ForLog(delivery.Resource), UntrustedText.ForLog(delivery.Action), more);
            }
        }
    }

    // Resources are short lower-case words; anything else is kept as "unknown" and flagged rather than stored verbatim.
    private static string? NormalizeResource(string header)
    {
        if (header.Length is 0 or > 64)
        {
            return null;
        }

        foreach (var c in header)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '.'))
            {
                return null;
            }
        }

        return header;
    }

    private static long? ParseTimestamp(string header) =>
        long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored delivery {DeliveryId} with a missing or stale Sentry-Hook-Timestamp (Request-ID {RequestId}); check the clock ({Suppressed} more since the last warning)")]
    private partial void LogStaleTimestamp(long deliveryId, string requestId, long suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored delivery {DeliveryId} as unparsed: resource {Resource}, action {Action} ({Suppressed} more since the last warning)")]
    private partial void LogUnparsed(long deliveryId, string resource, string action, long suppressed);
}
